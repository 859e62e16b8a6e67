"""knowledge._memo: remembered answers per object and arguments."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from knowledge import _memo
from knowledge._memo import per_text, remember


@dataclass(frozen=True)
class _Words:
    word: str

    @per_text
    def count(self, text: str, lang: str = "zh") -> int:
        """How often the word is in the text ("能报吗，能报" has 报 twice); each reckoning is logged."""
        _CALLS.append(text)
        return text.count(self.word)


_CALLS: list[str] = []


def test_per_text_works_out_once_per_object_and_arguments() -> None:
    _CALLS.clear()
    a, b = _Words("报"), _Words("能")
    assert a.count("能报吗，能报") == 2 and a.count("能报吗，能报") == 2
    assert b.count("能报吗，能报") == 2  # another object: its own memory
    assert a.count("能报吗，能报", lang="en") == 2  # other arguments
    assert _CALLS == ["能报吗，能报"] * 3
    assert a == _Words("报")  # the memory is no field: equality and the frozen fields are unchanged


def test_memory_starts_over_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    _CALLS.clear()
    monkeypatch.setattr(_memo, "LIMIT", 2)
    words = _Words("报")
    for text in ("报", "报报", "报报报", "报"):
        words.count(text)
    assert _CALLS == ["报", "报报", "报报报", "报"]  # the third started a new memory, so "报" is counted again


def test_remember_keeps_what_make_gives_per_key() -> None:
    owner = _Words("x")
    made: list[str] = []

    def make() -> str:
        made.append("ab")
        return "AB"

    assert [remember(owner, "upper", "ab", make) for _ in range(2)] == ["AB", "AB"]
    assert made == ["ab"]
