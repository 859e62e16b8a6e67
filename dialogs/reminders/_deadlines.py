"""Intent handlers ``deadline`` ("离截止还有几天") and ``publicity_end`` ("公示到哪天结束")."""

from __future__ import annotations

import datetime as dt

from dialogs._context import Context
from dialogs._registry import intent_handler
from dialogs._types import Reply
from dialogs.reminders._own_dialog import from_deadline_question, own_lines
from dialogs.reminders._time import cn_date, local_date, local_tz, named_days
from knowledge import render
from knowledge._deadlines import KIND_LABELS, load_deadlines
from knowledge._workdays import WorkCalendar

PROCESS_ANNUAL = "四、申报审批流程（五）"
PROCESS_PUBLICITY = "四、申报审批流程（三）"
PUBLICITY_DAYS = 7


def _kind_from_text(text: str) -> str:
    return "recommendation" if "推荐" in text else "application"


def countdown_text(kind: str, year: int, deadline: dt.date | None, today: dt.date, cal: WorkCalendar,
                   others: list[str]) -> str:
    tz_name = str(local_tz())
    variables: dict[str, object] = {
        "year": year, "label": KIND_LABELS[kind], "deadline": deadline, "others": others,
        "tz_label": "北京时间" if tz_name in ("Asia/Shanghai", "Asia/Chongqing", "PRC") else f"{tz_name} 时间",
    }
    if deadline is not None:
        count = cal.workdays_between(today, deadline)
        variables.update(days=(deadline - today).days, workdays=count.value, fallback_years=count.fallback_years,
                         deadline_text=cn_date(deadline), today_text=cn_date(today, weekday=False))
    return render("deadlines/countdown", **variables)


@intent_handler("deadline")
def deadline(ctx: Context) -> list[Reply]:
    """The notice's deadline; a day the message names is counted to (or remembered, see _own_dialog)."""
    routed = from_deadline_question(ctx)
    if routed is not None:
        return routed
    plan = load_deadlines()
    year = plan.current
    kind = _kind_from_text(ctx.text)
    other_kind = "application" if kind == "recommendation" else "recommendation"
    others = []
    other_day = year.get(other_kind)
    if other_day is not None:
        others.append(f"另：{KIND_LABELS[other_kind]}是{cn_date(other_day)}。")
    others += own_lines(ctx)
    day = year.get(kind)
    if day is None:
        ctx.sources.append(PROCESS_ANNUAL)
    text = countdown_text(kind, year.year, day, local_date(ctx.now), WorkCalendar.load(), others)
    return [Reply(text)]


def _date_entity(ctx: Context) -> dt.date | None:
    """The first day the message names, relative ones (“从明天开始公示”) counted from the turn's local date."""
    days = named_days(ctx.text, local_date(ctx.now)) if any(e.entity == "date" for e in ctx.parsed.entities) else []
    return days[0][1] if days else None


@intent_handler("publicity_end")
def publicity_end(ctx: Context) -> list[Reply]:
    plan = load_deadlines()
    start = _date_entity(ctx) or plan.current.get("publicity_start")
    ctx.sources.append(PROCESS_PUBLICITY)
    if start is None:
        return [Reply(render("deadlines/publicity", start=None, days=PUBLICITY_DAYS, year=plan.current.year))]
    cal = WorkCalendar.load()
    result = cal.publicity_end(start, PUBLICITY_DAYS)
    return [Reply(render("deadlines/publicity", start=start, days=PUBLICITY_DAYS, start_text=cn_date(start),
                         end_text=cn_date(result.end), start_counts=cal.is_workday(start),
                         fallback_years=result.fallback_years, year=plan.current.year))]
