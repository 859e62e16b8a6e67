"""Dialogue acts: one message read with a small context (the item asked, the last topic) into questions, claims,
corrections, denials and commands — with the real built-in engine, as the assistant reads them."""

from __future__ import annotations

import pytest

from nlu import DialogueContext, Understanding, parse, understand


def read(text: str, *, topic: str | None = None, asking: str | None = None) -> Understanding:
    return understand(text, DialogueContext(asking=asking, topic=topic), parse(text), parse)


@pytest.mark.parametrize(("text", "intents"), [
    ("申报要几年、资产要多少", ["condition_years", "condition_assets"]),
    ("资产要求多少？运营年限呢？满意度要多少？", ["condition_assets", "condition_years", "condition_satisfaction"]),
    ("请问：1.公示几天 2.多久评一次", ["publicity", "annual_cycle"]),
    ("资产多少/人员多少", ["condition_assets", "condition_staff"]),
    ("资产要多少运营要几年", ["condition_assets", "condition_years"]),
    ("培训服务和融资服务分别要求啥", ["function_training", "function_financing"]),
    ("满意度、公益服务比例、学历职称比例各要多少",
     ["condition_satisfaction", "condition_public_welfare", "condition_qualified_staff"]),
    # official numbering 一、二、 and 有何 ask as much as 1. 2. and 什么
    ("请问：一、资产总额下限为多少；二、运营年限有何要求；三、需提交哪些申请材料。",
     ["condition_assets", "condition_years", "materials_overview"]),
    # voice input: a can-we run on into the next question, 能不能 not taken for an indefinite 不…什么
    ("我们是科研院所能不能报要交什么材料", ["who_can_apply", "materials_overview"]),
    # numbered items without a question word are asked when the message inquires; the preamble is not answered
    ("您好！想了解下：（1）运营年限要求；（2）资产要求；（3）满意度要求。谢谢！",
     ["condition_years", "condition_assets", "condition_satisfaction"]),
    ("咨询几个问题：1.申报材料清单 2.公示时间 3.推荐单位", ["materials_overview", "publicity", "recommendation"]),
    ("（1）满意度要多少（2）集聚机构几家", ["condition_satisfaction", "condition_aggregation"]),
    # 分别 after two subjects of different families; subjects listed with 、 before one question
    ("请问申报条件和申报材料分别是什么", ["conditions_overview", "materials_overview"]),
    ("人员、资产、场地都有什么要求", ["condition_staff", "condition_assets", "condition_premises"]),
    ("信息服务、技术服务有什么要求", ["function_info", "function_tech"]),
    ("你好 我想咨询两个问题 一个是资产要求 一个是人员要求", ["condition_assets", "condition_staff"]),
    ("请问资产要求和人员要求", ["condition_assets", "condition_staff"]),
    ("申报材料有那些，公式几天", ["materials_overview", "publicity"]),
    ("资产，人员，满意度要多少", ["condition_assets", "condition_staff", "condition_satisfaction"]),
    ("运营年限、资产总额和服务人员有什么要求", ["condition_years", "condition_assets", "condition_staff"]),
    # voice input: two questions run on without a mark, cut where both halves read surest
    ("推荐表谁填要盖章吗", ["recommendation", "open_seal"]),
    ("材料交给谁什么时候交", ["open_submission", "deadline"]),
    ("申报条件是啥要交啥材料", ["conditions_overview", "materials_overview"]),
    # a bare 够吗/差多少 is read with the statement before it
    ("我们是县级认定的，够吗？集聚机构要几家？", ["condition_recognition", "condition_aggregation"]),
    ("满意度75%，差多少，公益服务比例要多少", ["condition_satisfaction", "condition_public_welfare"]),
    # the user's figure for the item just asked is judged with it, a rule's figure restated is not the user's
    ("服务人员要几个，我们9个行不行，资产要多少", ["condition_staff", "condition_assets"]),
    # two can-we questions on two kinds are two questions
    ("分公司能报吗？子公司能报吗？", ["who_can_apply", "who_can_apply"]),
    # English questions joined by "and" before a question word
    ("What is the minimum total assets and how many staff are required?", ["condition_assets", "condition_staff"]),
    ("what materials are needed, and where do we submit them", ["materials_overview", "open_submission"]),
    ("how many years are required and what is the minimum total assets?", ["condition_years", "condition_assets"]),
])
def test_several_questions_in_one_message_are_each_read(text: str, intents: list[str]) -> None:
    assert [a.intent for a in read(text).questions] == intents


@pytest.mark.parametrize(("text", "intent"), [
    ("你好，资产总额要多少", "condition_assets"),
    ("在吗？子公司能报吗", "who_can_apply"),
    ("你好，想咨询一下能不能申报", "who_can_apply"),
    ("您好！请问公示几天", "publicity"),
    ("好的谢谢，那材料要几份", "open_copies"),
])
def test_a_greeting_or_thanks_before_a_question_does_not_hide_it(text: str, intent: str) -> None:
    assert [a.intent for a in read(text).questions] == [intent]


@pytest.mark.parametrize(("text", "intent"), [("你好", "greet"), ("谢谢", "thanks"), ("你好，想咨询一下", "greet")])
def test_a_greeting_alone_stays_a_greeting(text: str, intent: str) -> None:
    assert read(text).parsed.intent == intent


@pytest.mark.parametrize(("text", "topic", "intent"), [
    ("那培训服务呢", "function_info", "function_training"),
    ("那人员呢", "condition_assets", "condition_staff"),
    ("这个要几份", "material_audit", "open_copies"),
    ("之后呢", "review", "publicity"),
    ("填好以后呢", "recommendation", "review"),
    ("那分公司呢", "who_can_apply", "who_can_apply"),
    ("那地市认定呢", "condition_aggregation", "condition_recognition"),
])
def test_follow_ups_are_read_against_the_last_topic(text: str, topic: str, intent: str) -> None:
    [question] = read(text, topic=topic).questions
    assert question.intent == intent and question.resolved


@pytest.mark.parametrize(("text", "intent", "subject"), [
    ("第三个要盖章吗", "open_seal", "material_audit"),
    ("第二个要几份", "open_copies", "material_license"),
    ("第三个是什么", "material_audit", ""),
    ("第3项是啥意思", "material_audit", ""),
])
def test_a_question_asked_of_the_nth_item_keeps_the_item(text: str, intent: str, subject: str) -> None:
    [question] = read(text, topic="materials_overview").questions
    assert (question.intent, question.subject) == (intent, subject)


def test_a_bare_figure_after_a_requirement_asks_about_it() -> None:
    [question] = read("我们85%", topic="condition_satisfaction").questions
    assert question.intent == "condition_satisfaction" and [e.value for e in question.entities] == [85]


@pytest.mark.parametrize(("text", "kept", "rejected"), [
    ("是8次，不是80次", [8], [80]),
    ("不是80次，是8次", [8], [80]),
    ("80次是错的，应该是8次", [8], [80]),
    ("85% 哦不对是88%", [88], [85]),
    ("四十五 不对 是五十四家", [54], [45]),
    ("资产120万，不对，是150万", [1500000], [1200000]),
    ("12人。哎呀说错了，15人", [15], [12]),
])
def test_a_negated_correction_keeps_the_right_figure(text: str, kept: list[int], rejected: list[int]) -> None:
    understanding = read(text)
    assert [e.value for e in understanding.own_entities] == kept
    assert [e.value for e in understanding.rejected] == rejected


@pytest.mark.parametrize("text", ["45家，不对的地方请指出", "45家，不对吧", "说错了，是45家", "45家，说错了"])
def test_nothing_is_taken_back_without_a_figure_before_and_one_after(text: str) -> None:
    assert read(text).rejected == ()


@pytest.mark.parametrize(("text", "rule", "own"), [
    ("培训600人次是线上线下合计吗", [600], []),
    ("运营要满2年吧？我们才1年半", [2], [1.5]),
    ("技术服务3次活动的要求，我们今年做了4次检测推广，没问题吧", [3], [4]),
    # what the user did (搞了, 去年…) is theirs even when it equals a threshold and no 我们 is said
    ("去年培训了1200人次，银企对接搞了两次，融资讲座0次，看看哪个功能能算", [], [1200, 2, 0]),
])
def test_the_notices_own_figures_are_told_from_the_users(text: str, rule: list[float], own: list[float]) -> None:
    understanding = read(text)
    rule_figures = [e.value for e in (*understanding.rule_figures(), *understanding.stated_rule())]
    assert sorted(set(rule_figures)) == rule
    assert [e.value for e in understanding.own_entities if e.value not in rule] == own


@pytest.mark.parametrize(("text", "kind", "unit", "value"), [
    ("要求10人，我们正好10个，行吧", "count", "人", 10),
    ("通知说的10人，我们有12个", "count", "人", 12),
    ("通知说技术服务3次活动，我们做了4个", "count", "次", 4),
])
def test_a_bare_number_after_the_rules_figure_is_of_its_kind(text: str, kind: str, unit: str, value: int) -> None:
    rule = {(e.start, e.end) for e in read(text).stated_rule()}
    [own] = [e for e in read(text).own_entities if (e.start, e.end) not in rule]
    assert (own.entity, own.unit, own.value) == (kind, unit, value)


@pytest.mark.parametrize("text", ["通知要求10人，我们有3个部门", "要求资产100万，我们有3个服务站"])
def test_a_number_that_counts_something_else_keeps_no_unit(text: str) -> None:
    assert [e.entity for e in read(text).own_entities if e.value == 3] == ["number"]


def test_a_question_on_what_the_rule_means_has_no_figure_of_the_users() -> None:
    assert read("10人里面60%要大专以上，意思是至少6个人吗").explains_rule
    assert not read("服务人员9个人够吗").explains_rule


@pytest.mark.parametrize(("text", "kinds"), [
    ("没有", ["negation"]),
    ("是的", ["claim"]),
    ("我们是分公司，想测一下", ["claim", "claim", "command"]),
    ("资产总额怎么算？", ["question"]),
    ("120万，资产总额怎么算的？", ["claim", "question"]),
])
def test_each_clause_is_an_act(text: str, kinds: list[str]) -> None:
    assert [a.kind for a in read(text).acts] == kinds


def test_traditional_characters_are_read_like_simplified_ones() -> None:
    assert read("滿意度80%是怎麼算的").rule_figures()


@pytest.mark.parametrize("text", [
    "我们是中介机构，客户满意度百分之九十五，服务人员十二个人，帮我自测",
    "我中心为独立事业法人，属中小企业服务机构，2010年挂牌成立，现申请自测",
    "我单位为事业单位法人，机构类型为科研院所，成立时间为2014年6月，请帮我们自测",
    "我们是科研院所资产总额1.5亿元独立法人成立二十年了自测",  # voice input: 自测 ends the run-on statement
    "我们是科研院所，独立法人，自侧一下",  # a typo of 自测
    "再测一次，我们现在服务人员有20个人了",  # a re-run
])
def test_a_request_to_self_check_after_facts_is_a_command(text: str) -> None:
    assert "selfcheck_start" in [a.intent for a in read(text).acts]


@pytest.mark.parametrize("text", ["怎么自测", "我们检测测", "资产怎么算才能通过自测"])
def test_self_check_at_the_end_of_a_question_is_no_command(text: str) -> None:
    assert not [a for a in read(text).acts if a.kind == "command"]


@pytest.mark.parametrize(("text", "own"), [
    ("九成以上吧", [90]),  # an answer: the user's own figure, at its lower bound
    ("八成以上", [80]),
    ("满意度80%以上吗", []),  # a question about the rule
    ("满意度要80以上", []),
])
def test_a_figure_with_yishang_is_the_rules_only_when_asked_or_required(text: str, own: list[float]) -> None:
    understanding = read(text, asking="satisfaction_pct")
    rule = {e.start for e in understanding.rule_said}
    assert [e.value for e in understanding.own_entities if e.start not in rule] == own


@pytest.mark.parametrize(("text", "intent"), [
    ("我们服务人员只有9个人，这个是硬性条件吗", "condition_staff"),
    ("我们满意度才78%，这个影响大吗", "condition_satisfaction"),
    ("服务人员9个人，这个够吗", "condition_staff"),
])
def test_this_after_a_statement_looks_back_to_the_message_not_the_last_topic(text: str, intent: str) -> None:
    [question] = read(text, topic="condition_assets", asking="total_assets_wan").questions
    assert question.intent == intent


@pytest.mark.parametrize(("text", "intent"), [
    ("资质，要哪些", "material_staff_list"),  # the subject said first, then one question on it
    ("你好，资产要多少", "condition_assets"),
    ("我们是科研院所，资产要多少", "condition_assets"),
])
def test_a_subject_or_a_courtesy_before_one_question_is_not_a_question_of_its_own(text: str, intent: str) -> None:
    assert [a.intent for a in read(text).questions] == [intent]


def test_a_request_heading_a_form_of_fields_is_a_command() -> None:
    acts = read("自测：单位性质：技术服务机构；资产总额：260万元").acts
    assert "selfcheck_start" in [a.intent for a in acts if a.kind == "command"]


@pytest.mark.parametrize("text", [
    "We are a research institute, independent legal person, founded in 2015. self-check",
    "I'd like to check whether we can apply. We are a research institute.",
])
def test_an_english_request_to_self_check_is_a_command(text: str) -> None:
    assert "selfcheck_start" in [a.intent for a in read(text).acts if a.kind == "command"]


def test_an_english_question_about_the_self_check_is_no_command() -> None:
    assert not [a for a in read("Can you explain the self-check?").acts if a.kind == "command"]
