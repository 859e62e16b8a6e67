"""Q&A through the assistant core, with an injected parser (independent of the real NLU's accuracy)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from dialogs import Assistant, Incoming, Store, Turn
from dialogs.qa import QA_INTENTS
from dialogs.store import UnansweredQuestion
from knowledge import compose, load_file
from nlu import Entity, IntentScore, ParseResult

INTENTS = load_file("intents.yml")["intents"]
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def parser_for(intent: str, *entities: Entity) -> Callable[[str], ParseResult]:
    def parse(text: str) -> ParseResult:
        return ParseResult(text=text, intent=intent, confidence=0.91, entities=entities,
                           intent_ranking=(IntentScore(intent, 0.91),), engine="fake")

    return parse


def ask(store: Store, text: str, intent: str, *entities: Entity, user: str = "u1") -> Turn:
    assistant = Assistant(store, clock=lambda: NOW, parser=parser_for(intent, *entities))
    return assistant.handle(Incoming("test", user, text))


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One SQLite database for the table-driven tests (the database is not what they test; the tests that
    exercise storage use the ``store`` fixture and run on PostgreSQL too)."""
    s = Store(f"sqlite:///{tmp_path_factory.mktemp('qa') / 'qa.db'}")
    yield s
    s.dispose()


def test_every_answer_open_and_smalltalk_intent_is_handled() -> None:
    expected = {n for n, s in INTENTS.items() if s["kind"] in ("answer", "open", "smalltalk")}
    assert set(QA_INTENTS) == expected


@pytest.mark.parametrize("intent", sorted(QA_INTENTS))
def test_intent_is_answered_with_its_sources(shared_store: Store, intent: str) -> None:
    turn = ask(shared_store, "问一个问题", intent, user=f"u-{intent}")
    expected = compose(intent)
    assert turn.intent == intent and turn.engine == "fake"
    assert not turn.fallback
    assert turn.replies[-1].text == expected.text
    assert turn.sources == expected.sources
    if INTENTS[intent]["kind"] != "smalltalk":
        assert turn.sources and turn.sources[0] in turn.replies[-1].text


def test_out_of_scope_is_a_fallback_and_is_recorded(store: Store) -> None:
    turn = ask(store, "明天拉萨天气怎么样", "nlu_fallback")
    assert turn.fallback and turn.sources == ()
    assert "超出" in turn.replies[-1].text and "依据" not in turn.replies[-1].text
    with store.session() as s:
        rows = s.query(UnansweredQuestion).all()
        assert [r.text for r in rows] == ["明天拉萨天气怎么样"]


def test_greeting_and_help_are_not_fallbacks_and_offer_choices(store: Store) -> None:
    assert not ask(store, "你好", "greet").fallback
    turn = ask(store, "你能做什么", "help")
    assert not turn.fallback
    payloads = [b.payload for b in turn.replies[-1].buttons]
    assert "/selfcheck" in payloads and "/materials" in payloads


def test_help_command_bypasses_the_nlu(store: Store) -> None:
    turn = ask(store, "/help", "nlu_fallback")
    assert turn.intent == "help" and "自测" in turn.replies[-1].text and not turn.fallback


@pytest.mark.parametrize(("text", "intent", "entity", "words"), [
    ("我们满意度85%，满足吗", "condition_satisfaction", Entity("percent", 85, 5, 8, "85%"), ["满足", "80%"]),
    ("服务人员9个人够吗", "condition_staff", Entity("count", 9, 4, 7, "9个人", "人"), ["不满足", "还差1人"]),
    ("资产80万可以吗", "condition_assets", Entity("money", 800000, 2, 5, "80万"), ["不满足", "还差20万元"]),
])
def test_user_figures_are_judged(shared_store: Store, text: str, intent: str, entity: Entity,
                                words: list[str]) -> None:
    turn = ask(shared_store, text, intent, entity)
    for word in words:
        assert word in turn.replies[-1].text
    assert not turn.fallback


def test_template_syntax_in_a_question_is_not_evaluated(store: Store) -> None:
    for intent in ("nlu_fallback", "condition_assets", "greet"):
        turn = ask(store, "{{ 7*7 }} {% for x in range(3) %}x{% endfor %}", intent)
        assert "49" not in turn.text and "xxx" not in turn.text


def test_sql_in_a_question_is_just_text(store: Store) -> None:
    turn = ask(store, "'; DROP TABLE users; --", "nlu_fallback")
    assert turn.fallback
    again = ask(store, "你好", "greet", user="u2")
    assert not again.fallback  # the tables are still there
