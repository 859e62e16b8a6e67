"""Entity extraction: money, percent, count, duration, date and bare numbers in Chinese questions.

Values follow interfaces.md: ``money`` in 元, ``percent`` in percent (85, not 0.85), ``count`` with a
``unit`` (家, 人, 人次, 次, 个), ``duration`` in years, ``date`` as ISO ``YYYY-MM-DD`` (a month alone means its
last day), anything else numeric is ``number``. Chinese numerals are read by cn2an. Offsets and ``text`` refer
to the original text, which may be traditional Chinese or full-width.

Loose figures are read as the applicant means them, never as a number they did not say (see ``Entity``): a
range ("五六家", "20-30万元", "十几家", "20几家", "十二、三个人") is one entity from its lower bound (``value``) to
``high``; an approximation ("大概20家", "120万左右") sets ``approx``; a lower bound said as one figure ("20多家",
"九成多", "八成以上", "100来万") sets ``at_least`` too, and a figure the true value is under ("将近20家",
"不到20家", "小一百万") sets ``below``; a fraction or a head count ("三分之二", "15个人里8个本科", "十个里头有六个",
"大专以上的10个，总共16个") is a percent with its (part, whole) ``ratio``. Figures without a value ("几十家",
"好几家") and digits that are no figure ("第五六项", "周五六", "乱七八糟") give no entity. Years of founding may be
short or relative ("19年成立的", "大前年", "三年前", "去年年初": nlu/_reldates.py), never later than the words allow.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime
import functools
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import cn2an

from nlu import _loose as loose
from nlu._normalize import normalize
from nlu._numerals import (
    ARABIC,
    CN_ALL,
    CN_DIGITS,
    CN_NUM,
    MULTIPLIERS,
    clean,
    cn_value,
    has_multiplier,
    pair_bounds,
    small,
    trailing_multiplier,
    vague_bounds,
)
from nlu._reldates import find_relative_dates, local_today, may_hold_relative_date
from nlu._types import Entity

__all__ = ["extract_entities"]

_APPROX = r"(?P<approx>多|余|来(?=[个家人名位次场万千亿元块年]|号人))?"
# 百来家, 千余人, 百多万: a bare 百/千/万 before 来/多/余 is one hundred (thousand…)
_BARE_PLACE = rf"(?<![{CN_ALL}\d])[百千万](?=[来多余])"
_BARE_PLACES = {"百": 100.0, "千": 1000.0, "万": 10000.0}
_ROUND_ENDS = ("0", "十", "拾", "百", "佰", "千", "仟", "万", "萬")
_NUM = rf"(?:(?P<ar>{ARABIC})|(?P<cn>{CN_NUM}|{_BARE_PLACE})){_APPROX}\s?(?P<mult>百万|千万|万|亿|千|w(?![a-z]))?"

# 2019年初, 19年上半年: the latest month the part allows (nlu/_reldates.py: an age is never overstated)
_YEAR_PART = r"(?P<part>年?初(?![步级中审次期始稿选赛心])|上半年|下半年)"
_YEAR_PARTS = {"初": 3, "上半年": 6, "下半年": 12}
_YEAR = rf"(?P<y>(?:19|20)\d{{2}}|[{CN_DIGITS}]{{4}})"
_MONTH = r"(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?P<d>3[01]|[12]\d|0?[1-9]|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"

# Each date pattern with the characters it needs: it is not run on a text without any of them.
_DATE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("月", re.compile(rf"{_YEAR}\s*年\s*{_MONTH}\s*月份?(?:\s*{_DAY}\s*[日号])?")),
    ("-/.", re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d{2})[-/.](?P<m>1[0-2]|0?[1-9])(?:[-/.](?P<d>3[01]|[12]\d|0?[1-9]))?"
                       r"(?![\d.%万元亿千])")),
    ("月", re.compile(rf"(?<!\d)(?P<yy>\d{{2}})年\s*{_MONTH}\s*月份?(?:\s*{_DAY}\s*[日号])?")),
    # "二二年五月份": a two-digit year in Chinese numerals before a month
    ("月", re.compile(rf"(?<![{CN_ALL}])(?P<cy>[〇零一二九][〇零一二三四五六七八九])年\s*{_MONTH}\s*月份?"
                     rf"(?:\s*{_DAY}\s*[日号])?")),
    ("月", re.compile(rf"(?P<rel>大前年|今年|去年|前年|明年)\s*{_MONTH}\s*月份?(?:\s*{_DAY}\s*[日号])?")),
    ("月", re.compile(rf"(?<![年\d{CN_ALL}]){_MONTH}\s*月份?(?:\s*{_DAY}\s*[日号])?")),
    ("年", re.compile(rf"{_YEAR}\s*年(?:{_YEAR_PART}|(?!度|\d|[{CN_DIGITS}十]+个?月|代))")),
)
# "前年成立的", "19年成立的", "一八年注册": a year of founding alone means its last day, as "2024年" does; a
# two-digit year only before (or after) a word of founding, where it cannot be a number of years ("19年" alone
# stays 19 years). A message that is only a relative year ("去年", "大前年吧") names one as well.
_FOUNDING_VERB = r"(?:成立|注册|创办|创立|开办|组建|挂牌|开始运营)"
_SHORT_YEAR = (rf"(?:(?<![\d.])(?P<yy>\d{{2}})|(?<![{CN_ALL}])(?P<cy>[〇零一二九][〇零一二三四五六七八九]))"
               rf"年{_YEAR_PART}?")
_RELATIVE_YEAR = r"(?P<rel>大前年|今年|去年|前年)"
_FOUNDED_AFTER = rf"(?:的时候|时)?(?:才|刚刚|刚|就)?新?{_FOUNDING_VERB}"
_FOUNDED = re.compile(rf"\s?(?:份)?{_FOUNDED_AFTER}")
# the group ``at`` is the date's span
_FOUNDING_YEARS = (
    re.compile(rf"(?P<at>{_RELATIVE_YEAR}|{_SHORT_YEAR})(?={_FOUNDED_AFTER})"),
    re.compile(rf"{_FOUNDING_VERB}(?:于|在)\s?(?P<at>{_SHORT_YEAR})(?![\d{CN_DIGITS}十]*个?月|度)"),
    re.compile(rf"^\s*(?P<at>{_RELATIVE_YEAR})(?:成立|注册)?(?:的|吧|啊|呀)*\s*[。.!！]?\s*$"),
)
_RELATIVE_YEARS = {"大前年": -3, "今年": 0, "去年": -1, "前年": -2, "明年": 1}

_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}")
_PERCENT_FIGURE = rf"(?:{CN_NUM}|\d+(?:\.\d+)?)"
# 百分之八十几 is 81–89 % (like 八十几), 百分之九十多 at least 90 %
_PERCENT_PREFIX = re.compile(
    rf"百分之\s*(?P<n>{_PERCENT_FIGURE})(?:(?P<ji>几)|(?P<more>多(?!少)|余))?"
    rf"(?:\s?(?:到|至|~|-|—|–)\s?(?:百分之)?(?P<n2>{_PERCENT_FIGURE}))?")
_TENTHS = re.compile(rf"(?P<n>[{CN_DIGITS}十]|10|\d)(?P<n2>[一二三四五六七八九两])?成(?P<t>[一二三四五六七八九\d])?"
                     r"(?![员功立本绩果熟为群])(?P<more>多(?![少吗么])|余)?")
_NUMBER = re.compile(_NUM)
_HALF_YEAR = re.compile(r"(?<![\d年])半年")
# Every date, percent and number pattern needs one of these characters: a text without any is not scanned for them.
_NUMERAL = re.compile(rf"[\d{CN_DIGITS}十拾]|[百千万](?=[来多余])")

_COUNT_UNITS: tuple[tuple[str, str], ...] = (
    (r"人次", "人次"),
    (r"家", "家"),
    (r"(?:个|号)?(?:人(?!员)|名|位)", "人"),  # "满意度88 人员11个": 人员 is the next item's word; "二十来号人"
    (r"个(?=(?:服务|专职|技术|工作|管理)?(?:人员|员工|职工|老师|专家))", "人"),
    (r"个(?=(?:中小|小微|服务|中介|合作|技术)?(?:企业|公司|机构|单位|客户))", "家"),
    (r"(?:次|场|回|期)", "次"),
)
# after 个: things, not people ("本科专业有12个项目")
_NOT_PERSONS = re.compile(r"(?:服务|中介|合作|技术)?(?:企业|公司|机构|单位|客户|项目|专业|月|方面|领域|部门|网点|证书)")
_MONEY_UNIT = re.compile(r"\s?(?:元|块钱|块(?![牌地屏板砖田])|圆|rmb)")  # not 两块牌子
_PERCENT_UNIT = re.compile(r"\s?(?:%|个百分点|个点(?![位子儿]))")  # 占比15个点: 15 %, not 3个点位
_DURATION_UNIT = re.compile(
    rf"\s?(?:(?P<year>年)(?P<half>半)?(?P<more>多|余)?(?:零?(?P<mon>\d{{1,2}}|[{CN_DIGITS}十]{{1,2}})个?月)?"
    r"|(?P<months>个多?月))"
)


@dataclass(frozen=True)
class _Found:
    entity: str
    value: float | int | str
    start: int
    end: int
    unit: str | None = None
    approx: bool = False
    high: float | int | None = None
    ratio: tuple[float | int, float | int] | None = None
    at_least: bool = False
    below: bool = False


@dataclass(frozen=True)
class _Figure:
    """Where a figure's numeral was read: the unit after it decides its kind. ``end`` is after its 多/余/来 and
    multiplier (万…), ``numeral_end`` after the numeral itself and its 多/余/来 ("九十多"); ``raw`` is the numeral
    as written."""

    start: int
    end: int
    numeral_end: int
    raw: str
    arabic: bool
    mult: str | None

    @classmethod
    def of(cls, match: re.Match[str], start: int | None = None) -> _Figure:
        arabic = match.group("ar") is not None
        numeral_end = match.end("approx") if match.group("approx") else match.end("ar" if arabic else "cn")
        return cls(match.start() if start is None else start, match.end(), numeral_end,
                   match.group("ar") if arabic else match.group("cn"), arabic, match.group("mult"))


def _percent_bounds(match: re.Match[str]) -> tuple[float | None, float | None]:
    """百分之九十 → (90, None); 百分之七八十 and 百分之七十到八十 → (70, 80); 百分之八十几 → (81, 89)."""
    first, second = match.group("n"), match.group("n2")
    if match.group("ji") or match.group("more"):
        if second is not None or pair_bounds(first):
            return None, None
        return _vague_of(first, "") if match.group("ji") else (cn_value(first), None)
    if second is None:
        bounds = pair_bounds(first)
        return bounds if bounds is not None else (cn_value(first), None)
    low, high = cn_value(first), cn_value(second)
    if low is None or high is None or low >= high or pair_bounds(first) or pair_bounds(second):
        return None, None
    return low, high


def _vague_of(pre: str, suf: str) -> tuple[float | None, float | None]:
    """八十几 → (81, 89); Arabic tens as well: 80几 → (81, 89)."""
    if pre.isdigit():
        pre = cn2an.an2cn(pre)
    bounds = vague_bounds(pre, suf)
    return bounds if bounds is not None else (None, None)


def _whole(raw: str) -> int | None:
    """A whole number written as one numeral (not a range such as 七八)."""
    if pair_bounds(raw) is not None:
        return None
    value = cn_value(raw)
    return int(value) if value is not None and value == int(value) else None


def _share(part: int, whole: int) -> int | float:
    return clean(part / whole * 100, 2)


def _year_of(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    try:
        return int(cn2an.cn2an(text, "direct"))
    except (ValueError, KeyError, IndexError):
        return None


_YEAR_DIGITS = {ch: i for i, ch in enumerate("〇一二三四五六七八九")} | {"零": 0}


def _short_year(raw: str, today: datetime.date) -> int | None:
    """19 → 2019, 98 → 1998 (a year not after this one), 一九 → 2019, 〇八 → 2008."""
    two = raw if raw.isdigit() else "".join(str(_YEAR_DIGITS[ch]) for ch in raw if ch in _YEAR_DIGITS)
    if len(two) != 2:
        return None
    year = 2000 + int(two)
    return year if year <= today.year else year - 100


def _date_value(match: re.Match[str], today: datetime.date, founding: bool = False) -> str | None:
    """The date ``match`` names: its last day when no day is said; a founding date (``founding``) in the period
    that holds today is today."""
    groups = {key: value for key, value in match.groupdict().items() if value is not None}
    short = groups.get("yy") or groups.get("cy")
    rel = groups.get("rel")
    if groups.get("y"):
        year = _year_of(groups["y"])
    elif short:
        year = _short_year(short, today)
    elif rel:
        year = today.year + _RELATIVE_YEARS[rel]
    else:
        year = today.year
    part = groups.get("part")
    month = small(groups.get("m")) if "m" in match.groupdict() else _YEAR_PARTS[part.lstrip("年")] if part else 12
    if year is None or month is None or not 1900 <= year <= 2100 or not 1 <= month <= 12:
        return None
    day = small(groups.get("d"))
    try:
        value = datetime.date(year, month, day or calendar.monthrange(year, month)[1])
    except ValueError:
        return None
    begins = datetime.date(year, month if groups.get("m") else 1, 1)
    if founding and not day and begins <= today < value:  # "今年成立的" in December: not later than today
        return today.isoformat()
    return value.isoformat()


def _any_of(words: tuple[str, ...] | str) -> re.Pattern[str]:
    """One search for ``any(w in text for w in words)``."""
    return re.compile("|".join(map(re.escape, words)))


# what the loose readings need in the text (one search per list)
_SHARE_HINTS, _SHARE_PERSONS = _any_of(loose.SHARE_HINTS), _any_of(loose.SHARE_PERSONS)
_SHARE_SAME_HINTS, _VAGUE_HINTS = _any_of(loose.SHARE_SAME_HINTS), _any_of(loose.VAGUE_HINTS)
_RANGE_SEPARATORS = _any_of(loose.RANGE_SEPARATORS)


# "1、申报条件有哪些 2、…", "（1）运营年限要求；（2）…": the numbers of a numbered list are no figures (normal form)
_LIST_MARK = re.compile(r"(?:(?<=[\s:;。?!,])|^)(?P<n>\d{1,2})[.、)](?=[^\d.%])|(?<!\d)\((?P<p>\d{1,2})\)(?=[^\d.%])")


def _list_numbers(norm: str) -> Iterator[tuple[int, int]]:
    """The spans of the list markers of ``norm``: markers numbered in sequence (1 before 2, n after n-1), so
    that a lone "12、" after a colon stays a figure."""
    marks = [(int(m.group("n") or m.group("p")), m.span()) for m in _LIST_MARK.finditer(norm)]
    numbers = [n for n, _ in marks]
    for i, (n, span) in enumerate(marks):
        if (n == 1 and 2 in numbers[i + 1:]) or (n > 1 and n - 1 in numbers[:i]):
            yield span


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
                value = _date_value(match, self.today, _FOUNDED.match(self.norm, match.end()) is not None)
                if value is not None:
                    self.add(_Found("date", value, match.start(), match.end()))

    def founding_years(self) -> None:
        """前年成立的, 19年成立的, 成立于18年, 一九年注册, "去年" alone: the year's last day (or its part's)."""
        for pattern in _FOUNDING_YEARS:
            for match in pattern.finditer(self.norm):
                start, end = match.span("at")
                value = _date_value(match, self.today, founding=True) if self.free(start, end) else None
                if value is not None:
                    self.add(_Found("date", value, start, end))

    def block(self, start: int, end: int) -> None:
        """Words made of numerals that are no figure (几十家, 乱七八糟, 第五六项): nothing else reads them."""
        for i in range(start, end):
            self.taken[i] = True

    def scan(self) -> None:
        """All kinds, earlier kinds first; the patterns of a kind that cannot match (no @, no numeral, no
        百分之…) are not run."""
        if "@" in self.norm:
            self.emails()
        self.relative_dates()
        if "年" in self.norm:
            self.founding_years()
        numeric = _NUMERAL.search(self.norm) is not None
        if numeric:
            for start, end in _list_numbers(self.norm):
                self.block(start, end)
            self.dates()
            if "百分之" in self.norm:
                self.percents_prefixed()
            if "成" in self.norm:
                self.tenths()
            self.loose()
        if "半年" in self.norm:
            self.half_years()
        if numeric:
            self.numbers()
            self.approximations()

    def loose(self) -> None:
        """Fractions, head-count shares, 几 and ranges joined by 到/至/-/~, before single figures are read."""
        if "分之" in self.norm or "/" in self.norm or "一半" in self.norm:
            self.fractions()
        norm = self.norm
        if _SHARE_HINTS.search(norm) and _SHARE_PERSONS.search(norm):
            self.shares()
        if _SHARE_SAME_HINTS.search(norm) and loose.SHARE_PROPERTY.search(norm):
            self.same_unit_shares()
        if _VAGUE_HINTS.search(norm):
            self.vague()
        if _RANGE_SEPARATORS.search(norm):
            self.ranges()

    def percents_prefixed(self) -> None:
        """百分之九十 → 90, 百分之七八十 → 70–80, 百分之八十几 → 81–89 (approximate), 百分之九十多 → at least 90."""
        for match in self.each(_PERCENT_PREFIX):
            low, high = _percent_bounds(match)
            if low is not None:
                self.add(_Found("percent", clean(low), match.start(), match.end(),
                                high=None if high is None else clean(high),
                                approx=bool(match.group("ji") or match.group("more")),
                                at_least=bool(match.group("more"))))

    def tenths(self) -> None:
        for match in self.each(_TENTHS):
            tens, tenth = small(match.group("n")), small(match.group("t")) or 0
            if tens is None or not 0 <= tens <= 10 or tenth > 9:
                continue
            if match.group("n2"):
                bounds = pair_bounds(match.group("n") + match.group("n2"))
                if bounds is not None and not match.group("t") and not match.group("more"):
                    self.add(_Found("percent", clean(bounds[0] * 10), match.start(), match.end(),
                                    high=clean(bounds[1] * 10)))
                continue
            more = bool(match.group("more"))  # 九成多, 七成余: at least
            self.add(_Found("percent", clean(tens * 10 + tenth), match.start(), match.end(), approx=more,
                            at_least=more))

    def half_years(self) -> None:
        for match in self.each(_HALF_YEAR):
            self.add(_Found("duration", 0.5, match.start(), match.end()))

    def numbers(self) -> None:
        for match in self.each(_NUMBER):
            found = self._number(match)
            if found is not None and self.free(found.start, found.end):
                self.add(found)

    def _number(self, match: re.Match[str]) -> _Found | None:
        figure = _Figure.of(match)
        if not figure.arabic and (bounds := pair_bounds(figure.raw)) is not None:
            return self._pair(figure, *bounds)
        if match.group("approx") == "来" and not figure.raw.endswith(_ROUND_ENDS):
            return None  # 来 follows a round figure (十来个, 20来家); 一来…二来… is "firstly… secondly…"
        value = _BARE_PLACES.get(figure.raw) or cn_value(figure.raw)
        if value is None:
            return None
        if figure.mult:
            value *= MULTIPLIERS[figure.mult]
        if not math.isfinite(value):
            return None
        found = self._classify(value, figure)
        if found is None or not match.group("approx"):
            return found
        return dataclasses.replace(found, approx=True, at_least=True)  # 20多家, 九十多, 100来万: at least

    def _pair(self, figure: _Figure, low: float, high: float) -> _Found | None:
        """五六家, 三四百人次, 五六十万: a range, unless the digits name days, months or an ordinal (第五六项)."""
        if loose.PAIR_BEFORE_STOP.search(self.norm, max(0, figure.start - 2), figure.start) \
                or loose.PAIR_AFTER_STOP.match(self.norm, figure.numeral_end):
            return None
        scale = MULTIPLIERS[figure.mult] if figure.mult else 1
        return self._range(low * scale, high * scale, figure)

    def _range(self, low: float, high: float, figure: _Figure) -> _Found | None:
        """One entity from ``low`` to ``high`` read with the unit after ``figure``: both must be of one kind."""
        lo, hi = self._classify(low, figure), self._classify(high, figure)
        if lo is None or hi is None or (lo.entity, lo.unit, lo.end) != (hi.entity, hi.unit, hi.end):
            return None
        if not isinstance(lo.value, int | float) or not isinstance(hi.value, int | float) or lo.value >= hi.value:
            return None
        return dataclasses.replace(lo, high=hi.value)

    def _classify(self, value: float, figure: _Figure) -> _Found | None:
        """The kind of a figure by the unit after it (money, percent, count, duration), else a bare number."""
        start, end, raw = figure.start, figure.end, figure.raw
        for classify in self._classifiers():
            found = classify(value, start, end)
            if found is not None:
                return found
        if figure.mult and (figure.arabic or figure.mult != "千"):
            return _Found("money", clean(value), start, end)
        if not figure.arabic and ("万" in raw or "亿" in raw):
            return _Found("money", clean(value), start, end)
        if not figure.arabic and len(raw) == 1 and self.norm.strip(" ?？。!！,，") != raw:
            return None
        return _Found("number", clean(value), start, figure.numeral_end)

    def _classifiers(self) -> tuple[Callable[[float, int, int], _Found | None], ...]:
        return (self._money, self._percent, self._count, self._duration)

    def fractions(self) -> None:
        """三分之二 → 66.67, 2/3 → 66.67, 一半 → 50: percents with the ratio they were computed from."""
        for match in self.each(loose.FRACTION):
            den = MULTIPLIERS.get(match.group("den")) or _whole(match.group("den"))
            num = _whole(match.group("num"))
            if den and num is not None:
                self.add(_Found("percent", _share(num, den), match.start(), match.end(), ratio=(num, den)))
        for match in self.each(loose.SLASH_FRACTION):
            num, den = int(match.group("num")), int(match.group("den"))
            if 1 <= num < den <= 100:
                self.add(_Found("percent", _share(num, den), match.start(), match.end(), ratio=(num, den)))
        for match in self.each(loose.HALF):
            self.add(_Found("percent", 50, match.start(), match.end(), ratio=(1, 2)))

    def shares(self) -> None:
        """Head counts: "15个人里8个本科" is 53.33 % for the part (its span "8个"), the whole stays a count. Parts
        listed after it ("…，3个大专") are shares of the same whole."""
        for pattern in (loose.SHARE_WITHIN, loose.SHARE_AMONG, loose.SHARE_OF_TOTAL):
            for match in self.each(pattern):
                whole = self._share_whole(match)
                found = None if whole is None else self._part_share(match, whole)
                if found is not None and whole is not None and match.groupdict().get("bare"):
                    self._bare_whole(match, whole)
                while found is not None and whole is not None and self.free(found.start, found.end):
                    self.add(found)
                    more = loose.SHARE_MORE.match(self.norm, found.end)
                    found = self._part_share(more, whole) if more and self._next_described(more) else None

    def same_unit_shares(self) -> None:
        """"十个客户里九个都挺满意的" is 90 % (its span "九个"), "100次，其中免费的有30次" 30 %: the whole stays a
        count; the part must say what it is (满意, 免费…) before it or in the rest of its clause."""
        for match in self.each(loose.SHARE_SAME):
            whole, part = _whole(match.group("whole")), _whole(match.group("part"))
            clause = re.split(r"[,，。;；!！?？\n]", self.norm[match.end():], maxsplit=1)[0]
            said = loose.SHARE_PROPERTY.search(match.group("desc") + clause)
            if not whole or part is None or not 0 <= part <= whole or said is None:
                continue
            start, end = match.start("part"), match.end("punit")
            if self.free(start, end):
                self.add(_Found("percent", _share(part, whole), start, end, ratio=(part, whole)))

    def _bare_whole(self, match: re.Match[str], whole: int) -> None:
        """"总共16个", "十个里头…": the whole of a head count said with a bare 个 is a count of people."""
        start, end = match.start("whole"), match.end("bare")
        if self.free(start, end):
            self.add(_Found("count", whole, start, end, "人"))

    def _described(self, match: re.Match[str]) -> bool:
        """A qualification word in the match or just after it (8个本科, 8个有中级职称)."""
        return loose.QUALIFICATION.search(self.norm, match.start(), min(len(self.norm), match.end() + 8)) is not None

    def _next_described(self, more: re.Match[str]) -> bool:
        """The next part says what it has: before it ("本科10个 大专4个") or after it ("8个本科，3个大专"); words
        before it that are no qualification ("总共15人", "去年培训3个人") make it no part."""
        if more.group("desc"):
            return loose.QUALIFICATION.search(more.group("desc")) is not None
        start = more.start("part")
        return loose.QUALIFICATION.search(self.norm, start, min(len(self.norm), more.end() + 8)) is not None

    def _qualified(self, start: int) -> bool:
        """The qualification is said right before the figure at ``start`` ("大专以上的10个", "本科的有8个")."""
        return loose.QUALIFIED_BEFORE.search(self.norm, max(0, start - loose.QUALIFIED_LOOKBACK), start) is not None

    def _share_whole(self, match: re.Match[str]) -> int | None:
        if match.re is loose.SHARE_OF_TOTAL and not (self._described(match) or self._qualified(match.start())):
            return None  # "8个本科，总共15人", "大专以上的10个，总共16个": the part must say what it has
        said = match.re is not loose.SHARE_AMONG or match.group("lead")
        named = match.re is loose.SHARE_AMONG and loose.QUALIFICATION.search(match.group("desc") or "") is not None
        if not said and not named and not ((match.group("total") or match.group("staff")) and self._described(match)):
            # "一共15个人，其中8个…", "一共15个人，8个有中级职称", "团队20人，大专以上15个"; "16个人 本科10个" is named
            return None
        return _whole(match.group("whole")) or None

    def _part_share(self, match: re.Match[str], whole: int) -> _Found | None:
        """The part's percent of ``whole`` (a range for 七八个); its span starts at 其中 when 其中 is right before."""
        raw = match.group("part")
        low, high = pair_bounds(raw) or (_whole(raw), None)
        if low is None or not 0 <= low <= whole or (high is not None and high > whole):
            return None
        groups = match.groupdict()
        start = match.start("lead") if groups.get("lead") and not groups.get("desc") else match.start("part")
        return _Found("percent", _share(int(low), whole), start, match.end("punit"), ratio=(int(low), whole),
                      high=None if high is None else _share(int(high), whole))

    def vague(self) -> None:
        """十几家 → 11–19 家, 20几家 → 21–29 家 (approximate); 几十家, 好几家 and idioms of digits are no figure and
        are blocked."""
        for match in self.each(loose.VAGUE):
            pre = match.group("pre") or (cn2an.an2cn(match.group("apre")) if match.group("apre") else "")
            before = self.norm[max(0, match.start() - 1):match.start()]
            bounds = None if match.group("idiom") or before == "第" else vague_bounds(pre, match.group("suf"))
            found = None
            if bounds is not None:
                figure = _Figure(match.start(), match.end(), match.end(), pre + "九" + match.group("suf"), False, None)
                found = self._range(*bounds, figure)
            if found is not None:
                self.add(dataclasses.replace(found, approx=True))
            elif pre or match.group("suf") or match.group("idiom"):
                self.block(match.start(), match.end())

    def ranges(self) -> None:
        """20到30家, 20-30万元, 二十至三十人, 5%~10%, 5、6家: one entity from the lower to the upper figure."""
        for match in self.each(loose.RANGE_SEP):
            found = self._separated(match)
            if found is not None and self.free(found.start, found.end):
                self.add(found)

    def _separated(self, match: re.Match[str]) -> _Found | None:
        upper = _NUMBER.match(self.norm, match.end())
        if upper is None:
            return None
        figure = _Figure.of(upper, start=match.start())
        bounds = _separated_bounds(match, figure)
        if bounds is None or not self._unit_repeated(match.group("lounit"), upper.end()):
            return None
        found = self._range(*bounds, figure)
        if found is None:
            return None
        if found.entity == "number" and (match.group("sep") in loose.UNIT_ONLY_SEPARATORS
                                         or loose.BARE_RANGE_STOP.match(self.norm, figure.numeral_end)):
            return None
        return dataclasses.replace(found, approx=True) if upper.group("approx") else found

    def _unit_repeated(self, unit: str | None, end: int) -> bool:
        return unit is None or self.norm[end:].lstrip(" ").startswith(unit)

    def approximations(self) -> None:
        """大概/约/差不多/将近… before a figure, 左右/上下/出头 after it: the figure is approximate. Words that say
        which way the true value lies set ``below`` (将近/不到/小…, …不到/以下) or ``at_least`` (至少/超过…,
        …以上/出头, a percent's 多: "一半多")."""
        for i, found in enumerate(self.found):
            if found.entity not in ("date", "email"):
                self.found[i] = self._loosened(found)

    def _loosened(self, found: _Found) -> _Found:
        before = loose.APPROX_BEFORE.search(self.norm, max(0, found.start - loose.APPROX_LOOKBACK), found.start)
        if before is not None and before.group("near") and found.entity == "duration":
            before = None  # 近三年 is a period, not "nearly three years"
        after = loose.APPROX_AFTER.match(self.norm, found.end)
        more = loose.MORE_AFTER.match(self.norm, found.end) if found.entity == "percent" else None
        if more is not None and self.free(more.start(), more.end()):
            self.block(more.start(), more.end())
            found = dataclasses.replace(found, end=more.end(), approx=True, at_least=True)
        below = self._small_before(found) or _said(before, "below", "near") or _said(after, "below")
        least = _said(before, "least") or _said(after, "least")
        if found.high is not None or (below and least):
            below = least = False  # a range has its bounds; "至少…不到" says nothing sure
        if before is None and after is None and not below:
            return found
        return dataclasses.replace(found, approx=True, below=found.below or below,
                                   at_least=(found.at_least or least) and not below)

    def _small_before(self, found: _Found) -> bool:
        """"小一百万": 小 right before a round figure (not 大小/最小) is a bit under it."""
        start = found.start
        return (start >= 1 and self.norm[start - 1] == loose.SMALL_BEFORE and found.high is None
                and (start < 2 or self.norm[start - 2] not in "大最较很太缩变")
                and found.entity in ("money", "count", "percent", "number")
                and loose.ROUND_FIGURE.match(self.norm, start) is not None)

    def _money(self, value: float, start: int, end: int) -> _Found | None:
        unit = _MONEY_UNIT.match(self.norm, end)
        return _Found("money", clean(value), start, unit.end()) if unit else None

    def _percent(self, value: float, start: int, end: int) -> _Found | None:
        unit = _PERCENT_UNIT.match(self.norm, end)
        return _Found("percent", clean(value), start, unit.end()) if unit else None

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
                return _Found("count", clean(value), start, offset + hit.end(), unit)
        if rest.startswith("个") and not _NOT_PERSONS.match(rest, 1) and self._qualified(start):
            return _Found("count", clean(value), start, offset + 1, "人")  # "大专以上的有12个": people
        return None

    def _duration(self, value: float, start: int, end: int) -> _Found | None:
        unit = _DURATION_UNIT.match(self.norm, end)
        if unit is None or self.norm.startswith("度", unit.end()) or value >= 200:
            return None
        if unit.group("months"):
            more = "多" in unit.group("months")  # 三个多月, 三年多: at least
            return _Found("duration", clean(value / 12), start, unit.end(), approx=more, at_least=more)
        years = value + (0.5 if unit.group("half") else 0.0)
        months = small(unit.group("mon"))
        if months is not None and months < 12:
            years += months / 12
        more = bool(unit.group("more"))
        return _Found("duration", clean(years), start, unit.end(), approx=more, at_least=more)


_POWERS_OF_TEN = frozenset(10.0 ** k for k in range(1, 9))


def _listed_bounds(low: float, high: float, upper_raw: str) -> tuple[float, float] | None:
    """Two figures joined by 、 that name a range: 5、6家 → 5–6; 十二、三个人 → 12–13 and 二十五、六家 → 25–26 (the
    second gives only the last digit); 五、六十家 → 50–60 and 五、六万 → 5万–6万 (the first takes the second's
    place). None otherwise."""
    if low + 1 == high:
        return low, high
    if low != int(low) or high != int(high):
        return None
    if low >= 10 and 1 <= high <= 9 and low % 10 + 1 == high:
        return low, low + 1
    scale = high / (low + 1)
    if 1 <= low <= 8 and scale in _POWERS_OF_TEN and not upper_raw.isascii():
        return low * scale, high
    return None


def _said(match: re.Match[str] | None, *groups: str) -> bool:
    return match is not None and any(match.group(group) for group in groups)


def _separated_bounds(match: re.Match[str], upper: _Figure) -> tuple[float, float] | None:
    """The two figures of "20到30万": the lower one takes the upper one's 万 when it has none of its own and is
    below the upper one's coefficient (20到30万 is 20万–30万, 五千到一万 stays 5000–10000)."""
    lo_raw, lo_mult = match.group("lo"), match.group("lomult")
    low, high = cn_value(lo_raw), cn_value(upper.raw)
    if low is None or high is None or pair_bounds(lo_raw) or pair_bounds(upper.raw):
        return None
    if match.group("sep") == "、":
        listed = _listed_bounds(low, high, upper.raw)
        if listed is None:
            return None  # 3、8 lists two figures
        low, high = listed
    if lo_mult:
        low *= MULTIPLIERS[lo_mult]
    if upper.mult:
        high *= MULTIPLIERS[upper.mult]
    lend = trailing_multiplier(upper.raw, upper.mult)
    if lend > 1 and not has_multiplier(lo_raw, lo_mult) and low < high / lend:
        low *= lend
    return (low, high) if low < high else None


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
        Entity(entity=f.entity, value=f.value, start=f.start, end=f.end, text=text[f.start:f.end], unit=f.unit,
               approx=f.approx, high=f.high, ratio=f.ratio, at_least=f.at_least, below=f.below)
        for f in ordered
    )
