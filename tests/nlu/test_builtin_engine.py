"""The built-in engine's contract: Rasa's parse shape, and bad input never raises."""

from __future__ import annotations

import pytest

from nlu import FALLBACK_INTENT
from nlu._builtin import BuiltinEngine


@pytest.fixture(scope="module")
def engine() -> BuiltinEngine:
    return BuiltinEngine.load()


@pytest.mark.parametrize(
    "text",
    ["", "   \n\t", "😀😀😀", "\x00\x01\x02\x1b[31m", "？？？！！", "啊" * 10_000, "资产" * 5_000],
)
def test_bad_input_is_out_of_scope_and_never_raises(engine: BuiltinEngine, text: str) -> None:
    result = engine.parse(text)
    assert result.engine == "builtin"
    if not text.strip() or not any(ch.isalnum() for ch in text):
        assert result.intent == FALLBACK_INTENT
    assert 0.0 <= result.confidence <= 1.0


def test_parse_shape_is_rasas(engine: BuiltinEngine) -> None:
    out = engine.parse("我们资产一百二十万，够吗").to_dict()
    assert set(out) == {"text", "intent", "entities", "intent_ranking"}
    assert set(out["intent"]) == {"name", "confidence"}
    assert out["entities"][0]["entity"] == "money"
    assert out["entities"][0]["value"] == 1_200_000
    assert 1 <= len(out["intent_ranking"]) <= 10
