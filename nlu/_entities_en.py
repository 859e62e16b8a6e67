"""Entity extraction for English messages: the same entities, values and units as the Chinese extractor.

"1.2 million yuan", "RMB 800,000", "800k yuan" → ``money`` in 元; "85%", "85 percent" → ``percent`` 85;
"9 people", "25 companies/SMEs", "600 trainees/person-times", "2 events" → ``count`` with ``unit`` 人, 家, 人次,
次; "3 years", "18 months", "half a year" → ``duration`` in years; "founded in March 2019" → ``date``
2019-03-31 (a month alone means its last day, a year alone its last day, as in Chinese); an e-mail address;
any other figure → ``number``. Offsets refer to the original text. Only called for English text (see
``nlu._extract``), so the Chinese extractor is untouched.
"""

from __future__ import annotations

import calendar
import datetime
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

from nlu._normalize import normalize
from nlu._types import Entity

__all__ = ["extract_entities_en"]

_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
)
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_WORD_VALUES = {word: i for i, word in enumerate(_ONES)} | _TENS | {"a dozen": 12, "dozen": 12}
_ONE_WORD = "|".join(sorted((w for w in _ONES if w != "zero"), key=len, reverse=True))
_WORDNUM = (rf"(?:(?:{'|'.join(_TENS)})(?:[- ](?:{_ONE_WORD}))?|a dozen|dozen|(?:{_ONE_WORD}|zero)"
            r"(?: hundred)?|(?:a|one) hundred)")
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
# a figure: digits not glued to other digits ("rmb800,000" and "q3" are fine), or a number word as a word
_NUM = rf"(?:(?<![\d.,])(?P<d>{_DIGITS})|\b(?P<w>{_WORDNUM})\b)"
_MULT = r"(?:\s?(?P<mult>million|mln|mn|thousand|billion|bn|wan)\b|(?P<short>k|m|w)\b)"
_MULT_NO_M = r"(?:\s?(?P<mult>million|mln|mn|thousand|billion|bn|wan)\b|(?P<short>k|w)\b)"  # "31m" alone: no
_MULTIPLIERS = {"million": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6, "thousand": 1e3, "k": 1e3, "billion": 1e9,
                "bn": 1e9, "wan": 1e4, "w": 1e4}
_CURRENCY = r"(?:rmb|cny|renminbi|yuan)"
_NOT_YUAN = re.compile(r"\s?(?:usd|us\$|dollars?|euros?|eur)\b")

_MONTHS = {name: i for i, names in enumerate(
    (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"), ("october", "oct"),
     ("november", "nov"), ("december", "dec")), start=1) for name in names}
_MONTH = rf"(?P<m>{'|'.join(sorted(_MONTHS, key=len, reverse=True))})\.?"
_YEAR = r"(?P<y>(?:19|20)\d{2})"
_DAY = r"(?P<dd>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_DATES: tuple[re.Pattern[str], ...] = (
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b"),
    re.compile(rf"\b{_MONTH}\s+(?:{_DAY},?\s+)?{_YEAR}\b"),
    re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d{2})[-/.](?P<mm>1[0-2]|0?[1-9])(?:[-/.](?P<dd>3[01]|[12]\d|0?[1-9]))?"
               r"(?![\d.%])"),
    re.compile(r"(?<![\d./])(?P<mm>1[0-2]|0?[1-9])/(?P<y>(?:19|20)\d{2})(?![\d/])"),
    # a year alone, named as a founding year: "founded in 2019", "since 2018", "established 2020"
    re.compile(r"\b(?:founded|established|registered|incorporated|set up|started|since)\s+(?:in\s+)?"
               r"(?P<span>(?P<y>(?:19|20)\d{2}))\b(?!\s?(?:%|percent|yuan|rmb|people|companies|smes))"),
)

_EMAIL = re.compile(r"(?<![a-z0-9._%+-])[a-z0-9._%+-]{1,64}@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}")
_MONEY_PREFIXED = re.compile(rf"(?:\b(?:rmb|cny)\s?|[¥￥]\s?){_NUM}{_MULT}?(?:\s?{_CURRENCY}\b)?")
_MONEY_SUFFIXED = re.compile(rf"{_NUM}{_MULT}?\s?{_CURRENCY}\b")
_MONEY_MULTIPLIED = re.compile(rf"{_NUM}{_MULT_NO_M}")  # "1.2m" is money only with a currency
_PERCENT = re.compile(rf"{_NUM}\s?(?:%|percent\b|per cent\b|pct\b|percentage points?\b)")
_DURATION = re.compile(rf"{_NUM}(?P<half>\s(?:and\s)?(?:a\s)?half)?[\s-]?(?P<unit>years?|yrs?|months?)\b"
                       r"(?P<half2>\s(?:and\s)?a\shalf)?")
# "a year" alone is not here: "once a year" is a frequency, not a duration
_DURATION_WORDS = {"half a year": 0.5, "half year": 0.5, "a year and a half": 1.5, "one year and a half": 1.5}
_DURATION_PHRASE = re.compile(r"\b(?:" + "|".join(sorted(_DURATION_WORDS, key=len, reverse=True)) + r")\b")
_COUNT_NOUNS: tuple[tuple[str, str], ...] = (
    ("人次", r"person[- ]times?|person[- ]visits?|trainees?|participants?|attendees?|man[- ]times?"),
    ("家", r"companies|company|smes?|enterprises?|firms?|businesses|business|clients?|customers?|"
          r"organi[sz]ations?|orgs?|agencies|agency|institutions?|partners?|providers?|institutes?"),
    ("人", r"people|persons?|staff(?:ers)?|employees?|workers?|members?|experts?|tutors?|mentors?|personnel|"
          r"professionals?|graduates?|colleagues?|heads"),
    ("次", r"times|events?|sessions?|lectures?|activities|activity|workshops?|seminars?|meetings?|talks?|"
          r"fairs?|roadshows?|courses?"),
)
# up to three words between the figure and its noun ("9 full-time staff", "25 small and medium companies")
_COUNT = re.compile(rf"{_NUM}(?P<between>(?:\s(?!(?:or|of|than|per|in|to|from|with)\b)[a-z][a-z-]*){{0,3}}?)\s(?P<noun>"
                    + "|".join(f"(?P<u{i}>{nouns})" for i, (_, nouns) in enumerate(_COUNT_NOUNS)) + r")\b")
_NUMBER = re.compile(_NUM)


@dataclass(frozen=True)
class _Found:
    entity: str
    value: float | int | str
    start: int
    end: int
    unit: str | None = None


def _clean(value: float) -> int | float:
    rounded = round(value, 4)
    return int(rounded) if rounded == int(rounded) else rounded


def _word_value(words: str) -> float | None:
    words = words.replace("-", " ")
    if words in _WORD_VALUES:
        return float(_WORD_VALUES[words])
    parts = words.split()
    if parts[-1] == "hundred":
        head = 1 if parts[0] in ("a", "one") and len(parts) == 2 else _WORD_VALUES.get(" ".join(parts[:-1]))
        return None if head is None else float(head * 100)
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _WORD_VALUES:
        return float(_TENS[parts[0]] + _WORD_VALUES[parts[1]])
    return None


def _number(match: re.Match[str]) -> float | None:
    """The figure of a ``_NUM`` match times its multiplier ("800k", "1.2 million"), or None."""
    if match.group("d"):
        value: float | None = float(match.group("d").replace(",", ""))
    else:
        value = _word_value(match.group("w"))
    groups = match.groupdict()
    mult = groups.get("mult") or groups.get("short")
    if value is not None and mult:
        value *= _MULTIPLIERS[mult]
    return value if value is not None and math.isfinite(value) else None


def _date(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    year = int(groups["y"])
    month = _MONTHS[groups["m"]] if groups.get("m") else int(groups["mm"]) if groups.get("mm") else 12
    day = int(groups["dd"]) if groups.get("dd") else calendar.monthrange(year, month)[1]
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


class _Scanner:
    """Finds entities in the normalised text, earlier kinds first; found spans never overlap."""

    def __init__(self, norm: str) -> None:
        self.norm = norm
        self.taken = [False] * len(norm)
        self.found: list[_Found] = []

    def each(self, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        for match in pattern.finditer(self.norm):
            if not any(self.taken[match.start():match.end()]):
                yield match

    def add(self, entity: str, value: float | int | str, start: int, end: int, unit: str | None = None) -> None:
        self.block(start, end)
        self.found.append(_Found(entity, value, start, end, unit))

    def block(self, start: int, end: int) -> None:
        for i in range(start, end):
            self.taken[i] = True

    def scan(self) -> None:
        if "@" in self.norm:
            for match in self.each(_EMAIL):
                self.add("email", match.group(0), match.start(), match.end())
        if not any(ch.isdigit() for ch in self.norm) and _has_no_word_number(self.norm):
            return
        self.dates()
        self.money()
        self.figures(_PERCENT, "percent")
        self.durations()
        self.counts()
        self.figures(_MONEY_MULTIPLIED, "money")
        self.numbers()

    def dates(self) -> None:
        for pattern in _DATES:
            for match in self.each(pattern):
                value = _date(match)
                if value is not None:
                    span = match.span("span") if match.groupdict().get("span") else match.span()
                    self.add("date", value, *span)

    def money(self) -> None:
        for pattern in (_MONEY_PREFIXED, _MONEY_SUFFIXED):
            self.figures(pattern, "money")

    def figures(self, pattern: re.Pattern[str], entity: str) -> None:
        for match in self.each(pattern):
            if entity == "money" and (_NOT_YUAN.match(self.norm, match.end())
                                      or self.norm[max(match.start() - 1, 0):match.start()] == "$"):
                self.block(match.start(), match.end())  # "200k dollars", "$200k": no figure in 元, nor a number
                continue
            value = _number(match)
            if value is not None:
                self.add(entity, _clean(value), match.start(), match.end())

    def durations(self) -> None:
        for match in self.each(_DURATION_PHRASE):
            self.add("duration", _DURATION_WORDS[match.group(0)], match.start(), match.end())
        for match in self.each(_DURATION):
            value = _number(match)
            if value is None or value >= 200:
                continue
            if match.group("half") or match.group("half2"):
                value += 0.5
            if match.group("unit").startswith("month"):
                value /= 12
            self.add("duration", _clean(value), match.start(), match.end())

    def counts(self) -> None:
        for match in self.each(_COUNT):
            value = _number(match)
            unit = next(u for i, (u, _) in enumerate(_COUNT_NOUNS) if match.group(f"u{i}"))
            if value is not None:
                self.add("count", _clean(value), match.start(), match.end(), unit)

    def numbers(self) -> None:
        alone = self.norm.strip(" ?!.,")
        for match in self.each(_NUMBER):
            value = _number(match)
            if value is None or (match.group("w") and alone != match.group(0)):
                continue  # a number word counts on its own only as the whole answer ("nine")
            self.add("number", _clean(value), match.start(), match.end())


def _has_no_word_number(norm: str) -> bool:
    return not any(word in norm for word in ("one", "two", "three", "four", "five", "six", "seven", "eight",
                                               "nine", "ten", "eleven", "twelve", "teen", "twenty", "thirty",
                                               "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
                                               "hundred", "dozen", "half", "year"))


def extract_entities_en(text: str, *, norm: str | None = None) -> tuple[Entity, ...]:
    """All entities of an English ``text`` in order of appearance (``norm`` is ``normalize(text)`` when the
    caller has it)."""
    if not isinstance(text, str) or not text.strip():
        return ()
    scanner = _Scanner(normalize(text[:4096]) if norm is None else norm)
    scanner.scan()
    return tuple(Entity(entity=f.entity, value=f.value, start=f.start, end=f.end, text=text[f.start:f.end],
                        unit=f.unit) for f in sorted(scanner.found, key=lambda f: f.start))
