"""Answers that depend on who asks or about whom: can a kind of organisation apply (org_kinds.yml), and what a
recommending body or another body does (roles.yml). The wording is in templates; the data in knowledge/.
``lang="en"``: in English (the templates' twins in answers_en/, the English wording of the data), the clauses still
cited by their Chinese names."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from knowledge._answers import Answer
from knowledge._figures import FigureCheck
from knowledge._kb import KnowledgeBase, english_template, knowledge_base
from knowledge._orgs import Judgement, OrgData, OrgKind, RoleAsk, RoleFound, org_data
from knowledge.errors import KnowledgeError

CAN_APPLY_TEMPLATE = "answers/can_apply"
STEP_TEMPLATE = "answers/role_step"
STEP_INTENT = "recommendation"


def _render(kb: KnowledgeBase, template: str, lang: str, **extra: Any) -> str:
    name = english_template(template) if lang == "en" else template
    return kb.environment.get_template(f"{name}.j2").render(**kb.variables, **extra).strip()


def _answer(intent: str, body: str, sources: tuple[str, ...], lang: str) -> Answer:
    basis = f"Basis: {'; '.join(sources)}" if lang == "en" else f"依据：{'；'.join(sources)}"
    return Answer(intent=intent, text=f"{body}\n\n{basis}", sources=sources, fallback=False)


def can_apply_answer(judgements: tuple[Judgement, ...], intent: str = "who_can_apply", *, recommender: bool = False,
                     lang: str = "zh", kb: KnowledgeBase | None = None, orgs: OrgData | None = None,
                     checks: tuple[FigureCheck, ...] = ()) -> Answer:
    """Yes / no / depends for each organisation judged, with the reason and the clause. ``recommender``: the
    user speaks for a recommending body (not told to confirm with the recommending body). ``checks``: figures of
    the user's own organisation judged against the other basic conditions ("刚注册半年的技术服务公司，资产八十万"):
    when one fails, a kind that can apply is said to fit this clause only and each failed figure is named with its
    gap; the figures that pass are named too."""
    if kb is None and orgs is None and not checks:
        return _can_apply_cached(judgements, intent, recommender, lang)
    kb, orgs = kb or knowledge_base(), orgs or org_data()
    failed = _figure_lines(kb, lang, tuple(c for c in checks if not c.passed))
    passed = _figure_lines(kb, lang, tuple(c for c in checks if c.passed))
    body = _render(kb, CAN_APPLY_TEMPLATE, lang, judgements=judgements, recommender=recommender, failed=failed,
                   passed=passed)
    return _answer(intent, body, tuple(dict.fromkeys((orgs.kinds.clause, *(c.clause for c in checks)))), lang)


def _figure_lines(kb: KnowledgeBase, lang: str, checks: tuple[FigureCheck, ...]) -> str:
    """One line per figure judged ("资产总额：按您提到的80万元计，不满足…"), in ``lang``; empty without figures."""
    if not checks:
        return ""
    folder = "answers_en" if lang == "en" else "answers"
    extra = {"en": kb.variables["en"]} if lang == "en" else {}
    return kb.environment.get_template(f"{folder}/_figures.j2").render(checks=checks, **extra).strip()


@functools.lru_cache(maxsize=512)
def _can_apply_cached(judgements: tuple[Judgement, ...], intent: str, recommender: bool, lang: str) -> Answer:
    """The answers of the installed knowledge depend on nothing else: rendered once each."""
    return can_apply_answer(judgements, intent, recommender=recommender, lang=lang, kb=knowledge_base(),
                            orgs=org_data())


def role_answer(intent: str, found: RoleFound, *, lang: str = "zh", kb: KnowledgeBase | None = None,
                orgs: OrgData | None = None) -> Answer | None:
    """The answer to ``intent`` for the body found (``stated``: the user speaks for it), or None when the
    intent is answered as usual for it (an applicant, an intent without a template for this kind of body)."""
    kb, orgs = kb or knowledge_base(), orgs or org_data()
    spec = orgs.roles.answers.get(intent)
    if spec is None or found.role.applicant:
        return None
    template = spec.recommender if found.role.recommender else spec.other
    if not template:
        return None
    wording = found.role.en if lang == "en" else found.role
    subject = wording.you if found.stated else wording.name
    body = _render(kb, template, lang, role=found.role, stated=found.stated, subject=subject)
    return _answer(intent, body, spec.sources, lang)


def ask_answer(ask: RoleAsk, found: RoleFound | None, *, lang: str = "zh", kb: KnowledgeBase | None = None) -> Answer:
    """The answer of a question on the recommendation with an answer of its own (roles.yml ``asks``: how many may
    be recommended, whether a recommending body may apply itself), for the body found (``None``: asked by a user
    who said nothing of whom they speak for, called 推荐单位)."""
    kb = kb or knowledge_base()
    if found is None:
        subject, role, stated = ("a recommending body" if lang == "en" else "推荐单位"), None, False
    else:
        wording = found.role.en if lang == "en" else found.role
        subject, role, stated = (wording.you if found.stated else wording.name), found.role, found.stated
    body = _render(kb, ask.recommender, lang, role=role, stated=stated, subject=subject)
    return _answer(STEP_INTENT, body, ask.sources, lang)


def step_answer(found: RoleFound, step: int, *, seal: bool = False, lang: str = "zh",
                kb: KnowledgeBase | None = None) -> Answer:
    """Step ``step`` (1-based) of a recommending body's own work (process.yml recommendation.steps), and what
    follows it; the step after the last is the review (四、申报审批流程（三））. ``seal``: the question asks whether
    the recommendation form is to be sealed, on which the notice says nothing."""
    kb = kb or knowledge_base()
    process = kb.variables["process"]
    wording = found.role.en if lang == "en" else found.role
    subject = wording.you if found.stated else wording.name
    body = _render(kb, STEP_TEMPLATE, lang, role=found.role, stated=found.stated, subject=subject, step=step,
                   seal=seal)
    sealed = (kb.variables["mat"]["declaration"].clause,) if seal else ()  # the one material the notice seals
    after = step > len(process["recommendation"]["steps"])
    sources = (process["review"]["clause"],) if after else (process["recommendation"]["clause"], *sealed)
    return _answer(STEP_INTENT, body, sources, lang)


def check_org_answers(kb: KnowledgeBase, orgs: OrgData) -> int:
    """Render the can-apply answer of every kind on every ground and every role answer of every body (stated
    and asked about), in Chinese and in English; a template that fails names the template and the data key."""
    count = 0
    for lang in ("zh", "en"):
        for kind in orgs.kinds.kinds.values():
            for basis, own in _bases(kind):
                verdict = "cannot" if basis in ("legal_no", "blocked") else kind.verdict
                judgement = Judgement(kind.words[0], kind, verdict, basis, kind, own)
                for recommender in (False, True):
                    _checked(_named(CAN_APPLY_TEMPLATE, lang), f"kinds.{kind.key}", can_apply_answer, (judgement,),
                             recommender=recommender, lang=lang, kb=kb, orgs=orgs)
                    count += 1
        for intent, spec in orgs.roles.answers.items():
            for role in orgs.roles.roles.values():
                for stated in (False, True):
                    template = _named(spec.recommender if role.recommender else spec.other, lang)
                    _checked(template, f"answers.{intent}", role_answer, intent,
                             RoleFound(role, role.words[0], stated), lang=lang, kb=kb, orgs=orgs)
                    count += 1
        count += _check_steps(kb, orgs, lang) + _check_asks(kb, orgs, lang)
    return count


def _bases(kind: OrgKind) -> tuple[tuple[str, bool], ...]:
    """The grounds a judgement on ``kind`` may have (basis, said of the user's own organisation)."""
    bases = (("own", False), ("own", True), ("legal_yes", True), ("legal_no", False), ("legal_no", True),
             ("legal_unknown", False), ("blocked", True))
    became = (("became_legal", False), ("became_legal", True)) if kind.no_legal else ()
    known = (("legal_known", False), ("legal_known", True)) if kind.if_legal else ()
    return bases + became + known


def _check_steps(kb: KnowledgeBase, orgs: OrgData, lang: str) -> int:
    """Every step of a recommending body's work, and the one after the last, for each recommender."""
    count = 0
    for role in (r for r in orgs.roles.roles.values() if r.recommender):
        for step in range(1, len(kb.variables["process"]["recommendation"]["steps"]) + 2):
            for stated, seal in ((False, False), (True, True)):
                _checked(_named(STEP_TEMPLATE, lang), f"steps[{step}]", step_answer,
                         RoleFound(role, role.words[0], stated), step, seal=seal, lang=lang, kb=kb)
                count += 1
    return count


def _check_asks(kb: KnowledgeBase, orgs: OrgData, lang: str) -> int:
    """Every answer of its own of a question on the recommendation, for each recommender (and for no one)."""
    count = 0
    for ask in (a for a in orgs.roles.asks if a.recommender):  # (one answered as a step: see _check_steps)
        for found in (None, *(RoleFound(r, r.words[0], stated) for r in orgs.roles.roles.values() if r.recommender
                              for stated in (False, True))):
            _checked(_named(ask.recommender, lang), f"asks.{ask.key}", ask_answer, ask, found, lang=lang, kb=kb)
            count += 1
    return count


def _named(template: str, lang: str) -> str:
    return english_template(template) if lang == "en" and template else template


def _checked(template: str, key: str, make: Callable[..., Answer | None], *args: Any, **kwargs: Any) -> None:
    from knowledge._validation import RENDER_ERRORS  # (validation imports this module)

    try:
        answer = make(*args, **kwargs)
    except RENDER_ERRORS as exc:
        raise KnowledgeError(f"templates/{template}.j2", key, f"模板无法渲染：{exc}") from exc
    if answer is not None and (not answer.text.strip() or "None" in answer.text):
        raise KnowledgeError(f"templates/{template}.j2", key, "渲染结果为空或含 None")
