"""Lists of words in the knowledge data: the longest one found in a message (``WordIndex``, ``EnglishIndex``), a
list of cue words looked for in a message (``Phrases``), and the small typed checks their files share (each raising
``KnowledgeError(file, key, problem)``).

Chinese words are found as they are written. English words are found as whole words, whatever the case, spacing,
hyphens and punctuation inside them ("county-level" = "County level"), and also in the plural of their last word
("branch offices", "subsidiaries")."""

from __future__ import annotations

import re
from typing import Any, Protocol

from knowledge.errors import KnowledgeError

KEY = re.compile(r"^[a-z][a-z0-9_]*$")
SEPARATORS = "，,。.；;！!？?、：:\n "
ENGLISH_SEPARATORS = SEPARATORS.replace(" ", "")  # an English clause has spaces between its words
_TOKEN = re.compile(r"[0-9a-z]+|,", re.IGNORECASE)  # an English word, or a comma (which ends a list item)


class Index(Protocol):
    def found(self, text: str) -> list[tuple[str, int, str]]: ...

    def longest(self, text: str) -> tuple[str, int, str] | None: ...


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


def english_words(text: str) -> tuple[str, ...]:
    """The words of an English text, lower case, with its commas ("County-level park," → county, level, park, ",")."""
    return tuple(m.group().lower() for m in _TOKEN.finditer(text))


def _plural_forms(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    """A phrase and its plurals (of its last word): office → offices, branch → branches, agency → agencies."""
    *head, last = words
    forms = [last, f"{last}s", f"{last}es"] + ([f"{last[:-1]}ies"] if last.endswith("y") else [])
    return [(*head, form) for form in forms]


class EnglishIndex:
    """English words → their key, found as whole words (see the module's docstring). At each word of a message,
    the longest phrase starting there."""

    def __init__(self, words: dict[str, str]) -> None:
        self._keys = {english_words(word): key for word, key in words.items()}
        for word, key in words.items():  # a plural made here never hides a word of the data
            for form in _plural_forms(english_words(word)):
                self._keys.setdefault(form, key)
        self._most = max((len(k) for k in self._keys), default=0)

    def _at(self, text: str) -> list[tuple[str, int, str, int]]:
        """(word as written, start, key, end) of the longest phrase starting at each word of ``text``."""
        spans = [(m.start(), m.end(), m.group().lower()) for m in _TOKEN.finditer(text)]
        words = [w for _, _, w in spans]
        out = []
        for i in range(len(spans)):
            for n in range(min(self._most, len(spans) - i), 0, -1):
                key = self._keys.get(tuple(words[i:i + n]))
                if key is not None:
                    start, end = spans[i][0], spans[i + n - 1][1]
                    out.append((text[start:end], start, key, end))
                    break
        return out

    def found(self, text: str) -> list[tuple[str, int, str]]:
        """(word, start, key) of the phrases in ``text`` from left to right, none overlapping another."""
        out: list[tuple[str, int, str]] = []
        end = 0
        for word, start, key, stop in self._at(text):
            if start >= end:
                out.append((word, start, key))
                end = stop
        return out

    def longest(self, text: str) -> tuple[str, int, str] | None:
        """(word, start, key) of the longest phrase anywhere in ``text`` (the first on ties), or None."""
        best = max(self._at(text), key=lambda m: m[3] - m[1], default=None)  # max keeps the first on ties
        return None if best is None else best[:3]


class Phrases:
    """Cue words looked for in a message ("我们", "不是法人"; "we are", "not a legal person"): Chinese ones as
    written, English ones as whole words (see the module's docstring)."""

    def __init__(self, words: tuple[str, ...], english: bool = False) -> None:
        self.words = words
        self.english = english
        if english:
            self._forms = tuple(" ".join(form) for w in words for form in _plural_forms(english_words(w)))
            self._padded = tuple(f" {form} " for form in self._forms)
        else:
            self._forms = tuple(sorted(words, key=len, reverse=True))  # longest first, for removed_from
            self._any = re.compile("|".join(map(re.escape, self._forms)) or "(?!)")  # any_in in one search

    @staticmethod
    def _pad(text: str) -> str:
        return f" {' '.join(english_words(text))} "

    def any_in(self, text: str) -> bool:
        """One of the words is in ``text``."""
        if not self.english:
            return self._any.search(text) is not None
        padded = self._pad(text)
        return any(form in padded for form in self._padded)

    def starts(self, text: str) -> bool:
        """``text`` begins with one of the words."""
        return self._pad(text).startswith(self._padded) if self.english else text.startswith(self.words)

    def ends(self, text: str) -> bool:
        """``text`` ends with one of the words (spaces aside)."""
        if self.english:
            padded = self._pad(text)
            return any(padded.endswith(form) for form in self._padded)
        return text.strip().endswith(self.words)

    def equals(self, text: str) -> bool:
        """``text`` is one of the words (spaces aside)."""
        return " ".join(english_words(text)) in self._forms if self.english else text.strip() in self.words

    def cut_at(self, text: str) -> str:
        """``text`` up to the first of the words (all of it when none is in it; English: spaced words)."""
        hay, forms = (self._pad(text), self._padded) if self.english else (text, self.words)
        return hay[:min((i for i in (hay.find(form) for form in forms) if i >= 0), default=len(hay))]

    def removed_from(self, text: str) -> str:
        """``text`` without the words (the longest first)."""
        if self.english:
            text = self._pad(text)
            for form in sorted(self._padded, key=len, reverse=True):
                text = text.replace(form, " ")
            return text
        for word in self._forms:
            text = text.replace(word, "")
        return text


def clause_around(text: str, start: int, end: int, separators: str = SEPARATORS) -> tuple[str, str]:
    """The text of the clause holding ``text[start:end]``: what comes before it and what comes after it."""
    left = max((text.rfind(sep, 0, start) for sep in separators), default=-1) + 1
    ends = [i for i in (text.find(sep, end) for sep in separators) if i >= 0]
    return text[left:start], text[end:min(ends, default=len(text))]


def has_any(text: str, words: tuple[str, ...]) -> bool:
    return any(w in text for w in words)


def as_map(value: Any, file: str, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise KnowledgeError(file, key, "应为映射（键: 值）")
    return value


def text_of(data: dict[str, Any], name: str, file: str, key: str, *, required: bool = True,
            english: bool = False) -> str:
    """A text of the data: Chinese without the spaces YAML folding puts between its lines, English with single
    spaces between its words."""
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise KnowledgeError(file, f"{key}.{name}", "缺少或不是非空字符串")
    return " ".join(value.split()) if english else "".join(value.split())


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


def word_index(entries: dict[str, tuple[str, ...]], file: str, section: str, *, english: bool = False,
               suffix: str = "words") -> Index:
    """Every word names one entry only (English words compared as found: case and spacing aside). ``suffix``:
    where the words are under each entry (``words``, ``en.words``)."""
    owner: dict[str, str] = {}
    seen: dict[str, str] = {}
    for key, words in entries.items():
        for i, word in enumerate(words):
            same = " ".join(english_words(word)) if english else word
            if english and not same:
                raise KnowledgeError(file, f"{section}.{key}.{suffix}[{i}]", "不含英文单词")
            if same in seen:
                raise KnowledgeError(file, f"{section}.{key}.{suffix}[{i}]", f"“{word}”已在 {seen[same]} 中")
            owner[word], seen[same] = key, key
    return EnglishIndex(owner) if english else WordIndex(owner)
