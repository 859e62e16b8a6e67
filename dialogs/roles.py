"""Answers for who asks and about whom: can-we questions on a kind of organisation (yes / no / depends, from
knowledge/org_kinds.yml) and the recommending bodies' own answers (knowledge/roles.yml).

The role a user states ("我们是拉萨市经信局") is remembered in ``DialogState.memory["role"]`` (a key of
roles.yml), so that later questions ("那我们怎么推荐", "材料要交给谁") are answered for that body.

English messages are read with the English words of the data and answered in English (``lang="en"``); the role
remembered is the same key in either language.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from knowledge import Answer, RoleFound, can_apply_answer, org_data, role_answer
from nlu import Act, detect_language, vocabulary

__all__ = ["CAN_APPLY_INTENTS", "KIND_VERDICT", "ROLE_KEY", "kind_verdict", "names_kind", "remember_role",
           "tailored_answer"]

CAN_APPLY_INTENTS = ("who_can_apply", "condition_legal_person")
KIND_VERDICT = "who_can_apply"  # the intent whose answer gives a kind's verdict
_WHAT_IF = re.compile(r"如果|要是|假如|假设|换成|\bwhat if\b|\bsuppos(?:e|ing)\b", re.IGNORECASE)
ROLE_KEY = "role"
_SENTENCES = re.compile(r"[^。！？!?；;]+[。！？!?；;]?")
TOPIC_KEY = "topic"  # the intent of the last question answered (dialogs.assistant)


def kind_verdict(act: Act, text: str, in_flow: bool) -> tuple[Act, ...]:
    """A can-we question the NLU reads as a self-check request ("民办非企能不能报啊", "我们是分公司，能报吗") that
    names a kind of organisation is answered with that kind's verdict (``KIND_VERDICT``); about the user's own
    organisation the self-check follows (when none is running) to go through the other conditions. Unchanged:
    other acts, a message asking for the self-check ("…，想自测一下能不能报"), and a loose self-description
    ("我们是建筑公司，能报吗"), which the self-check confirms against the five types."""
    hypothetical = act.intent != "selfcheck_start" and _WHAT_IF.search(act.text) is not None
    if act.kind != "question" or (act.intent != "selfcheck_start" and not hypothetical) \
            or vocabulary().request(text) is not None:
        return (act,)  # "那要是以后成立个技术服务子公司呢" asks about that kind too
    judgements = org_data().kinds.judge(text, detect_language(text))
    if not judgements or any(j.to_confirm for j in judgements):
        return (act,)
    verdict = replace(act, intent=KIND_VERDICT)
    return (verdict, act) if judgements[0].own and not in_flow else (verdict,)


def names_kind(text: str) -> bool:
    """The message names a kind of organisation ("分公司", "事业单位", "branch office")."""
    return bool(org_data().kinds.judge(text, detect_language(text)))


def remember_role(memory: dict[str, Any], text: str, lang: str = "zh") -> RoleFound | None:
    """The body named in ``text``; when the user says they speak for it, it becomes ``memory["role"]``."""
    found = org_data().roles.find(text, lang)
    if found is not None and found.stated:
        memory[ROLE_KEY] = found.role.key
    return found


def tailored_answer(intent: str, text: str, memory: dict[str, Any], lang: str = "zh") -> Answer | None:
    """The answer for this asker or this kind of organisation, in ``lang``, or None when the usual answer of
    ``intent`` applies. Records the role the message states (see ``remember_role``)."""
    found = remember_role(memory, text, lang)
    if intent in CAN_APPLY_INTENTS:
        judgements = org_data().kinds.judge(text, lang)
        # a question, a statement that rules the organisation out ("我们是办事处") or one to confirm against the
        # five types ("我们是建筑公司"); not a mere introduction of a kind that can apply
        if judgements and (_asks(text) or any(j.verdict == "cannot" or j.to_confirm for j in judgements)):
            return can_apply_answer(judgements, intent, recommender=_speaks_for_recommender(memory), lang=lang)
    if _continues_recommending(text, memory):
        intent = "recommendation"
    speaker = _speaker(intent, found, memory)
    return role_answer(intent, speaker, lang=lang) if speaker is not None else None


def _continues_recommending(text: str, memory: dict[str, Any]) -> bool:
    """"然后呢" from a recommending body after its own work was the topic: its steps, not the review after it."""
    topic = memory.get(TOPIC_KEY)
    return topic == "recommendation" and _speaks_for_recommender(memory) and \
        vocabulary().next_step(text, topic) is not None


def _asks(text: str) -> bool:
    """Some sentence of ``text`` is a question ("事业单位可以报不？我们是市里的生产力促进中心")."""
    return any(vocabulary().asks(sentence) for sentence in _SENTENCES.findall(text))


def _speaker(intent: str, found: RoleFound | None, memory: dict[str, Any]) -> RoleFound | None:
    """Whom to answer for: the body the message states, else a body it asks about (not one to go through,
    "找经信局推荐"; a body that is not a recommender is told so either way; not the applicant it recommends, "我们怎么
    推荐申报单位"), else the remembered role."""
    if found is not None and found.stated:
        return found
    spec = org_data().roles.answers.get(intent)
    if found is not None and spec is not None and spec.mention and not (found.via and found.role.recommender) \
            and not found.role.applicant:
        return found
    role = org_data().roles.roles.get(memory.get(ROLE_KEY) or "")
    return RoleFound(role, "", stated=True) if role is not None else None


def _speaks_for_recommender(memory: dict[str, Any]) -> bool:
    role = org_data().roles.roles.get(memory.get(ROLE_KEY) or "")
    return role is not None and role.recommender
