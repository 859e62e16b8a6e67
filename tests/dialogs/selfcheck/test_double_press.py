"""A button pressed twice (a double tap whose two presses reach two ``serve`` processes) answers its question
once: the second press must not become the answer to the next question. A multi-select question's keyboard
stays open: each press toggles a choice."""

from __future__ import annotations

from dialogs import Incoming, Store
from tests.dialogs.selfcheck.dialogue_helpers import ELIGIBLE_ANSWERS, Chat


def press(chat: Chat, payload: str, keyboard: str) -> tuple[str, ...]:
    turn = chat.assistant.handle(Incoming("web", chat.user, payload, keyboard=keyboard))
    return tuple(r.text for r in turn.replies)


def test_a_second_press_on_an_answered_keyboard_is_ignored_in_another_process(store: Store) -> None:
    first, second = Chat(store), Chat(Store(store.url))  # two processes, one database
    first.say("/selfcheck")
    assert press(first, "否", keyboard="chat:10") != ()  # 是否具有独立法人资格 → 否
    assert press(second, "否", keyboard="chat:10") == ()  # the same tap again, handled elsewhere
    profile = second.state().slots["profile"]
    assert profile["legal_person"] is False
    assert "org_type" not in profile, "the second press did not answer the next question"
    assert press(second, "科研院所", keyboard="chat:11") != ()  # the next keyboard works as usual
    assert second.state().slots["profile"]["org_type"] == "research_institute"


def test_a_multi_select_keyboard_takes_every_press(store: Store) -> None:
    chat = Chat(store)
    chat.run("/selfcheck", *ELIGIBLE_ANSWERS[:18])  # up to the choice of service functions
    assert "已选择：培训服务" in press(chat, "培训服务", keyboard="chat:30")[-1]
    assert "还没有选择" in press(chat, "培训服务", keyboard="chat:30")[-1]  # pressed again: chosen no more
    assert "已选择：信息服务" in press(chat, "信息服务", keyboard="chat:30")[-1]
    assert chat.state().slots["selecting"] == ["info"]
    assert "信息服务：是否有" in press(chat, "完成", keyboard="chat:30")[-1]  # settled: its first question
    assert press(chat, "完成", keyboard="chat:30") == ()  # and the keyboard is closed
