"""Property-based: hostile numbers as answers to the self-check's pending numeric questions (huge, NaN,
Infinity, 1e309, negative, full-width, nonsense units). Either a plausible value is stored and the next
question asked, or nothing is stored, the same question stays pending and the reply says why — never a NaN,
an infinity, a negative count or a percentage over 100 in the stored profile."""

from __future__ import annotations

import itertools
import json
import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from dialogs import Store
from tests.dialogs.selfcheck.dialogue_helpers import ELIGIBLE_ANSWERS, Chat

NUMBERS = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["NaN", "nan", "Infinity", "inf", "-inf", "1e309", "-1e309", "1e-320", "−5", "－5", "-0",
                     "９９９９９９９９９９９９９９", "0x10", "1_000", "1,2,3", "10亿亿", "九千九百九十九亿亿亿",
                     "百分之一千", "负零", "零点零零零一", "1/0", "∞", "½", "²", "٣"]),
)
ANSWERS = st.builds(lambda n, unit: n + unit, NUMBERS, st.sampled_from(["", "万", "%", "家", "人", "元", "亿", "年"]))
# (pending question, answers that lead to it)
QUESTIONS = {key: ELIGIBLE_ANSWERS[:n] for key, n in (
    ("years_operating", 2), ("total_assets_wan", 3), ("smes_served_last_year", 6), ("satisfaction_pct", 8),
    ("service_staff", 16), ("qualified_staff_pct", 17))}
PERCENT, COUNTS = {"satisfaction_pct", "qualified_staff_pct"}, {"smes_served_last_year", "service_staff"}
_users = itertools.count()


@pytest.mark.parametrize("key", sorted(QUESTIONS))
@given(answer=ANSWERS)
@example(answer="NaN万")
@example(answer="1e309%")
@example(answer="-0人")
def test_a_hostile_number_is_stored_plausibly_or_refused_with_a_reason(store: Store, key: str, answer: str) -> None:
    chat = Chat(store, user=f"hostile-{next(_users)}")
    chat.run("/selfcheck", *QUESTIONS[key])
    assert chat.state().step == key
    turn = chat.say(answer)
    state = chat.state()
    json.dumps(state.slots, allow_nan=False)  # nothing stored that JSON (or PostgreSQL's JSON) cannot hold
    value = state.slots["profile"].get(key)
    if value is None:
        assert state.step == key and turn.text.strip(), "refused: the same question stays, with the reason"
        return
    assert isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value), value
    assert value >= 0 and (key not in PERCENT or value <= 100) and (key not in COUNTS or value == int(value)), value
    assert state.step != key, "a stored answer moves on to the next question"
