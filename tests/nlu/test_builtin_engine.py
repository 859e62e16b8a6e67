"""The built-in engine's contract: Rasa's parse shape, and bad input never raises."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu import FALLBACK_INTENT
from nlu._builtin import BuiltinEngine


@pytest.fixture(scope="module")
def engine() -> BuiltinEngine:
    return BuiltinEngine.load()


@pytest.mark.parametrize(
    "text",
    ["", "   \n\t", "😀😀😀", "\x00\x01\x02\x1b[31m", "？？？！！", "啊" * 10_000, "资产" * 5_000,
     "'; DROP TABLE users; --", "{{ 7*7 }}", "qwertyuiop", "\u200b\u200b"],
)
def test_bad_input_is_out_of_scope_and_never_raises(engine: BuiltinEngine, text: str) -> None:
    result = engine.parse(text)
    assert result.engine == "builtin"
    assert result.intent == FALLBACK_INTENT
    assert 0.0 <= result.confidence <= 1.0
    assert result.intent_ranking[0].name == FALLBACK_INTENT


@pytest.mark.parametrize("text", [None, 42, b"\xe8\xb5\x84\xe4\xba\xa7"])
def test_non_text_is_out_of_scope(engine: BuiltinEngine, text: object) -> None:
    assert engine.parse(text).intent == FALLBACK_INTENT  # type: ignore[arg-type]


def test_figures_in_a_question_come_back_as_entities(engine: BuiltinEngine) -> None:
    result = engine.parse("我们满意度85%，满足吗")
    assert result.intent == "condition_satisfaction"
    assert [(e.entity, e.value) for e in result.entities] == [("percent", 85)]
    staff = engine.parse("服务人员9个人够吗")
    assert staff.intent == "condition_staff"
    assert [(e.entity, e.value, e.unit) for e in staff.entities] == [("count", 9, "人")]


def test_parse_shape_is_rasas(engine: BuiltinEngine) -> None:
    out = engine.parse("我们资产一百二十万，够吗").to_dict()
    assert set(out) == {"text", "intent", "entities", "intent_ranking"}
    assert set(out["intent"]) == {"name", "confidence"}
    assert out["entities"][0]["entity"] == "money"
    assert out["entities"][0]["value"] == 1_200_000
    assert 1 <= len(out["intent_ranking"]) <= 10


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("资产要多少", "condition_assets"),
        ("满意度要达到多少", "condition_satisfaction"),
        ("需要提交哪些材料", "materials_overview"),
        ("公示几天", "publicity"),
        ("你好", "greet"),
        ("转人工", "human_handoff"),
        ("我的邮箱是 Li.Ming@example.cn", "remind_email"),
        ("tashi@xz.gov.cn", "remind_email"),
        ("可以发邮箱吗", "open_submission"),
        ("申报需要交钱吗", "open_fee"),
        ("需要盖章吗", "open_seal"),  # issue 13: which materials need a seal is a question of its own now
        ("公示结束后呢", "title_granted"),
        ("公示到哪天结束", "publicity_end"),
        ("对小微企业收费要优惠吗", "condition_fee_discount"),
        ("今天拉萨天气怎么样", FALLBACK_INTENT),
        ("asdfghjkl", FALLBACK_INTENT),
    ],
)
def test_plain_questions_are_understood(engine: BuiltinEngine, text: str, intent: str) -> None:
    assert engine.parse(text).intent == intent


def test_traditional_and_simplified_agree(engine: BuiltinEngine) -> None:
    assert engine.parse("資產總額要多少萬元").intent == engine.parse("资产总额要多少万元").intent == "condition_assets"


def test_ranking_is_sorted_and_out_of_scope_is_reported_as_nlu_fallback(engine: BuiltinEngine) -> None:
    result = engine.parse("服务人员要几个人")
    confidences = [s.confidence for s in result.intent_ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert len(result.intent_ranking) == 10
    assert "out_of_scope" not in {s.name for s in result.intent_ranking}


def test_unwritable_cache_directory_falls_back_to_a_temporary_one(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from nlu._features import cache_dir

    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("SHENBAO_CACHE_DIR", str(blocker / "cache"))
    path = cache_dir()
    assert path.is_dir()
    assert not str(path).startswith(str(blocker))
