"""Splitting long replies for Telegram and the REST channel, and keeping secrets out of logs."""

from __future__ import annotations

import logging
import sys

import pytest

from bot._redact import RedactingFilter, redact
from bot._text import paragraphs, split_message, utf16_len


def test_paragraphs_split_on_blank_lines_like_rasa() -> None:
    assert paragraphs("一\n\n二\n三\n \n\n四  ") == ["一", "二\n三", "四"]
    assert paragraphs("  \n\n ") == []


@pytest.mark.parametrize(("text", "limit", "expected"), [
    ("短消息", 4096, ["短消息"]),
    ("甲" * 6 + "\n\n" + "乙" * 6, 14, ["甲" * 6 + "\n\n" + "乙" * 6]),
    ("甲" * 6 + "\n\n" + "乙" * 6, 13, ["甲" * 6, "乙" * 6]),
    ("第一行。\n第二行。", 5, ["第一行。", "第二行。"]),
    ("一句。二句。三句。", 6, ["一句。二句。", "三句。"]),
    ("无标点的很长一段文字", 4, ["无标点的", "很长一段", "文字"]),
])
def test_split_message_prefers_paragraph_then_line_then_sentence(text: str, limit: int,
                                                                 expected: list[str]) -> None:
    assert split_message(text, limit) == expected


def test_split_message_counts_utf16_units_and_loses_nothing() -> None:
    text = "\n\n".join(["😀" * 1500, "资" * 3000, "产" * 5000])
    parts = split_message(text, 4096)
    assert all(utf16_len(p) <= 4096 for p in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")


def test_redaction_masks_tokens_in_messages_and_tracebacks() -> None:
    token = "123456789:AAFakeTokenForTestsOnly_abcdefghijk"
    assert token not in redact(f"POST https://api.telegram.org/bot{token}/getMe")
    assert "secret-x" not in redact("header secret-x", ["secret-x"])
    try:
        raise RuntimeError(f"url /bot{token}/sendMessage failed")
    except RuntimeError:
        record = logging.LogRecord("t", logging.ERROR, __file__, 1, "calling %s", (token,), exc_info=True)


        record.exc_info = sys.exc_info()
    RedactingFilter().filter(record)
    assert token not in record.getMessage() and token not in (record.exc_text or "")
    assert "RuntimeError" in (record.exc_text or "")
