"""Lists of words in the knowledge data: the longest one found in a message (``WordIndex``), and the small typed
checks their files share (each raising ``KnowledgeError(file, key, problem)``)."""

from __future__ import annotations

import re
from typing import Any

from knowledge.errors import KnowledgeError

KEY = re.compile(r"^[a-z][a-z0-9_]*$")
SEPARATORS = "，,。.；;！!？?、：:\n "


class WordIndex:
    """Words → their key. Only the positions holding a word's first character are tried (most messages name
    no word at all); at each, the longest word starting there."""

    def __init__(self, words: dict[str, str]) -> None:
        self._keys = words
        self._first = re.compile(f"[{''.join(sorted({re.escape(w[0]) for w in words}))}]")
        self._words = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))

    def found(self, text: str) -> list[tuple[str, int, str]]:
        """(word, start, key) of the words in ``text`` from left to right, none overlapping another."""
        out: list[tuple[str, int, str]] = []
        end = 0
        for candidate in self._first.finditer(text):
            if candidate.start() < end:
                continue
            match = self._words.match(text, candidate.start())
            if match is not None:
                out.append((match.group(), match.start(), self._keys[match.group()]))
                end = match.end()
        return out

    def longest(self, text: str) -> tuple[str, int, str] | None:
        """(word, start, key) of the longest word anywhere in ``text`` (the first on ties), or None."""
        best: tuple[str, int] | None = None
        for candidate in self._first.finditer(text):
            match = self._words.match(text, candidate.start())
            if match is not None and (best is None or len(match.group()) > len(best[0])):
                best = (match.group(), candidate.start())
        return None if best is None else (best[0], best[1], self._keys[best[0]])


def clause_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The text of the clause holding ``text[start:end]``: what comes before it and what comes after it."""
    left = max((text.rfind(sep, 0, start) for sep in SEPARATORS), default=-1) + 1
    ends = [i for i in (text.find(sep, end) for sep in SEPARATORS) if i >= 0]
    return text[left:start], text[end:min(ends, default=len(text))]


def has_any(text: str, words: tuple[str, ...]) -> bool:
    return any(w in text for w in words)


def as_map(value: Any, file: str, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise KnowledgeError(file, key, "应为映射（键: 值）")
    return value


def text_of(data: dict[str, Any], name: str, file: str, key: str, *, required: bool = True) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise KnowledgeError(file, f"{key}.{name}", "缺少或不是非空字符串")
    return "".join(value.split())  # YAML folding puts spaces between the lines of Chinese text


def words_of(value: Any, file: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise KnowledgeError(file, key, "应为非空列表")
    for i, word in enumerate(value):
        if not isinstance(word, str) or not word.strip() or word != word.strip():
            raise KnowledgeError(file, f"{key}[{i}]", "应为非空字符串（前后无空格）")
    return tuple(value)


def flag_of(data: dict[str, Any], name: str, file: str, key: str) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise KnowledgeError(file, f"{key}.{name}", "应为 true 或 false")
    return value


def checked_key(key: Any, file: str, path: str) -> str:
    if not isinstance(key, str) or not KEY.match(key):
        raise KnowledgeError(file, path, "键应为小写英文与下划线")
    return key


def word_index(entries: dict[str, tuple[str, ...]], file: str, section: str) -> WordIndex:
    """Every word names one entry only."""
    owner: dict[str, str] = {}
    for key, words in entries.items():
        for i, word in enumerate(words):
            if word in owner:
                raise KnowledgeError(file, f"{section}.{key}.words[{i}]", f"“{word}”已在 {owner[word]} 中")
            owner[word] = key
    return WordIndex(owner)
