"""Loose answers in the self-check (conversation group 2), driven with the real NLU as applicants type them:
figures taken back in the same message, two-part items with a part missing, answers about another item,
fractions and head counts."""

from __future__ import annotations

from typing import Any

import pytest

from dialogs import Store
from nlu import parse
from tests.dialogs.selfcheck.dialogue_helpers import Chat

TO_SATISFACTION = ("是", "技术服务机构", "5年", "300万", "良好", "是", "45家", "38家")  # items 1–8
TO_MANAGEMENT = (*TO_SATISFACTION, "92%", "有", "3家", "有")  # items 1–12


def _profile(chat: Chat) -> dict[str, Any]:
    return dict(chat.state().slots["profile"])


@pytest.mark.parametrize(("before", "answer", "key", "value", "wrong"), [
    (TO_SATISFACTION, "85% 哦不对是88%", "satisfaction_pct", 88, "用户满意度：85%"),
    (TO_SATISFACTION, "85%。哎呀说错了，88%", "satisfaction_pct", 88, "用户满意度：85%"),
    (TO_SATISFACTION[:6], "四十五 不对 是五十四家", "smes_served_last_year", 54, "45 家"),
    (TO_SATISFACTION[:6], "资产120万，不对，是150万", "total_assets_wan", 150, "120 万元"),
])
def test_a_figure_taken_back_in_the_same_message_is_not_recorded(store: Store, before: tuple[str, ...], answer: str,
                                                                  key: str, value: int, wrong: str) -> None:
    chat = Chat(store, parser=parse)
    chat.run("/selfcheck", *before)
    turn = chat.say(answer)
    assert _profile(chat)[key] == value and wrong not in turn.text


@pytest.mark.parametrize(("before", "answer", "key", "value", "asks"), [
    # 都有 after naming two of the four parts affirms those two; the others are asked about
    (TO_MANAGEMENT, "管理制度和收费标准都有", "management_system", None, "服务流程、质量保证也具备吗"),
    (TO_MANAGEMENT, "制度都健全", "management_system", True, ""),  # one name with 都: the whole item
    (TO_MANAGEMENT, "制度和流程都有，收费标准还没定下来", "management_system", False, ""),
    (TO_SATISFACTION[:5], "团队是有的 负责人还没定下来", "leadership_sound", False, ""),  # 还没定 is no 不好说
    (TO_SATISFACTION[:5], "团队没问题负责人也没问题", "leadership_sound", True, ""),
])
def test_a_two_part_item_is_yes_only_when_every_part_is_affirmed(store: Store, before: tuple[str, ...], answer: str,
                                                                key: str, value: bool | None, asks: str) -> None:
    chat = Chat(store, parser=parse)
    chat.run("/selfcheck", *before)
    turn = chat.say(answer)
    assert _profile(chat).get(key) is value and asks in turn.text


def test_the_parts_left_unsaid_are_then_affirmed_together(store: Store) -> None:
    chat = Chat(store, parser=parse)
    chat.run("/selfcheck", *TO_MANAGEMENT, "管理制度和收费标准都有")
    chat.say("另外两个也都有")
    assert _profile(chat)["management_system"] is True
