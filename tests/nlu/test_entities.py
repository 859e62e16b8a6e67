"""Entity extraction, table-driven: what a user types and what the self-check needs to read from it."""

from __future__ import annotations

import datetime

import pytest

from nlu import extract_entities

TODAY = datetime.date(2026, 5, 20)

CASES: list[tuple[str, str, float | int | str, str, str | None]] = [
    # text, entity, value, matched text, unit
    ("资产大概一百二十万", "money", 1_200_000, "一百二十万", None),
    ("我的邮箱是 Li.Ming2019@example.cn", "email", "li.ming2019@example.cn", "Li.Ming2019@example.cn", None),
    ("资产1.2百万", "money", 1_200_000, "1.2百万", None),
    ("总资产120万元", "money", 1_200_000, "120万元", None),
    ("资产0.012亿", "money", 1_200_000, "0.012亿", None),
    ("资产1,200,000元", "money", 1_200_000, "1,200,000元", None),
    ("资产 120 万元", "money", 1_200_000, "120 万元", None),
    ("资产两百万", "money", 2_000_000, "两百万", None),
    ("资产一百二十多万", "money", 1_200_000, "一百二十多万", None),
    ("大约5千元", "money", 5_000, "5千元", None),
    ("120w左右", "money", 1_200_000, "120w", None),
    ("资产九十八万块钱", "money", 980_000, "九十八万块钱", None),
    ("满意度85%", "percent", 85, "85%", None),
    ("满意度８５％", "percent", 85, "８５％", None),
    ("满意度百分之九十二", "percent", 92, "百分之九十二", None),
    ("满意度百分之八十五点五", "percent", 85.5, "百分之八十五点五", None),
    ("九成的客户满意", "percent", 90, "九成", None),
    ("八成五", "percent", 85, "八成五", None),
    ("公益服务占三成以上", "percent", 30, "三成", None),
    ("年服务企业20家", "count", 20, "20家", "家"),
    ("服务了二十多家企业", "count", 20, "二十多家", "家"),
    ("服务人员9个人够吗", "count", 9, "9个人", "人"),
    ("有十名员工", "count", 10, "十名", "人"),
    ("有12位专职人员", "count", 12, "12位", "人"),
    ("年培训600人次", "count", 600, "600人次", "人次"),
    ("组织活动3次", "count", 3, "3次", "次"),
    ("办了两场对接会", "count", 2, "两场", "次"),
    ("集聚了3个机构", "count", 3, "3个", "家"),
    ("我们有两个服务机构", "count", 2, "两个", "家"),
    ("大概十来个人", "count", 10, "十来个人", "人"),
    ("资产一百二十万元左右", "money", 1_200_000, "一百二十万元", None),
    ("资産1.5亿", "money", 150_000_000, "1.5亿", None),
    ("满意度 92 %", "percent", 92, "92 %", None),
    ("公益服务两成", "percent", 20, "两成", None),
    ("今年6月成立", "date", "2026-06-30", "今年6月", None),
    ("12月31日截止", "date", "2026-12-31", "12月31日", None),
    ("資產壹佰貳拾萬元", "money", 1_200_000, "壹佰貳拾萬元", None),
    ("运营两年半", "duration", 2.5, "两年半", None),
    ("运营了5年", "duration", 5, "5年", None),
    ("成立三年多", "duration", 3, "三年多", None),
    ("成立一年半了", "duration", 1.5, "一年半", None),
    ("才成立半年", "duration", 0.5, "半年", None),
    ("运营18个月", "duration", 1.5, "18个月", None),
    ("成立两年零三个月", "duration", 2.25, "两年零三个月", None),
    ("成立于2019年3月", "date", "2019-03-31", "2019年3月", None),
    ("成立于2019年3月5日", "date", "2019-03-05", "2019年3月5日", None),
    ("2019年3月5号注册的", "date", "2019-03-05", "2019年3月5号", None),
    ("注册时间2019-03", "date", "2019-03-31", "2019-03", None),
    ("注册时间2019-03-05", "date", "2019-03-05", "2019-03-05", None),
    ("二〇一九年三月成立", "date", "2019-03-31", "二〇一九年三月", None),
    ("2020年2月成立", "date", "2020-02-29", "2020年2月", None),
    ("去年3月成立的", "date", "2025-03-31", "去年3月", None),
    ("2019年成立", "date", "2019-12-31", "2019年", None),
    ("45", "number", 45, "45", None),
    ("四十五", "number", 45, "四十五", None),
    # traditional characters and full-width forms
    ("資產總額一百二十萬元", "money", 1_200_000, "一百二十萬元", None),
    ("滿意度百分之九十", "percent", 90, "百分之九十", None),
    ("成立於2019年3月", "date", "2019-03-31", "2019年3月", None),
    ("運營兩年半", "duration", 2.5, "兩年半", None),
    ("服務人員９個人", "count", 9, "９個人", "人"),
]


@pytest.mark.parametrize(("text", "entity", "value", "matched", "unit"), CASES)
def test_extracts_the_one_entity(text: str, entity: str, value: object, matched: str, unit: str | None) -> None:
    found = extract_entities(text, today=TODAY)
    assert len(found) == 1, found
    ent = found[0]
    assert (ent.entity, ent.value, ent.text, ent.unit) == (entity, value, matched, unit)
    assert text[ent.start:ent.end] == ent.text


@pytest.mark.parametrize(
    "text",
    [
        "", "   ", "看一下", "一般来说要什么材料", "统一社会信用代码", "成功了吗", "千万别忘了提醒我",
        "2022年度的通知", "😀😀", "\x00\x07",
    ],
)
def test_no_spurious_quantities(text: str) -> None:
    assert [e for e in extract_entities(text, today=TODAY) if e.entity != "number"] == []


def test_several_entities_in_order_with_offsets() -> None:
    text = "我们2019年3月成立，资产一百二十万，满意度百分之九十二，服务人员9个人"
    found = extract_entities(text, today=TODAY)
    assert [(e.entity, e.value) for e in found] == [
        ("date", "2019-03-31"), ("money", 1_200_000), ("percent", 92), ("count", 9),
    ]
    assert all(text[e.start:e.end] == e.text for e in found)


def test_year_of_a_notice_is_not_a_duration() -> None:
    assert [e.entity for e in extract_entities("2022年度申报")] == ["number"]


def test_impossible_dates_are_not_dates() -> None:
    assert all(e.entity != "date" for e in extract_entities("2019年2月30日", today=TODAY))


def test_huge_input_is_bounded() -> None:
    found = extract_entities("资产120万元" * 5000)
    assert 0 < len(found) <= 1000


# Short numerals recur from message to message and are read once; each message still gets its own reading,
# whatever the messages before it held (the same numeral with another unit or multiplier, a malformed one).
RECURRING: list[tuple[str, list[tuple[str, float | int | str]]]] = [
    ("资产120万", [("money", 1_200_000)]),
    ("服务了120家企业", [("count", 120)]),
    ("120", [("number", 120)]),
    ("资产一百二十万元", [("money", 1_200_000)]),
    ("一百二十", [("number", 120)]),
    ("满意度百分之九十", [("percent", 90)]),
    ("九十", [("number", 90)]),
    ("资产十十万", []),
    ("十", [("number", 10)]),
    ("运营3.5年", [("duration", 3.5)]),
    ("资产3.5万元", [("money", 35_000)]),
]


@pytest.mark.parametrize("messages", [RECURRING, RECURRING[::-1]], ids=["in order", "reversed"])
def test_recurring_numerals_are_read_alike_in_any_order(
        messages: list[tuple[str, list[tuple[str, float | int | str]]]]) -> None:
    for text, expected in messages:
        assert [(e.entity, e.value) for e in extract_entities(text, today=TODAY)] == expected, text
