"""Every answer intent: renders from the data, cites its clauses, full-width punctuation, exact thresholds."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from knowledge import compose, knowledge_base, load_file, load_knowledge
from knowledge._kb import contacts_path
from nlu import Entity

INTENTS = load_file("intents.yml")["intents"]
ANSWERED = sorted(name for name, spec in INTENTS.items() if spec["kind"] in ("answer", "open", "smalltalk"))
CITED = [name for name in ANSWERED if INTENTS[name]["kind"] in ("answer", "open")]
OPEN = [name for name in ANSWERED if INTENTS[name]["kind"] == "open"]
REFS = {c["ref"] for c in load_file("clauses.yml")["clauses"]}
# ASCII punctuation that must not appear in a Chinese reply (a decimal point between digits is fine).
ASCII_PUNCT = re.compile(r"[,;:?!()\[\]]|(?<!\d)\.|\.(?!\d)")


def minimum(key: str) -> str:
    """The threshold as written in indicators.yml (read here directly, not through the code under test)."""
    ind = load_file("indicators.yml")
    items = [*ind["basic"], *(it for fn in ind["functions"] for it in fn["items"])]
    value = next(it["require"]["min"] for it in items if it["key"] == key)
    return str(int(value)) if float(value).is_integer() else str(value)


@pytest.mark.parametrize("intent", ANSWERED)
def test_answer_renders_cleanly(intent: str) -> None:
    answer = compose(intent)
    assert answer.intent == intent
    assert answer.text.strip()
    assert "None" not in answer.text and "{{" not in answer.text and "{%" not in answer.text
    assert not ASCII_PUNCT.search(answer.text), ASCII_PUNCT.search(answer.text)
    assert not answer.fallback


@pytest.mark.parametrize("intent", CITED)
def test_answer_cites_its_clauses(intent: str) -> None:
    answer = compose(intent)
    assert answer.sources, "an answer about the notice must cite a clause"
    assert set(answer.sources) <= REFS
    last = answer.text.splitlines()[-1]
    assert re.match(r"^(依据|相关条款)：", last)
    for ref in answer.sources:
        assert ref in last


@pytest.mark.parametrize("intent", OPEN)
def test_open_questions_say_the_notice_is_silent(intent: str) -> None:
    answer = compose(intent)
    assert "本通知未作规定" in answer.text
    assert "《管理办法》" in answer.text or "申报通知" in answer.text
    assert "推荐单位" in answer.text or "经济和信息化" in answer.text


THRESHOLD_TEXTS = [
    ("condition_years", "years_operating", "{}年以上"),
    ("condition_assets", "total_assets_wan", "不低于{}万元"),
    ("condition_sme_served", "smes_served_last_year", "{}家以上"),
    ("condition_satisfaction", "satisfaction_pct", "{}%以上"),
    ("condition_aggregation", "aggregated_orgs", "{}家以上"),
    ("condition_public_welfare", "public_welfare_pct", "不少于总服务量的{}%"),
    ("condition_staff", "service_staff", "不少于{}人"),
    ("condition_qualified_staff", "qualified_staff_pct", "{}%以上"),
    ("function_training", "trainees_per_year", "年培训{}人次以上"),
    ("function_tech", "tech_activities", "{}次以上"),
    ("function_info", "info_offline_smes", "{}家以上"),
    ("function_financing", "financing_lectures", "融资知识讲座{}次以上"),
    ("function_startup", "startup_activities", "推介活动{}次以上"),
    ("conditions_overview", "total_assets_wan", "不低于{}万元"),
    ("conditions_overview", "service_staff", "不少于{}人"),
    ("functions_overview", "trainees_per_year", "年培训{}人次以上"),
    ("who_can_apply", "years_operating", "运营{}年以上"),
]


@pytest.mark.parametrize(("intent", "key", "pattern"), THRESHOLD_TEXTS)
def test_thresholds_in_answers_equal_indicators(intent: str, key: str, pattern: str) -> None:
    assert pattern.format(minimum(key)) in compose(intent).text


def test_fallback_is_marked_and_cites_nothing() -> None:
    answer = compose("nlu_fallback")
    assert answer.fallback
    assert answer.sources == ()
    assert "超出" in answer.text and "依据" not in answer.text
    assert "自测" in answer.text


def test_unknown_intent_gets_the_fallback_not_a_clause() -> None:
    answer = compose("weather_forecast")
    assert answer.fallback and answer.intent == "nlu_fallback" and answer.sources == ()


def test_help_lists_what_the_assistant_does() -> None:
    text = compose("help").text
    for word in ("自测", "材料清单", "截止", "提醒"):
        assert word in text


@pytest.mark.parametrize(("intent", "words"), [
    ("materials_overview", ["基地", "附件2", "推荐单位确认", "附件1"]),
    ("material_application_report", ["小型微型企业创业创新示范基地申请报告", "确认"]),
    ("material_cases", ["基地", "可附照片"]),
    ("background", ["藏经信发〔2021〕83号", "《管理办法》", "错漏"]),
    ("condition_aggregation", ["工业", "多余"]),
    ("condition_growth", ["本助手", "理解"]),
])
def test_flaws_of_the_notice_are_flagged(intent: str, words: list[str]) -> None:
    text = compose(intent).text
    for word in words:
        assert word in text


def test_materials_overview_lists_all_nine_with_requirements() -> None:
    text = compose("materials_overview").text
    for n in range(1, 10):
        assert f"{n}．" in text
    for req in ("复印件", "上一年度", "3000字", "可附照片", "加盖申报单位公章"):
        assert req in text


def test_publicity_and_cycle_figures() -> None:
    process = load_file("process.yml")
    assert f"公示{process['publicity']['working_days']}个工作日" in compose("publicity").text
    assert "门户网站" in compose("publicity").text and "有关媒体" in compose("publicity").text
    assert f"每年开展{process['cycle']['per_year']}次" in compose("annual_cycle").text


def test_handoff_without_contact_points_to_the_prefecture_bureau() -> None:
    text = compose("human_handoff").text
    assert "没有配置" in text and "地（市）经济和信息化局" in text


def test_configured_contact_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    contact = tmp_path / "contacts.yml"
    contact.write_text('contact:\n  organisation: 拉萨市经济和信息化局\n  phone: "0891-1234567"\n', encoding="utf-8")
    monkeypatch.setenv("SHENBAO_CONTACTS_FILE", str(contact))
    assert contacts_path(Path("x")) == contact
    kb = load_knowledge(knowledge_base().directory)
    for intent in ("human_handoff", "open_submission"):
        text = compose(intent, kb=kb).text
        assert "拉萨市经济和信息化局" in text and "0891-1234567" in text


def ent(kind: str, value: float | str, text: str, question: str, unit: str | None = None) -> Entity:
    start = question.index(text)
    return Entity(entity=kind, value=value, start=start, end=start + len(text), text=text, unit=unit)


FIGURES = [
    # (intent, question, entity, must contain)
    ("condition_satisfaction", "我们满意度85%，满足吗", ("percent", 85, "85%", None), ["85%计，满足", "80%以上"]),
    ("condition_satisfaction", "满意度79.5%行不行", ("percent", 79.5, "79.5%", None), ["不满足", "还差0.5个百分点"]),
    ("condition_satisfaction", "满意度刚好80%", ("percent", 80, "80%", None), ["满足“"]),
    ("condition_staff", "服务人员9个人够吗", ("count", 9, "9个人", "人"), ["9人计，不满足", "还差1人", "不少于10人"]),
    ("condition_assets", "资产80万可以吗", ("money", 800000, "80万", None), ["80万元计，不满足", "还差20万元"]),
    ("condition_assets", "资产一百二十万够不够", ("money", 1200000, "一百二十万", None), ["120万元计，满足"]),
    ("condition_years", "我们运营了1.5年", ("duration", 1.5, "1.5年", None), ["不满足", "还差0.5年"]),
    ("condition_sme_served", "一年服务了25家企业", ("count", 25, "25家", "家"), ["满足"]),
    ("function_training", "年培训500人次行吗", ("count", 500, "500人次", "人次"), ["还差100人次"]),
    ("condition_satisfaction", "满意度180%", ("percent", 180, "180%", None), ["不在合理范围"]),
]


@pytest.mark.parametrize(("intent", "question", "spec", "expected"), FIGURES, ids=[f[1] for f in FIGURES])
def test_figures_in_questions_are_checked(intent: str, question: str, spec: tuple[str, float, str, str | None],
                                          expected: list[str]) -> None:
    kind, value, text, unit = spec
    answer = compose(intent, question, [ent(kind, value, text, question, unit)], date(2026, 11, 26))
    first = answer.text.split("\n\n")[0]
    for word in expected:
        assert word in answer.text
    assert answer.checks and answer.checks[0].said == text
    assert answer.checks[0].label in first  # the verdict on the user's figure comes first


def test_overview_maps_several_figures_by_context() -> None:
    q = "我们资产150万，满意度78%，公益服务占25%，能申报吗"
    ents = [ent("money", 1500000, "150万", q), ent("percent", 78, "78%", q), ent("percent", 25, "25%", q)]
    answer = compose("conditions_overview", q, ents, date(2026, 11, 26))
    by_key = {c.key: c for c in answer.checks}
    assert by_key["total_assets_wan"].passed
    assert not by_key["satisfaction_pct"].passed and by_key["satisfaction_pct"].gap == 2
    assert by_key["public_welfare_pct"].passed
    assert "二、申报条件（一）第2项" in answer.sources


@pytest.mark.parametrize(("intent", "question", "said", "every", "keys"), [
    # a figure of served firms is the offline count only when 线下 is said, never by elimination or for 线上
    ("condition_sme_served", "去年服务了20家企业，够吗", "20家", True, ["smes_served_last_year"]),
    ("conditions_overview", "上年度服务中小企业47家，行吗", "47家", True, ["smes_served_last_year"]),
    ("function_info", "我们线下15家，够吗", "15家", False, ["info_offline_smes"]),
    ("function_info", "线上服务了300家企业，够吗", "300家", False, []),
    ("function_info", "我们服务了30家企业", "30家", False, []),
], ids=lambda v: v if isinstance(v, str) and len(v) > 6 else "")
def test_offline_count_needs_its_own_word(intent: str, question: str, said: str, every: bool,
                                          keys: list[str]) -> None:
    answer = compose(intent, question, [ent("count", int(said[:-1]), said, question, "家")], date(2026, 11, 26),
                     every_figure=every)
    assert [c.key for c in answer.checks] == keys


@pytest.mark.parametrize(("intent", "question", "value", "judged"), [
    ("condition_satisfaction", "满意度要求多少啊 我们才78", 78, True),  # the one item asked: 78 %
    ("condition_satisfaction", "满意度要求多少 我们服务人员12", 12, False),  # names another item
    ("conditions_overview", "条件有哪些 我们才78", 78, False),  # several items: no way to tell
])
def test_a_bare_figure_is_the_one_item_asked(intent: str, question: str, value: int, judged: bool) -> None:
    answer = compose(intent, question, [ent("number", value, str(value), question)], date(2026, 11, 26))
    assert bool(answer.checks) is judged


def test_ambiguous_figure_is_not_judged() -> None:
    q = "我们有70%，够吗"
    answer = compose("conditions_overview", q, [ent("percent", 70, "70%", q)], date(2026, 11, 26))
    assert answer.checks == ()


def test_founding_date_counts_years_to_today() -> None:
    q = "我们2025年3月成立的，可以申报吗"
    answer = compose("condition_years", q, [ent("date", "2025-03-31", "2025年3月", q)], date(2026, 11, 26))
    assert answer.checks and not answer.checks[0].passed
    # issue 13 group 12: the day counted to is named (was “至今”), and a month counts from its last day
    assert "从您提到的“2025年3月”（按2025年3月31日起算）计算至2026年11月26日" in answer.text
    assert "约1.65年，不满足" in answer.text


def test_user_text_is_never_template_source() -> None:
    q = "资产{{ 7*7 }}万{% raw %}够吗"
    answer = compose("condition_assets", q, [ent("money", 490000, "{{ 7*7 }}万", q)], date(2026, 11, 26))
    assert "49万元计" in answer.text  # the entity's value, not an evaluation of the text
    answer = compose("condition_satisfaction", "{{ 7*7 }}", [], date(2026, 11, 26))
    assert "49" not in answer.text


@pytest.mark.parametrize(("question", "last", "before", "verdict"), [
    ("去年服务了30家，前年25家，算稳步增长吗", "30家", "25家", "有所增长"),
    ("前年服务40家，去年35家，算稳步增长吗", "35家", "40家", "没有增长"),
])
def test_growth_is_judged_when_both_years_are_named(question: str, last: str, before: str, verdict: str) -> None:
    nums = re.findall(r"\d+家", question)
    ents = [ent("count", int(n[:-1]), n, question, "家") for n in nums]
    answer = compose("condition_growth", question, ents, date(2026, 11, 26))
    first = answer.text.split("\n\n")[0]
    assert f"上一年{last}、前一年{before}" in first and verdict in first
    assert "本助手" in first


def test_growth_is_not_judged_without_the_years() -> None:
    q = "30家和25家算增长吗"
    ents = [ent("count", 30, "30家", q, "家"), ent("count", 25, "25家", q, "家")]
    answer = compose("condition_growth", q, ents, date(2026, 11, 26))
    assert answer.growth is None and "上一年30家" not in answer.text


@pytest.mark.parametrize(("intent", "lang", "never", "says"), [
    ("open_seal", "zh", ["向推荐单位", "建议您联系所在地"], ["向经济和信息化厅确认"]),
    ("open_copies", "zh", ["向推荐单位", "建议您联系所在地"], ["向经济和信息化厅确认"]),
    ("open_fee", "zh", ["建议您联系所在地"], ["向经济和信息化厅咨询"]),
    ("open_seal", "en", ["your recommending body", "please contact"], ["Department of Economy"]),
    ("human_handoff", "zh", ["建议您直接联系所在地"], ["可以咨询西藏自治区经济和信息化厅"]),
    ("human_handoff", "en", ["Please contact the"], ["As a recommending body"]),
])
def test_a_recommending_body_is_never_sent_to_a_recommending_body(intent: str, lang: str, never: list[str],
                                                                  says: list[str]) -> None:
    text = compose(intent, lang=lang, recommender=True).text
    assert not any(word in text for word in never), text
    assert all(word in text for word in says), text
    assert any(word in compose(intent, lang=lang).text for word in never)  # an applicant is, as before


@pytest.mark.parametrize(("lang", "never", "says"), [
    ("zh", ["向推荐单位"], ["向经济和信息化厅索取", "建议您向经济和信息化厅确认"]),
    ("en", ["your recommending body"], ["the Department of Economy and Information Technology"]),
])
def test_a_recommending_body_asking_about_a_material_is_not_sent_to_a_recommending_body(
        lang: str, never: list[str], says: list[str]) -> None:
    text = compose("material_application_report", lang=lang, recommender=True).text
    assert not any(word in text for word in never) and all(word in text for word in says), text


# Said without punctuation, a figure led by its item's words keeps them when the figure before was led by its own
# ("资产90万人员12个满意度85%"); words that follow their figures ("12个服务人员8个大专以上") are not taken as a lead.
@pytest.mark.parametrize(("question", "keys"), [
    ("资产90万人员12个满意度85%够不够", ["total_assets_wan", "service_staff", "satisfaction_pct"]),
    ("资产九十万人员十二个满意度百分之八十五能报吗", ["total_assets_wan", "service_staff", "satisfaction_pct"]),
    ("我们有12个服务人员8个大专以上资产150万够不够", ["service_staff", "total_assets_wan"]),
])
def test_figures_said_without_punctuation_keep_their_own_words(question: str, keys: list[str]) -> None:
    from nlu import extract_entities

    answer = compose("conditions_overview", question, extract_entities(question), date(2026, 11, 26),
                     every_figure=True)
    assert [c.key for c in answer.checks] == keys


@pytest.mark.parametrize(("question", "said", "value", "passed"), [
    ("资产不到100万，能报吗", "100万", 1_000_000, False),  # under the minimum: fails, not "100万 meets it"
    ("资产不足80万，能报吗", "80万", 800_000, False),
    ("资产不到200万，能报吗", "200万", 2_000_000, None),  # over or under 100万: the words do not say
])
def test_a_figure_said_to_be_under_a_value_is_not_taken_as_it(question: str, said: str, value: int,
                                                               passed: bool | None) -> None:
    start = question.index(said)
    figure = Entity("money", value, start, start + len(said), said, unit="元", below=True, approx=True)
    answer = compose("condition_assets", question, [figure], date(2026, 11, 26))
    assert [c.passed for c in answer.checks] == ([] if passed is None else [passed])
