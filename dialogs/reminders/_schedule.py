"""Reminder rows: one per subscriber, delivery channel, deadline and offset, due at 10:00 local time.

``sync_reminders`` makes the table match the deadlines and the subscriptions; it is idempotent, so a changed
deadline (or a restart) only has to call it again: pending rows of an old date are cancelled and the new date's
rows are created. Rows already due when they are (re)created are not created: a late subscriber is told the
countdown in the reply instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from dialogs.reminders._time import due_at, local_tz
from dialogs.store.models import Reminder, ReminderSubscription, User
from knowledge._deadlines import Deadlines

PUSH_CHANNELS: tuple[str, ...] = ("telegram", "web")
EMAIL_CHANNEL = "email"
OWN_KIND = "own"  # rows for a deadline the user gave (dialogs/reminders/_own.py), kept apart from the notice's
SlotKey = tuple[int, str, dt.date, int]
RowKey = tuple[int, str, int, str, dt.date, int]
Existing = dict[RowKey, tuple[int, str, str, dt.datetime]]  # key -> (id, status, address, due_at)


@dataclass(frozen=True)
class Slot:
    year: int
    kind: str
    deadline: dt.date
    offset_days: int
    due_at: dt.datetime

    @property
    def key(self) -> SlotKey:
        return (self.year, self.kind, self.deadline, self.offset_days)


def planned_slots(plan: Deadlines, tz: dt.tzinfo | None = None) -> list[Slot]:
    """Every (deadline, offset) the configuration asks a reminder for."""
    zone = tz or local_tz()
    slots = []
    for year in plan.years.values():
        for kind in plan.reminders.kinds:
            day = year.get(kind)
            if day is None:
                continue
            for offset in plan.reminders.offsets_days:
                moment = due_at(day - dt.timedelta(days=offset), plan.reminders.time, zone)
                slots.append(Slot(year.year, kind, day, offset, moment))
    return slots


def targets(user: User, sub: ReminderSubscription) -> list[tuple[str, str]]:
    """Where this subscriber's reminders go: their own channel (push or web outbox) and e-mail if given."""
    out = [(user.channel, user.external_id)] if user.channel in PUSH_CHANNELS else []
    if sub.email:
        out.append((EMAIL_CHANNEL, sub.email))
    return out


def _cancel_stale(session: Session, slots: list[Slot], user_id: int | None) -> None:
    wanted = {s.key for s in slots}
    stmt = select(Reminder.id, Reminder.year, Reminder.kind, Reminder.deadline, Reminder.offset_days).where(
        Reminder.status == "pending", Reminder.kind != OWN_KIND)
    if user_id is not None:
        stmt = stmt.where(Reminder.user_id == user_id)
    stale = [row.id for row in session.execute(stmt) if (row.year, row.kind, row.deadline, row.offset_days)
             not in wanted]
    _set_status(session, stale, "cancelled", "截止日期或提醒设置已更改", only_from="pending")


def _set_status(session: Session, ids: list[int], status: str, reason: str, only_from: str) -> None:
    for start in range(0, len(ids), 500):
        session.execute(update(Reminder).where(Reminder.id.in_(ids[start:start + 500]), Reminder.status == only_from)
                        .values(status=status, last_error=reason).execution_options(synchronize_session=False))


def _subscribers(session: Session, user_id: int | None) -> Iterable[tuple[User, ReminderSubscription]]:
    stmt = select(User, ReminderSubscription).join(ReminderSubscription, ReminderSubscription.user_id == User.id)
    stmt = stmt.where(ReminderSubscription.active)
    if user_id is not None:
        stmt = stmt.where(User.id == user_id)
    return [(u, s) for u, s in session.execute(stmt)]


def existing_rows(session: Session, user_id: int | None, own: bool = False) -> Existing:
    """The rows of the notice's deadlines, or (``own``) of the deadlines users gave, for one user or everybody."""
    stmt = select(Reminder.id, Reminder.user_id, Reminder.channel, Reminder.year, Reminder.kind, Reminder.deadline,
                  Reminder.offset_days, Reminder.status, Reminder.address, Reminder.due_at)
    stmt = stmt.where(Reminder.kind == OWN_KIND if own else Reminder.kind != OWN_KIND)
    if user_id is not None:
        stmt = stmt.where(Reminder.user_id == user_id)
    return {(r.user_id, r.channel, r.year, r.kind, r.deadline, r.offset_days): (r.id, r.status, r.address, r.due_at)
            for r in session.execute(stmt)}


def _insert_ignoring_duplicates(session: Session, rows: list[dict[str, object]]) -> None:
    """INSERT … ON CONFLICT DO NOTHING: a concurrent sync may have created the same rows a moment earlier."""
    dialect = session.get_bind().dialect.name
    for start in range(0, len(rows), 1000):
        chunk = rows[start:start + 1000]
        if dialect == "postgresql":
            session.execute(pg_insert(Reminder).values(chunk).on_conflict_do_nothing())
        elif dialect == "sqlite":
            session.execute(sqlite_insert(Reminder).values(chunk).on_conflict_do_nothing())
        else:
            session.execute(insert(Reminder), chunk)


def _refresh(session: Session, row_id: int, address: str, slot: Slot) -> None:
    """Make an existing pending or cancelled row pending again for this slot (address or time may differ)."""
    session.execute(update(Reminder).where(Reminder.id == row_id, Reminder.status.in_(("pending", "cancelled")))
                    .values(status="pending", address=address, due_at=slot.due_at, next_attempt_at=slot.due_at,
                            attempts=0, last_error=None).execution_options(synchronize_session=False))


def _new_row(user_id: int, channel: str, address: str, slot: Slot) -> dict[str, object]:
    return {"user_id": user_id, "channel": channel, "address": address, "year": slot.year, "kind": slot.kind,
            "deadline": slot.deadline, "offset_days": slot.offset_days, "due_at": slot.due_at, "status": "pending",
            "attempts": 0, "next_attempt_at": slot.due_at}


def sync_reminders(session: Session, plan: Deadlines, now: dt.datetime, user_id: int | None = None,
                   tz: dt.tzinfo | None = None) -> int:
    """Create, revive and cancel pending rows so they match ``plan`` (for one user, or everybody); idempotent.
    Returns how many rows were created. Rows of the users' own deadlines (kind ``own``) are left alone."""
    slots = planned_slots(plan, tz)
    _cancel_stale(session, slots, user_id)
    wanted = [(user.id, channel, address, slot) for user, sub in _subscribers(session, user_id)
              for channel, address in targets(user, sub) for slot in slots]
    return apply_rows(session, wanted, existing_rows(session, user_id), now, "订阅或投递方式已更改")


def apply_rows(session: Session, wanted: list[tuple[int, str, str, Slot]],
               existing: Existing, now: dt.datetime, reason: str) -> int:
    """Make ``existing`` rows match ``wanted`` (user, channel, address, slot): new rows for future slots, pending
    rows moved to a changed address or time, cancelled ones revived, pending ones no longer wanted cancelled."""
    new_rows: list[dict[str, object]] = []
    keys: set[RowKey] = set()
    for user_id, channel, address, slot in wanted:
        key = (user_id, channel, *slot.key)
        keys.add(key)
        row = existing.get(key)
        if slot.due_at <= now:
            continue
        if row is None:
            new_rows.append(_new_row(user_id, channel, address, slot))
        elif row[1] == "cancelled" or (row[1] == "pending" and (row[2], row[3]) != (address, slot.due_at)):
            _refresh(session, row[0], address, slot)
    unwanted = [v[0] for key, v in existing.items() if v[1] == "pending" and key not in keys]
    _set_status(session, unwanted, "cancelled", reason, only_from="pending")
    _insert_ignoring_duplicates(session, new_rows)
    return len(new_rows)


def cancel_pending(session: Session, user_id: int, reason: str, channel: str | None = None) -> None:
    stmt = update(Reminder).where(Reminder.user_id == user_id, Reminder.status == "pending")
    if channel is not None:
        stmt = stmt.where(Reminder.channel == channel)
    session.execute(stmt.values(status="cancelled", last_error=reason).execution_options(synchronize_session=False))
