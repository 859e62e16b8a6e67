"""Facts said in passing (group 3 of the conversation issue): the organisation type however it is introduced,
yes/no items named alone, parts of two-part items, head counts of the staff; a type's name is no 是 for the
legal-person item."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from dialogs.selfcheck._answers import read_answer
from dialogs.selfcheck._facts import facts_in, functions_in, parts_in, read_yes_no, subclauses
from dialogs.selfcheck._flowmodel import FlowModel, load_flow, parse_flow
from knowledge import KNOWLEDGE_DIR, KnowledgeError, read_yaml

TODAY = date(2026, 12, 7)


@pytest.fixture(scope="module")
def model() -> FlowModel:
    return load_flow()


def passing(model: FlowModel, text: str, pending: str | None = None) -> dict[str, Any]:
    return {f.key: f.value for f in facts_in(model, subclauses(text), pending, model.full_plan())}


@pytest.mark.parametrize(("text", "expected"), [
    ("机构类型：科研院所", "research_institute"),  # a form's field and its value
    ("机构类型为科研院所", "research_institute"),
    ("单位类型是社会中介机构", "intermediary"),
    ("我们研究院是独立法人", "research_institute"),  # the type, then 是 and the next fact
    ("嗯那个我们是日喀则的技术服务机构嗯有独立法人资格", "tech_service"),  # voice input with fillers
    ("我们是互联网创业服务平台", "internet_platform"),  # not 服务平台 (an SME service agency)
    ("做双创服务平台的", "internet_platform"),
    ("我们前年成立的技术服务机构", "tech_service"),  # when it was founded, then the type
    ("我们今年3月刚注册的科研院所", "research_institute"),
    ("属于科研院所类别", "research_institute"),  # the type, then the word for type
    ("我们是科研单位", "research_institute"),
])
def test_the_type_is_read_however_it_is_introduced(model: FlowModel, text: str, expected: str) -> None:
    assert passing(model, text).get("org_type") == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("科研院所，法人，8年", {"legal_person": True, "org_type": "research_institute"}),  # the item's name alone
    ("我们是科研院所，独立发人", {"legal_person": True, "org_type": "research_institute"}),  # pinyin typo
    ("场地设备都有，市工信局还给我们授过牌", {"fixed_premises": True, "prefecture_recognition": True}),
])
def test_yes_no_facts_in_passing(model: FlowModel, text: str, expected: dict[str, Any]) -> None:
    got = passing(model, text)
    assert {k: got.get(k) for k in expected} == expected


@pytest.mark.parametrize(("text", "key", "affirmed"), [
    ("我们负责人也没有任何不良记录", "leadership_sound", ["主要负责人"]),
    ("团队很健全", "leadership_sound", ["管理团队"]),
    ("有专家库", "tech_expert_pool", ["专家库"]),
])
def test_a_part_said_in_passing_is_kept_for_its_item(model: FlowModel, text: str, key: str,
                                                     affirmed: list[str]) -> None:
    assert parts_in(model, subclauses(text), "finances_sound", model.full_plan()) == {key: affirmed}
    assert key not in passing(model, text, "finances_sound")  # not recorded until the rest is said


@pytest.mark.parametrize("text", ["我们是社会中介机构", "我们属于科研院所"])
def test_a_type_given_to_the_legal_person_item_does_not_answer_it(model: FlowModel, text: str) -> None:
    answer = read_yes_no(model, model.questions["legal_person"], subclauses(text))
    assert answer.value is None and not answer.addressed


@pytest.mark.parametrize(("pending", "text", "expected"), [
    ("total_assets_wan", "资产180万左右，我们单位二十来号人都是做企业服务的",
     {"total_assets_wan": 180, "service_staff": 20}),
    ("leadership_sound", "团队健全，一共12个人", {"service_staff": 12}),
    ("total_assets_wan", "300万，去年培训了200人", {"total_assets_wan": 300}),  # people trained are no staff
    ("org_type", "我们属于检测认证类的技术服务机构，营业执照是2017年办的",
     {"org_type": "tech_service", "years_operating": 8.93}),
])
def test_figures_and_types_go_to_their_items(model: FlowModel, pending: str, text: str,
                                             expected: dict[str, Any]) -> None:
    reading = read_answer(model, text, pending, model.basic_order, TODAY)
    got = {f.key: f.value for f in reading.facts}
    assert {k: pytest.approx(v) if isinstance(v, float) else v for k, v in got.items()} == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("小微企业来咨询我们一律免费", True),  # two words of the item in one clause, apart
    ("对小微企业都是免费的", True),
    ("给中小企业提供免费服务", None),  # 中小企业 are not the small and micro ones
    ("2010年挂牌成立", None),  # a founding, not a recognition
    ("市里给我们挂过牌", True),
])
def test_facts_said_with_two_words_or_with_a_founding(model: FlowModel, text: str, expected: bool | None) -> None:
    key = "prefecture_recognition" if "挂" in text else "sme_fee_discount"
    assert passing(model, text).get(key) is expected


@pytest.mark.parametrize(("key", "together"), [
    ("sme_fee_discount", [["小微"]]),  # two lists are needed
    ("total_assets_wan", [["资产"], ["多"]]),  # only for yes/no items
])
def test_a_malformed_together_is_refused(key: str, together: object) -> None:
    data = read_yaml(KNOWLEDGE_DIR / "selfcheck_flow.yml")
    data["questions"][key]["together"] = together
    with pytest.raises(KnowledgeError) as err:
        parse_flow(data, load_flow().indicators)
    assert err.value.key.startswith(f"questions.{key}")


@pytest.mark.parametrize(("text", "expected"), [
    ("是科研院所下面的一个中心", None),  # a unit under a research institute is not one
    ("我们是科研院所下属的检测中心", None),
    ("我单位系科技局下属的技术服务中心", "tech_service"),  # under another body, itself of a listed type
])
def test_a_unit_under_a_kind_is_not_of_that_kind(model: FlowModel, text: str, expected: str | None) -> None:
    assert passing(model, text).get("org_type") == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("主要提供技术服务和培训服务", ["tech", "training"]),
    ("我们主要开展信息服务、培训服务和融资服务", ["info", "training", "financing"]),
    ("服务功能有信息、融资服务", ["info", "financing"]),
    ("我们做培训和融资服务", ["training", "financing"]),
    ("我们不提供融资服务，主要做培训服务和技术服务", ["tech", "training"]),  # the denied one is not offered
    ("我们主要做技术服务", None),  # the type (技术服务机构), not a list of functions
    ("我们提供技术服务", None),
    ("服务功能是培训服务", ["training"]),
    ("我们提供技术服务机构认证", None),
    ("我们开展技术服务活动3次", None),
    ("提供信息服务系统", None),
])
def test_the_functions_offered_said_in_passing(model: FlowModel, text: str, expected: list[str] | None) -> None:
    assert functions_in(model, text) == expected


@pytest.mark.parametrize("text", ["我们也有三年发展规划", "有五年计划", "三年内服务了100家",
                                  "近两年分别服务了45家和38家"])
def test_a_plan_or_period_in_years_is_no_operating_time(model: FlowModel, text: str) -> None:
    reading = read_answer(model, text, None, model.full_plan(), TODAY)
    assert "years_operating" not in {f.key for f in reading.facts}


@pytest.mark.parametrize(("text", "expected"), [
    ("2025年服务了60家企业，2024年服务了45家", {"smes_served_last_year": 60, "smes_served_year_before": 45}),
    ("2024年度服务企业35家，2025年度服务企业48家", {"smes_served_last_year": 48, "smes_served_year_before": 35}),
    ("去年、前年服务企业分别为52家、41家", {"smes_served_last_year": 52, "smes_served_year_before": 41}),
    ("2024年、2025年服务企业数分别为38家、45家", {"smes_served_last_year": 45, "smes_served_year_before": 38}),
    ("满意度和公益服务比例分别是95%和30%", {"satisfaction_pct": 95, "public_welfare_pct": 30}),
    ("2025年成立的，去年服务了30家", {"smes_served_last_year": 30, "years_operating": 0.93}),  # a founding year
    ("集聚了律所、会计所等6家服务机构", {"aggregated_orgs": 6}),  # the count named by what follows it
])
def test_figures_of_named_years_and_respectively(model: FlowModel, text: str, expected: dict[str, Any]) -> None:
    reading = read_answer(model, text, None, model.full_plan(), TODAY)
    got = {f.key: f.value for f in reading.facts}
    assert {k: got.get(k) for k in expected} == expected
    assert set(got) == set(expected)


def test_a_year_alone_still_answers_the_founding(model: FlowModel) -> None:
    reading = read_answer(model, "2025年", "years_operating", model.full_plan(), TODAY)
    assert [f.key for f in reading.facts] == ["years_operating"]


@pytest.mark.parametrize(("text", "expected"), [
    ("客户满意度调查平均分是96分", None),  # the users' satisfaction, not the training's evaluation
    ("每期培训都做学员满意度调查", True),
])
def test_a_satisfaction_survey_is_the_training_evaluation_only_of_training(model: FlowModel, text: str,
                                                                        expected: bool | None) -> None:
    assert passing(model, text).get("training_evaluation") is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("We are a research institute", {"org_type": "research_institute"}),
    ("Our company is a technology service provider", {"org_type": "tech_service"}),
    ("we are an independent legal entity and a technology service agency",
     {"org_type": "tech_service", "legal_person": True}),
    ("We work with a research institute", {}),  # a relation, not what they are
    ("We are not a research institute", {}),
    ("We are a branch office", {"legal_person": False}),
])
def test_facts_said_in_english(model: FlowModel, text: str, expected: dict[str, Any]) -> None:
    got = passing(model, text)
    assert {k: got.get(k) for k in ("org_type", "legal_person") if k in got} == expected
