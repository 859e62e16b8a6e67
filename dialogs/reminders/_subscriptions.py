"""Intent handlers ``remind_subscribe`` ("提醒我", ``/remind``), ``remind_unsubscribe`` (``/remind off``),
and the e-mail address a web user leaves."""

from __future__ import annotations

import os
import re

from sqlalchemy import bindparam, select

from dialogs._context import Context
from dialogs._registry import intent_handler, register_flow
from dialogs._types import Button, Reply
from dialogs.reminders._own import own_deadlines, sync_own_reminders
from dialogs.reminders._own_dialog import forget_own, from_subscribe, from_unsubscribe
from dialogs.reminders._schedule import PUSH_CHANNELS, cancel_pending, sync_reminders
from dialogs.reminders._time import cn_date, local_tz
from dialogs.store.models import Reminder, ReminderSubscription
from knowledge import render
from knowledge._deadlines import KIND_LABELS, load_deadlines

EMAIL_FLOW = "remind_email"
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}")
_OFF_WORDS = ("off", "stop", "关闭", "取消", "停止", "不要")
_NEXT_DUE = select(Reminder.due_at).where(Reminder.user_id == bindparam("uid"), Reminder.status == "pending") \
    .order_by(Reminder.due_at).limit(1)  # built once (building it per call cost more than running it)


def find_email(text: str) -> str | None:
    match = EMAIL_RE.search(text)
    return match.group(0).lower() if match and len(match.group(0)) <= 254 else None


def _subscription(ctx: Context) -> ReminderSubscription:
    sub = ctx.session.get(ReminderSubscription, ctx.user.id)
    if sub is None:
        sub = ReminderSubscription(user_id=ctx.user.id, active=False, email=None, created_at=ctx.now,
                                   updated_at=ctx.now)
        ctx.session.add(sub)
        ctx.session.flush()
    return sub


def _smtp_configured() -> bool:
    return bool(os.environ.get("SHENBAO_SMTP_URL", "").strip())


def _next_reminder(ctx: Context) -> str | None:
    due = ctx.session.scalar(_NEXT_DUE, {"uid": ctx.user.id})
    if due is None:
        return None
    local = due.astimezone(local_tz())
    return f"{cn_date(local.date())} {local:%H:%M}"


@intent_handler("remind_subscribe")
def remind_subscribe(ctx: Context) -> list[Reply]:
    args = ctx.text.split()[1:] if ctx.text.startswith("/") else []
    if args and args[0].lower() in _OFF_WORDS:
        return remind_unsubscribe(ctx)
    own = from_subscribe(ctx)  # “下周五前报上去，记得提醒我”: the user's own deadline
    if own is not None:
        return own
    sub = _subscription(ctx)
    email = find_email(ctx.text)
    if email:
        sub.email = email
    deliverable = ctx.user.channel in PUSH_CHANNELS or bool(sub.email)
    if not deliverable:
        return [Reply(render("reminders/subscribed", deliverable=False))]
    sub.active, sub.updated_at = True, ctx.now
    plan = load_deadlines()
    sync_reminders(ctx.session, plan, ctx.now, user_id=ctx.user.id)
    sync_own_reminders(ctx.session, plan.reminders, ctx.now, user_id=ctx.user.id)  # an e-mail given now
    dates = [f"{KIND_LABELS[k]}是{cn_date(d)}" for k in plan.reminders.kinds
             if (d := plan.current.get(k)) is not None]
    if ctx.user.channel == "web" and not sub.email:
        ctx.state.reset_flow()
        ctx.state.flow, ctx.state.step = EMAIL_FLOW, "address"
    tz = str(local_tz())
    text = render("reminders/subscribed", deliverable=True, dates=dates, year=plan.current.year,
                  offsets=list(plan.reminders.offsets_days), time=plan.reminders.time.strftime("%H:%M"),
                  tz_label="北京时间" if tz == "Asia/Shanghai" else tz, next_text=_next_reminder(ctx),
                  channel=ctx.user.channel, email=sub.email, smtp=_smtp_configured())
    return [Reply(text, buttons=(Button("查看材料清单", "/materials"), Button("取消提醒", "/remind off")))]


@intent_handler("remind_unsubscribe")
def remind_unsubscribe(ctx: Context) -> list[Reply]:
    """Every reminder off (the dates the user gave included), unless the message is about one of those dates."""
    own = from_unsubscribe(ctx)
    if own is not None:
        return own
    sub = ctx.session.get(ReminderSubscription, ctx.user.id)
    was_active = bool(sub and sub.active)
    if sub is not None:
        sub.active, sub.updated_at = False, ctx.now
    cancel_pending(ctx.session, ctx.user.id, "用户取消了提醒")
    owned = [row.day for row in own_deadlines(ctx.session, ctx.user.id)]
    forget_own(ctx, owned)
    if ctx.state.flow == EMAIL_FLOW:
        ctx.state.reset_flow()
    return [Reply(render("reminders/unsubscribed", was_active=was_active, own=[cn_date(d) for d in owned]))]


@intent_handler("remind_email")
def remind_email(ctx: Context) -> list[Reply]:
    """``/remind_email name@example.cn``: store the address and remind there too."""
    email = find_email(ctx.text)
    if email is None:
        return [Reply("没有识别出邮箱地址，请按“name@example.cn”的格式再发一次。")]
    sub = _subscription(ctx)
    sub.email, sub.active, sub.updated_at = email, True, ctx.now
    plan = load_deadlines()
    sync_reminders(ctx.session, plan, ctx.now, user_id=ctx.user.id)
    sync_own_reminders(ctx.session, plan.reminders, ctx.now, user_id=ctx.user.id)  # the remembered dates too
    return [Reply(render("reminders/email_saved", email=email, smtp=_smtp_configured()))]


class EmailFlow:
    """Right after a web user subscribes: a reply containing an e-mail address is taken as theirs."""

    name = EMAIL_FLOW

    def handle(self, ctx: Context) -> list[Reply] | None:
        ctx.state.reset_flow()
        if ctx.text.startswith("/") or find_email(ctx.text) is None:
            return None
        return remind_email(ctx)

    def resume(self, ctx: Context) -> list[Reply]:
        return []

    def asking(self, ctx: Context) -> tuple[str | None, str | None, str | None]:
        return None, None, None


register_flow(EmailFlow())
