"""``/cancel`` leaves the active flow on every channel; with nothing active it says so."""

from __future__ import annotations

from dialogs import Assistant, Incoming, Store
from dialogs.state import DialogState
from dialogs.store import Conversation, User
from nlu import IntentScore, ParseResult


def _parser(text: str) -> ParseResult:
    return ParseResult(text=text, intent="nlu_fallback", confidence=0.1,
                       intent_ranking=(IntentScore("nlu_fallback", 0.1),))


def _state(store: Store, user_id: str) -> DialogState:
    with store.session() as s:
        user = s.query(User).filter_by(external_id=user_id).one()
        conv = s.get(Conversation, user.id)
        return DialogState.from_json(conv.state_json if conv else None)


def test_cancel_leaves_the_self_check_and_does_not_ask_again(store: Store) -> None:
    bot = Assistant(store, parser=_parser)
    bot.handle(Incoming("telegram", "42", "/selfcheck"))
    assert _state(store, "42").flow == "selfcheck"
    turn = bot.handle(Incoming("telegram", "42", "/cancel"))
    assert "已退出自测" in turn.text
    assert "第 " not in turn.text  # the pending question is not repeated
    assert _state(store, "42").flow is None


def test_cancel_with_nothing_active_says_so(store: Store) -> None:
    turn = Assistant(store, parser=_parser).handle(Incoming("web", "w1", "/cancel"))
    assert "没有正在进行的操作" in turn.text
    assert not turn.fallback
