"""Entity extraction: money, percent, count, duration, date and bare numbers in Chinese questions.

Values follow interfaces.md: ``money`` in 元, ``percent`` in percent (85, not 0.85), ``count`` with a
``unit`` (家, 人, 人次, 次, 个), ``duration`` in years, ``date`` as ISO ``YYYY-MM-DD`` (a month alone means its
last day), anything else numeric is ``number``. Chinese numerals are read by cn2an. Offsets and ``text`` refer
to the original text, which may be traditional Chinese or full-width.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import cn2an

from nlu._normalize import normalize
from nlu._reldates import find_relative_dates, local_today, may_hold_relative_date
from nlu._types import Entity

__all__ = ["extract_entities"]

_CN_DIGITS = "零〇一二三四五六七八九两壹贰叁肆伍陆柒捌玖"
_CN_ALL = _CN_DIGITS + "十百千万亿拾佰仟"
_CN_NUM = rf"[{_CN_DIGITS}十拾][{_CN_ALL}]*(?:点[{_CN_DIGITS}]+)?"
_ARABIC = r"(?<![\d.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_APPROX = r"(?P<approx>多|余|来(?=[个家人名位次场]))?"
_NUM = rf"(?:(?P<ar>{_ARABIC})|(?P<cn>{_CN_NUM})){_APPROX}\s?(?P<mult>百万|千万|万|亿|千|w(?![a-z]))?"
_MULTIPLIERS = {"百万": 1_000_000, "千万": 10_000_000, "万": 10_000, "亿": 100_000_000, "千": 1_000, "w": 10_000}

_YEAR = rf"(?P<y>(?:19|20)\d{{2}}|[{_CN_DIGITS}]{{4}})"
_MONTH = r"(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?P<d>3[01]|[12]\d|0?[1-9]|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"

# Each date pattern with the characters it needs: it is not run on a text without any of them.
_DATE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("月", re.compile(rf"{_YEAR}\s*年\s*{_MONTH}\s*月份?(?:\s*{_DAY}\s*[日号])?")),
    ("-/.", re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d{2})[-/.](?P<m>1[0-2]|0?[1-9])(?:[-/.](?P<d>3[01]|[12]\d|0?[1-9]))?"
                       r"(?![\d.%万元亿千])")),
    ("月", re.compile(rf"(?<!\d)(?P<yy>\d{{2}})年\s*{_MONTH}\s*月份?(?:\s*{_DAY}\s*[日号])?")),
    ("月", re.compile(rf"(?P<rel>今年|去年|前年|明年)\s*{_MONTH}\s*月份?(?:\s*{_DAY}\s*[日号])?")),
    ("月", re.compile(rf"(?<![年\d{_CN_ALL}]){_MONTH}\s*月份?(?:\s*{_DAY}\s*[日号])?")),
    ("年", re.compile(rf"{_YEAR}\s*年(?!度|\d|[{_CN_DIGITS}十]+个?月|代)")),
)
_RELATIVE_YEARS = {"今年": 0, "去年": -1, "前年": -2, "明年": 1}

_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}")
_PERCENT_PREFIX = re.compile(rf"百分之\s*(?P<n>{_CN_NUM}|\d+(?:\.\d+)?)")
_TENTHS = re.compile(rf"(?P<n>[{_CN_DIGITS}十]|10|\d)成(?P<t>[一二三四五六七八九\d])?(?![员功立本绩果熟为])")
_NUMBER = re.compile(_NUM)
_HALF_YEAR = re.compile(r"(?<![\d年])半年")
# Every date, percent and number pattern needs one of these characters: a text without any is not scanned for them.
_NUMERAL = re.compile(rf"[\d{_CN_DIGITS}十拾]")
_CACHED_NUMERAL_CHARS = 24

_COUNT_UNITS: tuple[tuple[str, str], ...] = (
    (r"人次", "人次"),
    (r"家", "家"),
    (r"个?(?:人|名|位)", "人"),
    (r"个(?=(?:服务|专职|技术|工作|管理)?(?:人员|员工|职工|老师|专家))", "人"),
    (r"个(?=(?:中小|小微|服务|中介|合作|技术)?(?:企业|公司|机构|单位|客户))", "家"),
    (r"(?:次|场|回|期)", "次"),
)
_MONEY_UNIT = re.compile(r"\s?(?:元|块钱|块|圆|rmb)")
_PERCENT_UNIT = re.compile(r"\s?(?:%|个百分点)")
_DURATION_UNIT = re.compile(
    rf"\s?(?:(?P<year>年)(?P<half>半)?(?P<more>多|余)?(?:零?(?P<mon>\d{{1,2}}|[{_CN_DIGITS}十]{{1,2}})个?月)?"
    r"|(?P<months>个多?月))"
)


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


def _cn_value(text: str) -> float | None:
    """A Chinese or Arabic numeral as a number (cn2an), or None when it is not a well-formed numeral. Short
    numerals (一, 十, 120, 3.5…) recur from message to message and are read once; long ones are not kept."""
    return _cached_numeral(text) if len(text) <= _CACHED_NUMERAL_CHARS else _numeral(text)


def _numeral(text: str) -> float | None:
    try:
        value = cn2an.cn2an(text.replace(",", ""), "smart")
    except (ValueError, KeyError, IndexError):
        return None
    try:
        number = float(value)
    except OverflowError:  # hundreds of digits: not a value anyone means
        return None
    return number if math.isfinite(number) else None


_cached_numeral = functools.lru_cache(maxsize=4096)(_numeral)


def _year_of(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    try:
        return int(cn2an.cn2an(text, "direct"))
    except (ValueError, KeyError, IndexError):
        return None


def _small(text: str | None) -> int | None:
    if not text:
        return None
    value = _cn_value(text)
    return int(value) if value is not None and value == int(value) else None


def _date_value(match: re.Match[str], today: datetime.date) -> str | None:
    groups = match.groupdict()
    if groups.get("y"):
        year = _year_of(groups["y"])
    elif groups.get("yy"):
        year = 2000 + int(groups["yy"])
    elif groups.get("rel"):
        year = today.year + _RELATIVE_YEARS[groups["rel"]]
    else:
        year = today.year
    month = _small(groups.get("m")) if "m" in groups else 12
    if year is None or month is None or not 1900 <= year <= 2100 or not 1 <= month <= 12:
        return None
    day = _small(groups.get("d")) or calendar.monthrange(year, month)[1]
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


class _Scanner:
    """Finds entities in the normalised text, earlier kinds first; found spans never overlap."""

    def __init__(self, norm: str, today: datetime.date | None) -> None:
        self.norm = norm
        self._today = today
        self.taken = [False] * len(norm)
        self.found: list[_Found] = []

    @functools.cached_property
    def today(self) -> datetime.date:
        """The day given, or the local date (SHENBAO_TIMEZONE), read once and only for a text with a date."""
        return self._today or local_today()

    def free(self, start: int, end: int) -> bool:
        return start < end and not any(self.taken[start:end])

    def add(self, found: _Found) -> None:
        for i in range(found.start, found.end):
            self.taken[i] = True
        self.found.append(found)

    def each(self, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        for match in pattern.finditer(self.norm):
            if self.free(match.start(), match.end()):
                yield match

    def emails(self) -> None:
        """An e-mail address (its digits are not figures); the value is the address in lower case."""
        for match in self.each(_EMAIL):
            if match.end() - match.start() <= 254:
                self.add(_Found("email", match.group(0).lower(), match.start(), match.end()))

    def relative_dates(self) -> None:
        """下周五, 月底, 10号, 3天后… (nlu/_reldates.py), before the full dates."""
        if not may_hold_relative_date(self.norm):
            return
        for start, end, day in find_relative_dates(self.norm, self.today):
            if self.free(start, end):
                self.add(_Found("date", day.isoformat(), start, end))

    def dates(self) -> None:
        for needles, pattern in _DATE_PATTERNS:
            if not any(ch in self.norm for ch in needles):
                continue
            for match in self.each(pattern):
                value = _date_value(match, self.today)
                if value is not None:
                    self.add(_Found("date", value, match.start(), match.end()))

    def scan(self) -> None:
        """All kinds, earlier kinds first; the patterns of a kind that cannot match (no @, no numeral, no
        百分之…) are not run."""
        if "@" in self.norm:
            self.emails()
        self.relative_dates()
        numeric = _NUMERAL.search(self.norm) is not None
        if numeric:
            self.dates()
            if "百分之" in self.norm:
                self.percents_prefixed()
            if "成" in self.norm:
                self.tenths()
        if "半年" in self.norm:
            self.half_years()
        if numeric:
            self.numbers()

    def percents_prefixed(self) -> None:
        for match in self.each(_PERCENT_PREFIX):
            value = _cn_value(match.group("n"))
            if value is not None:
                self.add(_Found("percent", _clean(value), match.start(), match.end()))

    def tenths(self) -> None:
        for match in self.each(_TENTHS):
            tens, tenth = _small(match.group("n")), _small(match.group("t")) or 0
            if tens is not None and 0 <= tens <= 10 and tenth <= 9:
                self.add(_Found("percent", _clean(tens * 10 + tenth), match.start(), match.end()))

    def half_years(self) -> None:
        for match in self.each(_HALF_YEAR):
            self.add(_Found("duration", 0.5, match.start(), match.end()))

    def numbers(self) -> None:
        for match in self.each(_NUMBER):
            found = self._number(match)
            if found is not None and self.free(found.start, found.end):
                self.add(found)

    def _number(self, match: re.Match[str]) -> _Found | None:
        raw = match.group("ar") or match.group("cn")
        value = _cn_value(raw)
        if value is None:
            return None
        mult = match.group("mult")
        if mult:
            value *= _MULTIPLIERS[mult]
        if not math.isfinite(value):
            return None
        start, end = match.start(), match.end()
        for classify in self._classifiers():
            found = classify(value, start, end)
            if found is not None:
                return found
        if mult and (match.group("ar") or mult != "千"):
            return _Found("money", _clean(value), start, end)
        if match.group("cn") and ("万" in raw or "亿" in raw):
            return _Found("money", _clean(value), start, end)
        end = match.end("ar") if match.group("ar") else match.end("cn")
        if match.group("cn") and len(raw) == 1 and self.norm.strip(" ?？。!！,，") != raw:
            return None
        return _Found("number", _clean(value), start, end)

    def _classifiers(self) -> tuple[Callable[[float, int, int], _Found | None], ...]:
        return (self._money, self._percent, self._count, self._duration)

    def _money(self, value: float, start: int, end: int) -> _Found | None:
        unit = _MONEY_UNIT.match(self.norm, end)
        return _Found("money", _clean(value), start, unit.end()) if unit else None

    def _percent(self, value: float, start: int, end: int) -> _Found | None:
        unit = _PERCENT_UNIT.match(self.norm, end)
        return _Found("percent", _clean(value), start, unit.end()) if unit else None

    def _count(self, value: float, start: int, end: int) -> _Found | None:
        if self.norm[start:end] == "一":
            return None  # 一家、一个、一位 are articles ("我们是一家科技公司"), not counts
        rest = self.norm[end:].lstrip(" ")
        offset = end + len(self.norm[end:]) - len(rest)
        if rest.startswith(("个月", "个多月")):
            return None
        for pattern, unit in _COUNT_UNITS:
            hit = re.match(pattern, rest)
            if hit:
                return _Found("count", _clean(value), start, offset + hit.end(), unit)
        return None

    def _duration(self, value: float, start: int, end: int) -> _Found | None:
        unit = _DURATION_UNIT.match(self.norm, end)
        if unit is None or self.norm.startswith("度", unit.end()) or value >= 200:
            return None
        if unit.group("months"):
            return _Found("duration", _clean(value / 12), start, unit.end())
        years = value + (0.5 if unit.group("half") else 0.0)
        months = _small(unit.group("mon"))
        if months is not None and months < 12:
            years += months / 12
        return _Found("duration", _clean(years), start, unit.end())


def extract_entities(text: str, *, today: datetime.date | None = None,
                     norm: str | None = None) -> tuple[Entity, ...]:
    """All entities of ``text`` in order of appearance; ``today`` resolves 去年/今年 and month-only dates.
    ``norm`` is ``normalize(text[:4096])`` when the caller has it already (it is not computed twice)."""
    if not isinstance(text, str) or not text.strip():
        return ()
    scanner = _Scanner(normalize(text[:4096]) if norm is None else norm, today)
    scanner.scan()
    ordered = sorted(scanner.found, key=lambda f: f.start)
    return tuple(
        Entity(entity=f.entity, value=f.value, start=f.start, end=f.end, text=text[f.start:f.end], unit=f.unit)
        for f in ordered
    )
