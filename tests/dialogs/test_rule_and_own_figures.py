"""The notice's own figures and the user's in one question (issue 13, item 6), with the real NLU: the rule's
figure is never judged as the user's, and a bare number the user says after it is judged in its unit."""

from __future__ import annotations

import pytest

from dialogs import Store
from nlu import parse
from tests.dialogs.selfcheck.dialogue_helpers import Chat


@pytest.mark.parametrize(("text", "said", "verdict"), [
    ("通知说的10人，我们正好10个，行吧", "按您提到的10人计", "满足"),
    ("要求10人，我们正好10个，行吧", "按您提到的10人计", "满足"),
    ("通知说的10人，我们只有8个，行吧", "按您提到的8人计", "不满足"),
])
def test_a_bare_number_after_the_rules_figure_is_judged_in_its_unit(store: Store, text: str, said: str,
                                                                      verdict: str) -> None:
    reply = Chat(store, parser=parse).say(text).text
    first = reply.split("\n\n")[1]  # after the privacy notice of a first message
    assert said in first and verdict in first and "二、申报条件（一）第6项" in reply
    assert verdict == "不满足" or "不满足" not in first


def test_a_question_about_the_rule_alone_judges_nothing(store: Store) -> None:
    reply = Chat(store, parser=parse).say("培训600人次是线上线下合计吗").text
    assert "按您提到的" not in reply
