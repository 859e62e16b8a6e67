"""Whole self-check dialogues driven offline through ``Assistant.handle``, as a user on a channel would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dialogs import Store
from dialogs.selfcheck import evaluate
from nlu import ParseResult
from tests.dialogs.selfcheck.dialogue_helpers import (
    ELIGIBLE_ANSWERS,
    ELIGIBLE_PROFILE,
    SIDE_ANSWER,
    Chat,
)


def test_straight_run_ends_in_the_rule_engines_verdict_and_is_stored(store: Store) -> None:
    chat = Chat(store)
    first = chat.say("/selfcheck")
    assert "（第 1/19 项）" in first.text and "独立法人资格" in first.text
    assert [b.title for b in first.replies[-1].buttons][:2] == ["是", "否"]
    turn = chat.run(*ELIGIBLE_ANSWERS)
    assert "请核对您的回答" in turn.text and "用户满意度：92%" in turn.text and "资产总额：120 万元" in turn.text
    assert chat.state().step == "_summary"
    verdict = chat.say("确认")
    assert verdict.text.startswith("自测结论：初步符合")
    attachment = verdict.replies[-1].attachment
    assert attachment is not None and attachment.filename == "自测报告.html"
    assert "<svg" in attachment.content.decode("utf-8")
    [record] = chat.records()
    assert record.profile == ELIGIBLE_PROFILE
    assert record.verdict == evaluate(ELIGIBLE_PROFILE).verdict == "eligible"
    assert record.result["verdict"] == "eligible" and record.notice_year == 2022
    assert chat.state().flow is None


def test_progress_hint_counts_the_items_of_the_functions_offered(store: Store) -> None:
    chat = Chat(store)
    turn = chat.run("/selfcheck", *ELIGIBLE_ANSWERS[:18])
    assert "（第 19/19 项）" in turn.text and turn.replies[-1].multi_select
    assert [b.title for b in turn.replies[-1].buttons][-2:] == ["完成", "上一题"]
    turn = chat.say("信息服务和培训服务")  # free text settles the list at once
    assert "（第 20/26 项）" in turn.text and "信息服务" in turn.text
    turn = chat.run("是", "30家", "3次")
    assert "（第 23/26 项）" in turn.text and "培训服务" in turn.text


def test_function_buttons_toggle_and_only_offered_functions_are_asked(store: Store) -> None:
    chat = Chat(store)
    chat.run("/selfcheck", *ELIGIBLE_ANSWERS[:18])
    turn = chat.say("融资服务")
    assert "已选择：融资服务" in turn.text
    assert "✓ 融资服务" in [b.title for b in turn.replies[-1].buttons]
    chat.say("技术服务")
    turn = chat.say("技术服务")  # a second tap removes it again
    assert "已选择：融资服务。" in turn.text
    turn = chat.say("完成")
    assert "融资服务：每年组织银企对接活动多少次" in turn.text and "（第 20/22 项）" in turn.text


def test_several_facts_in_one_message_fill_several_items(store: Store) -> None:
    chat = Chat(store)
    chat.run("/selfcheck", "是", "科研院所")
    turn = chat.say("我们成立5年，资产300万，去年服务了45家企业")
    assert "运营年限：5 年" in turn.text and "资产总额：300 万元" in turn.text
    assert "上一年服务中小企业数：45 家" in turn.text
    # what is known is not asked again: the next question is finances (item 5)
    assert "（第 5/19 项）" in turn.text and "财务收支" in turn.text
    assert chat.state().slots["profile"]["total_assets_wan"] == 300


def test_a_failed_condition_is_said_at_once_with_its_gap_and_the_dialogue_goes_on(store: Store) -> None:
    chat = Chat(store)
    turn = chat.run("/selfcheck", "是", "科研院所", "5年", "80万")
    assert "资产总额 80 万元，低于 100 万元的要求，差 20 万元" in turn.text
    assert "二、申报条件（一）第1项" in turn.text
    assert "（第 5/19 项）" in turn.text


def test_growth_is_judged_when_the_second_number_arrives(store: Store) -> None:
    chat = Chat(store)
    turn = chat.run("/selfcheck", "是", "科研院所", "5年", "120万", "是", "是", "30家", "40家")
    assert "稳步增长" in turn.text and "30 家" in turn.text and "（第 9/19 项）" in turn.text


def test_corrections_of_an_earlier_answer_and_of_the_last_one(store: Store) -> None:
    chat = Chat(store)
    chat.run("/selfcheck", "是", "科研院所", "5年", "120万", "是")
    turn = chat.say("不对，资产是150万")
    assert "已更正：资产总额：150 万元" in turn.text
    assert "（第 6/19 项）" in turn.text  # the pending question is asked again
    assert chat.state().slots["profile"]["total_assets_wan"] == 150
    turn = chat.say("上一题说错了")
    assert "财务收支" in turn.text and "您之前的回答：是" in turn.text
    turn = chat.say("否")
    assert "财务收支状况良好、经营规范：您填写的是“否”" in turn.text
    assert chat.state().slots["profile"]["finances_sound"] is False
    turn = chat.say("不对")  # a bare 不对 goes back to the question just answered
    assert "您之前的回答：否" in turn.text


def test_skip_unknown_and_previous_question(store: Store) -> None:
    chat = Chat(store)
    turn = chat.run("/selfcheck", "上一题")
    assert "这已经是第一项了" in turn.text and "（第 1/19 项）" in turn.text
    chat.run("是", "科研院所")
    turn = chat.say("跳过")
    assert "暂不填写" in turn.text and "资产总额" in turn.text
    turn = chat.say("不清楚")
    assert "记为不清楚" in turn.text and "财务收支" in turn.text
    turn = chat.say("上一题")
    assert "（第 4/19 项）" in turn.text and "资产总额" in turn.text
    chat.say("200万")
    profile = chat.state().slots["profile"]
    assert profile["total_assets_wan"] == 200 and "years_operating" not in profile
    # skipped items are not asked again and end up in the summary as missing
    rest = ["是", "是", "45", "30", "90%", "是", "3", "是", "是", "是", "30%", "是", "12", "70%", "信息服务和培训服务"]
    turn = chat.run(*rest, "是", "30", "3", "是", "是", "是", "800")
    assert "尚未填写：运营年限" in turn.text
    verdict = chat.say("确认")
    assert chat.records()[0].verdict == "incomplete"
    assert "years_operating" in chat.records()[0].result["missing"]
    assert "信息不全" in verdict.text and "运营年限" in verdict.text


def test_side_question_is_answered_then_the_pending_question_repeated(store: Store) -> None:
    chat = Chat(store)
    chat.run("/selfcheck", "是", "科研院所", "5年")
    turn = chat.say("资产总额怎么算？")
    assert SIDE_ANSWER in turn.text
    assert turn.text.index(SIDE_ANSWER) < turn.text.index("（第 4/19 项）贵单位的资产总额是多少")
    assert chat.state().step == "total_assets_wan"
    turn = chat.say("一百二十万")
    assert "资产总额：120 万元" in turn.text


def test_restart_and_cancel_mid_dialogue(store: Store) -> None:
    chat = Chat(store)
    chat.run("/selfcheck", "是", "科研院所", "5年")
    turn = chat.say("重新开始")
    assert "从头开始" in turn.text and "（第 1/19 项）" in turn.text
    assert chat.state().slots["profile"] == {}
    chat.say("是")
    turn = chat.say("取消")
    assert "已退出自测" in turn.text
    assert chat.state().flow is None
    assert chat.records() == []


def test_a_restarted_process_continues_where_the_user_was(store: Store) -> None:
    chat = Chat(store)
    chat.run("/selfcheck", "是", "科研院所", "5年")
    # the process dies; a new one is built over the same database
    again = Chat(Store(store.url))
    turn = again.say("120万")
    assert "资产总额：120 万元" in turn.text and "（第 5/19 项）" in turn.text
    assert again.state().slots["profile"]["years_operating"] == 5


@pytest.mark.parametrize(
    ("steps", "answer", "reason"),
    [
        (("5年",), "-50万", "资产总额不能是负数"),
        (("5年",), "负50万", "资产总额不能是负数"),
        (("5年", "120万", "是", "是", "45", "30"), "180%", "不能超过 100%"),
        (("5年", "120万", "是", "是", "45", "30", "90%", "是", "3", "是", "是", "是", "30%", "是"), "10.5人",
         "应为整数"),
        ((), "成立于2027年3月", "晚于今天"),
    ],
)
def test_implausible_answers_are_refused_with_a_reason_and_asked_again(
        store: Store, steps: tuple[str, ...], answer: str, reason: str) -> None:
    chat = Chat(store)
    chat.run("/selfcheck", "是", "科研院所", *steps)
    pending = chat.state().step
    turn = chat.say(answer)
    assert reason in turn.text
    assert chat.state().step == pending
    assert pending not in chat.state().slots["profile"]
    assert "请" in turn.replies[0].text  # it asks again


def test_an_answer_it_cannot_read_gets_the_hint_of_the_question(store: Store) -> None:
    chat = Chat(store)
    chat.run("/selfcheck", "是", "科研院所", "5年")
    turn = chat.say("挺多的")
    assert "没能" in turn.text and "120万" in turn.text and "（第 4/19 项）" in turn.text


def test_summary_lets_the_user_change_any_item_then_confirm(store: Store) -> None:
    chat = Chat(store)
    chat.run("/selfcheck", *ELIGIBLE_ANSWERS)
    turn = chat.say("把满意度改成85%")
    assert "已更正：用户满意度：85%" in turn.text and "用户满意度：85%" in turn.replies[-1].text
    turn = chat.say("修改资产总额")
    assert "资产总额是多少" in turn.text and "您之前的回答：120 万元" in turn.text
    turn = chat.say("90万")
    assert "差 10 万元" in turn.text and "请核对您的回答" in turn.text
    turn = chat.say("把固定场所改成没有")
    assert "固定经营服务场所及必要设施设备：否" in turn.text
    verdict = chat.say("确认")
    assert "不符合" in verdict.text
    record = chat.records()[0]
    assert record.profile["satisfaction_pct"] == 85 and record.profile["fixed_premises"] is False
    assert record.result["failed"] == ["total_assets_wan", "fixed_premises"]


def test_coming_back_days_later_shows_the_last_result_and_reruns_it_prefilled(store: Store) -> None:
    chat = Chat(store)
    assert "还没有做过" in chat.say("/report").text
    chat.run("/selfcheck", *ELIGIBLE_ANSWERS, "确认")
    later = Chat(Store(store.url), now=chat.now + timedelta(days=5))
    report = later.say("/report")
    assert "2026-11-26" in report.text and "初步符合" in report.text
    assert [b.payload for b in report.replies[-1].buttons] == ["/selfcheck 沿用上次答案", "/selfcheck 重新填写"]
    offer = later.say("/selfcheck")
    assert "沿用上次的答案" in offer.text
    turn = later.say("沿用上次答案")
    assert "已沿用您之前提供的 23 项信息" in turn.text and "请核对您的回答" in turn.text
    turn = later.run("把满意度改成70%", "确认")
    assert "用户满意度 70%，低于 80%的要求" in turn.text
    assert [r.verdict for r in later.records()] == ["eligible", "ineligible"]
    fresh = later.run("/selfcheck", "重新填写")
    assert "（第 1/19 项）" in fresh.text and later.state().slots["profile"] == {}


def test_selfcheck_command_during_a_dialogue_continues_it(store: Store) -> None:
    chat = Chat(store)
    chat.run("/selfcheck", "是", "科研院所")
    turn = chat.say("/selfcheck")
    assert "正在进行中" in turn.text and "（第 3/19 项）" in turn.text


def test_users_do_not_share_a_dialogue(store: Store) -> None:
    a, b = Chat(store, user="a"), Chat(store, user="b")
    a.run("/selfcheck", "是", "科研院所", "5年")
    turn = b.say("120万")
    assert "资产总额" not in turn.text
    assert a.state().step == "total_assets_wan"


def test_the_date_of_the_check_is_taken_in_china_time(store: Store) -> None:
    # 2026-11-24 17:00 UTC is already 2026-11-25 in Asia/Shanghai: founded 2024-11-25 → exactly two years
    chat = Chat(store, now=datetime(2026, 11, 24, 17, 0, tzinfo=UTC))
    turn = chat.run("/selfcheck", "是", "科研院所", "成立于2024年11月25日")
    # group 12 wording; since issue 13 the note follows the echo "已记录：…。"
    assert "运营年限：2 年。按成立时间2024年11月25日，计算至2026年11月25日，即今天" in turn.text
    assert "此项暂不满足" not in turn.text


def test_a_failed_answer_cites_its_clause_in_the_turn_sources(store: Store) -> None:
    chat = Chat(store)
    turn = chat.run("/selfcheck", "是", "科研院所", "5年", "80万")
    assert turn.sources == ("二、申报条件（一）第1项",)


def test_none_for_a_count_means_zero(store: Store) -> None:
    chat = Chat(store)
    chat.run("/selfcheck", "是", "科研院所", "5年", "120万", "是", "是", "45", "30", "90%", "是")
    turn = chat.say("没有")
    assert "集聚服务机构数：0 家" in turn.text and "差 2 家" in turn.text


def test_another_command_in_the_middle_is_answered_then_the_question_repeated(store: Store) -> None:
    chat = Chat(store)
    chat.run("/selfcheck", "是", "科研院所", "5年")
    turn = chat.say("/report")
    assert "还没有做过" in turn.text and turn.text.endswith("贵单位的资产总额是多少？（单位：万元，如“120万”）")
    turn = chat.say("/forget")  # the confirmation it asks for stays the last message
    assert turn.replies[-1].buttons[0].payload == "/forget 确认"
    assert "资产总额：120 万元" in chat.say("120万").text


def test_facts_in_the_message_that_starts_the_check_are_kept(store: Store) -> None:
    def parser(text: str) -> ParseResult:
        intent = "selfcheck_start" if text.startswith("我想自测") else "nlu_fallback"
        return ParseResult(text=text, intent=intent, confidence=0.9)

    chat = Chat(store, parser=parser)
    turn = chat.say("我想自测，我们成立5年，资产80万")
    assert "运营年限：5 年" in turn.text and "差 20 万元" in turn.text
    assert "（第 1/19 项）" in turn.text
    turn = chat.run("是", "科研院所")
    assert "（第 5/19 项）" in turn.text  # years and assets are not asked again
