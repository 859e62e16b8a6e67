"""Questions about the notice: one handler for every answer/open/smalltalk intent and for ``nlu_fallback``.

The reply comes from ``knowledge.compose``: the template of the intent filled from the notice's data, the
user's own figures checked against the thresholds, and the clauses cited (also in ``Turn.sources``).
"""

from __future__ import annotations

import os
import unicodedata
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dialogs._context import Context
from dialogs._registry import intent_handler, observer
from dialogs._types import Button, Reply
from dialogs._unlisted import unlisted_answer, unlisted_document
from dialogs.roles import CAN_APPLY_INTENTS, names_kind, remember_own, speaks_for_recommender, tailored_answer
from knowledge import FigureCheck, compose, knowledge_base, load_file, render
from nlu import FALLBACK_INTENT, Entity, extract_entities

__all__ = ["QA_INTENTS", "answer_question"]

MATERIAL_QUESTIONS = frozenset({"open_seal", "open_copies", "open_submission", "open_download"})
FIGURE_KINDS = frozenset({"money", "percent", "count", "duration", "date", "number"})
CAN_WE_WITH_FIGURES = "conditions_overview"  # its answer judges every figure the user gives
QA_INTENTS: tuple[str, ...] = tuple(
    name for name, spec in load_file("intents.yml")["intents"].items()
    if spec.get("kind") in ("answer", "open", "smalltalk")
)


def local_today(ctx: Context) -> date:
    """Today in ``SHENBAO_TIMEZONE`` (default Asia/Shanghai), for figures such as a founding date."""
    try:
        zone = ZoneInfo(os.environ.get("SHENBAO_TIMEZONE", "").strip() or "Asia/Shanghai")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("Asia/Shanghai")
    return ctx.now.astimezone(zone).date() if ctx.now.tzinfo else ctx.now.date()


def has_words(text: str) -> bool:
    """At least one letter or digit (CJK included)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def _own_figures(ctx: Context, whole: bool = False) -> tuple[Entity, ...]:
    """The figures of the question: the message's, but those said to be wrong ("不是80次") and those of a statement
    of the rule; with two or more the answer judges each ("我们资产90万，去年服务了25家，行不行"). ``whole``: those
    of the whole message, not only of the question answered (one of several)."""
    understanding = ctx.understanding
    spans = {(e.start, e.end) for e in (*understanding.rejected, *understanding.stated_rule())}  # "不是80次"
    found = understanding.own_entities if whole else ctx.parsed.entities
    if any(e.entity == "date" for e in found):  # "前年成立的": counted from the turn's own day
        found = extract_entities(ctx.text, today=local_today(ctx))
    read = {(e.start, e.end): e for e in understanding.own_entities}  # "要求10人，我们正好10个": 10 人
    found = tuple(read.get((e.start, e.end), e) if e.entity == "number" else e for e in found)
    return tuple(e for e in found if (e.start, e.end) not in spans and e.entity in FIGURE_KINDS)


def _known_legal(ctx: Context) -> bool | None:
    """Whether the user's organisation is a legal person, as answered in the running self-check or said before."""
    value = ctx.state.known_facts().get("legal_person")
    return value if isinstance(value, bool) else None


@intent_handler(*QA_INTENTS, FALLBACK_INTENT)
def answer_question(ctx: Context) -> list[Reply]:
    """Answer from knowledge/; an intent without an answer (or out of scope) gets the fallback reply."""
    if ctx.parsed.intent == FALLBACK_INTENT and not has_words(ctx.text):
        ctx.fallback = True  # emoji, symbols or punctuation only: say what we can read, not "out of scope"
        return [Reply(render("system/not_text", kind="表情或符号"))]
    understanding = ctx.understanding
    figures = () if understanding.explains_rule else _own_figures(ctx)  # "意思是至少6个人吗": all the rule's
    answer = tailored_answer(ctx.parsed.intent, _asked_kind(ctx), ctx.state.memory, ctx.parsed.lang, _judged(ctx),
                             _known_legal(ctx)) \
        or compose(ctx.parsed.intent, ctx.text, figures, local_today(ctx), every_figure=_each_judged(ctx, figures),
                   rule_figures=understanding.rule_figures(), lang=ctx.parsed.lang,
                   recommender=speaks_for_recommender(ctx.state.memory))
    doc = unlisted_document(ctx.text) if answer.fallback and ctx.parsed.lang == "zh" else None
    if doc is not None:  # "要不要纳税证明": not in the notice's list, said plainly
        text, clause = unlisted_answer(doc, recommender=speaks_for_recommender(ctx.state.memory))
        ctx.sources.append(clause)
        return [Reply(text)]
    ctx.sources.extend(answer.sources)
    ctx.fallback = answer.fallback
    text = _about_material(ctx, answer.text)
    return [Reply(text, buttons=tuple(Button(title, payload) for title, payload in answer.buttons))]


def _asked_kind(ctx: Context) -> str:
    """What a can-we is judged on: the clause asked when the message asks several ("分公司能报吗？子公司能报吗？":
    each), with what the message says of the user's own organisation ("请问事业单位能不能报，我们是有法人证书的检测所":
    the institute, a legal person), else the whole message."""
    if not (ctx.asked and names_kind(ctx.asked)):
        return ctx.text
    said = [a.text for a in ctx.understanding.statements if a.text and a.text not in ctx.asked]
    return "，".join([ctx.asked.rstrip("，,。？?！! "), *said]) if said else ctx.asked


@observer
def remember_own_kind(ctx: Context) -> None:
    """What the message says of the user's own organisation, for a can-we asked later ("能报吗")."""
    remember_own(ctx.understanding.text, ctx.state.memory)


def _each_judged(ctx: Context, figures: tuple[Entity, ...]) -> bool:
    """Each figure is judged where its words place it when there are several, or when one was stated beside the
    question rather than in it ("我们资产80万，人员要几个"): not only those the question is about."""
    return len(figures) > 1 or bool(set(figures) & set(ctx.understanding.said_figures()))


def _judged(ctx: Context) -> tuple[FigureCheck, ...]:
    """"我们是做检测的技术服务公司，资产八十万，服务人员十五个，行不行": the figures of the message, for a can-we on a
    kind, each judged against the basic condition its words place it in (those out of range are left out)."""
    figures = () if ctx.parsed.intent not in CAN_APPLY_INTENTS or ctx.understanding.explains_rule \
        else _own_figures(ctx, whole=True)
    if not figures:
        return ()
    checks = compose(CAN_WE_WITH_FIGURES, ctx.text, figures, local_today(ctx), every_figure=True,
                     rule_figures=ctx.understanding.rule_figures(), lang=ctx.parsed.lang).checks
    return tuple(c for c in checks if c.in_range)


def _about_material(ctx: Context, text: str) -> str:
    """"这个要盖章吗" after the application report: a general answer on materials says which one it was asked of."""
    topic = ctx.state.memory.get("topic", "")
    spec = knowledge_base().answers.get(topic)
    material = spec.options.get("material") if spec is not None and ctx.parsed.intent in MATERIAL_QUESTIONS else None
    if not material:
        return text
    item = knowledge_base().material(material)
    ctx.sources.append(item.clause)
    prefix = render("answers/_about_material", seq=item.seq, name=item.name, clause=item.clause, lang=ctx.parsed.lang)
    return prefix + text
