"""Intent handler ``own_deadline``: a deadline the user gives (“园区说材料下周五前报上去，记得提醒我”) is
remembered and reminded of; “离下周五还有几天” is counted; “我设的提醒” lists what is remembered; “改成下周三”
moves it; “不用提醒了” removes it. Also the hooks through which the ``deadline``, ``remind_subscribe`` and
``remind_unsubscribe`` handlers pass such messages on.

The conversation's memory keeps the date last spoken of (``memory["own_deadline"]``), so that a bare
“改成下周三” or “不用提醒了” right after it, and “记下来，提醒我” after a count, know which date is meant.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import select

from dialogs._context import Context
from dialogs._registry import INTENT_HANDLERS, intent_handler
from dialogs._types import Button, Reply
from dialogs.reminders._own import (
    countdown,
    forget_days,
    own_deadlines,
    pending_times,
    remember,
    sync_own_reminders,
)
from dialogs.reminders._schedule import OWN_KIND, PUSH_CHANNELS
from dialogs.reminders._time import ahead, cn_date, local_date, local_tz, named_days
from dialogs.store.models import OwnDeadline, Reminder, ReminderSubscription
from knowledge import render
from knowledge._deadlines import load_deadlines
from knowledge._workdays import WorkCalendar

OWN_INTENT = "own_deadline"
MEMORY_KEY = "own_deadline"
OFFER_MINUTES = 30  # “记下来，提醒我” refers to a date counted this long ago at most
_COUNT = re.compile(r"几天|多少天|几个?工作日|多少个?工作日|几个?自然日|多少个?自然日|多久|多长时间|"
                    r"还剩|还有几|还有多少|剩几|剩多少|几号|哪天|哪一天|星期几|周几|礼拜几|几月几")
_CHANGE = re.compile(r"改成|改到|改为|改在|换成|换到|推迟到|推到|延到|延期到|延后到|延长到|提前到|挪到|调到|"
                     r"调整到|变成|变为|更正为|应该是|不是.{1,8}是")
_REMOVE = re.compile(r"不用.{0,2}提醒|不要.{0,2}提醒|别.{0,2}提醒|无需提醒|不需要.{0,2}提醒|取消|删掉|删除|去掉|"
                     r"撤销|作废|不用了|不需要了")
_KEEP = re.compile(r"记|提醒|叫我|喊我|通知我|改|换|推迟|推到|延|提前|挪|调|设")
_OWN = re.compile(r"我们|我的|咱|自己|园区|管委会|经信局|推荐单位|设的|记的|记下")
_QUESTION = re.compile(r"[吗？?呢]|是不是|是否|几|多少|哪|什么|多久|怎么")
_ALL = re.compile(r"都|全部|所有|统统")


def _tz_label() -> str:
    name = str(local_tz())
    return "北京时间" if name in ("Asia/Shanghai", "Asia/Chongqing", "PRC") else f"{name} 时间"


def _times_text(times: list[dt.datetime]) -> list[str]:
    zone = local_tz()
    return [f"{cn_date(t.astimezone(zone).date())}{t.astimezone(zone):%H:%M}" for t in times]


def _days(ctx: Context) -> list[tuple[str, dt.date]]:
    today = local_date(ctx.now)
    return [(text, ahead(text, day, today)) for text, day in named_days(ctx.text, today)]


def _remembered(ctx: Context) -> dict[str, Any]:
    entry = ctx.state.memory.get(MEMORY_KEY)
    return entry if isinstance(entry, dict) else {}


def _note_memory(ctx: Context, day: dt.date, kept: bool) -> None:
    ctx.state.memory[MEMORY_KEY] = {"day": day.isoformat(), "at": ctx.now.isoformat(), "kept": kept,
                                    "text": ctx.text[:200]}
    ctx.state.memory["topic"] = OWN_INTENT


def _recent_offer(ctx: Context) -> tuple[dt.date, str] | None:
    """A date counted a moment ago and not yet kept (“离下周五还有几天” → “记下来，提醒我”)."""
    entry = _remembered(ctx)
    if entry.get("kept", True):
        return None
    try:
        day, at = dt.date.fromisoformat(entry["day"]), dt.datetime.fromisoformat(entry["at"])
    except (KeyError, TypeError, ValueError):
        return None
    return (day, str(entry.get("text", ""))) if ctx.now - at <= dt.timedelta(minutes=OFFER_MINUTES) else None


@intent_handler(OWN_INTENT)
def own_deadline(ctx: Context) -> list[Reply]:
    if ctx.text.startswith("/"):
        return _command(ctx)
    days = _days(ctx)
    owned = own_deadlines(ctx.session, ctx.user_id)
    if owned and _REMOVE.search(ctx.text) and not _CHANGE.search(ctx.text):
        return remove(ctx, owned, days)
    if days and _COUNT.search(ctx.text):
        return count_to(ctx, days)
    if days and not (_QUESTION.search(ctx.text) and not _KEEP.search(ctx.text)):
        return record(ctx, days, owned)
    offer = _recent_offer(ctx)
    if offer is not None and not days:
        return _keep(ctx, offer[0], offer[1] or ctx.text, None)
    if owned and (not days or _OWN.search(ctx.text)):
        return list_owned(ctx, owned)
    if days or not (_OWN.search(ctx.text) or _KEEP.search(ctx.text)):
        return INTENT_HANDLERS["deadline"](ctx)  # “12月31日截止吗”: a question about the notice's deadline
    return [Reply(render("deadlines/own_none"))]


def _command(ctx: Context) -> list[Reply]:
    """Button payloads: ``/own_deadline`` lists, ``/own_deadline off 2026-12-18`` removes that date."""
    parts = ctx.text.split()
    owned = own_deadlines(ctx.session, ctx.user_id)
    if len(parts) >= 2 and parts[1].lower() == "off":
        wanted = {parts[2]} if len(parts) >= 3 else {row.day.isoformat() for row in owned}
        return _removed(ctx, [row for row in owned if row.day.isoformat() in wanted], owned)
    return list_owned(ctx, owned) if owned else [Reply(render("deadlines/own_none"))]


# -- remembering and moving ----------------------------------------------------------------------------------
def record(ctx: Context, days: list[tuple[str, dt.date]], owned: list[OwnDeadline]) -> list[Reply]:
    today = local_date(ctx.now)
    replacing = _to_move(ctx, days, owned) if owned and _CHANGE.search(ctx.text) else None
    candidates = [d for _t, d in days if replacing is None or d != replacing.day]
    if not candidates:
        return list_owned(ctx, owned)
    day = next((d for d in candidates if d >= today), candidates[-1] if replacing else candidates[0])
    if day < today:
        return [Reply(render("deadlines/own_past", day_text=cn_date(day), days=(today - day).days))]
    return _keep(ctx, day, ctx.text, replacing)


def _to_move(ctx: Context, days: list[tuple[str, dt.date]], owned: list[OwnDeadline]) -> OwnDeadline:
    """The remembered date a change refers to: the one the message names, else the one last spoken of, else the
    one set last."""
    named = {d for _t, d in days}
    for row in owned:
        if row.day in named and len(named) > 1:
            return row
    last = _remembered(ctx).get("day")
    return next((row for row in owned if row.day.isoformat() == last),
                max(owned, key=lambda row: (row.updated_at, row.id)))


def _keep(ctx: Context, day: dt.date, note: str, replacing: OwnDeadline | None) -> list[Reply]:
    old_day = replacing.day if replacing is not None else None
    if replacing is not None:
        note = replacing.note  # “改成下周三” says when, not what: the reminder keeps quoting the first words
    remember(ctx.session, ctx.user_id, day, note, ctx.now, replacing)
    plan = load_deadlines()
    sync_own_reminders(ctx.session, plan.reminders, ctx.now, user_id=ctx.user_id)
    _note_memory(ctx, day, kept=True)
    today = local_date(ctx.now)
    left = countdown(day, today, WorkCalendar.load())
    sub = ctx.session.get(ReminderSubscription, ctx.user_id)
    application = plan.current.get("application")
    text = render("deadlines/own_recorded", day_text=cn_date(day), today_text=cn_date(today, weekday=False),
                  days=left.days, workdays=left.workdays, fallback_years=left.fallback_years,
                  old_text=cn_date(old_day) if old_day and old_day != day else "", tz_label=_tz_label(),
                  times=_times_text(pending_times(ctx.session, ctx.user_id, day)),
                  push=ctx.user.channel in PUSH_CHANNELS, channel=ctx.user.channel,
                  email=sub.email if sub is not None else None,
                  notice_text=cn_date(application) if application and application < day else "")
    return [Reply(text, buttons=(Button("我记下的日期", "/own_deadline"),
                                 Button("不用提醒了", f"/own_deadline off {day.isoformat()}")))]


# -- counting and listing ------------------------------------------------------------------------------------
def count_to(ctx: Context, days: list[tuple[str, dt.date]]) -> list[Reply]:
    """“离下周五还有几天”: calendar and working days to the day named (not today, when another is named)."""
    today = local_date(ctx.now)
    day = next((d for _t, d in days if d != today), days[0][1])
    left = countdown(day, today, WorkCalendar.load())
    owned = {row.day for row in own_deadlines(ctx.session, ctx.user_id)}
    if day not in owned and day > today:
        _note_memory(ctx, day, kept=False)
    return [Reply(render("deadlines/countdown_to", day_text=cn_date(day), today_text=cn_date(today, weekday=False),
                         days=left.days, workdays=left.workdays, fallback_years=left.fallback_years,
                         tz_label=_tz_label(), offer=day not in owned and day > today, owned=day in owned))]


def _items(ctx: Context, rows: list[OwnDeadline]) -> list[dict[str, Any]]:
    today, cal = local_date(ctx.now), WorkCalendar.load()
    items = []
    for row in rows:
        left = countdown(row.day, today, cal)
        items.append({"day_text": cn_date(row.day), "days": left.days, "workdays": left.workdays,
                      "note": row.note, "times": _times_text(pending_times(ctx.session, ctx.user_id, row.day))})
    return items


def list_owned(ctx: Context, owned: list[OwnDeadline]) -> list[Reply]:
    if len(owned) == 1:
        _note_memory(ctx, owned[0].day, kept=True)
    else:
        ctx.state.memory["topic"] = OWN_INTENT
    text = render("deadlines/own_list", items=_items(ctx, owned), today_text=cn_date(local_date(ctx.now), False),
                  tz_label=_tz_label())
    return [Reply(text, buttons=tuple(Button(f"不用提醒{row.day.month}月{row.day.day}日",
                                             f"/own_deadline off {row.day.isoformat()}") for row in owned))]


def own_lines(ctx: Context) -> list[str]:
    """For the notice's countdown: “另：您记下的截止日期是…，还有…”."""
    today, cal = local_date(ctx.now), WorkCalendar.load()
    lines = []
    for row in own_deadlines(ctx.session, ctx.user_id):
        if row.day >= today:
            left = countdown(row.day, today, cal)
            lines.append(f"另：您记下的截止日期是{cn_date(row.day)}，还有{left.days}个自然日、{left.workdays}个工作日。"
                         if left.days else f"另：您记下的截止日期{cn_date(row.day)}就是今天。")
    return lines


# -- removing ------------------------------------------------------------------------------------------------
def remove(ctx: Context, owned: list[OwnDeadline], days: list[tuple[str, dt.date]]) -> list[Reply]:
    """“不用提醒了” in the context of a remembered date: that date (or every one, “都不用提醒了”)."""
    targets = targeted(ctx, owned, days)
    if targets is None or (_ALL.search(ctx.text) and not days):
        targets = owned
    return _removed(ctx, targets, owned, [d for _t, d in days])


def targeted(ctx: Context, owned: list[OwnDeadline], days: list[tuple[str, dt.date]]) -> list[OwnDeadline] | None:
    """The remembered dates a “不用提醒了” is about: those it names (none, when it names a day not remembered),
    else the one the conversation or the latest reminder was about; ``None`` when it says nothing of them."""
    named = {d for _t, d in days}
    if named or not owned:
        return [row for row in owned if row.day in named]
    last = _remembered(ctx)
    latest = ctx.session.execute(select(Reminder.kind, Reminder.deadline, Reminder.sent_at).where(
        Reminder.user_id == ctx.user_id, Reminder.status == "sent").order_by(Reminder.sent_at.desc()).limit(1)).first()
    spoken_at = _parse_time(last.get("at")) if ctx.state.memory.get("topic") == OWN_INTENT else None
    if latest is not None and latest.sent_at is not None and (spoken_at is None or latest.sent_at > spoken_at):
        if latest.kind != OWN_KIND:
            return None  # the latest reminder was the notice's: “不用提醒了” is about those
        return [row for row in owned if row.day == latest.deadline] or None
    if spoken_at is not None:
        return [row for row in owned if row.day.isoformat() == last.get("day")] or None
    return None


def _parse_time(raw: object) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(raw))
    except ValueError:
        return None


def _removed(ctx: Context, targets: list[OwnDeadline], owned: list[OwnDeadline],
             named: list[dt.date] | None = None) -> list[Reply]:
    """Remove ``targets``; a day named that is not remembered is said so, and nothing else is removed."""
    removed = [cn_date(row.day) for row in targets]
    left = [cn_date(row.day) for row in owned if row not in targets]
    forget_own(ctx, [row.day for row in targets])
    sub = ctx.session.get(ReminderSubscription, ctx.user_id)
    return [Reply(render("deadlines/own_removed", removed=removed, left=left, subscribed=bool(sub and sub.active),
                         unknown=[cn_date(d) for d in named or () if cn_date(d) not in removed]))]


def forget_own(ctx: Context, days: list[dt.date]) -> None:
    """Delete those remembered dates and cancel their pending reminders."""
    if days:
        forget_days(ctx.session, ctx.user_id, days)
        sync_own_reminders(ctx.session, load_deadlines().reminders, ctx.now, user_id=ctx.user_id)
    ctx.state.memory.pop(MEMORY_KEY, None)
    if ctx.state.memory.get("topic") == OWN_INTENT:
        ctx.state.memory.pop("topic")


# -- hooks for the other handlers ----------------------------------------------------------------------------
def from_deadline_question(ctx: Context) -> list[Reply] | None:
    """A ``deadline`` message that names a day: “离下周五还有几天” is counted to it; a statement such as
    “园区要求下周五前交” is the user's own deadline. Otherwise ``None`` (the notice's deadline is answered)."""
    days = _days(ctx)
    if not days:
        return None
    if _COUNT.search(ctx.text):
        today = local_date(ctx.now)
        return count_to(ctx, days) if any(d != today for _t, d in days) else None
    if _QUESTION.search(ctx.text):
        return None
    return own_deadline(ctx)


def from_subscribe(ctx: Context) -> list[Reply] | None:
    """“下周五前报上去，记得提醒我” (a day named) or “提醒我” right after a count: the user's own deadline."""
    if ctx.text.startswith("/"):
        return None
    if _days(ctx) or _recent_offer(ctx) is not None:
        return own_deadline(ctx)
    return None


def from_unsubscribe(ctx: Context) -> list[Reply] | None:
    """“不用提醒了” about a remembered date (named, just spoken of, or just reminded of; or the user has no other
    reminders): remove that date only. ``None`` leaves it to the general unsubscribe."""
    if ctx.text.startswith("/"):
        return None
    owned = own_deadlines(ctx.session, ctx.user_id)
    if not owned or _ALL.search(ctx.text):
        return None  # “都不用提醒了”: the general unsubscribe, which removes the remembered dates too
    days = _days(ctx)
    targets = targeted(ctx, owned, days)
    if targets is None:
        sub = ctx.session.get(ReminderSubscription, ctx.user_id)
        if sub is not None and sub.active:
            return None
        targets = owned  # the remembered dates are the only reminders the user has
    return _removed(ctx, targets, owned, [d for _t, d in days])
