"""An organisation's age as indicators.md measures it: founding dates count to the year's application deadline
when one is configured (knowledge/deadlines.yml, ``current_year``), else to the date of the check.

One helper for the three readers of a founding date: the self-check dialogue, the batch CSV and the Q&A figures.
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from knowledge import _deadlines
from knowledge.errors import KnowledgeError

__all__ = ["AgeBasis", "age_basis", "age_in_years", "years_between"]


@dataclass(frozen=True)
class AgeBasis:
    """The day an age is measured on, and whether it is the configured application deadline."""

    on: date
    deadline: bool

    @property
    def day_text(self) -> str:
        """“2026年12月7日”."""
        return f"{self.on.year}年{self.on.month}月{self.on.day}日"

    @property
    def reason(self) -> str:
        """Why this day: the round's application deadline, or today while that deadline is not published."""
        return "申报截止日" if self.deadline else "今天；本年度申报截止日尚未公布"

    @property
    def label(self) -> str:
        """“2026年12月31日（申报截止日）” or “2026年12月7日（今天；本年度申报截止日尚未公布）”: the day an age is
        counted to, named in the replies that explain it."""
        return f"{self.day_text}（{self.reason}）"


_log = logging.getLogger(__name__)
_cache: dict[tuple[str, int, int], date | None] = {}


def _application_deadline() -> date | None:
    """The current year's application deadline, re-read when the file changes (administrators edit it live)."""
    path: Path = _deadlines.deadlines_path()
    try:
        stat = path.stat()
    except OSError:
        return _deadlines.load_deadlines(path).current.get("application")  # raises KnowledgeError naming it
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _cache:
        _cache.clear()
        _cache[key] = _deadlines.load_deadlines(path).current.get("application")
    return _cache[key]


def age_basis(today: date) -> AgeBasis:
    """The application deadline of the year when one is configured, else ``today`` (the date of the check)."""
    try:
        deadline = _application_deadline()
    except KnowledgeError as exc:  # a broken deadlines.yml (kb check names it) must not stop a self-check
        _log.warning("deadlines.yml unreadable, ages counted to the day of the check: %s", exc)
        deadline = None
    return AgeBasis(deadline, True) if deadline is not None else AgeBasis(today, False)


def age_in_years(founded: date, today: date) -> tuple[float, AgeBasis]:
    """Completed years from ``founded`` to the basis day, never overstated; 0 when founded on or after it."""
    basis = age_basis(today)
    return (years_between(founded, basis.on) if founded < basis.on else 0.0), basis


def years_between(start: date, end: date) -> float:
    """Completed years from ``start`` to ``end``, the part of the last year rounded down to hundredths, so that
    the age is never overstated (a founding month was already read as its last day by the NLU)."""
    years = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
    anniversary = _add_years(start, years)
    following = _add_years(start, years + 1)
    fraction = (end - anniversary).days / (following - anniversary).days
    return years + int(fraction * 100) / 100


def _add_years(day: date, years: int) -> date:
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))
