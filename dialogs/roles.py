"""Answers for who asks and about whom: can-we questions on a kind of organisation (yes / no / depends, from
knowledge/org_kinds.yml) and the recommending bodies' own answers (knowledge/roles.yml).

The role a user states ("我们是拉萨市经信局") is remembered in ``DialogState.memory["role"]`` (a key of
roles.yml), so that later questions ("那我们怎么推荐", "材料要交给谁") are answered for that body. A recommending
body walks its own work step by step ("第一步做什么", "然后呢"): the step it was last told about is
``memory["recommend_step"]``. The organisation of the last can-we answer is ``memory["kind"]``, so that a what-if
follow-up ("那如果是合伙制的呢") is judged on it with the new facts.

A question on the recommendation that the general answer does not answer (roles.yml ``asks``: the deadline, how
many may be recommended, whether the body may apply itself, how to assess, what follows, what the notice leaves
open) is answered as its intent or with an answer of its own. A message that only says the body's level ("是市级的")
sets the level of the body remembered.

English messages are read with the English words of the data and answered in English (``lang="en"``); the role
remembered is the same key in either language.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from knowledge import (
    Answer,
    FigureCheck,
    Judgement,
    RoleAsk,
    RoleFound,
    ask_answer,
    can_apply_answer,
    knowledge_base,
    org_data,
    role_answer,
    step_answer,
)
from knowledge import bare as unadorned
from nlu import FALLBACK_INTENT, Act, detect_language, normalize, parse, vocabulary

__all__ = ["CAN_APPLY_INTENTS", "KIND_KEY", "KIND_VERDICT", "RECOMMENDING", "ROLE_KEY", "asked_instead", "asks_kind",
           "bare_can_we", "changed_at", "continues_can_we", "follows_kind", "introduces_kind", "introduces_role",
           "judged_kinds", "kind_verdict", "names_kind", "own_listed_type", "remember_own", "remember_role",
           "restated_level", "role_question", "speaks_for_body", "speaks_for_recommender", "tailored_answer"]

CAN_APPLY_INTENTS = ("who_can_apply", "condition_legal_person")
KIND_VERDICT = "who_can_apply"  # the intent whose answer gives a kind's verdict
_WHAT_IF = re.compile(r"如果|要是|假如|假设|换成|\bwhat if\b|\bsuppos(?:e|ing)\b", re.IGNORECASE)
ROLE_KEY = "role"
_ELLIPSIS = re.compile(r"(?:呢|怎么样|咋样|如何)[?？。!！\s]*$")  # "那办事处呢"
_INTRODUCING = 6  # characters besides the kind in a mere introduction ("我们是一家", "我单位是")
# conditions that describe a kind asked about ("新成立的子公司能报吗"); not a shortfall ("没有场所的民非能报吗", which
# asks about the premises)
_DESCRIBING = frozenset({"condition_years"})
_PROOF = "material_license"  # how an organisation proves it is a legal person: its certificate and licence
_PROOF_CHARS = 14  # a question on how to prove it, with a few words besides ("那我们要怎么证明是独立法人")
_NO_LEGAL = "no_legal_person"  # the kind org_kinds.yml gives to "没有独立法人资格" said alone
_MARKS = " 。.！!？?～~，,"
_THEN = re.compile(r"\s*(?:然后|接着|再然后|接下来|之后)")  # "然后要附什么": asks for the step it names
_SENTENCES = re.compile(r"[^。！？!?；;]+[。！？!?；;]?")
_CLAUSES = re.compile(r"[^。！？!?；;，,\s]+[。！？!?；;，,]?")  # "…研究院能报吗 独立登记的": voice input, no marks
TOPIC_KEY = "topic"  # the intent of the last question answered (dialogs.assistant)
KIND_KEY = "kind"  # the organisation of the last can-we answer ("律所"), for a what-if follow-up
OWN_KEY = "own_said"  # what the user said of their own organisation, message by message: [text, [slots]]
_OWN_KEPT = 4  # messages of it kept
_OWN_CHARS = 80  # characters of each kept
STEP_KEY = "recommend_step"  # the step of its own work a recommending body was last told about (1-based)
RECOMMENDING = "recommendation"  # the intent whose answers tell a body whether and how it recommends
_GENERAL = frozenset({FALLBACK_INTENT, "process_overview"})  # "辖区企业怎么办": no subject of its own
_INTRODUCTION = frozenset({FALLBACK_INTENT, "selfcheck_start"})
_QUESTION_KINDS = frozenset({"answer", "open"})  # intents of a question on the notice (intents.yml kind)
# "你好我是县工信局的想问下…": a greeting said before the question
_GREETINGS = frozenset({FALLBACK_INTENT, "greet", "help"})


def _find(text: str, lang: str) -> RoleFound | None:
    """The body named in ``text``, read in simplified characters ("拉萨市經信局" is 拉萨市经信局)."""
    return org_data().roles.find(normalize(text) if lang == "zh" else text, lang)


def kind_verdict(act: Act, text: str, in_flow: bool, memory: dict[str, Any] | None = None) -> tuple[Act, ...]:
    """A can-we question the NLU reads as a self-check request ("民办非企能不能报啊", "我们是分公司，能报吗") that
    names a kind of organisation is answered with that kind's verdict (``KIND_VERDICT``); about the user's own
    organisation the self-check follows (when none is running) to go through the other conditions. So is a
    what-if ("那如果是合伙制的呢", judged on the organisation of the last can-we answer) and a bare can-we in a
    message naming a kind ("办事处行不行"; "…，有法人登记证书，能不能申报"), whatever the NLU read. Unchanged: other
    acts, a message asking for the self-check ("…，想自测一下能不能报"), and a loose self-description ("我们是建筑公司，
    能报吗"), which the self-check confirms against the five types."""
    if act.kind != "question":
        return (act,)
    lang = detect_language(text)
    kinds = org_data().kinds
    clause = vocabulary().plain(act.text)  # "请问有申报资格吗"
    also = _with_condition(act, lang)  # "新成立的子公司能报吗": the kind's verdict and the condition's answer
    why = kinds.asks_why(clause, lang) and bool(kinds.judge(clause, lang))  # "分公司为啥不行": its verdict and reason
    bare = act.intent not in CAN_APPLY_INTENTS and (
        kinds.bare_can_we(clause, lang) or _describes_kind(act, lang) or why or also
        or (kinds.asks_to_recommend(act.text, lang) and _recommends_another(text, memory or {}, lang)))
    if bare and act.resolved and (act.intent or "").startswith("function_") and _ELLIPSIS.search(clause):
        bare = False  # "那技术服务呢" after 信息服务: the next function, not the technical-service institutions
    again = follows_kind(clause, memory or {}, lang) or _described(act.text, memory or {}) is not None
    if again and asks_proof(clause, lang):
        return (replace(act, intent=_PROOF),)  # "分公司能报吗" → "要什么证明": the legal person's certificates
    if again and kinds.words(lang).confirm.equals(unadorned(clause)) and not speaks_for_recommender(memory or {}):
        return (replace(act, intent=RECOMMENDING),)  # "…建议向推荐单位确认" → "那要怎么确认": who recommends
    asked = bare or again or act.intent == "selfcheck_start" or _WHAT_IF.search(_sentence_of(act, text)) is not None
    if not asked or vocabulary().request(text) is not None:
        return (act,)  # "那要是以后成立个技术服务子公司呢" asks about that kind too
    judgements = judged_kinds(text, memory or {}, lang)
    if not judgements or any(j.to_confirm for j in judgements):
        return (act,)
    verdict = replace(act, intent=KIND_VERDICT)
    starts = (bare or act.intent == "selfcheck_start") and judgements[0].own and not in_flow
    if starts:
        return verdict, replace(act, intent="selfcheck_start")
    return (verdict, act) if also and not act.entities else (verdict,)  # a figure said: the verdict judges it


def _with_condition(act: Act, lang: str) -> bool:
    """A can-we on a kind described by its age ("新成立的子公司能报吗", "成立三年的事业单位能报吗"), read as a
    question on the operating years: it gets both answers (with a figure, the verdict judges it)."""
    return act.intent in _DESCRIBING and org_data().kinds.ends_can_we(act.text, lang)


def follows_kind(text: str, memory: dict[str, Any], lang: str = "zh") -> bool:
    """Right after a can-we answer (``memory["kind"]``), a message that names no kind and only asks what now
    ("那怎么办"), why ("为什么"), how to prove it ("要什么证明"), whom to confirm it with ("那要怎么确认") or whether it
    can apply ("那能申报吗", said after "我们是事业单位"): it is about the organisation of that answer."""
    kinds = org_data().kinds
    words, plain = kinds.words(lang), unadorned(text, then=False)
    if not isinstance(memory.get(KIND_KEY), str) or not plain or kinds.judge(plain, lang):
        return False
    return any(w.equals(said) for w in (words.what_now, words.why, words.proof, words.confirm)
               for said in (plain, unadorned(plain))) or asks_proof(plain, lang) or bare_can_we(plain)


def asks_proof(text: str, lang: str = "zh") -> bool:
    """A short message that asks how to prove the organisation is a legal person ("那要怎么证明是独立法人"): the
    words of ``proof`` in it, with at most a few words around them."""
    plain = unadorned(text)
    return len(plain) <= _PROOF_CHARS and org_data().kinds.words(lang).proof.any_in(plain)


def bare_can_we(text: str) -> bool:
    """Only a can-we that names no kind, about the user's own organisation or none ("可以申报吗", "那我们能报吗")."""
    lang = detect_language(text)
    kinds = org_data().kinds
    if kinds.judge(text, lang):
        return False
    for said in dict.fromkeys((vocabulary().plain(text), text)):  # "还有机会吗": no courtesy "还有" before a question
        plain = said.strip(_MARKS).lstrip("那")
        own = max((w for w in kinds.words(lang).ours.words if plain.startswith(w)), key=len, default="")
        if kinds.bare_can_we(plain[len(own):], lang):
            return True
    return False


def _sentence_of(act: Act, text: str) -> str:
    """The sentence of ``text`` the act is in ("那如果是独立法人、做检验检测的呢": the what-if is said before the
    question's own clause)."""
    return next((m.group() for m in _SENTENCES.finditer(text) if m.start() <= act.start < m.end()), act.text)


def asks_kind(acts: tuple[Act, ...], text: str, memory: dict[str, Any]) -> bool:
    """During the self-check, a question of ``acts`` is a can-we on a kind of organisation that gets the kind's
    verdict ("我们是民非，这种能报吗", "我们是事业单位，能报吗"), not a request to go on with the form nor a loose
    self-description to confirm."""
    asked = any(b.intent in CAN_APPLY_INTENTS for a in acts for b in kind_verdict(a, text, True, memory))
    judgements = judged_kinds(text, memory, detect_language(text)) if asked else ()
    return bool(judgements) and not any(j.to_confirm for j in judgements)


def own_listed_type(text: str, memory: dict[str, Any]) -> str | None:
    """The listed type (a label of org_type) the user's own organisation is said to be, as the can-we answer to
    ``text`` told ("我们是做检测的子公司，能报吗" → 技术服务机构); None when no such answer was given (a description
    alone is confirmed against the five types), or it was about several kinds."""
    judgements = judged_kinds(text, memory, detect_language(text))
    if len(judgements) != 1 or memory.get(KIND_KEY) != judgements[0].word:
        return None
    judgement = judgements[0]
    fits = judgement.own and judgement.verdict == "can" and judgement.basis in ("own", "legal_yes")
    return judgement.kind.listed or None if fits else None


def changed_at(text: str) -> int:
    """Where ``text`` last says the organisation changed ("原来是事业单位，…现在是有限公司", "后来注册成有限公司了"),
    or -1: what is said of it before is what it was."""
    return org_data().kinds.words(detect_language(text)).changed_at(text)


def continues_can_we(text: str, memory: dict[str, Any]) -> bool:
    """Right after a can-we answer, a statement that names a kind or says whether it is a legal person ("我们是独立
    法人，做检测的") is the answer's follow-up: it gets the verdict on what it says; so is, whenever the user has
    described their own organisation, a statement that goes on describing it."""
    if _described(text, memory) is not None and not bare_can_we(text):
        return bool(judged_kinds(text, memory, detect_language(text)))  # "我们是事业单位" … "有独立的法人证书"
    return isinstance(memory.get(KIND_KEY), str) and memory.get(TOPIC_KEY) in CAN_APPLY_INTENTS \
        and bool(judged_kinds(text, memory, detect_language(text)))


def judged_kinds(text: str, memory: dict[str, Any], lang: str = "zh") -> tuple[Judgement, ...]:
    """The organisations the message asks about. Right after a can-we answer, a what-if that names no other kind
    ("那如果是合伙制的呢", "那如果是独立法人、做检验检测的呢": facts, or a listed type that describes it), or a message
    that names no kind but says whether it is a legal person ("我们是有限责任的，能报吗"), is about the organisation
    of that answer, with the new facts ("律所" + "合伙制" → not a legal person)."""
    kinds = org_data().kinds
    judgements = _not_ours(kinds.judge(text, lang), text, memory, lang)
    previous = memory.get(KIND_KEY)
    described = _described(text, memory)
    if described is not None and (not isinstance(previous, str) or previous in described) \
            and (not judgements or not judgements[0].own):
        # "我们是研究所"…"有独立法人"…"能报吗": the answer names the organisation by its kind ("分公司不能申报")
        return tuple(replace(j, own=False) for j in kinds.judge(described, lang))
    if not isinstance(previous, str) or memory.get(TOPIC_KEY) not in (*CAN_APPLY_INTENTS, "selfcheck_start", None):
        return judgements
    if not judgements and follows_kind(vocabulary().plain(text), memory, lang):
        return kinds.judge(previous, lang)  # "分公司能报吗" → "那怎么办", "为什么": the verdict again, with its reason
    if memory.get(TOPIC_KEY) not in CAN_APPLY_INTENTS:
        return judgements
    describes = bool(judgements) and _WHAT_IF.search(text) is not None and all(j.kind.listed for j in judgements)
    only_legal = all(j.kind.key == _NO_LEGAL for j in judgements)  # "那如果没有独立法人呢": a fact, not a kind
    facts = only_legal and kinds.words(lang).legal(text) is not None
    if not describes and not facts:
        return judgements
    separator = ", " if lang == "en" else "，"
    return tuple(replace(j, word=previous) for j in kinds.judge(f"{previous}{separator}{text}", lang))


def remember_own(text: str, memory: dict[str, Any]) -> None:
    """Keep what a message says of the user's own organisation (``memory["own_said"]``): a kind said to be theirs
    ("我们是一家研究所"), or, once they have described it, a statement that goes on ("事业单位性质", "有独立法人");
    not a what-if nor a kind asked about ("那子公司呢"). What it says replaces what was said before on the same
    (``slot_of``: "说错了 是子公司" replaces "我们是分公司")."""
    lang = detect_language(text)
    kinds = org_data().kinds
    remembered = memory.get(OWN_KEY)
    said: list[Any] = remembered if isinstance(remembered, list) else []
    judgements = _not_ours(kinds.judge(text, lang), text, memory, lang)
    legal = kinds.words(lang).legal(text)
    if (not judgements and legal is None) or _WHAT_IF.search(text) or kinds.words(lang).others.any_in(text):
        return
    ours = any(j.own for j in judgements) or (not judgements and kinds.words(lang).ours.any_in(text))
    if not ours and not (said and not _asks(text)):
        return
    slots = kinds.slots(text, lang) or frozenset({"legal"})
    kept = [entry for entry in said if not slots & set(entry[1])]
    memory[OWN_KEY] = [*kept, [text[:_OWN_CHARS], sorted(slots)]][-_OWN_KEPT:]


def _described(text: str, memory: dict[str, Any]) -> str | None:
    """After the user described their own organisation (``memory["own_said"]``), a bare can-we ("能报吗", "那我们
    能报吗") or a statement that goes on describing it ("有独立的法人证书", "主要做农产品质量检测"): the description
    with the message, to be judged as one message (what the message says replaces what was said before on the
    same)."""
    said = memory.get(OWN_KEY)
    if not isinstance(said, list) or not said:
        return None
    if bare_can_we(text):
        return "，".join([*(str(entry[0]) for entry in said), text])
    lang = detect_language(text)
    kinds = org_data().kinds
    if _asks(text) or _WHAT_IF.search(text) or kinds.words(lang).others.any_in(text):
        return None
    slots = kinds.slots(text, lang) or (frozenset({"legal"}) if kinds.words(lang).legal(text) is not None else None)
    kept = [str(entry[0]) for entry in said if slots and not slots & set(entry[1])]
    return "，".join([*kept, text]) if kept else None


def _describes_kind(act: Act, lang: str) -> bool:
    """A can-we on a kind described before it ("企业内设的研发中心能报吗", "分公司有营业执照也不行吗"), read as out of
    scope, as a question on the proof of legal personality or as a question on
    a condition its name happens to hold ("街道办下属的中小企业服务中心能报吗": 中小企业服务): without the kinds' names
    it is still a can-we (or nothing)."""
    kinds = org_data().kinds
    if not kinds.ends_can_we(act.text, lang):
        return False
    if act.intent in (FALLBACK_INTENT, _PROOF):
        return True  # "分公司有营业执照也不行吗": the licence describes the kind; its verdict answers
    return parse(kinds.without_kinds(act.text, lang)).intent in (*CAN_APPLY_INTENTS, "selfcheck_start", FALLBACK_INTENT)


def _recommends_another(text: str, memory: dict[str, Any], lang: str) -> bool:
    """A recommending body (stated in the message or remembered) asks about an organisation other than itself
    ("辖区有家个体户想申报 能推荐吗"; not "我们管委会能推荐吗")."""
    roles = org_data().roles
    found = roles.find(text, lang)
    role = found.role if found is not None and found.stated else roles.roles.get(memory.get(ROLE_KEY) or "")
    if role is None or not role.recommender:
        return False
    spoken = found.word if found is not None else ""
    return any(j.word not in spoken for j in org_data().kinds.judge(text, lang))


def _not_ours(judgements: tuple[Judgement, ...], text: str, memory: dict[str, Any],
              lang: str) -> tuple[Judgement, ...]:
    """A body that is no applicant (a 经信局, a 管委会: stated in the message or remembered) asks about an
    organisation in its area, not about its own ("我们是那曲市经信局 有家分公司想报 能推荐吗"); a body stated that is
    also a kind (管委会) is not the one asked about when another is named."""
    if not any(j.own for j in judgements):
        return judgements
    found = _find(text, lang)
    role = found.role if found is not None and found.stated else org_data().roles.roles.get(memory.get(ROLE_KEY) or "")
    if role is None or role.applicant:
        return judgements
    if found is not None and found.stated and found.word:  # "我们是园区管委会 园区里有家分公司想报": the 分公司
        judgements = org_data().kinds.judge(text.replace(found.word, "，"), lang) or judgements
    return tuple(replace(j, own=False) for j in judgements)


def names_kind(text: str) -> bool:
    """The message names a kind of organisation ("分公司", "事业单位", "branch office")."""
    return bool(org_data().kinds.judge(text, detect_language(text)))


def remember_role(memory: dict[str, Any], text: str, lang: str = "zh") -> RoleFound | None:
    """The body named in ``text``; when the user says they speak for it, it becomes ``memory["role"]``."""
    found = _find(text, lang)
    if found is not None and found.stated:
        memory[ROLE_KEY] = found.role.key
    return found


def tailored_answer(intent: str, text: str, memory: dict[str, Any], lang: str = "zh",
                    checks: tuple[FigureCheck, ...] = (), legal: bool | None = None) -> Answer | None:
    """The answer for this asker or this kind of organisation, in ``lang``, or None when the usual answer of
    ``intent`` applies. Records the role the message states (see ``remember_role``), the organisation of a
    can-we answer and the step of a recommending body's work answered. ``checks``: the user's own figures judged
    against the other basic conditions (see ``can_apply_answer``); ``legal``: whether the user's organisation is
    a legal person, as already answered (the self-check's item 1)."""
    found = remember_role(memory, text, lang)
    if intent in CAN_APPLY_INTENTS:
        judgements = _with_known_legal(judged_kinds(text, memory, lang), text, legal, lang)
        # a question, a statement that rules the organisation out ("我们是办事处"), leaves it open ("我们是一个民非")
        # or is to confirm against the five types ("我们是建筑公司"); not a mere introduction of a kind that can apply
        if judgements and (_asks(text) or any(j.verdict != "can" or j.to_confirm or _introduces(j) for j in judgements)
                           or continues_can_we(text, memory)):
            _remember_kind(memory, judgements)
            return can_apply_answer(judgements, intent, recommender=speaks_for_recommender(memory), lang=lang,
                                    checks=checks)
    memory.pop(KIND_KEY, None)
    if _continues_recommending(text, memory) or _asks_how_after(intent, text, memory, lang):
        intent = RECOMMENDING
    speaker = _speaker(intent, found, memory) or _unlisted(intent, found, text, lang)
    ask = org_data().roles.asked(text, lang) if intent == RECOMMENDING else None
    if ask is not None and (ask.recommender or ask.step) and \
            (speaker.role.recommender if speaker is not None else ask.anyone and bool(ask.recommender)):
        return _asked(ask, speaker, text, memory, lang)
    if speaker is None:
        return None
    step = _asked_step(intent, text, speaker, memory, lang)
    if step is not None:
        return _step(speaker, step, text, memory, lang)
    answer = role_answer(_about_recommending(intent, text, speaker, lang), speaker, lang=lang)
    _walked(memory, speaker, intent, text, lang, answered=answer is not None)
    return answer


def _with_known_legal(judgements: tuple[Judgement, ...], text: str, legal: bool | None,
                      lang: str) -> tuple[Judgement, ...]:
    """A listed type of the user's own organisation, asked about without saying whether it is a legal person ("我们是
    事业单位 检验检测中心 这种能报吧" after answering 是 to item 1): judged as a legal person, as already answered."""
    if not legal or len(judgements) != 1 or not judgements[0].own or judgements[0].basis != "legal_unknown":
        return judgements  # not "我们是个体户" → "那我们注册个公司呢": what it would become
    said = ", independent legal entity" if lang == "en" else "，独立法人"
    return org_data().kinds.judge(f"{text}{said}", lang) or judgements


def _introduces(judgement: Judgement) -> bool:
    """"我们是集团的子公司": the user's own organisation, of a kind that is no listed type, gets its verdict (not
    the list of the five); "我们是科研院所，独立法人" introduces a listed type, answered as usual."""
    return judgement.own and not judgement.kind.listed


def _asked(ask: RoleAsk, speaker: RoleFound | None, text: str, memory: dict[str, Any], lang: str) -> Answer:
    """A question on the recommendation with an answer of its own ("可以推荐几家", "测评有没有标准") or answered as a
    step of the work ("推荐了以后呢"); the step it is about is remembered for the next "然后呢"."""
    if not ask.recommender and speaker is not None:
        return _step(speaker, ask.step, text, memory, lang)
    if ask.step:
        memory[STEP_KEY] = ask.step
    else:
        memory.pop(STEP_KEY, None)
    return ask_answer(ask, speaker, lang=lang)


def _remember_kind(memory: dict[str, Any], judgements: tuple[Judgement, ...]) -> None:
    """The organisation of a can-we answer, for a what-if after it; none after several ("子公司和分公司哪个能报")."""
    if len(judgements) == 1:
        memory[KIND_KEY] = judgements[0].word
    else:
        memory.pop(KIND_KEY, None)


def _asked_step(intent: str, text: str, speaker: RoleFound, memory: dict[str, Any], lang: str) -> int | None:
    """The step of its own work a recommending body asks about: the n-th ("第一步做什么"), the one after the step
    named or last answered ("测评完了下一步呢", "然后呢"; after the last, the review), or the recommendation form
    when asked whether to seal it. None for any other question, and for one on the approval process itself."""
    words = org_data().roles.steps(lang)
    if not speaker.role.recommender or words.of_process(text):
        return None
    count, vocab = len(words.steps), vocabulary()
    nth = vocab.nth_step(text)
    if nth:
        return count if nth < 0 else nth if nth <= count else None
    named = words.named(text)
    if named and _THEN.match(text):
        return named  # "然后要附什么": the step named, asked as the next one
    if vocab.asks_next(text):
        at = named or memory.get(STEP_KEY)
        return at + 1 if isinstance(at, int) and 0 < at <= count else None
    if named and isinstance(memory.get(STEP_KEY), int) and not _answered_for(intent, speaker) \
            and knowledge_base().kind(intent) != "open":
        return named  # walking the work: "测完填啥", "填完交给谁"; not "申请材料要几份", what the notice leaves open
    at = named or memory.get(STEP_KEY)  # "要盖章吗" right after the form was told about; "推荐要本局盖章吗"
    return words.form if words.asks_seal(text) and (at == words.form or words.recommends(text)) else None


def _answered_for(intent: str, speaker: RoleFound) -> bool:
    """The intent has an answer of its own for this body ("推荐表哪里找": where to find the form)."""
    spec = org_data().roles.answers.get(intent)
    return spec is not None and bool(spec.recommender if speaker.role.recommender else spec.other)


def _step(speaker: RoleFound, step: int, text: str, memory: dict[str, Any], lang: str) -> Answer:
    """The step's answer; the step is remembered for the next "然后呢" (not the review after the last one)."""
    words = org_data().roles.steps(lang)
    if step <= len(words.steps):
        memory[STEP_KEY] = step
    else:
        memory.pop(STEP_KEY, None)
    return step_answer(speaker, step, seal=step == words.form and words.asks_seal(text), lang=lang)


def _walked(memory: dict[str, Any], speaker: RoleFound, intent: str, text: str, lang: str, *,
            answered: bool) -> None:
    """After an answer for a recommending body on its work, "然后呢" follows from the step the question named
    ("推荐要报给谁": the submission) or the answer is about ("表在哪": the form), else from the last (the whole work
    was told); after any other answer, from nothing."""
    words = org_data().roles.steps(lang)
    spec = org_data().roles.answers.get(intent)
    if answered and speaker.role.recommender:
        memory[STEP_KEY] = words.named(text) or (spec.step if spec is not None else 0) or len(words.steps)
    else:
        memory.pop(STEP_KEY, None)


def _about_recommending(intent: str, text: str, speaker: RoleFound, lang: str) -> str:
    """A body that is not a recommender asking about its area's enterprises in general ("那我们辖区企业怎么办",
    "会员企业想申报怎么办") or speaking of recommending where its question has no answer of its own ("我们街道想推荐
    一家企业申报，怎么操作") is told who recommends."""
    if speaker.role.recommender or speaker.role.applicant:
        return intent
    words = org_data().roles.steps(lang)
    spec = org_data().roles.answers.get(intent)
    if (intent in _GENERAL and words.of_area(text)) or ((spec is None or not spec.other) and words.recommends(text)):
        return RECOMMENDING
    return intent


def role_question(act: Act, text: str, in_flow: bool, memory: dict[str, Any]) -> Act:
    """A body that does not apply (stated in the message or before) asks about its part in the recommendation
    (``RECOMMENDING``) when it asks what it can or should do, read by the NLU as a self-check request
    ("我们是县工信局，能不能我们先初审一下再报给市里", "那我们要做什么") or, stated in the same message, as a
    greeting ("你好我是县工信局的想问下…我们要怎么报上去"); or how its area's enterprises go about it, whatever the
    NLU read ("那园区企业要报怎么办"). Unchanged: a request for the self-check ("帮我们辖区的平台自测一下"), a
    message naming a kind of organisation, any act during a flow."""
    if act.kind != "question" or in_flow:
        return act
    lang = detect_language(text)
    if restated_level(text, memory, lang):
        return replace(act, intent=RECOMMENDING)
    asked = asked_instead(act, text, memory, lang)
    if asked is not None or act.intent == RECOMMENDING:
        return asked or act
    body = _body_of(text, memory, lang)
    if body is None or vocabulary().request(text) is not None or _names_kind_besides(text, body.word, lang):
        return act
    ask = org_data().roles.asked(act.text, lang)
    if ask is not None and ask.intent and body.role.recommender:
        return replace(act, intent=ask.intent)  # "那申报单位需要交什么给我们": the materials
    if ask is not None and (ask.recommender or ask.step) and body.role.recommender:
        return replace(act, intent=RECOMMENDING)  # "我们自己能申报吗", read uncertainly: the body's own answer
    vague = act.intent == "selfcheck_start" or (act.intent in _GREETINGS and bool(body.word) and _asks(text))
    return replace(act, intent=RECOMMENDING) if vague or org_data().roles.steps(lang).asks_for_area(text) else act


def restated_level(text: str, memory: dict[str, Any], lang: str = "zh") -> bool:
    """A message that only says the level of the body the user speaks for ("是市级的" after "我们是园区管委会",
    "我们是国家级的" after "我们是经开区"): the body remembered becomes the one of that level (a park below
    autonomous-region level is no recommender), and the message asks about its part as an introduction does."""
    role = org_data().roles.level_said(text, memory.get(ROLE_KEY) or "", lang)
    if role is None:
        return False
    memory[ROLE_KEY] = role.key
    return True


def asked_instead(act: Act, text: str, memory: dict[str, Any], lang: str) -> Act | None:
    """A question read as one on the recommendation that asks what another intent answers ("我们是拉萨市经信局，
    推荐截止是哪天": the deadline), as that intent; the body the message states is remembered, as its answer
    would have. None for any other act."""
    ask = org_data().roles.asked(act.text, lang) if act.intent == RECOMMENDING else None
    if ask is None or not ask.intent:
        return None
    remember_role(memory, text, lang)
    return replace(act, intent=ask.intent)


def _body_of(text: str, memory: dict[str, Any], lang: str) -> RoleFound | None:
    """The body, not an applicant, the user speaks for: stated in ``text``, else remembered (no word)."""
    found = _find(text, lang)
    if found is None or not found.stated:
        role = org_data().roles.roles.get(memory.get(ROLE_KEY) or "")
        found = RoleFound(role, "", stated=True) if role is not None else None
    return found if found is not None and not found.role.applicant else None


def speaks_for_body(text: str) -> bool:
    """The message says whom the user speaks for, a body that does not apply ("我们是拉萨市经信局，不是申报单位";
    not "我们是县工信局下属的事业单位", an applicant of a kind): no answer to a question of the self-check."""
    lang = detect_language(text)
    found = _find(text, lang)
    return found is not None and found.stated and not found.role.applicant \
        and not _names_kind_besides(text, found.word, lang)


def introduces_kind(text: str, intent: str, memory: dict[str, Any]) -> bool:
    """A statement of only the user's own kind ("我们是民非"), read by the NLU as a self-check request: it gets that
    kind's verdict, as "我们是事业单位" does (not a listed type, nor a loose description to confirm)."""
    lang = detect_language(text)
    if intent not in _INTRODUCTION or vocabulary().request(text) is not None \
            or len(org_data().kinds.without_kinds(text, lang).strip(_MARKS)) > _INTRODUCING:
        return False
    judgements = judged_kinds(text, memory, lang)
    return len(judgements) == 1 and _introduces(judgements[0]) and not judgements[0].to_confirm


def introduces_role(text: str, intent: str, lang: str = "zh") -> bool:
    """A statement that only says whom the user speaks for ("我们是县里的开发区"), read by the NLU as nothing in
    particular (a self-check request, out of scope) or, a statement asking nothing, as a question on the notice
    ("我们是自治区级园区": the background): a body that is not an applicant nor a kind of applicant, answered as a
    question on its part in the recommendation."""
    found = _find(text, lang)
    read = intent in _INTRODUCTION or knowledge_base().kind(intent) in _QUESTION_KINDS
    return read and found is not None and found.stated and not found.role.applicant \
        and not _names_kind_besides(text, found.word, lang)


def _names_kind_besides(text: str, body: str, lang: str) -> bool:
    """The message names a kind of organisation other than the body's own name ("我们是县工信局下属的事业单位"; not
    "管委会" in "我们是浪卡子县的工业园区管委会", which is the body, nor a kind whose name is a body's: "We are a
    national-level development zone management committee")."""
    judged = org_data().kinds.judge(text.replace(body, "，") if body else text, lang)
    return any(_find(j.word, lang) is None for j in judged)  # "管委会" names a kind and a body: the body


def _continues_recommending(text: str, memory: dict[str, Any]) -> bool:
    """"然后呢" from a recommending body after its own work was the topic: its steps, not the review after it."""
    topic = memory.get(TOPIC_KEY)
    if isinstance(memory.get(STEP_KEY), int):  # a step was the last answer ("第一步是啥", then "之后")
        return speaks_for_recommender(memory) and vocabulary().asks_next(text)
    return topic == RECOMMENDING and speaks_for_recommender(memory) and \
        vocabulary().next_step(text, topic) is not None


def _asks_how_after(intent: str, text: str, memory: dict[str, Any], lang: str) -> bool:
    """"那怎么办", "那找谁" right after a body was told its part in the recommendation, with no subject of its own:
    asks the same again."""
    return intent in _GENERAL and memory.get(TOPIC_KEY) == RECOMMENDING \
        and org_data().roles.steps(lang).area_asks.any_in(text)


def _asks(text: str) -> bool:
    """Some clause of ``text`` is a question ("事业单位可以报不？我们是市里的生产力促进中心"; voice input without
    marks, "…研究院能报吗 独立登记的")."""
    return any(vocabulary().asks(clause) for clause in _CLAUSES.findall(text))


def _speaker(intent: str, found: RoleFound | None, memory: dict[str, Any]) -> RoleFound | None:
    """Whom to answer for: the body the message states, else a body it asks about (not one to go through,
    "找经信局推荐"; a body that is not a recommender is told so either way; not the applicant it recommends, "我们怎么
    推荐申报单位"), else the remembered role."""
    if found is not None and found.stated:
        return found
    spec = org_data().roles.answers.get(intent)
    if found is not None and spec is not None and spec.mention and not (found.via and found.role.recommender) \
            and not found.role.applicant and not (found.via and found.role.receiver):
        return found  # "经信厅可以推荐吗" is answered for it; "推荐完了报经信厅吗" is not
    role = org_data().roles.roles.get(memory.get(ROLE_KEY) or "")
    return RoleFound(role, "", stated=True) if role is not None else None


def _unlisted(intent: str, found: RoleFound | None, text: str, lang: str) -> RoleFound | None:
    """"我们是银行 能推荐客户吗": asked by a body of none of the kinds listed, whether it may recommend."""
    if intent != RECOMMENDING or found is not None:
        return None
    return org_data().roles.unlisted_body(text, lang)


def speaks_for_recommender(memory: dict[str, Any]) -> bool:
    """The user said they speak for a recommending body (``memory["role"]``)."""
    role = org_data().roles.roles.get(memory.get(ROLE_KEY) or "")
    return role is not None and role.recommender
