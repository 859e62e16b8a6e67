"""Working days in the PRC: statutory holidays and make-up working days.

Sources, in order: ``knowledge/holidays.yml`` (a year listed there wins), then chinesecalendar's data, then — for
a year known to neither — plain weekdays (Monday to Friday). Every result says which years fell back to
weekdays, so a reply can say so instead of pretending to know.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import chinese_calendar

from knowledge._loader import KNOWLEDGE_DIR
from knowledge.errors import KnowledgeError, UserInputError

HOLIDAYS_FILE = "holidays.yml"
MAX_SPAN_DAYS = 3660


@dataclass(frozen=True)
class YearOverride:
    """One year's holidays and make-up working days, as an administrator entered them."""

    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]


@dataclass(frozen=True)
class WorkdayCount:
    """The outcome of a working-day calculation; ``fallback_years`` used weekdays only."""

    value: int
    fallback_years: tuple[int, ...] = ()


@dataclass(frozen=True)
class PublicityEnd:
    start: dt.date
    days: int
    end: dt.date
    fallback_years: tuple[int, ...] = ()


def _parse_day(raw: Any, file: str, key: str) -> dt.date:
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError as exc:
        raise KnowledgeError(file, key, f"不是有效日期（应为 YYYY-MM-DD）：{raw!r}") from exc


def _expand(items: Any, year: int, file: str, key: str) -> frozenset[dt.date]:
    if items is None:
        return frozenset()
    if not isinstance(items, list):
        raise KnowledgeError(file, key, "应为日期列表")
    days: set[dt.date] = set()
    for i, item in enumerate(items):
        ikey = f"{key}[{i}]"
        if isinstance(item, str) and ".." in item:
            first_raw, last_raw = item.split("..", 1)
            first, last = _parse_day(first_raw, file, ikey), _parse_day(last_raw, file, ikey)
            if last < first or (last - first).days > 60:
                raise KnowledgeError(file, ikey, f"日期区间无效：{item}")
            days.update(first + dt.timedelta(days=n) for n in range((last - first).days + 1))
        else:
            days.add(_parse_day(item, file, ikey))
    wrong = sorted(d for d in days if d.year != year)
    if wrong:
        raise KnowledgeError(file, key, f"{wrong[0].isoformat()} 不属于 {year} 年")
    return frozenset(days)


def parse_holidays(data: Any, file: str = HOLIDAYS_FILE) -> dict[int, YearOverride]:
    """Validate the content of holidays.yml; raises KnowledgeError naming the file and key."""
    if not isinstance(data, dict) or not isinstance(data.get("years", {}), dict | None):
        raise KnowledgeError(file, "years", "应为以年份为键的映射")
    result: dict[int, YearOverride] = {}
    for year_key, entry in (data.get("years") or {}).items():
        key = f"years.{year_key}"
        if not isinstance(year_key, int) or not 1949 <= year_key <= 2200:
            raise KnowledgeError(file, key, "年份应为四位整数")
        if not isinstance(entry, dict) or set(entry) - {"holidays", "workdays"}:
            raise KnowledgeError(file, key, "只能包含 holidays 和 workdays 两个列表")
        holidays = _expand(entry.get("holidays"), year_key, file, f"{key}.holidays")
        workdays = _expand(entry.get("workdays"), year_key, file, f"{key}.workdays")
        both = holidays & workdays
        if both:
            raise KnowledgeError(file, f"{key}.workdays", f"{min(both).isoformat()} 同时被列为放假和上班")
        result[year_key] = YearOverride(holidays, workdays)
    return result


_holidays: dict[tuple[str, int, int], dict[int, YearOverride]] = {}


def load_holidays(path: Path | None = None) -> dict[int, YearOverride]:
    """The administrators' holiday data, parsed again only when the file changes (a count of working days in a
    reply must not parse YAML every time)."""
    target = path or KNOWLEDGE_DIR / HOLIDAYS_FILE
    from knowledge._deadlines import read_dates_yaml

    try:
        stat = target.stat()
    except OSError:
        return parse_holidays(read_dates_yaml(target), target.name)  # raises KnowledgeError naming the file
    key = (str(target), stat.st_mtime_ns, stat.st_size)
    if key not in _holidays:
        if len(_holidays) >= 8:
            _holidays.clear()
        _holidays[key] = parse_holidays(read_dates_yaml(target), target.name)
    return _holidays[key]


@dataclass
class WorkCalendar:
    """``is_workday(day)`` with the source of truth chosen per year (see the module docstring)."""

    overrides: dict[int, YearOverride] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> WorkCalendar:
        return cls(load_holidays(path))

    def knows(self, year: int) -> bool:
        """True when the year's statutory holidays are known (admin data or chinesecalendar)."""
        if year in self.overrides:
            return True
        try:
            chinese_calendar.is_workday(dt.date(year, 6, 1))
        except NotImplementedError:
            return False
        return True

    def is_workday(self, day: dt.date) -> bool:
        override = self.overrides.get(day.year)
        if override is not None:
            if day in override.workdays:
                return True
            return day not in override.holidays and day.weekday() < 5
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            return day.weekday() < 5

    def _fallbacks(self, first: dt.date, last: dt.date) -> tuple[int, ...]:
        return tuple(y for y in range(first.year, last.year + 1) if not self.knows(y))

    def publicity_end(self, start: dt.date, days: int = 7) -> PublicityEnd:
        """The last day of a period of ``days`` working days starting on ``start`` (counted when it is a
        working day)."""
        if not 1 <= days <= 365:
            raise UserInputError(f"工作日天数应在 1 到 365 之间，收到 {days}。", key="days")
        day, counted = start, 0
        while True:
            if self.is_workday(day):
                counted += 1
                if counted == days:
                    break
            day += dt.timedelta(days=1)
            if (day - start).days > MAX_SPAN_DAYS:  # cannot happen with sane data; never loop forever
                raise KnowledgeError(HOLIDAYS_FILE, str(start.year), "找不到足够的工作日")
        return PublicityEnd(start, days, day, self._fallbacks(start, day))

    def workdays_between(self, after: dt.date, until: dt.date) -> WorkdayCount:
        """Working days in the interval (after, until]: ``after`` excluded, ``until`` included."""
        if until <= after:
            return WorkdayCount(0)
        if (until - after).days > MAX_SPAN_DAYS:
            raise UserInputError("日期跨度过大。", key="date")
        count = sum(1 for n in range(1, (until - after).days + 1) if self.is_workday(after + dt.timedelta(days=n)))
        return WorkdayCount(count, self._fallbacks(after + dt.timedelta(days=1), until))
