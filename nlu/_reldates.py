"""Relative and partial dates resolved against a given day: 今天/明天/后天, (这|本|上|下|下下)周五, 月底/下月底,
年底/前年年底, 下个月10号, 10号 (this month, or the next when it has passed), 3天后/两周后/一个月后, and the past:
三年前/两个月前/半年前 (the same day that long before today), 去年年初/前年上半年.

A part of a past year is its LATEST day, so that an age counted from it is never overstated: 年初 is the end of
the first quarter (03-31), 上半年 06-30, 下半年 and 年底/年末 12-31. 年初/上半年/下半年 are read only after
今年/去年/前年/大前年 and only when that day has passed: "明年年初", "今年下半年" in May or a bare "年初" may be a
deadline, which would need the EARLIEST day, and no entity is better than a late reminder.

Full dates (2019年3月5日, 12月20日, 2019年3月) are read by the patterns of nlu/_entities.py; the extractor runs
this module first, and a span found here is not read again. ``local_today()`` is the reference day when the
caller gives none: the date in ``SHENBAO_TIMEZONE`` (default Asia/Shanghai), not the machine's.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["find_relative_dates", "local_today", "may_hold_relative_date"]

DEFAULT_TIMEZONE = "Asia/Shanghai"
_NUMERALS = "零〇一二两三四五六七八九"
_DIGIT_VALUES = {ch: n for n, ch in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "7": 6} | {
    str(n): n - 1 for n in range(1, 7)}
_DAY_WORDS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3}
_MONTH_PREFIX = {None: 0, "本": 0, "这": 0, "这个": 0, "下": 1, "下个": 1, "下下": 2, "下下个": 2, "上": -1, "上个": -1}
_WEEK_PREFIX: dict[str | None, int | None] = {**_MONTH_PREFIX, None: None}  # bare 周五: the next one
_YEAR_PREFIX = {None: 0, "今": 0, "明": 1, "后": 2, "去": -1, "前": -2, "大前": -3}
_YEAR_PARTS = {"初": 3, "上半年": 6, "下半年": 12}  # the latest month each allows (年初: the first quarter)
# 前/后 as a year prefix (前年, 后年), not the end of 之前/以后/然后…
_BEFORE_YEAR = "(?:大前|(?<![之以提向往面目当空此日月年])前)"
_AFTER_YEAR = "(?<![之以然最过前今往])后"
_NOT_AFTER = rf"(?<![\d{_NUMERALS}十百几每第上个年月.:：〕\]-])"
_DOM = r"3[01]|[12]\d|0?[1-9]|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九]"

# One pass over the text; the named group of each alternative tells which rule matched.
_PATTERN = re.compile("|".join((
    r"(?P<word>大后天|(?<![之以])后天|今天|今日|明天|明日)",
    rf"{_NOT_AFTER}(?P<wp>下下个?|下个?|上个?|这个?|本)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天1-7])(?![\d年月])",
    rf"{_NOT_AFTER}(?P<mp>下下个?|下个?|上个?|这个?|本)?(?P<me>月)[底末]",
    rf"(?<![\d{_NUMERALS}十])(?P<yp>{_BEFORE_YEAR}|{_AFTER_YEAR}|今|明|去)?(?P<ye>年)年?[底末]",
    rf"(?P<qp>{_BEFORE_YEAR}|今|去)年年?(?P<yq>初(?![步级中审次期始稿选赛心])|上半年|下半年)",
    rf"{_NOT_AFTER}(?:(?P<dp>下下个?|下个?|上个?|这个?|本)月(?P<dd>{_DOM})[号日]|(?P<bd>{_DOM})号)(?![楼院线室门栋文令码人])",
    rf"(?<![\d{_NUMERALS}十])(?P<n>\d{{1,3}}|[{_NUMERALS}十]{{1,3}}|半)个?(?P<unit>天|日|周|星期|礼拜|月|年)"
    r"(?:以后|之后|后)",
    rf"(?<![\d{_NUMERALS}十])(?P<bn>\d{{1,2}}|[{_NUMERALS}十]{{1,3}}|半)(?P<bu>年|个月)(?P<bhalf>半)?多?"
    r"(?:以前|之前|前)(?![期提台端景身者列沿辈夕])",
)))
# A text without any of these characters has no relative date (most questions): the pattern is not run.
_GATE = re.compile(r"[天日周期拜底末号后前初半]")


def local_today() -> dt.date:
    """Today in ``SHENBAO_TIMEZONE`` (default Asia/Shanghai); an unknown zone counts as the default."""
    name = os.environ.get("SHENBAO_TIMEZONE", "").strip() or DEFAULT_TIMEZONE
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(DEFAULT_TIMEZONE)
    return dt.datetime.now(zone).date()


def may_hold_relative_date(norm: str) -> bool:
    """False for a text without any character a relative date needs (most questions): nothing to look for."""
    return _GATE.search(norm) is not None


def find_relative_dates(norm: str, today: dt.date) -> Iterator[tuple[int, int, dt.date]]:
    """(start, end, day) of every relative or partial date in the normalised text, in order."""
    for match in _PATTERN.finditer(norm):
        day = _resolve(match, today)
        if day is not None:
            yield match.start(), match.end(), day


def _resolve(match: re.Match[str], today: dt.date) -> dt.date | None:
    groups = match.groupdict()
    if groups["word"]:
        return today + dt.timedelta(days=_DAY_WORDS[groups["word"]])
    if groups["wd"]:
        return _weekday(today, _WEEKDAYS[groups["wd"]], _WEEK_PREFIX[groups["wp"]])
    if groups["ye"]:
        return dt.date(today.year + _YEAR_PREFIX[groups["yp"]], 12, 31)
    if groups["yq"]:
        return _year_part(today, _YEAR_PREFIX[groups["qp"]], groups["yq"])
    if groups["bu"]:
        return _before(today, groups["bn"], groups["bu"], bool(groups["bhalf"]))
    if groups["me"]:
        return _month_end(today, _MONTH_PREFIX[groups["mp"]])
    if groups["dd"] or groups["bd"]:
        return _day_of_month(today, groups["dd"] or groups["bd"], groups["dp"])
    return _after(today, groups["n"], groups["unit"])


def _weekday(today: dt.date, weekday: int, weeks_ahead: int | None) -> dt.date:
    """周五: the next Friday from today on (today included); 这周五: this week's (Monday to Sunday); 下周五: the
    Friday of the following week; 下下周五: of the week after."""
    if weeks_ahead is None:
        return today + dt.timedelta(days=(weekday - today.weekday()) % 7)
    monday = today - dt.timedelta(days=today.weekday())
    return monday + dt.timedelta(weeks=weeks_ahead, days=weekday)


def _add_months(day: dt.date, months: int, on: int | None = None) -> dt.date | None:
    """The same day (or day ``on``) ``months`` later; None when that month has no such day (31号 in April)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    wanted = on if on is not None else min(day.day, last)
    return dt.date(year, month + 1, wanted) if wanted <= last else None


def _month_end(today: dt.date, months_ahead: int) -> dt.date:
    first = _add_months(today.replace(day=1), months_ahead)
    assert first is not None  # the first of a month always exists
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _day_of_month(today: dt.date, raw: str, prefix: str | None) -> dt.date | None:
    """下个月10号: that month's day; 10号 alone: this month's, or the next month's once it has passed."""
    day = _small(raw)
    if day is None or not 1 <= day <= 31:
        return None
    first = today.replace(day=1)
    if prefix is not None:
        return _add_months(first, _MONTH_PREFIX[prefix], day)
    for ahead in range(3):  # 31号 late in a 30-day month is next month's 31st, or the one after
        found = _add_months(first, ahead, day)
        if found is not None and found >= today:
            return found
    return None


def _after(today: dt.date, raw: str, unit: str) -> dt.date | None:
    """3天后, 两周后, 一个月后, 半年后 (a month later is the same day of the month, or that month's last)."""
    if raw == "半":
        return {"月": today + dt.timedelta(days=15), "年": _add_months(today, 6)}.get(unit)
    count = _small(raw)
    if count is None or count > 400:
        return None
    if unit in ("天", "日"):
        return today + dt.timedelta(days=count)
    if unit in ("周", "星期", "礼拜"):
        return today + dt.timedelta(weeks=count)
    return _add_months(today, count * (12 if unit == "年" else 1))


def _year_part(today: dt.date, years_ahead: int, part: str) -> dt.date | None:
    """去年年初 → last year's 03-31, 前年上半年 → 06-30, 下半年 → 12-31: the latest day the words allow, and only a
    day already past ("今年下半年" in May may be a plan: no date)."""
    month = _YEAR_PARTS["初" if part.startswith("初") else part]
    day = dt.date(today.year + years_ahead, month, calendar.monthrange(2001, month)[1])
    return day if day <= today else None


def _before(today: dt.date, raw: str, unit: str, half: bool) -> dt.date | None:
    """三年前, 两个月前, 半年前, 一年半前: the same day that long before today (or that month's last day)."""
    if raw == "半":
        return _add_months(today, -6) if unit == "年" and not half else today - dt.timedelta(days=15)
    count = _small(raw)
    if count is None or count > 120:
        return None
    months = count * 12 + (6 if half else 0) if unit == "年" else count
    return None if half and unit != "年" else _add_months(today, -months)


def _small(raw: str) -> int | None:
    """1–999 in Arabic or simple Chinese numerals (十五, 二十, 三十一, 两)."""
    if raw.isdigit():
        return int(raw)
    if "十" not in raw:
        digits = [_DIGIT_VALUES.get(ch) for ch in raw]
        return int("".join(str(d) for d in digits)) if raw and None not in digits else None
    tens, _, units = raw.partition("十")
    high = _DIGIT_VALUES.get(tens, -1) if tens else 1
    low = _DIGIT_VALUES.get(units, -1) if units else 0
    return high * 10 + low if high >= 0 and low >= 0 else None
