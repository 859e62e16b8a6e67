"""The core routes messages, persists state per user and rejects bad input politely."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dialogs import Assistant, DialogState, Incoming, Reply, Store, intent_handler
from dialogs._context import Context
from dialogs.store import Conversation, User
from nlu import IntentScore, ParseResult


def fixed_parser(intent: str) -> object:
    def parse(text: str) -> ParseResult:
        return ParseResult(text=text, intent=intent, confidence=0.9, intent_ranking=(IntentScore(intent, 0.9),))

    return parse


@intent_handler("_test_counter")
def _counter(ctx: Context) -> list[Reply]:
    ctx.state.slots["n"] = int(ctx.state.slots.get("n", 0)) + 1
    ctx.sources.append("二、申报条件（一）第1项")
    return [Reply(f"第{ctx.state.slots['n']}次")]


def make(store: Store) -> Assistant:
    return Assistant(store, clock=lambda: datetime(2026, 11, 26, 2, 0, tzinfo=UTC),
                     parser=fixed_parser("_test_counter"))  # type: ignore[arg-type]


def test_state_is_kept_per_user_across_instances(store: Store) -> None:
    a = make(store)
    assert a.handle(Incoming("web", "u1", "hi")).replies[-1].text == "第1次"  # after the privacy notice
    assert a.handle(Incoming("web", "u1", "hi")).text == "第2次"
    assert a.handle(Incoming("web", "u2", "hi")).replies[-1].text == "第1次"
    # a new process (new Assistant over the same database) continues where the user was
    again = make(Store(store.url))
    assert again.handle(Incoming("web", "u1", "hi")).text == "第3次"


def test_turn_carries_sources_and_intent(store: Store) -> None:
    turn = make(store).handle(Incoming("cli", "me", "资产要多少"))
    assert turn.intent == "_test_counter"
    assert turn.sources == ("二、申报条件（一）第1项",)
    assert not turn.fallback


@pytest.mark.parametrize("text", ["", "   ", "\x00\x07", "\u200b"[:0]])
def test_empty_messages_get_a_clear_reply_and_store_nothing(store: Store, text: str) -> None:
    turn = make(store).handle(Incoming("web", "u9", text))
    assert "没有收到文字" in turn.text
    with store.session() as s:
        assert s.query(User).count() == 0


def test_over_long_message_is_refused_with_the_limit(store: Store) -> None:
    turn = make(store).handle(Incoming("web", "u1", "资" * 5000))
    assert "5000" in turn.text and "4096" in turn.text
    with store.session() as s:
        assert s.query(Conversation).count() == 0


def test_state_json_round_trip_ignores_unknown_fields() -> None:
    state = DialogState(flow="selfcheck", step="total_assets_wan", slots={"total_assets_wan": 120})
    raw = state.to_json().replace('"version"', '"legacy": 1, "version"')
    assert DialogState.from_json(raw) == state


def test_the_same_delivery_twice_is_processed_once(store: Store) -> None:
    a = make(store)
    assert a.handle(Incoming("telegram", "7", "hi", key="u41")).replies[-1].text == "第1次"
    assert a.handle(Incoming("telegram", "7", "hi", key="u41")).replies == ()  # resent by Telegram
    assert make(Store(store.url)).handle(Incoming("telegram", "7", "hi", key="u41")).replies == ()  # elsewhere
    assert a.handle(Incoming("telegram", "7", "hi", key="u42")).text == "第2次"
