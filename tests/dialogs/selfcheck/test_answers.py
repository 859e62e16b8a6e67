"""Reading natural answers: numbers in the indicator's unit, dates into years, yes/no, choices, functions,
and several facts in one message mapped to their indicators by the words near them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from dialogs.selfcheck._answers import (
    read_answer,
    read_bool,
    read_choice,
    read_corrections,
    read_functions,
    years_since,
)
from dialogs.selfcheck._flowmodel import FlowModel, load_flow, parse_flow
from knowledge import KNOWLEDGE_DIR, KnowledgeError, read_yaml
from nlu import DialogueContext, parse, understand

TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def model() -> FlowModel:
    return load_flow()


def values(model: FlowModel, text: str, pending: str | None) -> dict[str, Any]:
    reading = read_answer(model, text, pending, model.full_plan(), TODAY)
    return {f.key: f.value for f in reading.facts}


@pytest.mark.parametrize(
    ("pending", "text", "expected"),
    [
        ("total_assets_wan", "一百二十万", 120),
        ("total_assets_wan", "1.2百万", 120),
        ("total_assets_wan", "120万元", 120),
        ("total_assets_wan", "0.012亿", 120),
        ("total_assets_wan", "资产大概一百二十万", 120),
        ("total_assets_wan", "120", 120),  # asked in 万元
        ("total_assets_wan", "1200000", 120),  # plainly in 元
        ("total_assets_wan", "1,200,000元", 120),
        ("total_assets_wan", "-50万", -50),  # read, then refused by the range check
        ("years_operating", "两年半", 2.5),
        ("years_operating", "5年", 5),
        ("years_operating", "成立于2019年3月", 7.65),
        ("years_operating", "2024年11月", 1.98),  # counts from 2024-11-30: not yet two years
        ("years_operating", "2024年10月", 2.07),
        ("satisfaction_pct", "百分之九十二", 92),
        ("satisfaction_pct", "九成", 90),
        ("satisfaction_pct", "满意度92%", 92),
        ("satisfaction_pct", "85", 85),
        ("service_staff", "十二个人", 12),
        ("service_staff", "10.5人", 10.5),
        ("smes_served_last_year", "45家", 45),
        ("trainees_per_year", "八百人次", 800),
        ("legal_person", "是的", True),
        ("legal_person", "有", True),
        ("fixed_premises", "没有", False),
        ("fixed_premises", "我们有固定场所", True),
        ("management_system", "不健全", False),
        ("org_type", "我们是科研院所", "research_institute"),
        ("org_type", "社会中介机构", "intermediary"),
    ],
)
def test_natural_answers_to_the_pending_question(model: FlowModel, pending: str, text: str, expected: Any) -> None:
    assert values(model, text, pending) == {pending: expected}


def test_several_facts_are_mapped_by_the_words_near_them(model: FlowModel) -> None:
    got = values(model, "我们成立5年，资产300万，去年服务了45家企业", "legal_person")
    assert got == {"years_operating": 5, "total_assets_wan": 300, "smes_served_last_year": 45}
    got = values(model, "去年服务了45家，前年30家，满意度九成", "smes_served_last_year")
    assert got == {"smes_served_last_year": 45, "smes_served_year_before": 30, "satisfaction_pct": 90}
    got = values(model, "服务人员12人，其中大专以上占六成，年培训800人次", None)
    assert got == {"service_staff": 12, "qualified_staff_pct": 60, "trainees_per_year": 800}


def test_the_more_specific_keyword_wins(model: FlowModel) -> None:
    # 服务活动 (information service) is inside 技术服务活动 (technical service)
    assert values(model, "技术服务活动是3次", "training_registered") == {"tech_activities": 3}
    assert values(model, "服务活动4次", "training_registered") == {"info_activities": 4}


def test_a_later_value_for_the_same_item_wins(model: FlowModel) -> None:
    assert values(model, "资产120万，不对，是150万", "total_assets_wan") == {"total_assets_wan": 150}


def test_a_date_that_is_not_a_founding_date_is_not_taken_for_one(model: FlowModel) -> None:
    assert values(model, "去年3月我们服务了一些企业", "years_operating") == {}


def test_a_founding_date_in_the_future_is_a_problem_not_a_value(model: FlowModel) -> None:
    reading = read_answer(model, "成立于2027年3月", "years_operating", ["years_operating"], TODAY)
    assert reading.facts == []
    assert reading.problems and "晚于今天" in reading.problems[0][1]


def test_a_number_for_another_question_is_not_taken_for_the_pending_one(model: FlowModel) -> None:
    # a percentage does not answer "how many enterprises"
    assert values(model, "百分之一百八十", "smes_served_year_before") == {}


@pytest.mark.parametrize(("founded", "today", "years"), [
    (date(2024, 11, 26), date(2026, 11, 26), 2.0),
    (date(2024, 11, 27), date(2026, 11, 26), 1.99),
    (date(2024, 2, 29), date(2026, 2, 28), 2.0),
    (date(2026, 11, 26), date(2026, 11, 26), 0.0),
])
def test_years_since_never_overstates_the_age(founded: date, today: date, years: float) -> None:
    assert years_since(founded, today) == years


@pytest.mark.parametrize(("text", "expected"), [
    ("是", True), ("是的", True), ("有的", True), ("具备", True), ("对", True),
    ("否", False), ("没有", False), ("不是", False), ("无", False), ("尚未获得", False),
    ("随便", None),
])
def test_yes_and_no(model: FlowModel, text: str, expected: bool | None) -> None:
    assert read_bool(model, text) is expected


def test_functions_in_free_text(model: FlowModel) -> None:
    assert read_functions(model, "信息服务和培训服务") == ["info", "training"]
    assert read_functions(model, "我们做融资、技术") == ["tech", "financing"]
    assert read_choice(model, model.questions["org_type"], "都不是") == "other"


def test_the_flow_file_is_checked_against_the_indicators() -> None:
    data = read_yaml(KNOWLEDGE_DIR / "selfcheck_flow.yml")
    model = load_flow()
    data["order"] = [k for k in data["order"] if k != "total_assets_wan"]
    with pytest.raises(KnowledgeError) as err:
        parse_flow(data, model.indicators)
    assert err.value.key == "order" and "selfcheck_flow.yml" in err.value.file


def test_every_indicator_has_a_question_and_the_vocabulary_is_complete() -> None:
    data = read_yaml(KNOWLEDGE_DIR / "selfcheck_flow.yml")
    model = load_flow()
    del data["questions"]["trainees_per_year"]
    with pytest.raises(KnowledgeError) as err:
        parse_flow(data, model.indicators)
    assert err.value.key == "questions.trainees_per_year"
    data = read_yaml(KNOWLEDGE_DIR / "selfcheck_flow.yml")
    data["vocabulary"]["back"]["match"] = "fuzzy"
    with pytest.raises(KnowledgeError):
        parse_flow(data, model.indicators)


@pytest.mark.parametrize(("pending", "text", "expected"), [
    ("aggregated_orgs", "就一家", 1),  # was read as nothing, and the NLU's goodbye answered 再见 mid-check
    ("aggregated_orgs", "只有一家", 1),
    ("aggregated_orgs", "一家", 1),
    ("service_staff", "就一个人", 1),
    ("info_activities", "一年一次", 1),
    ("aggregated_orgs", "两家", 2),
    ("aggregated_orgs", "没有", 0),
])
def test_one_said_in_words_answers_a_pending_count(model: FlowModel, pending: str, text: str, expected: int) -> None:
    assert values(model, text, pending) == {pending: expected}


def test_one_as_an_article_is_not_a_count_for_another_question(model: FlowModel) -> None:
    # "一家" is an article here, and the pending question is a yes/no one
    assert values(model, "我们是一家技术服务机构", "org_type") == {"org_type": "tech_service"}


@pytest.mark.parametrize(("text", "profile", "expected"), [
    ("资产120万，不对，是150万", {}, {"total_assets_wan": 150}),  # the item named where the wrong figure was said
    ("资产120万，不对，是150万", {"total_assets_wan": 120}, {"total_assets_wan": 150}),
    ("是8次，不是80次", {"tech_activities": 80}, {"tech_activities": 8}),  # the item that holds the wrong figure
    ("45，不对，是54家", {}, {}),  # neither held nor named: left to the pending question
])
def test_a_correction_goes_to_the_item_of_the_wrong_figure(model: FlowModel, text: str, profile: dict[str, Any],
                                                          expected: dict[str, Any]) -> None:
    understanding = understand(text, DialogueContext(), parse(text), parse)
    facts = read_corrections(model, text, understanding.own_entities, understanding.rejected, profile, TODAY)
    assert {f.key: f.value for f in facts} == expected


def test_a_keyword_after_a_figure_is_the_next_figures_when_nothing_else_names_that_one(model: FlowModel) -> None:
    """Voice input without marks: "大专以上" before 十二个 names the 12, not the 15 before it; "成立" after 2014年 is
    the founding's, since 资产 names the figure after it."""
    assert values(model, "十五个 大专以上十二个", "service_staff") == {"service_staff": 15, "qualified_staff_pct": 12}
    said = values(model, "我们研究所 2014年成立 资产3000万", None)
    assert said["total_assets_wan"] == 3000 and said["years_operating"] == pytest.approx(11.9, abs=0.1)


def test_firms_served_without_a_year_are_last_years_and_the_reply_says_so(model: FlowModel) -> None:
    reading = read_answer(model, "我们服务了60家企业", None, model.full_plan(), TODAY)
    assert [(f.key, f.value) for f in reading.facts] == [("smes_served_last_year", 60)]
    assert "按上一年记录" in reading.facts[0].note


def test_part_time_staff_are_not_the_staff(model: FlowModel) -> None:
    reading = read_answer(model, "专职12个，兼职5个", "service_staff", model.full_plan(), TODAY)
    assert [(f.key, f.value) for f in reading.facts] == [("service_staff", 12)]
    assert "兼职人员未计入" in reading.facts[0].note


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("律所3家，会计所2家，银行1家", 6),
        ("总共5家，律所3家，会计所2家", 5),
        ("3家，不对，是4家", 4),
    ],
)
def test_counts_of_several_kinds_add_up_unless_a_total_or_a_correction_is_said(model: FlowModel, text: str,
                                                                                expected: int) -> None:
    assert values(model, text, "aggregated_orgs")["aggregated_orgs"] == expected
