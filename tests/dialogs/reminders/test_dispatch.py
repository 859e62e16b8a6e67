"""Reminders: rows per subscriber, due at 10:00 Shanghai, sent once — after downtime, a moved deadline, two
dispatchers at once, failures and a blocked user. Everything runs on an injected clock."""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from dialogs import Assistant, Store
from dialogs.reminders import (
    DeliveryBlocked,
    DeliveryError,
    DeliveryRetryAfter,
    Dispatcher,
    OutboxSender,
    Pacer,
    take_outbox,
)
from dialogs.reminders._dispatch import UNKNOWN_OUTCOME
from dialogs.store.models import Reminder, ReminderSubscription
from knowledge._deadlines import set_deadline
from tests.dialogs.reminders.conftest import Clock, RecordingSender, keyword_parser, say

DEADLINE = dt.date(2022, 12, 30)


@pytest.fixture
def with_deadline(deadlines_file: Path) -> Path:
    set_deadline(2022, "application", DEADLINE, deadlines_file)
    return deadlines_file


def rows(store: Store) -> list[Reminder]:
    with store.session() as s:
        return list(s.scalars(select(Reminder).order_by(Reminder.due_at, Reminder.id)))


def statuses(store: Store) -> dict[int, str]:
    return {r.offset_days: r.status for r in rows(store)}


def dispatcher(store: Store, clock: Clock, *senders: RecordingSender | OutboxSender, **kw: object) -> Dispatcher:
    return Dispatcher(store, list(senders), clock, **kw)  # type: ignore[arg-type]


def test_subscribing_creates_rows_at_ten_o_clock_shanghai(assistant: Assistant, store: Store,
                                                          with_deadline: Path) -> None:
    turn = say(assistant, "提醒我")
    assert "已为您开启申报截止提醒" in turn.text
    assert "截止日前14、7、3、1天的10:00（北京时间）" in turn.text
    assert "下一次提醒：2022年12月16日（星期五） 10:00" in turn.text
    due = [r.due_at for r in rows(store)]
    assert due == [dt.datetime(2022, 12, d, 2, 0, tzinfo=dt.UTC) for d in (16, 23, 27, 29)]


def test_without_a_deadline_the_subscription_waits_for_the_administrator(assistant: Assistant,
                                                                         store: Store) -> None:
    turn = say(assistant, "/remind")
    assert "尚未给出具体截止日期" in turn.text and "管理员设置日期后" in turn.text
    assert rows(store) == []


async def test_due_reminder_is_sent_once_with_the_missing_materials(assistant: Assistant, store: Store,
                                                                    clock: Clock, with_deadline: Path) -> None:
    say(assistant, "提醒我", user="42")
    say(assistant, "营业执照和审计报告已经准备好了", user="42")
    tg = RecordingSender()
    d = dispatcher(store, clock, tg)
    clock.set_local(2022, 12, 16, 9, 59)
    assert (await d.dispatch_due()).sent == 0
    clock.set_local(2022, 12, 16, 10, 0)
    assert (await d.dispatch_due()).sent == 1
    assert (await d.dispatch_due()).sent == 0
    (address, text, buttons), = tg.sent
    assert address == "42"
    assert "申报截止日期是2022年12月30日（星期五），距今还有14天" in text
    assert "您还差以下 7 项申请材料" in text and "营业执照" not in text
    assert [b.payload for b in buttons] == ["/materials", "/remind off"]
    assert statuses(store) == {14: "sent", 7: "pending", 3: "pending", 1: "pending"}


async def test_nothing_missing_gets_a_short_confirmation(assistant: Assistant, store: Store, clock: Clock,
                                                         with_deadline: Path) -> None:
    say(assistant, "提醒我")
    for key in ("application_report", "license", "audit_report", "property", "service_proof", "staff_list",
                "cases", "other", "declaration"):
        say(assistant, f"/materials_set {key} done")
    tg = RecordingSender()
    clock.set_local(2022, 12, 29, 10, 5)
    await dispatcher(store, clock, tg).dispatch_due()
    (_, text, _), = tg.sent
    assert "9 项申请材料已全部备齐" in text and "还有1天" in text


async def test_after_downtime_only_the_latest_due_reminder_is_sent(assistant: Assistant, store: Store,
                                                                   clock: Clock, with_deadline: Path) -> None:
    say(assistant, "提醒我")
    tg = RecordingSender()
    clock.set_local(2022, 12, 28, 8, 0)  # the service was down from before 12-16 until now
    stats = await dispatcher(store, clock, tg).dispatch_due()
    assert stats.sent == 1 and len(tg.sent) == 1
    assert "距今还有2天" in tg.sent[0][1]
    assert statuses(store) == {14: "skipped", 7: "skipped", 3: "sent", 1: "pending"}


async def test_reminders_of_a_past_deadline_are_skipped(assistant: Assistant, store: Store, clock: Clock,
                                                        with_deadline: Path) -> None:
    say(assistant, "提醒我")
    tg = RecordingSender()
    clock.set_local(2022, 12, 31, 10, 0)
    await dispatcher(store, clock, tg).dispatch_due()
    assert tg.sent == []
    assert set(statuses(store).values()) == {"skipped"}


async def test_moving_the_deadline_reschedules_pending_reminders(assistant: Assistant, store: Store, clock: Clock,
                                                                 with_deadline: Path) -> None:
    say(assistant, "提醒我")
    tg = RecordingSender()
    d = dispatcher(store, clock, tg)
    clock.set_local(2022, 12, 16, 10, 0)
    await d.dispatch_due()
    set_deadline(2022, "application", dt.date(2023, 1, 13), with_deadline)  # postponed by two weeks
    clock.set_local(2022, 12, 23, 10, 0)  # the old 7-day reminder would be due now
    assert (await d.dispatch_due()).sent == 0
    clock.set_local(2022, 12, 30, 10, 0)  # the new 14-day reminder
    assert (await d.dispatch_due()).sent == 1
    assert "2023年1月13日" in tg.sent[-1][1] and "还有14天" in tg.sent[-1][1]
    by_deadline = {(r.deadline, r.offset_days): r.status for r in rows(store)}
    assert by_deadline[(DEADLINE, 14)] == "sent"
    assert by_deadline[(DEADLINE, 7)] == "cancelled"
    assert by_deadline[(dt.date(2023, 1, 13), 14)] == "sent"
    assert by_deadline[(dt.date(2023, 1, 13), 1)] == "pending"


async def test_two_dispatchers_never_send_one_reminder_twice(store: Store, clock: Clock,
                                                             with_deadline: Path) -> None:
    a = Assistant(store, clock=clock, parser=keyword_parser)
    for n in range(40):
        say(a, "提醒我", user=str(n))
    tg = RecordingSender()
    clock.set_local(2022, 12, 16, 10, 0)
    first = dispatcher(store, clock, tg, name="one")
    second = dispatcher(Store(store.url), clock, tg, name="two")
    await asyncio.gather(first.dispatch_due(), second.dispatch_due(), first.dispatch_due())
    addresses = [addr for addr, _t, _b in tg.sent]
    assert sorted(addresses) == sorted(str(n) for n in range(40))
    claimed_by = {r.claimed_by for r in rows(store) if r.status == "sent"}
    assert claimed_by <= {"one", "two"}


async def test_failures_are_retried_with_back_off_and_recorded(assistant: Assistant, store: Store, clock: Clock,
                                                               with_deadline: Path) -> None:
    say(assistant, "提醒我")
    tg = RecordingSender()
    tg.fail = [DeliveryError("network down"), DeliveryRetryAfter(120)]
    d = dispatcher(store, clock, tg, backoff=dt.timedelta(seconds=30))
    clock.set_local(2022, 12, 16, 10, 0)
    assert (await d.dispatch_due()).retried == 1
    first = rows(store)[0]
    assert (first.status, first.attempts, first.last_error) == ("pending", 1, "network down")
    assert first.next_attempt_at == clock.now + dt.timedelta(seconds=30)
    clock.now += dt.timedelta(seconds=29)
    assert (await d.dispatch_due()).retried == 0  # not yet
    clock.now += dt.timedelta(seconds=1)
    await d.dispatch_due()  # 429: wait as Telegram says
    again = rows(store)[0]
    assert again.attempts == 2 and again.next_attempt_at == clock.now + dt.timedelta(seconds=120)
    clock.now += dt.timedelta(seconds=120)
    assert (await d.dispatch_due()).sent == 1
    assert rows(store)[0].status == "sent" and rows(store)[0].attempts == 3


async def test_a_reminder_failing_every_time_ends_failed(assistant: Assistant, store: Store, clock: Clock,
                                                         with_deadline: Path) -> None:
    say(assistant, "提醒我")
    tg = RecordingSender()
    tg.fail = [DeliveryError(f"boom {n}") for n in range(3)]
    d = dispatcher(store, clock, tg, max_attempts=3, backoff=dt.timedelta(seconds=1))
    clock.set_local(2022, 12, 16, 10, 0)
    for _ in range(4):
        await d.dispatch_due()
        clock.now += dt.timedelta(minutes=1)
    first = rows(store)[0]
    assert (first.status, first.attempts, first.last_error) == ("failed", 3, "boom 2")
    assert tg.sent == []


async def test_a_user_who_blocked_the_bot_is_unsubscribed(assistant: Assistant, store: Store, clock: Clock,
                                                          with_deadline: Path) -> None:
    say(assistant, "提醒我")
    tg = RecordingSender()
    tg.fail = [DeliveryBlocked("Forbidden: bot was blocked by the user")]
    clock.set_local(2022, 12, 16, 10, 0)
    assert (await dispatcher(store, clock, tg).dispatch_due()).blocked == 1
    assert statuses(store) == {14: "failed", 7: "cancelled", 3: "cancelled", 1: "cancelled"}
    with store.session() as s:
        assert s.scalars(select(ReminderSubscription)).one().active is False


def crash(store: Store, clock: Clock, channel: str, phase: str) -> int:
    """A dispatcher that claimed the first due row and died (kill -9) in ``phase``: ``claimed`` (waiting for its
    pacer slot), ``sending`` (the request had left) or ``written`` (the web outbox row was written, not marked)."""
    dead = dispatcher(store, clock, RecordingSender(channel), name="crashed")
    claimed = dead.claim_one(channel, clock.now)
    assert claimed is not None
    if phase != "claimed":
        assert dead._start(claimed.id)
    if phase == "written":
        asyncio.run(OutboxSender(store, clock).send_once(f"reminder-{claimed.id}", claimed.address, claimed.text))
    return claimed.id


@pytest.mark.parametrize(("channel", "phase", "delivered", "status"), [
    ("telegram", "claimed", 1, "sent"),       # never left: sent by the next dispatcher
    ("telegram", "sending", 0, "failed"),     # on the wire when killed: unknown, not repeated
    ("web", "claimed", 1, "sent"),
    ("web", "sending", 1, "sent"),            # the outbox is keyed by reminder: repeated safely
    ("web", "written", 1, "sent"),            # … and written once only
])
def test_after_kill_9_a_reminder_is_sent_once_or_recorded(assistant: Assistant, store: Store, clock: Clock,
                                                          with_deadline: Path, channel: str, phase: str,
                                                          delivered: int, status: str) -> None:
    user = "page-9" if channel == "web" else "9"
    say(assistant, "提醒我", user=user, channel=channel)
    clock.set_local(2022, 12, 16, 10, 0)
    reminder_id = crash(store, clock, channel, phase)
    clock.now += dt.timedelta(minutes=5)  # past the lease
    tg = RecordingSender()
    asyncio.run(dispatcher(store, clock, tg, OutboxSender(store, clock)).dispatch_due())
    got = len(tg.sent) if channel == "telegram" else len(take_outbox(store, user, clock.now))
    row = next(r for r in rows(store) if r.id == reminder_id)
    assert (got, row.status) == (delivered, status)
    assert row.last_error == (UNKNOWN_OUTCOME if status == "failed" else None)


async def test_a_dispatcher_that_lost_its_claim_does_not_send(assistant: Assistant, store: Store, clock: Clock,
                                                              with_deadline: Path) -> None:
    say(assistant, "提醒我")
    clock.set_local(2022, 12, 16, 10, 0)
    slow = dispatcher(store, clock, RecordingSender(), name="slow")
    claimed = slow.claim_one("telegram", clock.now)
    assert claimed is not None
    clock.now += dt.timedelta(minutes=5)  # the slow one stalled past its lease; another takes over and sends
    tg = RecordingSender()
    assert (await dispatcher(store, clock, tg).dispatch_due()).sent == 1
    assert slow._start(claimed.id) is False  # so the slow one never sends its copy
    assert len(tg.sent) == 1 and rows(store)[0].status == "sent"


async def test_unsubscribe_cancels_pending_reminders(assistant: Assistant, store: Store, clock: Clock,
                                                     with_deadline: Path) -> None:
    say(assistant, "/remind")
    turn = say(assistant, "/remind off")
    assert "已为您取消申报截止提醒" in turn.text
    assert set(statuses(store).values()) == {"cancelled"}
    clock.set_local(2022, 12, 16, 10, 0)
    tg = RecordingSender()
    await dispatcher(store, clock, tg).dispatch_due()
    assert tg.sent == []
    assert "已为您开启" in say(assistant, "提醒我").text  # and back on, for what is still ahead
    assert statuses(store) == {14: "cancelled", 7: "pending", 3: "pending", 1: "pending"}


async def test_web_users_get_reminders_in_their_outbox_once(assistant: Assistant, store: Store, clock: Clock,
                                                            with_deadline: Path) -> None:
    turn = say(assistant, "提醒我", user="page-1", channel="web")
    assert "如需邮件提醒" in turn.text
    clock.set_local(2022, 12, 16, 10, 0)
    await dispatcher(store, clock, OutboxSender(store, clock)).dispatch_due()
    taken = take_outbox(store, "page-1", clock.now)
    assert len(taken) == 1 and "距今还有14天" in str(taken[0]["text"])
    assert take_outbox(store, "page-1", clock.now) == []
    assert take_outbox(store, "someone-else", clock.now) == []


def test_a_web_user_leaves_an_e_mail_address(assistant: Assistant, store: Store, with_deadline: Path) -> None:
    say(assistant, "提醒我", user="page-2", channel="web")
    reply = say(assistant, "我的邮箱是 Li.Ming@example.cn", user="page-2", channel="web")
    assert "li.ming@example.cn" in reply.text
    channels = {(r.channel, r.address) for r in rows(store)}
    assert channels == {("web", "page-2"), ("email", "li.ming@example.cn")}


def test_terminal_users_are_told_where_reminders_work(assistant: Assistant, store: Store,
                                                      with_deadline: Path) -> None:
    assert "在终端里无法推送提醒" in say(assistant, "提醒我", channel="cli").text
    assert rows(store) == []


@pytest.mark.parametrize(("rate", "window", "calls"), [(10.0, 0.2, 25), (20.0, 0.25, 45)])
async def test_the_pacer_never_starts_more_than_its_rate_in_any_window(rate: float, window: float,
                                                                      calls: int) -> None:
    pacer = Pacer(rate, window)
    starts: list[float] = []
    for i in range(calls):
        if i == 5:
            await asyncio.sleep(window)  # a caller arriving late must not make up for lost time in a burst
        await pacer.acquire()
        starts.append(time.monotonic())
    most = max(sum(1 for t in starts if s <= t < s + window) for s in starts)
    assert most == math.floor(rate)
