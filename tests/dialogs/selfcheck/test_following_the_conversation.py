"""The self-check follows the conversation (issue 13), driven with the real NLU as an applicant would type:
questions mid-form, knock-outs, loose answers, corrections, facts said in passing, the type confirmed first."""

from __future__ import annotations

import pytest

from dialogs import Store
from nlu import parse
from tests.dialogs.selfcheck.dialogue_helpers import Chat

BASICS = ("是", "科研院所", "5年", "300万")  # items 1–4


@pytest.mark.parametrize("opening", [
    ("我想自测", "否", "直接给结论"),
    ("我想自测", "我们是分公司", "后面还用答吗"),
    ("我们是集团的分公司，没有独立法人资格，想测一下能不能报", "直接给结论"),
    ("我们是办事处，想自测一下", "还用继续吗"),
])
def test_an_applicant_without_legal_personality_gets_the_verdict_within_four_turns(
        store: Store, opening: tuple[str, ...]) -> None:
    chat = Chat(store, parser=parse)
    replies = [chat.say(text).text for text in opening]
    assert len(opening) <= 4
    assert any("二、申报条件（一）第1项" in r and "直接给结论" in r for r in replies[:-1])  # said at once
    assert replies[-1].startswith("自测结论：不符合")
    [record] = chat.records()
    assert record.verdict == "ineligible" and record.profile["legal_person"] is False


def test_going_on_after_a_knock_out_asks_the_next_question(store: Store) -> None:
    chat = Chat(store, parser=parse)
    chat.run("我想自测", "否")
    turn = chat.say("继续")
    assert "（第 2/19 项）" in turn.text and chat.records() == []


CAN_WE = ["还需要继续吗？我们是不是不能报", "我们这种情况有戏吗", "到目前为止有哪些条件没达到"]


@pytest.mark.parametrize("question", CAN_WE)
def test_a_can_we_question_mid_form_gets_the_interim_judgement_and_keeps_the_answers(store: Store,
                                                                                      question: str) -> None:
    chat = Chat(store, parser=parse)
    chat.run("/selfcheck", "是", "科研院所", "1年")
    turn = chat.say(question)
    assert "目前" in turn.text and "未回答" in turn.text and "运营年限" in turn.text
    assert "（第 4/19 项）" in turn.text and "（第 1/19 项）" not in turn.text
    assert chat.state().slots["profile"]["org_type"] == "research_institute"


def test_a_side_question_is_answered_and_the_form_goes_on(store: Store) -> None:
    chat = Chat(store, parser=parse)
    chat.run("/selfcheck", *BASICS)
    turn = chat.say("120万，资产总额怎么算的？不对，这题问的是财务，财务没问题")
    assert "依据：二、申报条件（一）第1项" in turn.text
    assert "（第 1/19 项）" not in turn.text


@pytest.mark.parametrize(("answer", "key", "value", "said"), [
    ("大概五六家", "aggregated_orgs", 5, "下限"),
    ("二三十家吧", "aggregated_orgs", 20, "下限"),
    ("是8家，不是80家", "aggregated_orgs", 8, "8 家"),
    ("不是80家，是8家", "aggregated_orgs", 8, "8 家"),
    ("80家是错的，应该是8家", "aggregated_orgs", 8, "8 家"),
])
def test_loose_answers_are_recorded_as_meant(store: Store, answer: str, key: str, value: int, said: str) -> None:
    chat = Chat(store, parser=parse)
    chat.run("/selfcheck", *BASICS, "是", "是", "45家", "40家", "90%", "有")
    turn = chat.say(answer)
    assert chat.state().slots["profile"][key] == value
    assert said in turn.text and "56" not in turn.text and "80 家" not in turn.text


def test_a_figure_said_to_be_under_a_number_is_asked_for(store: Store) -> None:
    chat = Chat(store, parser=parse)
    chat.run("/selfcheck", *BASICS[:3])
    turn = chat.say("小一百万")
    assert "total_assets_wan" not in chat.state().slots["profile"]
    assert "具体数字" in turn.text and "（第 4/19 项）" in turn.text


def test_a_two_part_item_is_yes_only_when_both_are_there(store: Store) -> None:
    chat = Chat(store, parser=parse)
    chat.run("/selfcheck", *BASICS, "是", "是", "45家", "40家", "90%", "有", "3家", "有", "健全", "有", "25%", "有",
             "12人", "70%", "技术服务", "完成")
    turn = chat.say("有专家库，项目库还在建")
    assert chat.state().slots["profile"]["tech_expert_pool"] is False
    assert "项目库" in turn.text
    chat.say("上一题")
    turn = chat.say("有专家库")
    assert "也具备吗" in turn.text and chat.state().step == "tech_expert_pool"  # the other part is asked about
    chat.say("项目库也有了")
    assert chat.state().slots["profile"]["tech_expert_pool"] is True


@pytest.mark.parametrize(("answer", "share"), [("去年服务的企业里有40家给了好评", 76.92), ("50家里面45家满意", 90)])
def test_a_count_of_satisfied_firms_is_a_share_of_the_firms_served(store: Store, answer: str, share: float) -> None:
    chat = Chat(store, parser=parse)
    chat.run("/selfcheck", *BASICS, "是", "是", "52家", "47家")
    turn = chat.say(answer)
    profile = chat.state().slots["profile"]
    assert profile["satisfaction_pct"] == pytest.approx(share, abs=0.01) and profile["smes_served_last_year"] == 52
    assert "已记录：用户满意度" in turn.text and "已更正" not in turn.text


def test_an_answer_about_another_item_is_recorded_there_and_the_question_asked_again(store: Store) -> None:
    chat = Chat(store, parser=parse)
    chat.run("/selfcheck", *BASICS, "是", "是", "45家", "40家", "90%", "有", "3家", "有")
    assert chat.state().step == "management_system"
    turn = chat.say("对小微企业打八折")
    profile = chat.state().slots["profile"]
    assert profile["sme_fee_discount"] is True and "management_system" not in profile
    assert "已记录：对小型微型企业有收费优惠规定：是" in turn.text and "管理制度" in turn.text


@pytest.mark.parametrize(("answer", "share"), [("三分之二", 66.67), ("15个人里8个本科", 53.33)])
def test_fractions_and_head_counts_become_shares(store: Store, answer: str, share: float) -> None:
    chat = Chat(store, parser=parse)
    chat.run("/selfcheck", *BASICS, "是", "是", "45家", "40家", "90%", "有", "3家", "有", "健全", "有", "25%", "有",
             "15人")
    chat.say(answer)
    assert chat.state().slots["profile"]["qualified_staff_pct"] == pytest.approx(share, abs=0.01)


def test_facts_said_before_and_in_passing_are_never_asked_again(store: Store) -> None:
    chat = Chat(store, parser=parse)
    chat.say("我们是科研院所，独立法人，2018年成立的，能报吗")
    turn = chat.say("我想自测")
    profile = chat.state().slots["profile"]
    assert profile["legal_person"] is True and profile["org_type"] == "research_institute"
    assert "years_operating" in profile and "（第 4/19 项）" in turn.text
    turn = chat.say("200万，财务状况良好，也有固定办公场地")
    profile = chat.state().slots["profile"]
    assert profile["finances_sound"] is True and profile["fixed_premises"] is True
    assert "（第 6/19 项）" in turn.text


def test_a_loose_self_description_is_confirmed_against_the_five_types(store: Store) -> None:
    chat = Chat(store, parser=parse)
    chat.run("/selfcheck", "是")
    turn = chat.say("我们是建筑公司")
    assert "通知列出的五类是" in turn.text and "贵单位是否属于其中之一" in turn.text
    assert "org_type" not in chat.state().slots["profile"]
    turn = chat.say("都不是")
    assert chat.state().slots["profile"]["org_type"] == "other"
    assert "二、申报条件（一）第1项" in turn.text and "直接给结论" in turn.text


def test_only_the_explicit_commands_discard_answers(store: Store) -> None:
    chat = Chat(store, parser=parse)
    chat.run("/selfcheck", *BASICS)
    chat.say("中途退出的话，是不是要重新开始填？")
    assert chat.state().slots["profile"]["total_assets_wan"] == 300
    chat.say("重新开始")
    assert chat.state().slots["profile"] == {}


@pytest.mark.parametrize(("opening", "expected", "next_item"), [
    # voice input without punctuation: the type is followed by the next fact
    ("我们是昌都的科研院所有独立法人成立八年了资产三百多万想测一下能不能报",
     {"org_type": "research_institute", "legal_person": True, "years_operating": 8, "total_assets_wan": 300}, 5),
    # official style: 属 for 属于, and the round's year (2022年度) is no operating age
    ("您好！我单位系阿里地区一家科技咨询服务公司，属技术服务机构，具有独立法人资格，营业执照上写的成立日期是2016年4月。"
     "现拟申报2022年度自治区中小企业公共服务示范平台，烦请协助开展自测",
     {"org_type": "tech_service", "legal_person": True, "years_operating": 10.6}, 4),
    # the management system named by its heading with its predicate is the whole item
    ("想自测下。先说一下，我们没有成文的发展规划，管理制度倒是健全的",
     {"development_plan": False, "management_system": True}, 1),
])
def test_facts_of_an_opening_message_are_all_recorded(store: Store, opening: str, expected: dict[str, object],
                                                       next_item: int) -> None:
    chat = Chat(store, parser=parse)
    turn = chat.say(opening)
    profile = chat.state().slots["profile"]
    assert {k: profile.get(k) for k in expected} == pytest.approx(expected, abs=0.05)
    assert f"（第 {next_item}/19 项）" in turn.text


def test_a_bare_year_among_space_separated_answers_is_the_founding(store: Store) -> None:
    chat = Chat(store, parser=parse)
    chat.say("我想自测")
    turn = chat.say("有 中介 2020年的")
    profile = chat.state().slots["profile"]
    assert profile["org_type"] == "intermediary" and 5 < profile["years_operating"] < 7  # from the end of 2020
    assert "（第 4/19 项）" in turn.text


def test_once_a_year_with_a_count_is_a_rate_not_the_operating_years(store: Store) -> None:
    chat = Chat(store, parser=parse)
    chat.run("/selfcheck", *BASICS, "是", "是", "45家", "40家", "90%", "有", "3家", "有", "健全", "有", "25%", "有",
             "15人", "80%", "融资服务", "完成")
    chat.say("一年搞了3次银企对接，讲座2次")
    profile = chat.state().slots["profile"]
    assert profile["years_operating"] == 5 and profile["financing_matchmaking_events"] == 3


def test_asking_for_the_self_check_while_it_runs_names_what_is_recorded(store: Store) -> None:
    chat = Chat(store, parser=parse)
    chat.say("我们是社会中介机构，有独立法人资格，成立于2020年5月，想看看能不能申报")
    turn = chat.say("那帮我自测一下")
    assert "已记录 3 项：是否具有独立法人资格、机构类型、运营年限" in turn.text and "（第 4/19 项）" in turn.text


def test_a_can_we_on_a_kind_of_ones_own_records_the_type_it_was_told(store: Store) -> None:
    chat = Chat(store, parser=parse)
    turn = chat.say("我们是做检测的子公司，能报吗")
    assert "技术服务机构（五类之一）" in turn.text
    profile = chat.state().slots["profile"]
    assert profile == {"legal_person": True, "org_type": "tech_service"}
    assert "（第 3/19 项）" in turn.text


def test_an_organisation_founded_this_year_is_told_it_cannot_apply_yet(store: Store) -> None:
    chat = Chat(store, parser=parse)
    turn = chat.say("我们集团今年新成立了一个子公司，做检测的，它能报吗")
    assert "不能申报" in turn.text and "运营两年以上" in turn.text and "二、申报条件（一）第1项" in turn.text
    assert chat.state().slots["profile"]["years_operating"] < 1


@pytest.mark.parametrize("opening", ["我们原来是事业单位，前年转企了，现在是有限公司，能报吗",
                                     "我是个体户，后来注册成有限公司了，现在能报吗"])
def test_what_the_organisation_was_before_a_change_is_not_held_against_it(store: Store, opening: str) -> None:
    chat = Chat(store, parser=parse)
    turn = chat.say(opening)
    assert "通知列出的五类是" in turn.text and "“有限公司”" in turn.text
    assert "事业单位”" not in turn.text and "直接给结论" not in turn.text
    assert chat.state().slots["profile"] == {}


@pytest.mark.parametrize(("turns", "expected"), [
    (("我们是一家建筑公司，独立法人，成立5年，想自测一下", "是的，算技术服务机构，资产300万"),
     {"org_type": "tech_service", "total_assets_wan": 300}),  # the type confirmed, and the rest recorded
    (("我们是分公司，想自测一下", "继续，我们资产有500万，成立10年"),
     {"total_assets_wan": 500, "years_operating": 10}),  # going on after a knock-out, with facts
])
def test_facts_with_a_choice_are_recorded_too(store: Store, turns: tuple[str, ...],
                                              expected: dict[str, object]) -> None:
    chat = Chat(store, parser=parse)
    chat.run(*turns)
    profile = chat.state().slots["profile"]
    assert {k: profile.get(k) for k in expected} == expected


@pytest.mark.parametrize(("choice", "expected"), [("沿用上次的答案", 500), ("重新填写", 500)])
def test_a_fact_said_with_a_rerun_is_kept_whichever_is_chosen(store: Store, choice: str, expected: int) -> None:
    chat = Chat(store, parser=parse)
    chat.run("我想自测", "否", "直接给结论")
    chat.run("重新自测，我们资产现在是500万了", choice)
    assert chat.state().slots["profile"]["total_assets_wan"] == expected


@pytest.mark.parametrize(("turns", "expected"), [
    (("我们资产150万，科研院所，独立法人，想自测", "5年", "资产我前面说错了，应该是105万"),
     {"total_assets_wan": 105, "years_operating": 5}),  # the item named, though it was said in passing
    (("我们有固定场所，独立法人，科研院所，想自测", "5年", "200万", "是", "是", "30家", "25家", "90%",
      "其实我们场地还没落实，前面说错了"), {"fixed_premises": False, "smes_served_year_before": 25}),
])
def test_a_correction_goes_to_the_fact_it_names(store: Store, turns: tuple[str, ...],
                                                expected: dict[str, object]) -> None:
    chat = Chat(store, parser=parse)
    chat.run(*turns)
    profile = chat.state().slots["profile"]
    assert {k: profile.get(k) for k in expected} == expected
