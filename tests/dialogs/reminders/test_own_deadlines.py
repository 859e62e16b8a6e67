"""Deadlines the user gives (“园区说材料下周五前报上去，记得提醒我”): remembered, counted in calendar and PRC working
days, reminded of once and on time through the reminders' dispatcher, moved, removed, and deleted with the user.
The real NLU reads the messages; the clock is injected (Asia/Shanghai)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from dialogs import Assistant, Incoming, Store
from dialogs.reminders import Dispatcher, OutboxSender, take_outbox
from dialogs.reminders._schedule import OWN_KIND
from dialogs.store.models import OwnDeadline, Reminder, ReminderSubscription, User
from knowledge._deadlines import set_deadline
from nlu import parse
from tests.dialogs.reminders.conftest import Clock, RecordingSender
from tests.dialogs.test_privacy import references

TOLD = "园区说材料下周五前报上去，记得提醒我"


@pytest.fixture
def bot(store: Store, clock: Clock, deadlines_file: Path) -> Assistant:
    clock.set_local(2026, 12, 7, 9, 0)  # a Monday
    return Assistant(store, clock=clock, parser=parse)


def say(bot: Assistant, text: str, user: str = "u1", channel: str = "telegram") -> str:
    return bot.handle(Incoming(channel, user, text)).text


def own_rows(store: Store, status: str | None = None) -> list[tuple[str, dt.date, int, dt.datetime]]:
    """(channel, deadline, offset, due_at) of the reminders of own deadlines, in due order."""
    with store.session() as s:
        stmt = select(Reminder).where(Reminder.kind == OWN_KIND).order_by(Reminder.due_at, Reminder.channel)
        if status is not None:
            stmt = stmt.where(Reminder.status == status)
        return [(r.channel, r.deadline, r.offset_days, r.due_at) for r in s.scalars(stmt)]


def remembered(store: Store) -> list[dt.date]:
    with store.session() as s:
        return list(s.scalars(select(OwnDeadline.day).order_by(OwnDeadline.day)))


def ten_am(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime(y, m, d, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


# -- what the reply says -----------------------------------------------------------------------------------------
REPLIES: list[tuple[tuple[int, int, int, int], str, list[str]]] = [
    # (local date and hour of the turn), the message, what the reply must say
    ((2026, 12, 7, 9), TOLD, ["已记下您的截止日期：2026年12月18日（星期五）", "还有11个自然日、9个工作日",
                              "2026年12月11日（星期五）10:00、2026年12月17日（星期四）10:00、2026年12月18日（星期五）10:00",
                              "提醒您"]),
    # across National Day 2026 (10-01..10-07 off): 9-29, 9-30, 10-08, 10-09 are the working days
    ((2026, 9, 28, 9), "市经信局要求下周五前报材料，到时候提醒我",
     ["2026年10月9日（星期五）", "还有11个自然日、4个工作日"]),
    # the end of the month, late on a Friday: the slot 7 days before has passed
    ((2026, 11, 27, 11), "管委会说月底前报上去，提醒我", ["2026年11月30日（星期一）", "还有3个自然日、1个工作日",
                                                     "2026年11月29日（星期日）10:00、2026年11月30日（星期一）10:00"]),
    # into 2027, a year chinesecalendar does not know yet: weekdays, and the reply says so
    ((2026, 12, 28, 9), "下周五前要交，记得提醒我", ["2027年1月8日（星期五）", "还有11个自然日、9个工作日",
                                              "2027年的法定节假日安排尚未收录"]),
    ((2026, 12, 7, 9), "经信局让我们下个月10号前交材料，帮我记一下", ["2027年1月10日（星期日）", "还有34个自然日"]),
    ((2026, 12, 7, 9), "园区要求12月20号前交，到时候提醒我一下",
     ["2026年12月20日（星期日）", "还有13个自然日、9个工作日"]),
    ((2026, 12, 17, 15), "明天就要交材料了，提醒我一下", ["2026年12月18日（星期五）", "还有1个自然日、1个工作日",
                                                  "2026年12月18日（星期五）10:00"]),
    ((2026, 12, 7, 15), "今天下班前要交给园区，提醒我", ["已记下", "截止日就是今天", "提醒的时间点都已过去"]),
    ((2026, 12, 7, 9), "上周五前要交的，提醒我", ["2026年12月4日（星期五）已经过去3天", "没有记下"]),
]


@pytest.mark.parametrize(("when", "text", "says"), REPLIES)
def test_the_reply_names_the_date_the_days_left_and_the_reminders(bot: Assistant, clock: Clock,
                                                                   when: tuple[int, int, int, int], text: str,
                                                                   says: list[str]) -> None:
    clock.set_local(*when)
    reply = say(bot, text)
    for part in says:
        assert part in reply
    assert "）（" not in reply and "））" not in reply  # no brackets inside brackets


def test_counting_to_a_day_remembers_nothing_until_asked(bot: Assistant, store: Store) -> None:
    reply = say(bot, "离下周五还有几天")
    assert "离2026年12月18日（星期五）还有11个自然日、9个工作日" in reply
    assert "记下来，提醒我" in reply and remembered(store) == []
    assert "还有13个自然日、9个工作日" in say(bot, "到12月20号还有几个工作日")
    assert remembered(store) == []
    kept = say(bot, "记下来，提醒我")
    assert "已记下您的截止日期：2026年12月20日（星期日）" in kept
    assert remembered(store) == [dt.date(2026, 12, 20)]


def test_the_notice_deadline_question_still_answers_the_notice(bot: Assistant) -> None:
    reply = say(bot, "离截止还有几天")
    assert "没有给出具体的申报截止日期" in reply and "您记下的" not in reply
    say(bot, TOLD)
    assert "另：您记下的截止日期是2026年12月18日（星期五），还有11个自然日、9个工作日" in say(bot, "离截止还有几天")


def test_what_is_remembered_is_listed(bot: Assistant) -> None:
    assert "您还没有告诉我贵单位自己的截止日期" in say(bot, "我设的提醒")
    say(bot, TOLD)
    reply = say(bot, "我们的截止日是哪天")
    assert "2026年12月18日（星期五）：还有11个自然日、9个工作日" in reply
    assert "提醒：2026年12月11日（星期五）10:00" in reply and TOLD in reply


# -- reminder rows -----------------------------------------------------------------------------------------------
def test_rows_are_created_once_on_the_users_channel(bot: Assistant, store: Store) -> None:
    say(bot, TOLD)
    say(bot, TOLD)  # said again: the same date, no second set of rows
    friday = dt.date(2026, 12, 18)
    assert own_rows(store) == [("telegram", friday, 7, ten_am(2026, 12, 11)),
                               ("telegram", friday, 1, ten_am(2026, 12, 17)),
                               ("telegram", friday, 0, ten_am(2026, 12, 18))]
    assert remembered(store) == [friday]


def test_web_users_get_the_outbox_and_their_e_mail(bot: Assistant, store: Store) -> None:
    say(bot, TOLD, user="page-1", channel="web")
    say(bot, "我的邮箱是 li@example.cn", user="page-1", channel="web")
    channels = sorted({(c, off) for c, _d, off, _t in own_rows(store)})
    assert channels == [("email", 0), ("email", 1), ("email", 7), ("web", 0), ("web", 1), ("web", 7)]


def test_in_the_terminal_the_date_is_remembered_without_reminders(bot: Assistant, store: Store) -> None:
    reply = say(bot, TOLD, user="me", channel="cli")
    assert "已记下" in reply and "在终端里无法推送提醒" in reply
    assert own_rows(store) == [] and remembered(store) == [dt.date(2026, 12, 18)]


def test_a_change_cancels_the_old_rows_and_creates_the_new(bot: Assistant, store: Store) -> None:
    say(bot, TOLD)
    reply = say(bot, "改成下周三")
    assert "已记下新的截止日期：2026年12月16日（星期三）" in reply and "原来的2026年12月18日（星期五）不再提醒" in reply
    assert remembered(store) == [dt.date(2026, 12, 16)]
    assert {d for _c, d, _o, _t in own_rows(store, "cancelled")} == {dt.date(2026, 12, 18)}
    assert [(d, o) for _c, d, o, _t in own_rows(store, "pending")] == [(dt.date(2026, 12, 16), o) for o in (7, 1, 0)]
    assert TOLD in say(bot, "我设的提醒"), "the reminder still quotes what the date is about"


def test_removing_it_cancels_its_rows_and_keeps_the_notice_subscription(bot: Assistant, store: Store,
                                                                        deadlines_file: Path) -> None:
    set_deadline(2022, "application", dt.date(2026, 12, 30), deadlines_file)
    say(bot, "/remind")
    say(bot, TOLD)
    reply = say(bot, "不用提醒了")
    assert "已删除您记下的截止日期2026年12月18日（星期五）" in reply and "申报通知截止日期的提醒照常发送" in reply
    assert remembered(store) == [] and own_rows(store, "pending") == []
    with store.session() as s:
        assert s.scalar(select(ReminderSubscription.active))
        notice = s.scalars(select(Reminder.status).where(Reminder.kind == "application")).all()
    assert notice and set(notice) == {"pending"}


def test_remind_off_stops_everything_the_remembered_dates_included(bot: Assistant, store: Store) -> None:
    say(bot, TOLD)
    say(bot, "/remind")
    reply = say(bot, "/remind off")
    assert "已为您取消申报截止提醒" in reply and "已删除您记下的截止日期2026年12月18日（星期五）" in reply
    assert remembered(store) == [] and own_rows(store, "pending") == []


def test_naming_a_day_that_is_not_remembered_removes_nothing(bot: Assistant, store: Store) -> None:
    say(bot, "园区说材料12月20号前报上去，记得提醒我")
    reply = say(bot, "下周五那个不用提醒了")
    assert "没有让我记下2026年12月18日（星期五）" in reply and "2026年12月20日（星期日）照常提醒" in reply
    assert remembered(store) == [dt.date(2026, 12, 20)] and len(own_rows(store, "pending")) == 3
    assert "已删除您记下的截止日期2026年12月20日（星期日）" in say(bot, "12月20号的不用提醒了")
    assert remembered(store) == []


def test_the_reminder_button_removes_that_date_only(bot: Assistant, store: Store) -> None:
    say(bot, TOLD)
    say(bot, "经信局要求下个月10号前交推荐表，提醒我")
    say(bot, "/own_deadline off 2026-12-18")
    assert remembered(store) == [dt.date(2027, 1, 10)]
    assert {d for _c, d, _o, _t in own_rows(store, "pending")} == {dt.date(2027, 1, 10)}


def test_the_notice_schedule_leaves_own_rows_alone(bot: Assistant, store: Store, clock: Clock,
                                                   deadlines_file: Path) -> None:
    say(bot, TOLD)
    set_deadline(2022, "application", dt.date(2026, 12, 30), deadlines_file)  # a sync of the notice's dates
    Dispatcher(store, [RecordingSender()], clock).prepare(clock.now)
    assert len(own_rows(store, "pending")) == 3


# -- delivery ----------------------------------------------------------------------------------------------------
async def test_each_reminder_is_sent_once_on_time(bot: Assistant, store: Store, clock: Clock) -> None:
    say(bot, TOLD, user="42")
    say(bot, "营业执照和审计报告已经准备好了", user="42")
    tg = RecordingSender()
    d = Dispatcher(store, [tg], clock)
    clock.set_local(2026, 12, 17, 9, 59)
    assert (await d.dispatch_due()).sent == 1  # the one of 12-11 (missed while down: the latest due only)
    clock.set_local(2026, 12, 17, 10, 0)
    assert (await d.dispatch_due()).sent == 1
    assert (await d.dispatch_due()).sent == 0
    address, text, buttons = tg.sent[-1]
    assert address == "42"
    assert "您记下的截止日期是2026年12月18日（星期五），就是明天" in text and TOLD in text
    assert "您还差 7 项申请材料" in text and "营业执照" not in text
    assert [b.payload for b in buttons] == ["/materials", "/own_deadline off 2026-12-18"]
    clock.set_local(2026, 12, 18, 10, 0)
    assert (await d.dispatch_due()).sent == 1
    assert "就是今天" in tg.sent[-1][1]
    clock.set_local(2026, 12, 19, 10, 0)
    assert (await d.dispatch_due()).sent == 0
    with store.session() as s:
        assert sorted(s.scalars(select(Reminder.status).where(Reminder.kind == OWN_KIND))) == ["sent"] * 3


async def test_reminders_survive_a_restart_and_a_dispatcher_killed_mid_send(bot: Assistant, store: Store,
                                                                            clock: Clock) -> None:
    say(bot, TOLD, user="page-7", channel="web")
    clock.set_local(2026, 12, 11, 10, 0)
    crashed = Dispatcher(Store(store.url), [OutboxSender(store, clock)], clock, name="crashed")
    crashed.prepare(clock.now)
    claimed = crashed.claim_one("web", clock.now)  # taken, then the process died before sending
    assert claimed is not None and "2026年12月18日" in claimed.text
    clock.now += dt.timedelta(minutes=1)
    restarted = Dispatcher(Store(store.url), [OutboxSender(store, clock)], clock, name="restarted")
    assert (await restarted.dispatch_due()).sent == 0, "the claim's lease has not run out yet"
    clock.now += dt.timedelta(minutes=3)
    assert (await restarted.dispatch_due()).sent == 1
    assert (await restarted.dispatch_due()).sent == 0
    messages = take_outbox(store, "page-7", clock.now)
    assert len(messages) == 1 and "距今还有7天" in str(messages[0]["text"])


# -- privacy -----------------------------------------------------------------------------------------------------
def test_forget_deletes_the_remembered_dates_and_their_reminders(bot: Assistant, store: Store) -> None:
    say(bot, TOLD, user="gone")
    say(bot, TOLD, user="stays")
    with store.session() as s:
        uid = s.scalar(select(User.id).where(User.external_id == "gone"))
        assert uid is not None
        assert {"own_deadlines", "reminders"} <= set(references(s, uid, "gone"))
    say(bot, "/forget 确认", user="gone")
    with store.session() as s:
        assert references(s, uid, "gone") == {}
    assert remembered(store) == [dt.date(2026, 12, 18)], "the other user's date is kept"
