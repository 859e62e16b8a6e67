"""Text helpers shared by the channels: paragraph splitting and length limits."""

from __future__ import annotations

import re

__all__ = ["paragraphs", "split_message", "utf16_len"]

_BLANK_LINES = re.compile(r"\n[ \t\u3000]*\n+")
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")


def utf16_len(text: str) -> int:
    """Telegram counts message length in UTF-16 code units (an emoji counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def paragraphs(text: str) -> list[str]:
    """Split on blank lines, as Rasa's REST channel does with ``\\n\\n``; empty parts are dropped."""
    return [p.strip() for p in _BLANK_LINES.split(text.strip()) if p.strip()]


def split_message(text: str, limit: int = 4096) -> list[str]:
    """Cut ``text`` into messages of at most ``limit`` UTF-16 units, on paragraph boundaries where possible,
    then on line ends, then after a sentence end, and only as a last resort inside a sentence."""
    chunks: list[str] = []
    for piece in _pieces(text.strip(), limit):
        if chunks and utf16_len(chunks[-1]) + 2 + utf16_len(piece) <= limit:
            chunks[-1] = f"{chunks[-1]}\n\n{piece}"
        else:
            chunks.append(piece)
    return chunks or [""]


def _pieces(text: str, limit: int) -> list[str]:
    """Paragraphs, each already short enough (long ones cut further)."""
    out: list[str] = []
    for para in paragraphs(text):
        out.extend(_cut(para, limit, ("\n", "sentence", "hard")))
    return out


def _cut(text: str, limit: int, ways: tuple[str, ...]) -> list[str]:
    if utf16_len(text) <= limit:
        return [text]
    way, rest = ways[0], ways[1:]
    if way == "hard":
        return _hard_cut(text, limit)
    parts = text.split("\n") if way == "\n" else [p for p in _SENTENCE_END.split(text) if p]
    joiner = "\n" if way == "\n" else ""
    out: list[str] = []
    for part in parts:
        for small in _cut(part, limit, rest):
            if out and utf16_len(out[-1]) + len(joiner) + utf16_len(small) <= limit:
                out[-1] = f"{out[-1]}{joiner}{small}"
            else:
                out.append(small)
    return out


def _hard_cut(text: str, limit: int) -> list[str]:
    out: list[str] = []
    current = ""
    for ch in text:
        if utf16_len(current) + utf16_len(ch) > limit:
            out.append(current)
            current = ""
        current += ch
    if current:
        out.append(current)
    return out
