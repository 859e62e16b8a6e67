"""English yes / no / skip / don't know / back / cancel in the self-check (real NLU): recorded like their
Chinese equivalents; a word that only contains "no" or "sure" is not taken for an answer."""

from __future__ import annotations

import pytest

from dialogs import Store
from dialogs.selfcheck._answers import read_bool
from dialogs.selfcheck._flowmodel import load_flow
from nlu import parse
from tests.dialogs.selfcheck.dialogue_helpers import Chat


@pytest.mark.parametrize(("answer", "value"), [
    ("yes", True), ("Yes.", True), ("Yep", True), ("yes we do", True), ("Sure", True), ("of course", True),
    ("no", False), ("No, we don't", False), ("nope", False), ("not yet", False), ("we don't have one", False),
])
def test_english_yes_and_no_are_recorded(store: Store, answer: str, value: bool) -> None:
    chat = Chat(store, parser=parse)
    chat.run("/selfcheck", "是", "科研院所", "5年", "300万")
    assert chat.state().step == "finances_sound"
    turn = chat.say(answer)
    assert chat.state().slots["profile"]["finances_sound"] is value
    assert "已记录：财务收支状况良好、经营规范：" + ("是" if value else "否") in turn.text
    assert chat.state().step == "leadership_sound"


def test_an_english_no_to_legal_personality_is_a_knock_out(store: Store) -> None:
    chat = Chat(store, parser=parse)
    chat.say("/selfcheck")
    turn = chat.say("No")
    assert chat.state().slots["profile"]["legal_person"] is False
    assert "不符合" in turn.text and "直接给结论" in turn.text


@pytest.mark.parametrize("answer", ["skip", "Skip this one", "pass", "I don't know", "Sorry, I don't know",
                                    "not sure", "I'm not sure", "no idea"])
def test_english_skip_and_dont_know_leave_the_item_open(store: Store, answer: str) -> None:
    chat = Chat(store, parser=parse)
    chat.run("/selfcheck", "yes")
    turn = chat.say(answer)
    state = chat.state()
    assert "org_type" not in state.slots["profile"] and "org_type" in state.slots["skipped"]
    assert "已记录" not in turn.text and state.step == "years_operating"


def test_english_back_and_cancel(store: Store) -> None:
    chat = Chat(store, parser=parse)
    chat.run("/selfcheck", "yes", "科研院所")
    assert chat.state().step == "years_operating"
    turn = chat.say("go back")
    assert chat.state().step == "org_type" and "哪一类机构" in turn.text
    chat.say("cancel")
    assert chat.state().flow is None


def test_english_figures_are_recorded_in_the_unit_of_the_question(store: Store) -> None:
    chat = Chat(store, parser=parse)
    chat.run("/selfcheck", "yes", "科研院所", "3 years")
    turn = chat.say("about 1.2 million yuan")
    assert chat.state().slots["profile"]["total_assets_wan"] == 120
    assert "已记录：资产总额：120 万元" in turn.text


@pytest.mark.parametrize(("text", "expected"), [
    ("I know", None), ("we know our clients", None), ("nothing", None), ("notable", None), ("know", None),
    ("not sure", None), ("I don't know", None), ("Sorry but I really don't know", None),
    ("NO", False), ("Yes", True), ("No, not really", False),
])
def test_no_is_a_word_not_a_substring(text: str, expected: bool | None) -> None:
    assert read_bool(load_flow(), text) is expected
