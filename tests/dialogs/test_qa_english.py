"""English questions through the assistant core (real NLU): answered in English, clauses cited by their
Chinese names, the user's figures judged; Chinese questions are answered in Chinese as before."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dialogs import Assistant, Incoming, Store, Turn
from nlu import parse

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


def ask(store: Store, text: str, user: str = "en") -> Turn:
    return Assistant(store, clock=lambda: NOW, parser=parse).handle(Incoming("test", user, text))


@pytest.mark.parametrize(("question", "says"), [
    ("What is the minimum total assets?", ["at least 1 million yuan (100 万元)", "Basis: 二、申报条件（一）第1项"]),
    ("our total assets are 800k yuan, is that enough?",
     ["0.8 million yuan (80 万元) you mentioned, this does not meet", "short by 0.2 million yuan (20 万元)",
      "Basis: 二、申报条件（一）第1项"]),
    ("we only have 9 staff serving SMEs, is that enough?", ["short by 1 person", "二、申报条件（一）第6项"]),
    ("Is there an application fee?", ["does not say", "Related clauses: 四、申报审批流程"]),
    ("what's the weather in lhasa tomorrow", ["outside", "help"]),
])
def test_english_question_gets_an_english_answer(store: Store, question: str, says: list[str]) -> None:
    text = ask(store, question).replies[-1].text
    for words in says:
        assert words in text
    assert "依据：" not in text and "您" not in text


def test_chinese_question_still_gets_a_chinese_answer(store: Store) -> None:
    turn = ask(store, "资产总额要多少", user="zh")
    assert turn.intent == "condition_assets"
    assert "依据：二、申报条件（一）第1项" in turn.replies[-1].text and "Basis" not in turn.replies[-1].text


def test_english_question_during_the_self_check_is_answered_and_the_check_goes_on(store: Store) -> None:
    ask(store, "/selfcheck", user="mid")
    ask(store, "yes", user="mid")
    turn = ask(store, "What is the minimum total assets?", user="mid")
    texts = [r.text for r in turn.replies]
    assert any("Basis: 二、申报条件（一）第1项" in t for t in texts)
    assert "（第 2/19 项）" in texts[-1]
