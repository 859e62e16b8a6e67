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
from typing import Any

from sqlalchemy import Select, bindparam, insert, select, update
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

AnySelect = Select[*tuple[Any, ...]]


def _narrowed(stmt: AnySelect, column: Any) -> tuple[AnySelect, AnySelect]:
    """``stmt`` for everybody, and for one user (``for_user``)."""
    return stmt, stmt.where(column == bindparam("for_user"))


def _for_user(stmts: tuple[AnySelect, AnySelect], user_id: int | None) -> tuple[AnySelect, dict[str, Any]]:
    """The statement for everybody or for one user, with its parameters."""
    return (stmts[0], {}) if user_id is None else (stmts[1], {"for_user": user_id})


# The statements of a sync, built once with bound parameters (building one per call, column comparisons and all,
# cost more than running it); the SQL and the rows are those of the statements written out per call before.
_NO_SYNC = {"synchronize_session": False}
_PENDING_NOTICE_ROWS = _narrowed(select(Reminder.id, Reminder.year, Reminder.kind, Reminder.deadline,
                                        Reminder.offset_days).where(Reminder.status == "pending",
                                                                    Reminder.kind != OWN_KIND), Reminder.user_id)
_SET_STATUS = (update(Reminder).where(Reminder.id.in_(bindparam("ids", expanding=True)),
                                      Reminder.status == bindparam("only_from"))
               .values(status=bindparam("new_status"), last_error=bindparam("reason")).execution_options(**_NO_SYNC))
_SUBSCRIBERS = _narrowed(select(User, ReminderSubscription)
                         .join(ReminderSubscription, ReminderSubscription.user_id == User.id)
                         .where(ReminderSubscription.active), User.id)
_ROW_COLUMNS = select(Reminder.id, Reminder.user_id, Reminder.channel, Reminder.year, Reminder.kind, Reminder.deadline,
                      Reminder.offset_days, Reminder.status, Reminder.address, Reminder.due_at)
_OWN_ROWS = _narrowed(_ROW_COLUMNS.where(Reminder.kind == OWN_KIND), Reminder.user_id)
_NOTICE_ROWS = _narrowed(_ROW_COLUMNS.where(Reminder.kind != OWN_KIND), Reminder.user_id)
_INSERT = insert(Reminder)
_INSERT_IGNORING = {"postgresql": pg_insert(Reminder).on_conflict_do_nothing(),
                    "sqlite": sqlite_insert(Reminder).on_conflict_do_nothing()}
_REFRESH = (update(Reminder).where(Reminder.id == bindparam("row_id"), Reminder.status.in_(("pending", "cancelled")))
            .values(status="pending", address=bindparam("new_address"), due_at=bindparam("due"),
                    next_attempt_at=bindparam("due"), attempts=0, last_error=None).execution_options(**_NO_SYNC))
_CANCEL_PENDING = (update(Reminder).where(Reminder.user_id == bindparam("uid"), Reminder.status == "pending")
                   .values(status="cancelled", last_error=bindparam("reason")).execution_options(**_NO_SYNC))
_CANCEL_PENDING_ON = (update(Reminder).where(Reminder.user_id == bindparam("uid"), Reminder.status == "pending",
                                             Reminder.channel == bindparam("on_channel"))
                      .values(status="cancelled", last_error=bindparam("reason")).execution_options(**_NO_SYNC))


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
    stale = [row.id for row in session.execute(*_for_user(_PENDING_NOTICE_ROWS, user_id))
             if (row.year, row.kind, row.deadline, row.offset_days) not in wanted]
    _set_status(session, stale, "cancelled", "截止日期或提醒设置已更改", only_from="pending")


def _set_status(session: Session, ids: list[int], status: str, reason: str, only_from: str) -> None:
    for start in range(0, len(ids), 500):
        session.execute(_SET_STATUS, {"ids": ids[start:start + 500], "only_from": only_from, "new_status": status,
                                      "reason": reason})


def _subscribers(session: Session, user_id: int | None) -> Iterable[tuple[User, ReminderSubscription]]:
    return [(u, s) for u, s in session.execute(*_for_user(_SUBSCRIBERS, user_id))]


def existing_rows(session: Session, user_id: int | None, own: bool = False) -> Existing:
    """The rows of the notice's deadlines, or (``own``) of the deadlines users gave, for one user or everybody."""
    return {(r.user_id, r.channel, r.year, r.kind, r.deadline, r.offset_days): (r.id, r.status, r.address, r.due_at)
            for r in session.execute(*_for_user(_OWN_ROWS if own else _NOTICE_ROWS, user_id))}


def _insert_ignoring_duplicates(session: Session, rows: list[dict[str, object]]) -> None:
    """INSERT … ON CONFLICT DO NOTHING: a concurrent sync may have created the same rows a moment earlier."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    for start in range(0, len(rows), 1000):
        chunk = rows[start:start + 1000]
        session.execute(_INSERT_IGNORING.get(dialect, _INSERT), chunk)


def _refresh(session: Session, row_id: int, address: str, slot: Slot) -> None:
    """Make an existing pending or cancelled row pending again for this slot (address or time may differ)."""
    session.execute(_REFRESH, {"row_id": row_id, "new_address": address, "due": slot.due_at})


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
    params = {"uid": user_id, "reason": reason}
    if channel is None:
        session.execute(_CANCEL_PENDING, params)
    else:
        session.execute(_CANCEL_PENDING_ON, {**params, "on_channel": channel})
