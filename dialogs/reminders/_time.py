"""Local time of deadlines and reminders (``SHENBAO_TIMEZONE``, default Asia/Shanghai) and date wording."""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from knowledge import ConfigError

DEFAULT_TIMEZONE = "Asia/Shanghai"
_WEEKDAYS = "一二三四五六日"


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
