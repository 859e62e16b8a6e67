"""``shenbao ask``: one answer, or one JSON object per stdin line; bad input gets a clear reply."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import ClassVar

import pytest

from bot.cli import main
from nlu import Entity, IntentScore, ParseResult, reset_engine

KEYS = {"text", "intent", "confidence", "fallback", "sources", "engine"}


class FakeEngine:
    """Answers by a table, so these tests do not depend on the real engine's accuracy."""

    name = "fake"
    TABLE: ClassVar[dict[str, tuple[str, tuple[Entity, ...]]]] = {
        "资产要多少": ("condition_assets", ()),
        "资产80万可以吗": ("condition_assets", (Entity("money", 800000, 2, 5, "80万"),)),
        "附件在哪下载": ("open_download", ()),
        "你好": ("greet", ()),
    }

    def parse(self, text: str) -> ParseResult:
        intent, entities = self.TABLE.get(text, ("nlu_fallback", ()))
        return ParseResult(text=text, intent=intent, confidence=0.9, entities=entities,
                           intent_ranking=(IntentScore(intent, 0.9),), engine=self.name)


@pytest.fixture
def fake_engine() -> Iterator[None]:
    reset_engine(FakeEngine())
    yield
    reset_engine(None)


def run_ask(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, args: list[str],
            stdin: str = "") -> tuple[int, str]:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(["ask", *args])
    return code, capsys.readouterr().out


def test_ask_one_question(fake_engine: None, capsys: pytest.CaptureFixture[str],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = run_ask(capsys, monkeypatch, ["资产80万可以吗"])
    assert code == 0
    assert "还差20万元" in out and "依据：二、申报条件（一）第1项" in out
    assert "个人信息" not in out  # ask keeps nothing, so no privacy notice


def test_ask_json_reads_stdin_lines(fake_engine: None, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = run_ask(capsys, monkeypatch, ["--json"], "资产要多少\n附件在哪下载\n明天下雨吗\n你好\n")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 4
    assert all(set(r) == KEYS for r in rows)
    assert [r["intent"] for r in rows] == ["condition_assets", "open_download", "nlu_fallback", "greet"]
    assert [r["fallback"] for r in rows] == [False, False, True, False]
    assert rows[0]["sources"] == ["二、申报条件（一）第1项"] and rows[0]["engine"] == "fake"
    assert "本通知未作规定" in rows[1]["text"]
    assert "\\u" not in out  # ensure_ascii=False: Chinese as it is


def test_ask_json_with_a_question(fake_engine: None, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _, out = run_ask(capsys, monkeypatch, ["--json", "资产要多少"])
    row = json.loads(out)
    assert row["intent"] == "condition_assets" and row["confidence"] == 0.9


BAD = ["", "   ", "资" * 10000, "😀😀😀", "\x00\x07\x1b[2J", "'; DROP TABLE users; --", "{{ 7*7 }}",
       "{% for i in range(3) %}x{% endfor %}"]


def test_bad_input_through_the_real_command() -> None:
    """A subprocess with the installed engine: every line answered, valid JSON, no traceback, nothing
    template-evaluated."""
    env = {**os.environ, "SHENBAO_LOG_LEVEL": "WARNING"}
    proc = subprocess.run([sys.executable, "-m", "bot", "ask", "--json"], input="\n".join(BAD) + "\n/help\n",
                          capture_output=True, text=True, timeout=120, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) == len(BAD) + 1
    assert all(set(r) == KEYS and r["text"].strip() for r in rows)
    assert "没有收到文字" in rows[0]["text"] and "没有收到文字" in rows[1]["text"]
    assert "10000" in rows[2]["text"] and "4096" in rows[2]["text"]
    assert "无法识别" in rows[3]["text"]
    assert "49" not in rows[6]["text"] and "xxx" not in rows[7]["text"]
    assert rows[-1]["intent"] == "help" and not rows[-1]["fallback"]


def test_ask_help_is_bilingual() -> None:
    proc = subprocess.run([sys.executable, "-m", "bot", "ask", "--help"], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0 and "问题" in proc.stdout and "question" in proc.stdout


@pytest.mark.parametrize(("nlu_setting", "expected"), [("", "builtin"), ("rasa", "rasa")])
def test_a_slash_command_reports_the_configured_engine(fake_engine: None, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch, nlu_setting: str,
                                                       expected: str) -> None:
    monkeypatch.setenv("SHENBAO_NLU", nlu_setting)
    _, out = run_ask(capsys, monkeypatch, ["--json", "/help"])
    row = json.loads(out)
    assert row["intent"] == "help" and row["engine"] == expected  # interfaces.md: builtin or rasa
