"""One answer to one understood question: the figures checked, the template filled, the clauses cited.

User text is never template source: it reaches a template only as the value of a variable.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from knowledge._figures import EntityLike, FigureCheck, GrowthCheck, check_figures, check_growth
from knowledge._kb import KnowledgeBase, knowledge_base

FALLBACK_INTENT = "nlu_fallback"
GROWTH = "sme_growth"  # the comparison judged whenever a question gives last year's and the year before's figures


@dataclass(frozen=True)
class Answer:
    """Reply text (paragraphs separated by blank lines), the clauses it cites, whether it is a fallback."""

    intent: str
    text: str
    sources: tuple[str, ...]
    fallback: bool
    buttons: tuple[tuple[str, str], ...] = ()
    checks: tuple[FigureCheck, ...] = ()
    growth: GrowthCheck | None = None


def has_answer(intent: str, kb: KnowledgeBase | None = None) -> bool:
    return intent in (kb or knowledge_base()).answers


def compose(intent: str, text: str = "", entities: Iterable[EntityLike] = (), today: date | None = None,
            kb: KnowledgeBase | None = None, *, every_figure: bool = False,
            rule_figures: Collection[EntityLike] = (),
            lang: str = "zh", recommender: bool = False) -> Answer:
    """The answer for ``intent`` (``nlu_fallback`` when it has none), checking the question's figures: those the
    intent is about, or with ``every_figure`` each figure the user gave ("我们资产90万，去年服务了25家，行不行").
    ``rule_figures``: figures that may be the notice's own; one that restates a threshold is not judged.
    ``lang="en"``: in English (templates/answers_en/), the clauses still cited by their Chinese names.
    ``recommender``: the asker speaks for a recommending body, which is never told to ask a recommending body."""
    kb = kb or knowledge_base()
    if intent not in kb.answers:
        intent = FALLBACK_INTENT
    spec = kb.answers[intent]
    entities = tuple(entities)
    day = today or date.today()
    checks = check_figures(kb, spec.figures, text, entities, day, rule_figures=rule_figures) if spec.figures else []
    if every_figure:  # the figures the question's own items did not take, each where its words place it
        said = {c.said for c in checks}
        rest = [e for e in entities if e.text not in said]
        others = [k for k in kb.figure_rules if k not in {c.key for c in checks}]
        checks += check_figures(kb, others, text, rest, day, rule_figures=rule_figures, named=True,
                                neighbours=entities)
    compare = spec.options.get("compare") or (GROWTH if every_figure else None)  # "去年22家，前年25家，有问题吗"
    growth = check_growth(kb, compare, text, entities) if compare else None
    sources = tuple(dict.fromkeys([*spec.sources, *(c.clause for c in checks)]))
    english = lang == "en"
    folder, extra = ("answers_en", {"en": kb.variables["en"]}) if english else ("answers", {})
    parts = []
    if checks:
        parts.append(kb.environment.get_template(f"{folder}/_figures.j2").render(checks=checks, **extra).strip())
    if growth is not None:
        parts.append(kb.environment.get_template(f"{folder}/_growth.j2").render(growth=growth, **extra).strip())
    extra_vars = {"asker_recommends": True} if recommender else {}
    parts.append(kb.render_answer(intent, "en" if english else "zh", **extra_vars))
    if sources:
        parts.append(_basis_line(kb.kind(intent) == "open", sources, english))
    return Answer(intent=intent, text="\n\n".join(parts), sources=sources, fallback=spec.fallback,
                  buttons=spec.buttons, checks=tuple(checks), growth=growth)


def _basis_line(open_question: bool, sources: tuple[str, ...], english: bool) -> str:
    """"依据：二、申报条件（一）第1项", or in English "Basis: 二、申报条件（一）第1项" (clauses keep their Chinese
    names)."""
    if english:
        return f"{'Related clauses' if open_question else 'Basis'}: {'; '.join(sources)}"
    return f"{'相关条款' if open_question else '依据'}：{'；'.join(sources)}"
