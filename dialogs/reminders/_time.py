"""Local time of deadlines and reminders (``SHENBAO_TIMEZONE``, default Asia/Shanghai) and date wording."""

from __future__ import annotations

import datetime as dt
import os
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from knowledge import ConfigError
from nlu import extract_entities

DEFAULT_TIMEZONE = "Asia/Shanghai"
_WEEKDAYS = "一二三四五六日"
_BARE_YEAR = re.compile(r"\s*[\d〇零一二三四五六七八九]{2,4}\s*年\s*")  # “2022年的截止日期”: a year, not a day
_NO_YEAR = re.compile(r"\s*(?:[01]?\d|十[一二]?|[一二三四五六七八九])\s*月")  # “12月20号”: the year is implied


def local_tz() -> ZoneInfo:
    name = os.environ.get("SHENBAO_TIMEZONE", "").strip() or DEFAULT_TIMEZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"SHENBAO_TIMEZONE 不是有效的时区：{name}") from exc


def local_date(moment: dt.datetime, tz: dt.tzinfo | None = None) -> dt.date:
    return moment.astimezone(tz or local_tz()).date()


def due_at(day: dt.date, at: dt.time, tz: dt.tzinfo | None = None) -> dt.datetime:
    """``at`` o'clock local time on ``day``, as an aware UTC datetime."""
    return dt.datetime.combine(day, at, tzinfo=tz or local_tz()).astimezone(dt.UTC)


def cn_date(day: dt.date, weekday: bool = True) -> str:
    """2022-10-13 -> "2022年10月13日（星期四）"."""
    text = f"{day.year}年{day.month}月{day.day}日"
    return f"{text}（星期{_WEEKDAYS[day.weekday()]}）" if weekday else text


def named_days(text: str, today: dt.date) -> list[tuple[str, dt.date]]:
    """The days a message names (its text and date), relative ones (下周五, 月底, 10号) counted from ``today``,
    the local date of the turn (the NLU's own parse used the machine's clock). A bare year is not a day."""
    found = []
    for ent in extract_entities(text, today=today):
        if ent.entity == "date" and not _BARE_YEAR.fullmatch(ent.text):
            try:
                found.append((ent.text, dt.date.fromisoformat(str(ent.value))))
            except ValueError:
                continue
    return found


def ahead(text: str, day: dt.date, today: dt.date) -> dt.date:
    """A month and day without a year (“12月20号”) that has passed this year means next year's."""
    if day >= today or not _NO_YEAR.match(text):
        return day
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 2月29日
        return day.replace(year=day.year + 1, day=28)
