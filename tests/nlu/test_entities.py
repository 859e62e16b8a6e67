"""Entity extraction, table-driven: what a user types and what the self-check needs to read from it."""

from __future__ import annotations

import calendar
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
    # 个点 is a percentage ("占比15个点"), not a count of places
    ("公益服务占比15个点", "percent", 15, "15个点", None),
    ("满意度九十个点", "percent", 90, "九十个点", None),
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
        "2022年度的通知", "😀😀", "\x00\x07", "两块牌子一套人马",
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


# Loose figures: a range is read from its lower to its upper bound and never as one concatenated number
# ("五六家" is 5–6 家, not 56 家), in the kind and unit of a single figure.
RANGES: list[tuple[str, str, float | int, float | int, str, str | None]] = [
    # text, entity, low, high, matched text, unit
    ("大概五六家", "count", 5, 6, "五六家", "家"),
    ("七八个人", "count", 7, 8, "七八个人", "人"),
    ("一两次", "count", 1, 2, "一两次", "次"),
    ("两三场", "count", 2, 3, "两三场", "次"),
    ("三五家", "count", 3, 5, "三五家", "家"),
    ("二三十家", "count", 20, 30, "二三十家", "家"),
    ("二十五六家", "count", 25, 26, "二十五六家", "家"),
    ("三四百人次", "count", 300, 400, "三四百人次", "人次"),
    ("五六十万", "money", 500_000, 600_000, "五六十万", None),
    ("两三百万元", "money", 2_000_000, 3_000_000, "两三百万元", None),
    ("一百二三十万", "money", 1_200_000, 1_300_000, "一百二三十万", None),
    ("十几家", "count", 11, 19, "十几家", "家"),
    ("二十几个人", "count", 21, 29, "二十几个人", "人"),
    ("十几万", "money", 110_000, 190_000, "十几万", None),
    ("20到30家", "count", 20, 30, "20到30家", "家"),
    ("20-30家", "count", 20, 30, "20-30家", "家"),
    ("20~30家", "count", 20, 30, "20~30家", "家"),
    ("20至30家", "count", 20, 30, "20至30家", "家"),
    ("20～30家", "count", 20, 30, "20～30家", "家"),
    ("20家到30家", "count", 20, 30, "20家到30家", "家"),
    ("二十到三十个人", "count", 20, 30, "二十到三十个人", "人"),
    ("5、6家", "count", 5, 6, "5、6家", "家"),
    ("20到30万", "money", 200_000, 300_000, "20到30万", None),
    ("二十到三十万", "money", 200_000, 300_000, "二十到三十万", None),
    ("20万元-30万元", "money", 200_000, 300_000, "20万元-30万元", None),
    ("五千到一万元", "money", 5_000, 10_000, "五千到一万元", None),
    ("八九成", "percent", 80, 90, "八九成", None),
    ("百分之七八十", "percent", 70, 80, "百分之七八十", None),
    ("百分之七十到八十", "percent", 70, 80, "百分之七十到八十", None),
    ("20%-30%", "percent", 20, 30, "20%-30%", None),
    ("运营三四年", "duration", 3, 4, "三四年", None),
    ("3到5年", "duration", 3, 5, "3到5年", None),
    ("大概五六", "number", 5, 6, "五六", None),
    ("约莫有个二三十家", "count", 20, 30, "二三十家", "家"),
    # 几 after Arabic tens, as after Chinese ones; 、 before a figure that gives only the last digit or the place
    ("20几家", "count", 21, 29, "20几家", "家"),
    ("20几个人", "count", 21, 29, "20几个人", "人"),
    ("120几个人", "count", 121, 129, "120几个人", "人"),
    ("20几万", "money", 210_000, 290_000, "20几万", None),
    ("百分之八十几", "percent", 81, 89, "百分之八十几", None),
    ("百分之80几", "percent", 81, 89, "百分之80几", None),
    ("十二、三个人", "count", 12, 13, "十二、三个人", "人"),
    ("二十五、六家", "count", 25, 26, "二十五、六家", "家"),
    ("12、3个人", "count", 12, 13, "12、3个人", "人"),
    ("五、六十家", "count", 50, 60, "五、六十家", "家"),
    ("五、六万", "money", 50_000, 60_000, "五、六万", None),
    ("三、四百人次", "count", 300, 400, "三、四百人次", "人次"),
    ("资产一百五六十万吧", "money", 1_500_000, 1_600_000, "一百五六十万", None),
    # traditional characters and full-width forms
    ("兩三百萬元", "money", 2_000_000, 3_000_000, "兩三百萬元", None),
    ("２０～３０家", "count", 20, 30, "２０～３０家", "家"),
]


@pytest.mark.parametrize(("text", "entity", "low", "high", "matched", "unit"), RANGES)
def test_reads_a_range_from_its_lower_to_its_upper_bound(text: str, entity: str, low: float, high: float,
                                                          matched: str, unit: str | None) -> None:
    found = extract_entities(text, today=TODAY)
    assert len(found) == 1, found
    ent = found[0]
    assert (ent.entity, ent.value, ent.high, ent.text, ent.unit) == (entity, low, high, matched, unit)
    assert text[ent.start:ent.end] == ent.text
    assert ent.to_dict()["range"] == [low, high]


DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@pytest.mark.parametrize("text", ["十几家", "二十几个人", "20几家", "120几个人", "百分之八十几", "20几万"])
def test_a_figure_with_an_unknown_digit_is_an_approximate_range(text: str) -> None:
    (ent,) = extract_entities(text, today=TODAY)
    assert (ent.approx, ent.at_least, ent.below) == (True, False, False)
    assert ent.high is not None and ent.high > ent.value


@pytest.mark.parametrize("pair", ["一二", "二三", "三四", "四五", "五六", "六七", "七八", "八九", "一两", "两三"])
@pytest.mark.parametrize(("unit", "scale"), [("家", 1), ("个人", 1), ("次", 1), ("成", 10), ("十万", 100_000)])
def test_two_neighbouring_digits_are_never_one_number(pair: str, unit: str, scale: int) -> None:
    (ent,) = extract_entities(f"大概{pair}{unit}", today=TODAY)
    assert (ent.value, ent.high, ent.approx) == (DIGITS[pair[0]] * scale, DIGITS[pair[1]] * scale, True)


APPROXIMATE: list[tuple[str, str, float | int, str, str | None]] = [
    # text, entity, value, matched text, unit: the value as stated, marked approximate
    ("大概20家", "count", 20, "20家", "家"),
    ("大概有20家", "count", 20, "20家", "家"),
    ("20家左右", "count", 20, "20家", "家"),
    ("约20家", "count", 20, "20家", "家"),
    ("资产约120万", "money", 1_200_000, "120万", None),
    ("20来家", "count", 20, "20来家", "家"),
    ("20多家", "count", 20, "20多家", "家"),
    ("近20家", "count", 20, "20家", "家"),
    ("将近三年", "duration", 3, "三年", None),
    ("接近30家", "count", 30, "30家", "家"),
    ("差不多二十家", "count", 20, "二十家", "家"),
    ("120万左右", "money", 1_200_000, "120万", None),
    ("资产一百二十多万", "money", 1_200_000, "一百二十多万", None),
    ("成立三年多", "duration", 3, "三年多", None),
    ("百分之八十左右", "percent", 80, "百分之八十", None),
    ("满意度九成上下", "percent", 90, "九成", None),
    ("员工三十人出头", "count", 30, "三十人", "人"),
    ("大約二十家", "count", 20, "二十家", "家"),
    ("大概有个20家", "count", 20, "20家", "家"),
]


@pytest.mark.parametrize(("text", "entity", "value", "matched", "unit"), APPROXIMATE)
def test_marks_an_approximation_and_keeps_its_value(text: str, entity: str, value: float, matched: str,
                                                     unit: str | None) -> None:
    found = extract_entities(text, today=TODAY)
    assert len(found) == 1, found
    ent = found[0]
    assert (ent.entity, ent.value, ent.text, ent.unit, ent.approx, ent.high) == (entity, value, matched, unit,
                                                                                 True, None)
    assert ent.to_dict()["approximate"] is True


@pytest.mark.parametrize("text", ["签约3家", "最近3年", "近三年", "服务20家上下游企业", "合约20万元", "资产120万"])
def test_words_containing_an_approximation_mark_are_not_approximations(text: str) -> None:
    found = extract_entities(text, today=TODAY)
    assert found and not any(e.approx for e in found)


# Fractions and head counts become percents (2 decimals) with the (part, whole) they were computed from; in a
# head count the whole stays a count of its own and the percent spans the part.
SHARES: list[tuple[str, list[tuple[str, float | int, tuple[int, int] | None, str]]]] = [
    ("三分之二", [("percent", 66.67, (2, 3), "三分之二")]),
    ("三分之一", [("percent", 33.33, (1, 3), "三分之一")]),
    ("五分之四", [("percent", 80, (4, 5), "五分之四")]),
    ("大专以上的占三分之二以上", [("percent", 66.67, (2, 3), "三分之二")]),
    ("2/3的服务是免费的", [("percent", 66.67, (2, 3), "2/3")]),
    ("我们一半都是免费服务", [("percent", 50, (1, 2), "一半")]),
    ("15个人里8个本科", [("count", 15, None, "15个人"), ("percent", 53.33, (8, 15), "8个")]),
    ("15人中有8人是大专以上", [("count", 15, None, "15人"), ("percent", 53.33, (8, 15), "8人")]),
    ("一共15个人，其中8个有中级职称", [("count", 15, None, "15个人"), ("percent", 53.33, (8, 15), "其中8个")]),
    ("服务人员15人，其中本科以上8人", [("count", 15, None, "15人"), ("percent", 53.33, (8, 15), "8人")]),
    ("8个本科，总共15人", [("percent", 53.33, (8, 15), "8个"), ("count", 15, None, "15人")]),
    ("一共15个人，8个有中级职称", [("count", 15, None, "15个人"), ("percent", 53.33, (8, 15), "8个")]),
    ("团队共15名员工，其中8名本科", [("count", 15, None, "15名"), ("percent", 53.33, (8, 15), "其中8名")]),
    ("我们团队20人，大专以上的有15个", [("count", 20, None, "20人"), ("percent", 75, (15, 20), "15个")]),
    ("20个员工里有12个大专以上", [("count", 20, None, "20个"), ("percent", 60, (12, 20), "12个")]),
    ("员工20个，其中15个大专", [("number", 20, None, "20"), ("percent", 75, (15, 20), "其中15个")]),
    ("15个人里8个本科，3个大专",
     [("count", 15, None, "15个人"), ("percent", 53.33, (8, 15), "8个"), ("percent", 20, (3, 15), "3个")]),
    ("服務人員１５人，其中本科以上８人", [("count", 15, None, "１５人"), ("percent", 53.33, (8, 15), "８人")]),
    ("我们16个人 本科10个 大专4个",
     [("count", 16, None, "16个人"), ("percent", 62.5, (10, 16), "10个"), ("percent", 25, (4, 16), "4个")]),
    ("十个客户里九个都挺满意的", [("count", 10, None, "十个"), ("percent", 90, (9, 10), "九个")]),
    ("一共服务了100次，其中免费的有30次", [("count", 100, None, "100次"), ("percent", 30, (30, 100), "30次")]),
]


@pytest.mark.parametrize(("text", "expected"), SHARES)
def test_fractions_and_head_counts_are_percents_with_their_ratio(
        text: str, expected: list[tuple[str, float | int, tuple[int, int] | None, str]]) -> None:
    found = extract_entities(text, today=TODAY)
    assert [(e.entity, e.value, e.ratio, e.text) for e in found] == expected
    assert all(text[e.start:e.end] == e.text for e in found)
    assert [e.to_dict().get("ratio") for e in found] == [list(r) if r else None for _, _, r, _ in expected]


def test_a_range_of_people_is_a_range_of_percents() -> None:
    ent = [e for e in extract_entities("15个人里七八个本科", today=TODAY) if e.entity == "percent"]
    assert [(e.value, e.high, e.ratio) for e in ent] == [(46.67, 53.33, (7, 15))]


# No value: the dialogue asks again rather than record a figure the applicant did not say.
@pytest.mark.parametrize(
    "text",
    ["几十家", "好几家", "数十家", "几百人次", "服务了几十家企业", "第五六项", "周五六都行", "五六月份申报", "乱七八糟",
     "十之八九", "一家公司"],
)
def test_loose_words_without_a_value_give_no_entity(text: str) -> None:
    # "周五六都行" names a weekday (a relative date since the own-deadline work), never 5–6 or 56 of anything
    assert [e for e in extract_entities(text, today=TODAY) if e.entity != "date"] == []


# Slashes and separators that are not fractions or ranges keep today's reading.
NOT_LOOSE: list[tuple[str, list[tuple[str, float | int | str]]]] = [
    ("2022/3/5", [("date", "2022-03-05")]),
    ("评分3/5分", [("number", 3), ("number", 5)]),
    ("（第 4/19 项）", [("number", 4), ("number", 19)]),
    ("3/4截止", [("number", 3), ("number", 4)]),
    ("第3、4项", [("number", 3), ("number", 4)]),
    ("3、8家", [("number", 3), ("count", 8)]),
    ("电话0891-6833333", [("number", 891), ("number", 6833333)]),
    ("2022-2023年度", [("number", 2022), ("number", 2023)]),
    ("下午2-5点", [("number", 2), ("number", 5)]),
    ("人数十人", [("count", 10)]),
    ("服务20家企业，其中小微企业15家", [("count", 20), ("count", 15)]),
    ("我们有8个人在拉萨，一共15人", [("count", 8), ("count", 15)]),
    ("团队20人，去年服务了15个企业", [("count", 20), ("count", 15)]),
    ("15个人里8个本科，去年培训3个人", [("count", 15), ("percent", 53.33), ("count", 3)]),
    ("十个客户里九个在拉萨", [("count", 10)]),
    ("8个本科，总共15人，去年培训了3个人", [("percent", 53.33), ("count", 15), ("count", 3)]),
]


@pytest.mark.parametrize(("text", "expected"), NOT_LOOSE)
def test_what_is_no_fraction_range_or_share_is_read_as_before(
        text: str, expected: list[tuple[str, float | int | str]]) -> None:
    found = extract_entities(text, today=TODAY)
    assert [(e.entity, e.value) for e in found] == expected
    assert all(e.high is None for e in found)
    assert [e.ratio is not None for e in found] == [kind == "percent" for kind, _ in expected]


def test_rasa_shape_gains_keys_only_for_loose_figures() -> None:
    (plain,) = extract_entities("资产120万元", today=TODAY)
    assert set(plain.to_dict()) == {"entity", "value", "start", "end", "text", "extractor"}
    (loose,) = extract_entities("大概五六家", today=TODAY)
    assert loose.to_dict() | {"start": 0, "end": 0} == {
        "entity": "count", "value": 5, "start": 0, "end": 0, "text": "五六家", "extractor": "ShenbaoEntityExtractor",
        "unit": "家", "approximate": True, "range": [5, 6],
    }


# A single figure that is a lower bound: the true value is at or above it, and the dialogue records it 按下限.
# 多/余/来 inside the figure are in the span; words after it (以上, 出头) are not, like 左右.
AT_LEAST: list[tuple[str, str, float | int, str, str | None]] = [
    # text, entity, value, matched text, unit
    ("20多家", "count", 20, "20多家", "家"),
    ("二十多家", "count", 20, "二十多家", "家"),
    ("20来家", "count", 20, "20来家", "家"),
    ("十来个人", "count", 10, "十来个人", "人"),
    ("百来家吧", "count", 100, "百来家", "家"),
    ("千余人", "count", 1000, "千余人", "人"),
    ("资产百多万", "money", 1_000_000, "百多万", None),
    ("100来万", "money", 1_000_000, "100来万", None),
    ("一百二十多万", "money", 1_200_000, "一百二十多万", None),
    ("九十多", "number", 90, "九十多", None),
    ("满意度九十多吧", "number", 90, "九十多", None),
    ("9成多", "percent", 90, "9成多", None),
    ("七成多", "percent", 70, "七成多", None),
    ("百分之九十多", "percent", 90, "百分之九十多", None),
    ("90%多", "percent", 90, "90%多", None),
    ("八成以上", "percent", 80, "八成", None),
    ("90%以上", "percent", 90, "90%", None),
    ("20家以上", "count", 20, "20家", "家"),
    ("员工三十人出头", "count", 30, "三十人", "人"),
    ("二十出头", "number", 20, "二十", None),
    ("至少20家", "count", 20, "20家", "家"),
    ("超过20家", "count", 20, "20家", "家"),
    ("不止20家", "count", 20, "20家", "家"),
    ("成立三年多", "duration", 3, "三年多", None),
    ("成立十来年了", "duration", 10, "十来年", None),
    ("运营3年以上", "duration", 3, "3年", None),
    ("九成多", "percent", 90, "九成多", None),
]


@pytest.mark.parametrize(("text", "entity", "value", "matched", "unit"), AT_LEAST)
def test_a_lower_bound_is_marked_at_least(text: str, entity: str, value: float, matched: str,
                                          unit: str | None) -> None:
    (ent,) = extract_entities(text, today=TODAY)
    assert (ent.entity, ent.value, ent.text, ent.unit) == (entity, value, matched, unit)
    assert (ent.approx, ent.at_least, ent.below, ent.high) == (True, True, False, None)
    assert text[ent.start:ent.end] == ent.text
    assert ent.to_dict()["at_least"] is True and "below" not in ent.to_dict()


def test_a_share_said_with_more_is_at_least_its_fraction() -> None:
    (ent,) = extract_entities("公益服务一半多点", today=TODAY)
    assert (ent.value, ent.ratio, ent.text, ent.at_least) == (50, (1, 2), "一半多", True)


# Figures said to be BELOW a number: the true value is under it (or at most it). Recording the figure would
# overstate it (20 would pass a threshold of 20), so the entity says ``below`` and the dialogue asks.
BELOW: list[tuple[str, str, float | int, str, str | None]] = [
    ("将近20家", "count", 20, "20家", "家"),
    ("近20家", "count", 20, "20家", "家"),
    ("接近20家", "count", 20, "20家", "家"),
    ("不到20家", "count", 20, "20家", "家"),
    ("还不到20家", "count", 20, "20家", "家"),
    ("不足20家", "count", 20, "20家", "家"),
    ("二十家不到", "count", 20, "二十家", "家"),
    ("20家都不到", "count", 20, "20家", "家"),
    ("20家以下", "count", 20, "20家", "家"),
    ("最多20家", "count", 20, "20家", "家"),
    ("资产小一百万", "money", 1_000_000, "一百万", None),
    ("小两千元", "money", 2_000, "两千元", None),
    ("小10万", "money", 100_000, "10万", None),
    ("将近三年", "duration", 3, "三年", None),
    ("成立不满两年", "duration", 2, "两年", None),
    ("满意度近九成", "percent", 90, "九成", None),
    ("满意度低于80%", "percent", 80, "80%", None),
    ("將近20家", "count", 20, "20家", "家"),
    ("成立快五年了", "duration", 5, "五年", None),  # 快 before a figure: almost, not yet
    ("资产快要200万了", "money", 2_000_000, "200万", None),
]


@pytest.mark.parametrize(("text", "entity", "value", "matched", "unit"), BELOW)
def test_a_figure_said_to_be_below_a_number_is_marked_below(text: str, entity: str, value: float, matched: str,
                                                            unit: str | None) -> None:
    (ent,) = extract_entities(text, today=TODAY)
    assert (ent.entity, ent.value, ent.text, ent.unit) == (entity, value, matched, unit)
    assert (ent.approx, ent.below, ent.at_least, ent.high) == (True, True, False, None)
    assert ent.to_dict()["below"] is True and "at_least" not in ent.to_dict()


# Approximations without a direction keep their meaning; a period (近三年), words with 近/小 in them and plain
# figures are neither a lower bound nor below.
NO_DIRECTION: list[tuple[str, bool]] = [
    # text, approximate
    ("大概20家", True),
    ("约20家", True),
    ("20家左右", True),
    ("差不多二十家", True),
    ("满意度九成上下", True),
    ("近三年", False),
    ("近两年服务了30家", False),
    ("最近3年", False),
    ("资产120万", False),
    ("大小一百万的项目", False),
    ("签约3家", False),
    ("五六家", False),
]


@pytest.mark.parametrize(("text", "approx"), NO_DIRECTION)
def test_approximations_without_a_direction_are_neither_at_least_nor_below(text: str, approx: bool) -> None:
    found = extract_entities(text, today=TODAY)
    assert found
    assert not any(e.at_least or e.below for e in found)
    assert any(e.approx for e in found) is approx
    assert all("at_least" not in e.to_dict() and "below" not in e.to_dict() for e in found)


# Head counts without 人 and with the whole after the part: the share is the part, the whole a count of people.
BARE_SHARES: list[tuple[str, list[tuple[str, float | int, tuple[int, int] | None, str]]]] = [
    ("大专以上的10个，总共16个", [("percent", 62.5, (10, 16), "10个"), ("count", 16, None, "16个")]),
    ("十个里头有六个", [("count", 10, None, "十个"), ("percent", 60, (6, 10), "六个")]),
    ("15个里边9个", [("count", 15, None, "15个"), ("percent", 60, (9, 15), "9个")]),
    ("20个里面12个", [("count", 20, None, "20个"), ("percent", 60, (12, 20), "12个")]),
    ("本科的8个，一共15个", [("percent", 53.33, (8, 15), "8个"), ("count", 15, None, "15个")]),
]


@pytest.mark.parametrize(("text", "expected"), BARE_SHARES)
def test_head_counts_with_a_bare_ge_in_either_order(
        text: str, expected: list[tuple[str, float | int, tuple[int, int] | None, str]]) -> None:
    found = extract_entities(text, today=TODAY)
    assert [(e.entity, e.value, e.ratio, e.text) for e in found] == expected
    assert all(e.unit == "人" for e in found if e.entity == "count")


# A bare 个 after a qualification counts people; after anything else it stays a bare number, and what is no head
# count is no share.
BARE_COUNTS: list[tuple[str, list[tuple[str, float | int, str | None]]]] = [
    ("大专以上的有12个", [("count", 12, "人")]),
    ("中级职称的有3个", [("count", 3, "人")]),
    ("我们有12个专业", [("number", 12, None)]),
    ("专业领域有5个", [("number", 5, None)]),
    ("10个项目里有6个", [("number", 10, None), ("number", 6, None)]),
    ("3个中小企业里有2个", [("count", 3, "家"), ("number", 2, None)]),
    ("一来年限不够，二来人员不够", []),
]


@pytest.mark.parametrize(("text", "expected"), BARE_COUNTS)
def test_a_bare_ge_is_people_only_after_a_qualification(
        text: str, expected: list[tuple[str, float | int, str | None]]) -> None:
    found = extract_entities(text, today=TODAY)
    assert [(e.entity, e.value, e.unit) for e in found] == expected
    assert all(e.ratio is None for e in found)


# Years of founding said short or relative: the year's last day (or its part's latest day: an age counted from
# it is never overstated). TODAY is 2026-05-20.
FOUNDING: list[tuple[str, str, str]] = [
    # text, matched text, date
    ("19年成立的", "19年", "2019-12-31"),
    ("18年注册", "18年", "2018-12-31"),
    ("我们19年就成立了", "19年", "2019-12-31"),
    ("19年的时候注册的", "19年", "2019-12-31"),
    ("成立于19年", "19年", "2019-12-31"),
    ("一九年成立的", "一九年", "2019-12-31"),
    ("九八年成立的", "九八年", "1998-12-31"),
    ("98年注册的", "98年", "1998-12-31"),
    ("19年初成立的", "19年初", "2019-03-31"),
    ("2019年初成立", "2019年初", "2019-03-31"),
    ("2019年年初成立", "2019年年初", "2019-03-31"),
    ("2019年上半年成立", "2019年上半年", "2019-06-30"),
    ("2019年下半年成立", "2019年下半年", "2019-12-31"),
    ("大前年成立", "大前年", "2023-12-31"),
    ("我们大前年成立的，够两年吗", "大前年", "2023-12-31"),
    ("大前年3月", "大前年3月", "2023-03-31"),
    ("去年", "去年", "2025-12-31"),
    ("大前年吧", "大前年", "2023-12-31"),
    ("前年的", "前年", "2024-12-31"),
    ("成立于18年3月", "18年3月", "2018-03-31"),
    ("2019年初步建成", "2019年", "2019-12-31"),
]


@pytest.mark.parametrize(("text", "matched", "value"), FOUNDING)
def test_a_year_of_founding_said_short_or_relative_is_a_date(text: str, matched: str, value: str) -> None:
    dates = [e for e in extract_entities(text, today=TODAY) if e.entity == "date"]
    assert [(e.text, e.value) for e in dates] == [(matched, value)]


# Founded in the year (or month) that holds today: not later than today; a deadline in it keeps its last day.
FOUNDED_THIS_YEAR = [
    ("集团今年新成立了一个子公司", "今年", "today"),
    ("今年刚注册的", "今年", "today"),
    ("{year}年成立", "{year}年", "today"),
    ("今年{month}月成立的", "今年{month}月", "today"),
    ("今年{month}月", "今年{month}月", "last"),
    ("{year}年底前交", "{year}年", "last"),
]


@pytest.mark.parametrize(("text", "matched", "value"), FOUNDED_THIS_YEAR)
@pytest.mark.parametrize("today", [datetime.date(2026, 12, 7), datetime.date(2026, 3, 2)])
def test_a_founding_in_the_period_that_holds_today_is_today(text: str, matched: str, value: str,
                                                            today: datetime.date) -> None:
    words = {"year": today.year, "month": today.month}
    dates = [e for e in extract_entities(text.format(**words), today=today) if e.entity == "date"]
    last = datetime.date(today.year, 12, 31) if "月" not in matched else \
        datetime.date(today.year, today.month, calendar.monthrange(today.year, today.month)[1])
    expected = today if value == "today" else last
    assert [(e.text, e.value) for e in dates] == [(matched.format(**words), expected.isoformat())]


@pytest.mark.parametrize(("text", "value"), [("19年", 19), ("运营19年", 19), ("十九年成立", 19), ("两年前期投入", 2)])
def test_a_number_of_years_stays_a_duration(text: str, value: int) -> None:
    assert [(e.entity, e.value) for e in extract_entities(text, today=TODAY)] == [("duration", value)]


@pytest.mark.parametrize(("text", "value", "approx"), [("二十来号人", 20, True), ("三十号人", 30, False)])
def test_a_head_count_in_hao_ren_is_people_not_a_date(text: str, value: int, approx: bool) -> None:
    [found] = extract_entities(text)
    assert (found.entity, found.value, found.unit, found.approx) == ("count", value, "人", approx)


# The numbers of a numbered list are no figures; a lone number before 、 stays one.
@pytest.mark.parametrize(
    ("text", "values"),
    [("您好！想了解下：（1）运营年限要求；（2）资产要求；（3）满意度要求。", []),
     ("1、申报条件有哪些 2、需要什么材料 3、满意度要多少", []),
     ("1.资产90万 2.人员12人 3.满意度85%", [900000, 12, 85]),
     ("人员：12、满意度：85", [12, 85]),
     ("资产1.5亿", [150000000])],
)
def test_the_numbers_of_a_numbered_list_are_no_figures(text: str, values: list[float]) -> None:
    assert [e.value for e in extract_entities(text, today=TODAY)] == values
