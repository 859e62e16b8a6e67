"""The dispatcher: sends due reminders exactly once, across restarts and several workers.

Each reminder is claimed by one atomic ``UPDATE … WHERE status='pending' … RETURNING`` (with ``FOR UPDATE SKIP
LOCKED`` on PostgreSQL), so two dispatchers never send one row twice. Before claiming, of the rows that fell due
while nobody was running only the latest per user, channel and deadline is kept (the older ones are marked
``skipped``), as are rows whose deadline has passed.

A row moves ``pending → claimed → sending → sent``. ``claimed`` rows (taken and rendered, waiting for the pace)
have not left: after a kill -9 they are simply due again. ``sending`` is committed in the instant before the
request leaves. Through a channel that delivers once per key (the web outbox, keyed by the reminder's id) an
interrupted ``sending`` row is repeated safely. Through Telegram or e-mail its outcome is unknown: the request
was on the wire when the process died; it is recorded as failed (``UNKNOWN_OUTCOME``) rather than sent again,
so nothing arrives twice, and it is the only kind of row a kill -9 can leave undelivered.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import logging
import math
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, select, update
from sqlalchemy.orm import Session, aliased

from dialogs._types import Button
from dialogs.reminders import _catalog
from dialogs.reminders._catalog import Material
from dialogs.reminders._materials import missing_materials
from dialogs.reminders._own import sync_own_reminders
from dialogs.reminders._schedule import EMAIL_CHANNEL, OWN_KIND, cancel_pending, sync_reminders
from dialogs.reminders._senders import DeliveryBlocked, DeliveryError, DeliveryRetryAfter, IdempotentSender, Sender
from dialogs.reminders._time import cn_date, local_date, local_tz
from dialogs.store import Store
from dialogs.store.models import OwnDeadline, Reminder, ReminderSubscription
from knowledge import KnowledgeError, render
from knowledge._deadlines import KIND_LABELS, Deadlines, load_deadlines

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]
PACE_WINDOW = 1.05  # seconds in which at most ``rate_per_second`` sends start (see Pacer)
UNKNOWN_OUTCOME = "发送过程中断，结果未知；为避免重复，不再重发"


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class DispatchStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    blocked: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Claimed:
    id: int
    user_id: int
    channel: str
    address: str
    attempts: int
    text: str
    buttons: tuple[Button, ...]


class Pacer:
    """Spaces calls evenly, ``window / rate`` seconds apart, and never lets more than ``rate`` start within any
    ``window`` seconds (a start delayed by a busy loop is not followed by a catch-up burst). A window a little
    over one second leaves room for the jitter between the start here and the arrival at the server, where the
    limit (messages per second) is counted."""

    def __init__(self, rate: float | None, window: float = 1.0) -> None:
        burst = max(1, math.floor(rate)) if rate else 1
        self.interval = window / burst if rate else 0.0
        self.window = window
        self._starts: collections.deque[float] = collections.deque(maxlen=burst)
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        if not self.interval:
            return
        async with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            if len(self._starts) == self._starts.maxlen:
                slot = max(slot, self._starts[0] + self.window)
            if slot > now:
                await asyncio.sleep(slot - now)
            self._starts.append(time.monotonic())
            self._next = slot + self.interval


REMINDER_BUTTONS = (Button("查看材料清单", "/materials"), Button("取消提醒", "/remind off"))


def own_buttons(deadline: dt.date) -> tuple[Button, ...]:
    """Under a reminder of a deadline the user gave: the checklist, and stopping this date's reminders only."""
    return Button("查看材料清单", "/materials"), Button("不用提醒了", f"/own_deadline off {deadline.isoformat()}")


class Dispatcher:
    """``await dispatch_due()`` sends what is due now; ``await run(stop_event)`` does so until stopped."""

    def __init__(self, store: Store, senders: Sequence[Sender], clock: Clock = _utc_now, *,
                 name: str | None = None, plan_loader: Callable[[], Deadlines] = load_deadlines,
                 lease: dt.timedelta = dt.timedelta(minutes=2), max_attempts: int = 5,
                 backoff: dt.timedelta = dt.timedelta(seconds=30), concurrency: int = 4,
                 poll_interval: float = 30.0) -> None:
        self.store = store
        self.senders = {s.channel: s for s in senders}
        self.clock = clock
        self.name = name or f"dispatcher-{uuid.uuid4().hex[:12]}"
        self.plan_loader = plan_loader
        self.lease, self.max_attempts, self.backoff = lease, max_attempts, backoff
        self.concurrency, self.poll_interval = concurrency, poll_interval
        self._pacers = {s.channel: Pacer(s.rate_per_second, PACE_WINDOW) for s in senders}
        self._synced: str | None = None
        self._paused_until: dict[str, dt.datetime] = {}  # flood control (429) pauses the whole channel

    # -- the loop ---------------------------------------------------------------------------------------
    async def run(self, stop_event: asyncio.Event) -> None:
        log.info("reminder dispatcher %s started (%s)", self.name, ", ".join(self.senders) or "no senders")
        while not stop_event.is_set():
            try:
                await self.dispatch_due(stop_event)
            except Exception:  # keep the service alive; the next round tries again
                log.exception("reminder dispatch failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop_event.wait(), timeout=self.poll_interval)

    async def dispatch_due(self, stop_event: asyncio.Event | None = None) -> DispatchStats:
        now = self.clock()
        await asyncio.to_thread(self.prepare, now)
        stats = DispatchStats()
        await asyncio.gather(*(self._drain(sender, now, stats, stop_event) for sender in self.senders.values()))
        return stats

    # -- before claiming: schedule, recover, skip -------------------------------------------------------
    def prepare(self, now: dt.datetime) -> None:
        plan = self.plan_loader()
        if plan.fingerprint != self._synced:
            with self.store.session() as s:
                created = sync_reminders(s, plan, now) + sync_own_reminders(s, plan.reminders, now)
            log.info("reminders synchronised with deadlines %s (%d new)", plan.fingerprint, created)
            self._synced = plan.fingerprint
        with self.store.session() as s:
            self._recover(s, now)
        with self.store.session() as s:
            s.execute(update(Reminder).where(Reminder.status == "pending",
                                             Reminder.deadline < local_date(now, local_tz()))
                      .values(status="skipped", last_error="截止日期已过").execution_options(synchronize_session=False))
        with self.store.session() as s:
            self._skip_superseded(s, now)

    def _recover(self, s: Session, now: dt.datetime) -> None:
        """Rows whose dispatcher died (the lease ran out): a claim that never left is due again; an interrupted
        send is repeated where the channel delivers once per key, and recorded as of unknown outcome elsewhere."""
        expired = Reminder.claimed_at < now - self.lease
        again = {"status": "pending", "claimed_by": None, "next_attempt_at": now}
        s.execute(update(Reminder).where(Reminder.status == "claimed", expired)
                  .values(attempts=Reminder.attempts - 1, **again).execution_options(synchronize_session=False))
        keyed = [c for c, sender in self.senders.items() if isinstance(sender, IdempotentSender)]
        s.execute(update(Reminder).where(Reminder.status == "sending", expired, Reminder.channel.in_(keyed))
                  .values(**again).execution_options(synchronize_session=False))
        s.execute(update(Reminder).where(Reminder.status == "sending", expired, Reminder.channel.not_in(keyed))
                  .values(status="failed", last_error=UNKNOWN_OUTCOME).execution_options(synchronize_session=False))

    @staticmethod
    def _skip_superseded(s: Session, now: dt.datetime) -> None:
        """Of the rows due meanwhile, keep the latest per user, channel and deadline."""
        later = aliased(Reminder)
        newer_due = exists().where(and_(
            later.user_id == Reminder.user_id, later.channel == Reminder.channel, later.year == Reminder.year,
            later.kind == Reminder.kind, later.deadline == Reminder.deadline, later.due_at > Reminder.due_at,
            later.due_at <= now, later.status.in_(("pending", "claimed", "sending", "sent"))))
        s.execute(update(Reminder).where(Reminder.status == "pending", Reminder.due_at <= now, newer_due)
                  .values(status="skipped", last_error="停机期间到期，已由更近的一条提醒代替")
                  .execution_options(synchronize_session=False))

    # -- claiming and sending ---------------------------------------------------------------------------
    async def _drain(self, sender: Sender, now: dt.datetime, stats: DispatchStats,
                     stop_event: asyncio.Event | None) -> None:
        """Keep up to ``concurrency`` rows claimed ahead, each waiting for its pacer slot, until nothing is due:
        the pace does not wait for the database, and a row is marked ``sending`` only as its request leaves."""
        slots = asyncio.Semaphore(self.concurrency)
        drained = asyncio.Event()
        tasks: set[asyncio.Task[None]] = set()
        while not drained.is_set() and (stop_event is None or not stop_event.is_set()):
            if self._paused(sender.channel):
                break
            await slots.acquire()
            if drained.is_set():
                slots.release()
                break
            task = asyncio.create_task(self._claim_and_deliver(sender, now, stats, drained))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            task.add_done_callback(lambda _t: slots.release())
        await asyncio.gather(*tasks)

    def _paused(self, channel: str) -> bool:
        until = self._paused_until.get(channel)
        return until is not None and until > self.clock()

    async def _claim_and_deliver(self, sender: Sender, now: dt.datetime, stats: DispatchStats,
                                 drained: asyncio.Event) -> None:
        claimed = await asyncio.to_thread(self.claim_one, sender.channel, now)
        if claimed is None:
            drained.set()
            return
        await self._pacers[sender.channel].acquire()
        if self._paused(sender.channel):  # flood control began while this row waited: give it back
            await asyncio.to_thread(self._finish, claimed.id, status="pending", claimed_by=None,
                                    attempts=Reminder.attempts - 1)
            return
        if await asyncio.to_thread(self._start, claimed.id):
            await self._deliver(sender, claimed, stats)

    def claim_one(self, channel: str, now: dt.datetime) -> Claimed | None:
        """Atomically take one due row of ``channel`` (status pending → sending) and render its text."""
        with self.store.session() as s:
            due = aliased(Reminder)
            pick = (select(due.id).where(due.status == "pending", due.channel == channel, due.next_attempt_at <= now)
                    .order_by(due.next_attempt_at, due.id).limit(1))
            if s.get_bind().dialect.name == "postgresql":
                pick = pick.with_for_update(skip_locked=True)
            row = s.execute(update(Reminder).where(Reminder.id == pick.scalar_subquery(), Reminder.status == "pending")
                            .values(status="claimed", claimed_by=self.name, claimed_at=self.clock(),
                                    attempts=Reminder.attempts + 1)
                            .returning(Reminder.id, Reminder.user_id, Reminder.address, Reminder.attempts,
                                       Reminder.year, Reminder.kind, Reminder.deadline)
                            .execution_options(synchronize_session=False)).first()
            if row is None:
                return None
            if row.kind == OWN_KIND:
                text, buttons = self._own_text(s, row.user_id, row.deadline, now), own_buttons(row.deadline)
            else:
                text, buttons = self._text(s, row.user_id, row.year, row.kind, row.deadline, now), REMINDER_BUTTONS
            return Claimed(row.id, row.user_id, channel, row.address, row.attempts, text, buttons)

    @staticmethod
    def _missing(s: Session, user_id: int) -> tuple[list[Material] | None, int]:
        try:
            catalog = _catalog.current()
        except KnowledgeError:  # the reminder still goes out, without the list of materials
            log.exception("materials catalog unavailable")
            return None, 0
        return missing_materials(s, user_id, catalog), len(catalog.applicant)

    @classmethod
    def _text(cls, s: Session, user_id: int, year: int, kind: str, deadline: dt.date, now: dt.datetime) -> str:
        missing, total = cls._missing(s, user_id)
        return render("reminders/due", year=year, label=KIND_LABELS[kind], deadline_text=cn_date(deadline),
                      days=(deadline - local_date(now)).days, missing=missing, total=total)

    @classmethod
    def _own_text(cls, s: Session, user_id: int, deadline: dt.date, now: dt.datetime) -> str:
        """A deadline the user gave: the date, the days left, what they said, the materials still missing."""
        missing, total = cls._missing(s, user_id)
        note = s.scalar(select(OwnDeadline.note).where(OwnDeadline.user_id == user_id, OwnDeadline.day == deadline))
        return render("reminders/own_due", deadline_text=cn_date(deadline), days=(deadline - local_date(now)).days,
                      note=note, missing=missing, total=total)

    def _start(self, reminder_id: int) -> bool:
        """``claimed → sending``, committed right before the request leaves; False if the claim was lost."""
        with self.store.session() as s:
            done = s.execute(update(Reminder).where(Reminder.id == reminder_id, Reminder.status == "claimed",
                                                    Reminder.claimed_by == self.name)
                             .values(status="sending", claimed_at=self.clock())
                             .execution_options(synchronize_session=False))
            started = getattr(done, "rowcount", 1) != 0
        if not started:
            log.warning("reminder %s was taken over before it was sent", reminder_id)
        return started

    async def _deliver(self, sender: Sender, claimed: Claimed, stats: DispatchStats) -> None:
        try:
            if isinstance(sender, IdempotentSender):
                await sender.send_once(f"reminder-{claimed.id}", claimed.address, claimed.text, claimed.buttons)
            else:
                await sender.send(claimed.address, claimed.text, claimed.buttons)
        except DeliveryBlocked as exc:
            stats.blocked += 1
            await asyncio.to_thread(self._blocked, claimed, str(exc))
        except DeliveryRetryAfter as exc:
            self._paused_until[sender.channel] = self.clock() + dt.timedelta(seconds=exc.seconds)
            await self._failed(claimed, str(exc), stats, dt.timedelta(seconds=exc.seconds))
        except DeliveryError as exc:
            await self._failed(claimed, str(exc), stats, None)
        except Exception as exc:  # a bug in a sender must not stop the others
            log.exception("sender %s failed", sender.channel)
            await self._failed(claimed, f"{type(exc).__name__}: {exc}", stats, None)
        else:
            stats.sent += 1
            await asyncio.to_thread(self._finish, claimed.id, status="sent", sent_at=self.clock(), last_error=None)

    async def _failed(self, claimed: Claimed, error: str, stats: DispatchStats,
                      wait: dt.timedelta | None) -> None:
        stats.errors.append(error)
        if claimed.attempts >= self.max_attempts:
            stats.failed += 1
            await asyncio.to_thread(self._finish, claimed.id, status="failed", last_error=error[:1000])
            return
        stats.retried += 1
        delay = wait or min(self.backoff * 2 ** (claimed.attempts - 1), dt.timedelta(hours=1))
        await asyncio.to_thread(self._finish, claimed.id, status="pending", last_error=error[:1000],
                                next_attempt_at=self.clock() + delay, claimed_by=None)

    def _finish(self, reminder_id: int, **values: object) -> None:
        with self.store.session() as s:
            done = s.execute(update(Reminder).where(Reminder.id == reminder_id,
                                                    Reminder.status.in_(("claimed", "sending")),
                                                    Reminder.claimed_by == self.name)
                             .values(**values).execution_options(synchronize_session=False))
            if getattr(done, "rowcount", 1) == 0:
                log.warning("reminder %s was taken over before its result was recorded", reminder_id)

    def _blocked(self, claimed: Claimed, error: str) -> None:
        """The user blocked the bot (or the address bounces): record it and stop reminding them there."""
        self._finish(claimed.id, status="failed", last_error=f"blocked: {error}"[:1000])
        with self.store.session() as s:
            sub = s.get(ReminderSubscription, claimed.user_id)
            if sub is not None:
                if claimed.channel == EMAIL_CHANNEL:
                    sub.email = None
                else:
                    sub.active = False
                sub.updated_at = self.clock()
            cancel_pending(s, claimed.user_id, "用户已屏蔽或地址无效", channel=claimed.channel)
