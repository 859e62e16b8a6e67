"""Relative and partial dates (nlu/_reldates.py) become ``date`` entities counted from the day given: the same
words on several days — a Monday, a Friday, a Sunday, month and year ends, a leap day, around National Day."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlu import extract_entities

MON = dt.date(2026, 12, 7)  # a Monday
FRI = dt.date(2026, 12, 11)
SUN = dt.date(2026, 12, 13)
NEW_YEARS_EVE = dt.date(2026, 12, 31)  # a Thursday
JAN_31 = dt.date(2027, 1, 31)  # a Sunday, end of a 31-day month
LEAP_DAY = dt.date(2028, 2, 29)  # a Tuesday
BEFORE_NATIONAL_DAY = dt.date(2026, 9, 30)  # a Wednesday; 10-01..10-07 are holidays
NOV_5 = dt.date(2026, 11, 5)  # November has no 31st

CASES: list[tuple[dt.date, str, str, str]] = [
    # today, text, matched text, date
    (MON, "今天", "今天", "2026-12-07"),
    (MON, "明天交", "明天", "2026-12-08"),
    (MON, "后天前报上去", "后天", "2026-12-09"),
    (MON, "大后天", "大后天", "2026-12-10"),
    (NEW_YEARS_EVE, "明天", "明天", "2027-01-01"),
    (MON, "这周五", "这周五", "2026-12-11"),
    (MON, "本周五前", "本周五", "2026-12-11"),
    (MON, "周五前交", "周五", "2026-12-11"),
    (MON, "下周五前报上去", "下周五", "2026-12-18"),
    (MON, "下星期五", "下星期五", "2026-12-18"),
    (MON, "下礼拜五", "下礼拜五", "2026-12-18"),
    (MON, "下个周五", "下个周五", "2026-12-18"),
    (MON, "下下周一", "下下周一", "2026-12-21"),
    (MON, "上周五", "上周五", "2026-12-04"),
    (MON, "星期天", "星期天", "2026-12-13"),
    (FRI, "周五", "周五", "2026-12-11"),  # today is Friday: today
    (FRI, "下周五", "下周五", "2026-12-18"),
    (SUN, "这周五", "这周五", "2026-12-11"),  # the week runs Monday to Sunday: already past
    (SUN, "周五", "周五", "2026-12-18"),  # the next Friday
    (SUN, "下周五", "下周五", "2026-12-18"),
    (NEW_YEARS_EVE, "下周五", "下周五", "2027-01-08"),
    (BEFORE_NATIONAL_DAY, "下周五", "下周五", "2026-10-09"),
    (MON, "月底", "月底", "2026-12-31"),
    (MON, "本月底前", "本月底", "2026-12-31"),
    (MON, "这个月底", "这个月底", "2026-12-31"),
    (MON, "下月底", "下月底", "2027-01-31"),
    (MON, "下个月底", "下个月底", "2027-01-31"),
    (JAN_31, "下月底", "下月底", "2027-02-28"),
    (JAN_31, "月底", "月底", "2027-01-31"),
    (LEAP_DAY, "月底", "月底", "2028-02-29"),
    (MON, "下个月10号", "下个月10号", "2027-01-10"),
    (MON, "下月10日", "下月10日", "2027-01-10"),
    (NEW_YEARS_EVE, "下个月十号", "下个月十号", "2027-01-10"),
    (JAN_31, "下个月28号", "下个月28号", "2027-02-28"),
    (MON, "10号前", "10号", "2026-12-10"),  # this month's 10th is still ahead
    (MON, "5号", "5号", "2027-01-05"),  # this month's 5th has passed: next month's
    (MON, "二十号", "二十号", "2026-12-20"),
    (MON, "十五号", "十五号", "2026-12-15"),
    (BEFORE_NATIONAL_DAY, "10号", "10号", "2026-10-10"),
    (NOV_5, "31号", "31号", "2026-12-31"),  # November has no 31st: December's
    (MON, "3天后", "3天后", "2026-12-10"),
    (MON, "十天以后", "十天以后", "2026-12-17"),
    (MON, "两周后", "两周后", "2026-12-21"),
    (MON, "两个星期之后", "两个星期之后", "2026-12-21"),
    (MON, "一个月后", "一个月后", "2027-01-07"),
    (JAN_31, "一个月后", "一个月后", "2027-02-28"),
    (MON, "半个月后", "半个月后", "2026-12-22"),
    (LEAP_DAY, "一年后", "一年后", "2029-02-28"),
    (MON, "年底", "年底", "2026-12-31"),
    (MON, "今年年底前", "今年年底", "2026-12-31"),
    (MON, "明年底", "明年底", "2027-12-31"),
    (NEW_YEARS_EVE, "年底", "年底", "2026-12-31"),
    (MON, "前年年底", "前年年底", "2024-12-31"),
    (MON, "前年底", "前年底", "2024-12-31"),
    (MON, "大前年年底", "大前年年底", "2023-12-31"),
    (MON, "后年年底", "后年年底", "2028-12-31"),
    (MON, "去年年底成立的", "去年年底", "2025-12-31"),
    (MON, "然后年底交", "年底", "2026-12-31"),  # 然后 is "then", not 后年
    # the past, for a founding: the same day that long before today (a month's last day when it has none)
    (MON, "三年前成立的", "三年前", "2023-12-07"),
    (MON, "我们是两年前成立的，年限刚好够吗", "两年前", "2024-12-07"),
    (MON, "2年前注册", "2年前", "2024-12-07"),
    (MON, "两年以前", "两年以前", "2024-12-07"),
    (MON, "一年半前", "一年半前", "2025-06-07"),
    (MON, "半年前成立", "半年前", "2026-06-07"),
    (MON, "三个月前", "三个月前", "2026-09-07"),
    (MON, "两年多前", "两年多前", "2024-12-07"),  # more than two years ago: at latest today two years back
    (LEAP_DAY, "一年前", "一年前", "2027-02-28"),
    (JAN_31, "两个月前", "两个月前", "2026-11-30"),
    # a part of a past year: its latest day (an age is never overstated): 年初 is the first quarter
    (MON, "我们是去年年初成立的", "去年年初", "2025-03-31"),
    (MON, "去年初成立", "去年初", "2025-03-31"),
    (MON, "前年上半年", "前年上半年", "2024-06-30"),
    (MON, "去年下半年", "去年下半年", "2025-12-31"),
    (MON, "大前年年初", "大前年年初", "2023-03-31"),
    (MON, "今年年初", "今年年初", "2026-03-31"),
    (MON, "今年上半年成立的", "今年上半年", "2026-06-30"),
    # full dates keep their patterns (nlu/_entities.py); a month alone is its last day
    (MON, "12月20日", "12月20日", "2026-12-20"),
    (MON, "12月20号", "12月20号", "2026-12-20"),
    (MON, "12月底", "12月", "2026-12-31"),
    (MON, "成立于2019年3月", "2019年3月", "2019-03-31"),
    (MON, "2026年底", "2026年", "2026-12-31"),
    # traditional characters
    (MON, "下週五前報上去", "下週五", "2026-12-18"),
]


@pytest.mark.parametrize(("today", "text", "matched", "value"), CASES)
def test_relative_date_counted_from_today(today: dt.date, text: str, matched: str, value: str) -> None:
    dates = [e for e in extract_entities(text, today=today) if e.entity == "date"]
    assert [(e.text, e.value) for e in dates] == [(matched, value)]
    assert text[dates[0].start:dates[0].end] == matched


@pytest.mark.parametrize("text", [
    "3号楼", "每周五开例会", "一周五天工作制", "藏经信发〔2021〕83号", "第5号文件", "上个月份", "三个月", "周年庆",
    "号码是多少", "后台怎么登录", "日常服务", "底线是什么", "周期多长",
    # a part of a year still to come would need its earliest day: no date rather than a late reminder
    "明年年初", "年初", "上半年", "去年初步建成了", "去年呢", "两年前期投入", "前一年服务了多少家", "截止前3天提醒我",
])
def test_no_relative_date(text: str) -> None:
    assert [e for e in extract_entities(text, today=MON) if e.entity == "date"] == []


@pytest.mark.parametrize(("today", "text"), [(dt.date(2026, 5, 20), "今年下半年"), (dt.date(2026, 2, 10), "今年年初")])
def test_a_part_of_this_year_not_yet_past_is_no_date(today: dt.date, text: str) -> None:
    assert [e for e in extract_entities(text, today=today) if e.entity == "date"] == []


def test_the_date_in_a_sentence_with_its_offsets() -> None:
    text = "园区说材料下周五前报上去，记得提醒我"
    (found,) = extract_entities(text, today=MON)
    assert (found.entity, found.value, found.text, found.start, found.end) == ("date", "2026-12-18", "下周五", 5, 8)


def test_another_quantity_in_the_sentence_is_kept() -> None:
    found = extract_entities("下个月10号前要交，资产120万", today=MON)
    assert [(e.entity, e.value) for e in found] == [("date", "2027-01-10"), ("money", 1_200_000)]


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12"])  # UTC+14 and UTC−12: never the same day
def test_without_a_day_today_is_the_local_date_of_shenbao_timezone(zone: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHENBAO_TIMEZONE", zone)
    (found,) = extract_entities("今天")
    assert found.value == dt.datetime.now(ZoneInfo(zone)).date().isoformat()
