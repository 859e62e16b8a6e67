"""Turns found by trying the product with the real NLU: what an applicant says mid-check stays in the check."""

from __future__ import annotations

from dialogs import Store
from nlu import parse
from tests.dialogs.selfcheck.dialogue_helpers import Chat


def test_just_one_answers_the_count_instead_of_saying_goodbye(store: Store) -> None:
    chat = Chat(store, parser=parse)
    chat.run("/selfcheck", "是", "科研院所", "5年", "300万", "是", "是", "45家", "40家", "90%", "有")
    assert chat.state().step == "aggregated_orgs"
    turn = chat.say("就一家")
    assert "再见" not in turn.text
    assert "集聚服务机构数：1 家" in turn.text and "差 1 家" in turn.text


def test_done_outside_the_function_choice_stays_in_the_check(store: Store) -> None:
    # “完成” at a yes/no question was handed to the materials checklist (“请告诉我是哪一项材料已经准备好了”)
    chat = Chat(store, parser=parse)
    chat.run("/selfcheck", "是", "科研院所", "5年", "300万")
    turn = chat.say("完成")
    assert "材料" not in turn.text
    assert chat.state().step == "finances_sound" and "财务收支状况" in turn.text


def test_a_request_to_self_check_with_facts_starts_the_check(store: Store) -> None:
    # was understood as a question on 服务企业数 (the figures outweighed 我想自测): no check started
    turn = Chat(store, parser=parse).say("我想自测，我们成立5年，资产300万，去年服务了45家企业")
    assert "开始申报条件自测" in turn.text
    assert "运营年限：5 年" in turn.text and "资产总额：300 万元" in turn.text
    assert "上一年服务中小企业数：45 家" in turn.text
