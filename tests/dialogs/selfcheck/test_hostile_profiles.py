"""Property-based: any profile (random keys, wrong types, huge numbers, NaN/Infinity, negative values) is
either accepted with every value canonical and in range, or refused with a UserInputError naming why."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from dialogs.selfcheck import evaluate, load_indicators, validate_profile, validate_value
from knowledge.errors import UserInputError

IND = load_indicators()
KEYS = [*IND.all_keys(), IND.functions_key]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30), st.floats(),
    st.sampled_from([math.nan, math.inf, -math.inf, -1, -0.0, 1e308, 10**400, 101, 100.0000001, 1.5]),
    st.text(max_size=20), st.sampled_from(["true", "80", "百分之九十", ""]),
)
VALUES = st.one_of(SCALARS, st.lists(st.one_of(st.sampled_from([f.key for f in IND.functions]), SCALARS),
                                     max_size=6), st.dictionaries(st.text(max_size=5), SCALARS, max_size=3))
PROFILES = st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=12)), VALUES, max_size=12)


def in_range(key: str, value: Any) -> bool:
    indicator = IND.get(key)
    if indicator is None or indicator.range is None or isinstance(value, bool | str | tuple):
        return True
    low, high = indicator.range
    return math.isfinite(value) and low <= value <= high


@given(PROFILES)
def test_profiles_are_accepted_canonical_or_refused_with_the_reason(profile: dict[str, Any]) -> None:
    try:
        clean = validate_profile(profile)
    except UserInputError as exc:
        message = str(exc)
        assert message and "\n" not in message
        assert exc.key is None or not exc.key.isprintable() or exc.key[:30] in message, "names the key"
        return
    assert set(clean) <= set(profile)
    for key, value in clean.items():
        assert value is not None and in_range(key, value), (key, value)
        assert validate_value(key, value) == value, "canonical values validate to themselves"
    result = evaluate(clean)
    assert result.verdict in {"eligible", "ineligible", "incomplete"}


@given(st.sampled_from(KEYS), VALUES)
def test_single_values_never_crash(key: str, value: Any) -> None:
    try:
        checked = validate_value(key, value)
    except UserInputError as exc:
        assert key in str(exc)
        return
    assert checked is None or in_range(key, checked)
