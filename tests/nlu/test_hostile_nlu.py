"""Property-based: the NLU survives any text (random Unicode, huge numbers, NaN/Infinity, negative values,
over-long messages) and always answers in a valid Rasa parse shape with finite values."""

from __future__ import annotations

import datetime
import json
import math

from hypothesis import example, given
from hypothesis import strategies as st

from nlu import extract_entities, parse

NUMBERISH = st.one_of(
    st.integers(min_value=-(10**400), max_value=10**400).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["NaN", "nan", "Infinity", "-inf", "1e309", "-1e309", "1e-400", "0x1F", "1,000,000,000,000",
                     "九千九百九十九亿亿", "负一百万", "零点零零零一", "两万万", "百分之一千", "百分之负五十",
                     "九" * 200, "1" * 5000, "１２３４５", "一二三四五六七八九十", "壹仟贰佰万", "0.0000001%"]),
)
UNITS = st.sampled_from(["", "万", "元", "万元", "亿", "%", "家", "人", "人次", "年", "个月", "年半", "w", "千万"])
PREFIX = st.sampled_from(["", "资产", "资产大概", "满意度", "服务了", "成立于", "运营", "-", "−", "负"])
MIXED = st.builds(lambda p, n, u, tail: f"{p}{n}{u}{tail}", PREFIX, NUMBERISH, UNITS, st.text(max_size=20))
HOSTILE = st.one_of(st.text(max_size=300), MIXED, st.text(alphabet=st.characters(codec="utf-8"), max_size=60))


def assert_valid_entities(text: str, entities: tuple[object, ...]) -> None:
    for e in entities:
        assert 0 <= e.start <= e.end <= len(text), e  # type: ignore[attr-defined]
        assert text[e.start:e.end] == e.text, e  # type: ignore[attr-defined]
        value = e.value  # type: ignore[attr-defined]
        if isinstance(value, float):
            assert math.isfinite(value), f"{e} has a non-finite value"
        if e.entity == "date":  # type: ignore[attr-defined]
            datetime.date.fromisoformat(value)


@given(HOSTILE)
@example("资产" + "9" * 400 + "万")
@example("满意度百分之" + "九" * 50)
@example("成立" + "9" * 400 + "年")
@example("服务了1e309家")
def test_entities_never_crash_and_stay_finite(text: str) -> None:
    entities = extract_entities(text, today=datetime.date(2026, 11, 26))
    assert_valid_entities(text, entities)


@given(HOSTILE)
@example("x" * 5000)
@example("\x00\x01\u202e\ufeff")
@example("资产NaN万")
@example("/start")
def test_parse_always_returns_a_json_rasa_shape(text: str) -> None:
    result = parse(text)
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False, allow_nan=False))
    assert data["intent"]["name"] == result.intent
    assert 0.0 <= result.confidence <= 1.0
    assert result.intent_ranking[0].name == result.intent
    scores = [s.confidence for s in result.intent_ranking[1:]]  # as in Rasa, nlu_fallback may head the list
    assert scores == sorted(scores, reverse=True) and all(0.0 <= c <= 1.0 for c in scores)
    assert_valid_entities(text, result.entities)
