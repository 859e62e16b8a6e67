"""Which step a question asks for (nlu/acts.yml followup: ordinals, next_step): "第一步做什么" the first, "最后一步"
the last; "然后呢", "下一步", "测评完了下一步呢" the one after — steps only, never the n-th item of a list."""

from __future__ import annotations

import pytest

from nlu import vocabulary


@pytest.mark.parametrize(("text", "nth"), [
    ("第一步做什么", 1),
    ("我们第一步做什么？", 1),
    ("第3步是啥", 3),
    ("第二个环节是什么", 2),
    ("最后一步呢", -1),
    ("What is the first step?", 1),
    ("And the Last Step?", -1),
    ("第2项材料是什么", 0),  # an item of a list, not a step
    ("第三份是什么", 0),
    ("推荐表怎么填", 0),
])
def test_the_nth_step_asked(text: str, nth: int) -> None:
    assert vocabulary().nth_step(text) == nth


@pytest.mark.parametrize(("text", "asks"), [
    ("然后呢", True),
    ("再之后呢", True),
    ("下一步", True),
    ("测评完了下一步呢", True),
    ("推荐表填好以后呢", True),
    ("测评完呢", True),  # 完 without 了
    ("测完后呢", True),
    ("测完之后干啥", True),
    ("what happens next", True),
    ("第一步做什么", False),
    ("推荐表需要盖章吗", False),
    ("下一步工作计划要写吗", False),
    ("后面还用答吗", False),
    ("完成后要公示吗", False),
])
def test_asks_for_the_step_after(text: str, asks: bool) -> None:
    assert vocabulary().asks_next(text) is asks
