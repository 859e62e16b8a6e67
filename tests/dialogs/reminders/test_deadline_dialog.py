"""“离截止还有几天” and “公示到哪天结束” in the dialogue, with an injected clock in Asia/Shanghai."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dialogs import Assistant
from knowledge._deadlines import set_deadline
from tests.dialogs.reminders.conftest import Clock, say


def test_without_dates_the_assistant_says_they_follow_the_notice(assistant: Assistant) -> None:
    turn = say(assistant, "离截止还有几天")
    assert "2022年度的申报通知没有给出具体的申报截止日期" in turn.text
    assert "以当年的申报通知为准" in turn.text
    assert "四、申报审批流程（五）" in turn.sources


def test_countdown_in_calendar_and_working_days(assistant: Assistant, clock: Clock, deadlines_file: Path) -> None:
    set_deadline(2022, "application", dt.date(2022, 10, 10), deadlines_file)
    clock.now = dt.datetime(2022, 9, 28, 17, 30, tzinfo=dt.UTC)  # 01:30 on 9-29 in Shanghai, still 9-28 in UTC
    text = say(assistant, "离截止还有几天").text
    assert "2022年度申报截止日期是2022年10月10日（星期一）" in text
    assert "今天是2022年9月29日" in text
    assert "还有11个自然日、4个工作日" in text  # 9-30, 10-08, 10-09 (make-up days) and 10-10
    assert "不含今天，含截止日当天" in text


def test_deadline_day_and_after(assistant: Assistant, clock: Clock, deadlines_file: Path) -> None:
    set_deadline(2022, "application", dt.date(2022, 10, 10), deadlines_file)
    clock.set_local(2022, 10, 10, 23, 59)
    today = say(assistant, "离截止还有几天").text
    assert "申报截止日期就是今天，即2022年10月10日（星期一）" in today
    clock.set_local(2022, 10, 12, 0, 1)
    past = say(assistant, "离截止还有几天").text
    assert "申报截止日期是2022年10月10日（星期一），已经过去2天" in past
    assert "（星期一））" not in today + past  # no brackets inside brackets


def test_recommendation_deadline_is_answered_when_asked(assistant: Assistant, clock: Clock,
                                                        deadlines_file: Path) -> None:
    set_deadline(2022, "application", dt.date(2022, 10, 10), deadlines_file)
    set_deadline(2022, "recommendation", dt.date(2022, 10, 20), deadlines_file)
    clock.set_local(2022, 10, 17, 9)
    text = say(assistant, "推荐截止还有几天").text
    assert "推荐截止日期是2022年10月20日" in text and "还有3个自然日、3个工作日" in text
    assert "另：申报截止日期是2022年10月10日" in text


def test_publicity_end_from_a_date_in_the_message(assistant: Assistant) -> None:
    turn = say(assistant, "公示从2022年9月30日开始，到哪天结束")
    assert "到2022年10月13日（星期四）结束" in turn.text
    assert "开始当天是工作日，计入在内" in turn.text
    assert "四、申报审批流程（三）" in turn.sources


def test_publicity_end_from_the_configured_start_or_explained(assistant: Assistant, deadlines_file: Path) -> None:
    assert "公示开始日期尚未公布" in say(assistant, "公示到哪天结束").text
    set_deadline(2022, "publicity_start", dt.date(2022, 10, 1), deadlines_file)
    text = say(assistant, "公示到哪天结束").text
    assert "到2022年10月14日（星期五）结束" in text and "不是工作日，不计入" in text
