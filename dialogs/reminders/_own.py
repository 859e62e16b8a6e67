"""Deadlines the user gives (“园区说材料下周五前报上去，记得提醒我”): kept in ``own_deadlines``, counted in
calendar and working days, and reminded of through ``reminders`` rows of kind ``own`` — the same dispatcher,
guarantees (once, on time, across restarts) and channels as the notice's deadlines.

The reminders come ``reminders.own_offsets_days`` before the day (deadlines.yml; 7 and 1 days before and the
morning of the day) at the configured time; slots already past are not created. ``sync_own_reminders`` is
idempotent: a changed date cancels the old date's pending rows and creates the new one's, a removed date cancels
its rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from dialogs.reminders._schedule import (
    EMAIL_CHANNEL,
    OWN_KIND,
    PUSH_CHANNELS,
    Slot,
    apply_rows,
    existing_rows,
)
from dialogs.reminders._time import due_at, local_tz
from dialogs.store.models import OwnDeadline, Reminder, ReminderSubscription, User
from knowledge._deadlines import ReminderSettings
from knowledge._workdays import WorkCalendar

MAX_NOTE_CHARS = 200
CHANGED = "截止日期已更改或删除"
# built once with bound parameters (building a statement per call cost more than running it)
_OWN_DEADLINES = select(OwnDeadline).where(OwnDeadline.user_id == bindparam("uid")).order_by(OwnDeadline.day,
                                                                                            OwnDeadline.id)
_OWN_DEADLINE_ON = select(OwnDeadline).where(OwnDeadline.user_id == bindparam("uid"),
                                             OwnDeadline.day == bindparam("on_day"))
_DAYS_AND_TARGETS = (select(OwnDeadline.day, User, ReminderSubscription).join(User, User.id == OwnDeadline.user_id)
                     .outerjoin(ReminderSubscription, ReminderSubscription.user_id == User.id))
_DAYS_AND_TARGETS_OF = _DAYS_AND_TARGETS.where(OwnDeadline.user_id == bindparam("uid"))
_PENDING_TIMES = select(Reminder.due_at).where(
    Reminder.user_id == bindparam("uid"), Reminder.kind == OWN_KIND, Reminder.deadline == bindparam("on_day"),
    Reminder.status == "pending").distinct().order_by(Reminder.due_at)


@dataclass(frozen=True)
class Countdown:
    """From today (excluded) to ``day`` (included): calendar days and PRC working days."""

    day: dt.date
    today: dt.date
    days: int
    workdays: int
    fallback_years: tuple[int, ...] = ()


def countdown(day: dt.date, today: dt.date, cal: WorkCalendar) -> Countdown:
    count = cal.workdays_between(today, day)
    return Countdown(day, today, (day - today).days, count.value, count.fallback_years)


def own_deadlines(session: Session, user_id: int) -> list[OwnDeadline]:
    """The user's deadlines, the nearest first."""
    return list(session.scalars(_OWN_DEADLINES, {"uid": user_id}))


def remember(session: Session, user_id: int, day: dt.date, note: str, now: dt.datetime,
             replacing: OwnDeadline | None = None) -> OwnDeadline:
    """Store ``day`` (one row per user and day), or move ``replacing`` to it."""
    same = session.scalar(_OWN_DEADLINE_ON, {"uid": user_id, "on_day": day})
    if replacing is not None and same is not None and same.id != replacing.id:
        session.delete(replacing)  # moved onto a date already remembered: the two become one
        replacing = same
    row = replacing or same
    if row is None:
        row = OwnDeadline(user_id=user_id, day=day, note=note[:MAX_NOTE_CHARS], created_at=now, updated_at=now)
        session.add(row)
    else:
        row.day, row.note, row.updated_at = day, note[:MAX_NOTE_CHARS], now
    session.flush()
    return row


def forget_days(session: Session, user_id: int, days: list[dt.date]) -> None:
    session.execute(delete(OwnDeadline).where(OwnDeadline.user_id == user_id, OwnDeadline.day.in_(days))
                    .execution_options(synchronize_session="fetch"))
    session.flush()


def own_slots(day: dt.date, settings: ReminderSettings, tz: dt.tzinfo | None = None) -> list[Slot]:
    zone = tz or local_tz()
    return [Slot(day.year, OWN_KIND, day, offset, due_at(day - dt.timedelta(days=offset), settings.time, zone))
            for offset in settings.own_offsets_days]


def own_targets(user: User, sub: ReminderSubscription | None) -> list[tuple[str, str]]:
    """The user's own channel when it can push (Telegram, the web page's outbox), and the e-mail they left."""
    out = [(user.channel, user.external_id)] if user.channel in PUSH_CHANNELS else []
    if sub is not None and sub.email:
        out.append((EMAIL_CHANNEL, sub.email))
    return out


def sync_own_reminders(session: Session, settings: ReminderSettings, now: dt.datetime, user_id: int | None = None,
                       tz: dt.tzinfo | None = None) -> int:
    """Make the ``own`` reminder rows match the remembered deadlines (one user, or everybody); idempotent.
    Returns how many rows were created."""
    stmt, params = (_DAYS_AND_TARGETS, {}) if user_id is None else (_DAYS_AND_TARGETS_OF, {"uid": user_id})
    wanted = [(user.id, channel, address, slot) for day, user, sub in session.execute(stmt, params)
              for channel, address in own_targets(user, sub) for slot in own_slots(day, settings, tz)]
    return apply_rows(session, wanted, existing_rows(session, user_id, own=True), now, CHANGED)


def pending_times(session: Session, user_id: int, day: dt.date) -> list[dt.datetime]:
    """When the reminders of ``day`` will come (each time once, whatever the number of channels)."""
    return list(session.scalars(_PENDING_TIMES, {"uid": user_id, "on_day": day}))
