"""The self-check dialogue: one question at a time, natural answers, corrections, skips, going back, side
questions, a summary to confirm, then the verdict of the rule engine.

The questions, their order and wording and the control words are data (``knowledge/selfcheck_flow.yml``);
the state is ``DialogState`` (flow "selfcheck", ``step`` = the pending question, ``slots`` = the profile so
far, ``history`` = the questions answered, for 上一题), saved by the Assistant after every turn.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from datetime import UTC, date
from typing import Any
from zoneinfo import ZoneInfo

from dialogs._context import Context
from dialogs._types import Button, Reply
from dialogs.roles import (
    CAN_APPLY_INTENTS,
    KIND_KEY,
    KIND_VERDICT,
    asks_kind,
    bare_can_we,
    changed_at,
    judged_kinds,
    names_kind,
    own_listed_type,
    speaks_for_body,
)
from dialogs.selfcheck._answers import (
    Extractor,
    Fact,
    Reading,
    fits_exactly,
    read_answer,
    read_bool,
    read_choice,
    read_corrections,
    read_functions,
)
from dialogs.selfcheck._facts import YesNo, facts_in, org_description, parts_in, read_yes_no, subclauses
from dialogs.selfcheck._flowmodel import FlowModel, Question, clean, load_flow
from dialogs.selfcheck._present import T, check_value, question_reply, show_value, summary_reply
from dialogs.selfcheck._records import save_result, turn_latest_result
from dialogs.selfcheck._rules import evaluate, judge_items
from dialogs.selfcheck._verdict import verdict_replies
from knowledge import Judgement, format_number, load_file, render
from nlu import FALLBACK_INTENT, Act, Entity, detect_language, extract_entities, vocabulary

FLOW_NAME = "selfcheck"
CHOOSE = "_choose"
SUMMARY = "_summary"
KNOCKED = "_knocked"  # an answer settled the verdict: the user chooses the verdict now or to go on
SIDE_INTENT_CONFIDENCE = 0.6
NO_RESUME_INTENTS = frozenset({"forget_me"})
# asked mid-form, these get the interim judgement: items failed so far, items left
STANDING_INTENTS = frozenset({"selfcheck_start", "selfcheck_result"})
MATERIAL_WORDS = ("材料", "清单", "证书", "报告", "执照")
_KIND_KEYS = frozenset({"legal_person", "org_type"})  # what a statement of the organisation's kind records
KEPT_SAID = 10  # the user's latest statements kept for "刚才说过了"
OTHER_ACTION_CONFIDENCE = 0.8
MAX_NAMED = 5  # items recorded so far named in "自测正在进行中" (more: only counted)
_NUMERIC = ("number", "integer", "percent")
_PERCENT_WORDS = re.compile(r"[%％]|百分|成")  # "大专以上60" with 百分/成/% is a percentage, not a head count
SURE_OF_ANOTHER = 0.9  # a question mid-form read as another item's with less than this is about the pending one
OTHER_ACTIONS = frozenset({"own_deadline", "remind_subscribe", "remind_unsubscribe", "remind_email", "materials_update",
                           "forget_me"})
# words that open a statement without answering anything ("对了，园区说…")
FILLERS = frozenset({"对了", "哦对了", "另外", "还有", "顺便说一下", "顺便问一下", "还有个事", "还有件事"})
_CONTROLS = ("cancel", "restart", "verdict", "stop", "said", "back", "skip", "unknown", "correction")
SHORT_COMMAND = 8  # characters: "可以重新开始吗" is a command, a longer question only talks about one
VERDICT_BUTTONS = (Button("直接给结论", "直接给结论"), Button("继续", "继续"))


class Draft:
    """A typed view over ``DialogState.slots`` of the self-check."""

    def __init__(self, slots: dict[str, Any]) -> None:
        self.slots = slots
        self.profile: dict[str, Any] = slots.setdefault("profile", {})
        self.skipped: list[str] = slots.setdefault("skipped", [])
        self.selecting: list[str] = slots.setdefault("selecting", [])


def local_today(ctx: Context) -> date:
    """The date of the check in the configured time zone (Asia/Shanghai by default)."""
    now = ctx.now if ctx.now.tzinfo else ctx.now.replace(tzinfo=UTC)
    return now.astimezone(ZoneInfo(os.environ.get("SHENBAO_TIMEZONE", "Asia/Shanghai"))).date()


class SelfCheckFlow:
    name = FLOW_NAME

    def __init__(self, model: Callable[[], FlowModel] = load_flow, extract: Extractor = extract_entities) -> None:
        self._model = model
        self.extract = extract

    @property
    def model(self) -> FlowModel:
        return self._model()

    # ----------------------------------------------------------------- entry points
    def start(self, ctx: Context, prefill: Mapping[str, Any] | None = None, *, intro: str = "",
              said: str = "") -> list[Reply]:
        """Begin (again): with the answers of ``prefill``, the facts the user gave earlier in the conversation
        (``DialogState.memory``) and those ``said`` in the message that started it ("我想自测，我们成立5年")."""
        ctx.state.reset_flow()
        ctx.state.flow = self.name
        draft = Draft(ctx.state.slots)
        remembered = self._valid(ctx.state.memory.get("facts") or {})
        draft.profile.update(self._valid(prefill or {}))
        draft.profile.update(remembered)
        parts = [intro, render(T + "start", known=len(draft.profile) - len(remembered))]
        if remembered:
            questions = self.model.questions
            facts = [{"label": questions[k].label, "shown": show_value(self.model, questions[k], v)}
                     for k, v in remembered.items()]
            parts.append(render(T + "known_facts", facts=facts))
        reading = self.free_reading(ctx) if said else Reading()
        if said:
            self._keep_said(ctx)
            self.note_description(ctx, ctx.state.slots)
        if ctx.state.memory.get("type_said") and "org_type" not in draft.profile:
            ctx.state.slots.setdefault("type_said", ctx.state.memory["type_said"])
        taken: set[str] = set()
        if reading.facts or reading.problems:
            feedback, taken = self._take(ctx, reading)
            parts.append(feedback.text)
        knocked = self._knockout(ctx, taken | set(remembered))
        intro_text = "\n\n".join(p for p in parts if p)
        if knocked is not None:
            return [Reply(intro_text), knocked]
        if ctx.state.slots.get("type_said") and "org_type" not in draft.profile \
                and ctx.understanding.questions:  # asked "我们是建筑公司，能报吗": the type is what matters first
            ctx.state.step = "org_type"
            return [self.ask(ctx, "org_type", intro=intro_text)]
        return self.advance(ctx, intro=intro_text)

    def _valid(self, values: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in values.items():
            question = self.model.questions.get(key)
            if question is not None and check_value(self.model, question, value)[1] is None:
                out[key] = value
        return out

    def free_reading(self, ctx: Context, plan: tuple[str, ...] | None = None) -> Reading:
        """The facts of a message said outside any question: figures named by their keywords (not those said to be
        wrong, nor the rule's own), yes/no facts and the organisation type ("我们是科研院所，独立法人"); ``plan``:
        the items they may be of (all by default)."""
        today, plan = local_today(ctx), plan or self.model.full_plan()
        reading = read_answer(self.model, ctx.text, self._asked_item(ctx), plan, today, entities=self._own(ctx, today))
        reading.facts = [f for f in reading.facts if f.entity]  # figures only: no "没有" read as 0 of the item asked
        changed = changed_at(ctx.understanding.text)  # "我是个体户，后来注册成有限公司了": not what it was
        clauses = [a.text for a in ctx.understanding.statements if a.start + len(a.text) > changed]
        _merge(reading, facts_in(self.model, clauses, None, plan), replace=False)
        if ctx.state.flow == self.name:
            self._keep_parts(ctx, parts_in(self.model, clauses, None, plan))
        _merge(reading, self._kind_type(ctx), replace=False)
        _merge(reading, self._kind_legal(ctx), replace=False)
        known = ctx.state.known_facts()
        reading.facts = [self._as_share(f, reading, known, ctx.text) for f in reading.facts]
        return reading

    def _asked_item(self, ctx: Context) -> str | None:
        """"资产总额怎么算？我们账上150万": the one item counted in figures that the message's question is about; a
        figure said without its keyword is of it, as the answer judges it."""
        topics = {a.intent for a in ctx.understanding.questions}
        keys = [k for k, q in self.model.questions.items() if q.type in _NUMERIC and q.topic in topics]
        return keys[0] if len(topics) == 1 and len(keys) == 1 else None

    def _kind_said(self, ctx: Context) -> tuple[str, str] | None:
        """Answering the type question with a kind of organisation: the listed type its words give ("我们是做检测的"
        → 技术服务机构, "律所" → 社会中介机构), or none and the word, to be confirmed against the five ("民非",
        "是个基金会"). None when the message names no kind, several, or one that cannot apply (its legal personality
        answers)."""
        judgements = judged_kinds(ctx.understanding.text, ctx.state.memory, detect_language(ctx.understanding.text))
        if len(judgements) != 1 or judgements[0].verdict == "cannot" \
                or not (judgements[0].own or not ctx.understanding.questions):
            return None  # "咱们下面还有个培训学校 那个能单独报不": another unit, asked about
        return self._type_key(judgements[0].kind.listed), judgements[0].word

    def _kind_type(self, ctx: Context) -> list[Fact]:
        """The type the words of a kind give ("我们是做检测的子公司": 技术服务机构), as the can-we answer said."""
        key = self._type_key(own_listed_type(ctx.text, ctx.state.memory))
        return [Fact("org_type", key, ctx.text)] if key else []

    @staticmethod
    def _kind_legal(ctx: Context) -> list[Fact]:
        """No legal personality, said by the kind of the user's own organisation in a can-we ("我们是办事处能报吗")."""
        judgements = judged_kinds(ctx.understanding.text, ctx.state.memory)
        return [Fact("legal_person", False, ctx.text)] if _lacks_legal(judgements) else []

    def _type_key(self, label: str | None) -> str:
        """The choice of the type question named ``label`` (技术服务机构 → tech_service); "" for none."""
        choices = self.model.questions["org_type"].choices
        return next((k for k, name in choices.items() if label and name == label), "")

    def offer_choice(self, ctx: Context, when: str, verdict: str, count: int) -> list[Reply]:
        ctx.state.reset_flow()
        ctx.state.flow, ctx.state.step = self.name, CHOOSE
        ctx.state.slots.update(choice={"when": when, "verdict": verdict, "count": count})
        return [self._choice_reply(ctx)]

    def asking(self, ctx: Context) -> tuple[str | None, str | None, str | None]:
        question = self.model.questions.get(ctx.state.step or "")
        return (question.key, question.type, question.topic) if question is not None else (None, None, None)

    def handle(self, ctx: Context) -> list[Reply] | None:
        if ctx.parsed.engine == "command":
            return self._command(ctx)
        word = self._control_word(ctx)
        if word == "cancel":
            ctx.state.reset_flow()
            return [Reply(render(T + "cancelled"))]
        if word == "restart":
            return self.start(ctx, intro=render(T + "restarted"))
        if ctx.state.step == CHOOSE:
            return self._at_choice(ctx)
        if ctx.state.step == SUMMARY:
            return self._at_summary(ctx, word)
        settled = self._kind_restated(ctx, word) or self._kind_knockout(ctx, word)
        if settled is not None:
            return settled
        if ctx.state.step == KNOCKED:
            return self._at_knocked(ctx, word)
        return self._at_question(ctx, word)

    def _kind_restated(self, ctx: Context, word: str | None) -> list[Reply] | None:
        """Right after a can-we answer, a statement that says again what the user's own organisation is ("搞错了，
        我们是独立注册的子公司", "更正一下，我们是事业单位"): that kind's verdict, then what the statement gives
        recorded (the legal personality), else the pending question again."""
        understanding = ctx.understanding
        if word not in (None, "correction") or understanding.questions or not understanding.statements \
                or not isinstance(ctx.state.memory.get(KIND_KEY), str) \
                or not any(j.own for j in judged_kinds(understanding.text, ctx.state.memory)):
            return None
        ctx.parsed = replace(ctx.parsed, intent=KIND_VERDICT, confidence=1.0)
        verdict = ctx.assistant.answer_intent(ctx)
        key = ctx.state.step if ctx.state.step in self.model.questions else ""
        reading, _ = self._read(ctx, key or "", None)
        reading.facts = [f for f in reading.facts if f.key in _KIND_KEYS]
        return [*verdict, *(self._apply(ctx, reading) if reading.facts else self.resume(ctx))]

    def _kind_knockout(self, ctx: Context, word: str | None) -> list[Reply] | None:
        """A can-we on the user's own organisation, of a kind that is no legal person ("等一下，我们是分公司能报吗"):
        the kind's verdict, the legal personality recorded as 否, and the knock-out that follows."""
        understanding = ctx.understanding
        if word is not None or ctx.state.step == KNOCKED or understanding.own_entities \
                or not asks_kind(understanding.questions, understanding.text, ctx.state.memory):
            return None
        if not _lacks_legal(judged_kinds(understanding.text, ctx.state.memory)):
            return None
        verdict = ctx.assistant.answer_questions(ctx)
        feedback, taken = self._take(ctx, Reading(facts=[Fact("legal_person", False, ctx.text)]))
        knocked = self._knockout(ctx, taken)
        return [*verdict, feedback, *([knocked] if knocked is not None else self.resume(ctx))]

    def _control_word(self, ctx: Context) -> str | None:
        """The control word of the message. In a longer question ("中途退出的话，是不是要重新开始填？") the words
        重新开始、取消、跳过… are talked about, not commanded; asking for the verdict is a question by nature."""
        word = next((w for w in _CONTROLS if self.model.word(w, ctx.text)), None)
        if word is None and ctx.understanding.statements and not ctx.understanding.rejected \
                and vocabulary().corrects(ctx.text):
            return "correction"  # "成立时间说错了，是2021年"
        if word is None or word in ("verdict", "stop", "said") or len(clean(ctx.text)) <= SHORT_COMMAND:
            return word
        asked = [a for a in ctx.understanding.questions if self.model.word(word, a.text)]
        return None if asked else word

    def resume(self, ctx: Context) -> list[Reply]:
        """Repeat the pending question after a side question or another command was answered. Not after
        /forget, which asks for a confirmation that must stay the last message; the next answer still
        continues the self-check."""
        if ctx.parsed.intent in NO_RESUME_INTENTS:
            return []
        if ctx.state.step == CHOOSE:
            return [self._choice_reply(ctx)]
        if ctx.state.step == KNOCKED:
            return [self._knocked_reply(ctx)]
        step = ctx.state.step
        if step is None or step not in self.model.questions:
            return self.advance(ctx)
        return [self.ask(ctx, step)]

    # ----------------------------------------------------------------- asking
    def plan(self, ctx: Context) -> tuple[str, ...]:
        return self.model.plan(Draft(ctx.state.slots).profile.get(self.model.functions_key))

    def ask(self, ctx: Context, key: str, *, intro: str = "", hint: bool = False) -> Reply:
        draft, plan = Draft(ctx.state.slots), self.plan(ctx)
        said = draft.slots.get("type_said")
        if key == "org_type" and said and key not in draft.profile:  # described before: confirmed first
            return self._ask_type(ctx, str(said), intro=intro)
        question = self._rest_of(draft, self.model.questions[key])
        current = show_value(self.model, question, draft.profile[key]) if key in draft.profile else ""
        index = plan.index(key) + 1 if key in plan else len(plan)
        selected = tuple(self.model.function_name(k) for k in draft.selecting)
        return question_reply(self.model, question, index, len(plan), intro=intro, current=current, hint=hint,
                              selected=selected)

    @staticmethod
    def _rest_of(draft: Draft, question: Question) -> Question:
        """An item that names two things, one of them said in passing before ("科研院所，主要负责人诚信守法"): only the
        other is asked ("您之前提到负责人已具备；请问管理团队也具备吗？")."""
        known = draft.slots.get("parts", {}).get(question.key) or []
        missing = [words[0] for words in question.parts if words[0] not in known]
        if not known or not missing or question.key in draft.profile:
            return question
        return replace(question, prompt=render(T + "parts_known", affirmed=known, missing=missing))

    def advance(self, ctx: Context, *, intro: str = "") -> list[Reply]:
        """Ask the first question of the plan not yet answered nor skipped; the summary when none is left."""
        draft = Draft(ctx.state.slots)
        for key in self.plan(ctx):
            if key not in draft.profile and key not in draft.skipped:
                ctx.state.step = key
                return [self.ask(ctx, key, intro=intro)]
        ctx.state.step = SUMMARY
        return [summary_reply(self.model, draft.profile, self.plan(ctx), intro=intro)]

    # ----------------------------------------------------------------- turns
    def _command(self, ctx: Context) -> list[Reply] | None:
        if ctx.parsed.intent != "selfcheck_start":
            return None  # /report, /help…: answered by their handler, then the pending question again
        if self.model.word("prefill", ctx.text) or self.model.word("fresh", ctx.text):
            return None  # the start handler decides between the last answers and a fresh start
        return self._in_progress(ctx)

    def _in_progress(self, ctx: Context) -> list[Reply]:
        """A request for the self-check while it runs: what is recorded so far (by name when few), then the
        pending question again."""
        profile = Draft(ctx.state.slots).profile
        labels = [self.model.questions[k].label for k in self.model.full_plan() if k in profile]
        shown = labels if len(labels) <= MAX_NAMED else []
        return [Reply(render(T + "in_progress", count=len(profile), labels=shown)), *self.resume(ctx)]

    def _at_question(self, ctx: Context, word: str | None) -> list[Reply] | None:
        key = ctx.state.step or ""
        if word == "back":
            return self._back(ctx)
        if word in ("skip", "unknown"):
            return self._skip(ctx, key, unknown=word == "unknown")
        if word in ("verdict", "stop"):
            return self._verdict_now(ctx, explicit=word == "verdict")
        if word == "said" and not self._answers_itself(ctx, key):
            return self._said_before(ctx, key)
        if key == "org_type" and ctx.state.slots.get("type_said"):
            confirmed = self._confirm_type(ctx)
            if confirmed is not None:
                return confirmed
        if not ctx.understanding.statements:
            return self._questions_only(ctx)
        if speaks_for_body(ctx.text):
            return None  # "我们是拉萨市经信局，不是申报单位": its part in the recommendation, then the question again
        self._keep_said(ctx)
        if key == self.model.functions_key:
            chosen = self._functions_answer(ctx, self._after_correction(ctx.text) if word == "correction" else ctx.text)
            if chosen is not None:
                return chosen
        reading, yes_no = self._read(ctx, key, word)
        if self._belongs_elsewhere(ctx) and not self._answers_pending(ctx, key, reading):
            return None  # "对了，园区说材料下周五前报，记得提醒我": answered by its intent, then the question again
        if yes_no is not None and yes_no.missing:
            return self._parts_missing(ctx, key, reading, yes_no)
        if reading.facts or reading.problems:
            addressed = yes_no is None or yes_no.addressed
            return self._apply(ctx, reading, hint=not addressed)
        kind = self._kind_said(ctx) if key == "org_type" else None
        if kind is not None and kind[0]:
            return self._apply(ctx, Reading(facts=[Fact("org_type", kind[0], ctx.text)]))
        described = org_description(ctx.text, answering=True) or (kind[1] if kind else None) \
            if key == "org_type" else None
        if described and asks_kind(ctx.understanding.questions, ctx.understanding.text, ctx.state.memory):
            ctx.state.slots["type_said"] = described  # "我们是事业单位，能报吗": the verdict, then the type confirmed
            return None
        if described:
            return [self._ask_type(ctx, described)]
        if word == "correction":
            return self._back(ctx)  # "不对" / "说错了" alone: the previous question again
        return self._not_understood(ctx)

    def _as_share(self, fact: Fact, reading: Reading, profile: Mapping[str, Any], text: str) -> Fact:
        """"18个人，大专以上的有12个": a head count given for a share of the staff becomes its percentage (of the
        staff said in the same message, or recorded before)."""
        question = self.model.questions[fact.key]
        if question.share_of is None or fact.entity not in ("count", "number") \
                or not isinstance(fact.value, int | float):
            return fact
        said = next((f.value for f in reading.facts if f.key == question.share_of), None)
        whole = said if said is not None else profile.get(question.share_of)
        named = any(w in text for w in question.keywords) and not _PERCENT_WORDS.search(text)
        if not whole or (fact.entity == "number" and said is None and not named) or not 0 <= fact.value <= whole:
            return fact  # "60" alone is 60 %; "大专以上的有12个" of 18 staff is 66.67 %
        part = fact.value
        return Fact(fact.key, round(part / whole * 100, 2), fact.source,
                    f"按{format_number(part)}/{format_number(whole)}计算", "percent")

    def _corrected_answer(self, ctx: Context, today: date, said: str) -> list[Fact]:
        """"不对，是195万": the item named in the correction ``said``, else the latest answer a figure of that kind
        fits."""
        text = self._after_correction(said)
        named = self._named_key(ctx, text)  # "资产我前面说错了，应该是105万": the item named, however it was recorded
        for key in [*([named] if named else []), *reversed(ctx.state.history)]:
            if self.model.questions[key].type in ("number", "integer", "percent"):
                reading = read_answer(self.model, text, key, (key,), today, self.extract)
                if reading.facts and reading.facts[0].key == key:
                    return reading.facts[:1]
        return []

    def _own(self, ctx: Context, today: date) -> list[Entity]:
        """The user's own figures: all of the message's but those said to be wrong ("不是80次") and those of a
        question about the rule ("培训600人次是线上线下合计吗")."""
        understanding = ctx.understanding
        excluded = [(e.start, e.end) for e in (*understanding.rejected, *understanding.rule_said)]
        answered = any(a.entities for a in understanding.statements)  # "我们2024年6月成立的，还没满两年吧？"
        excluded += [(a.start, a.start + len(a.text)) for a in understanding.questions
                     if (a.about_rule and not a.own) or answered or a.states_rule]
        found = ctx.parsed.entities
        if self.extract is not extract_entities or not found or any(e.entity == "date" for e in found):
            found = self.extract(ctx.text, today=today)  # dates are read again against the turn's own day
        return [e for e in found if not any(lo <= e.start < hi for lo, hi in excluded)]

    def _belongs_elsewhere(self, ctx: Context) -> bool:
        """A statement plainly meant for another feature (a deadline to remember, materials ready)."""
        parsed = ctx.parsed
        return parsed.confidence >= OTHER_ACTION_CONFIDENCE and parsed.intent in OTHER_ACTIONS \
            and ctx.state.step != self.model.functions_key and not self.model.word("done", ctx.text) \
            and not ctx.understanding.rejected  # "完成", "45家写错了，应该是54家" belong to the form

    def _answers_pending(self, ctx: Context, key: str, reading: Reading) -> bool:
        """"2019年3月" at the founding question is its answer, whatever else it could be (a deadline); at a
        yes/no question only a bare 是/否 is."""
        question = self.model.questions.get(key)
        if question is None:
            return False
        if question.type == "bool":
            return ctx.understanding.statements[0].polarity is not None
        return any(f.key == key for f in reading.facts)

    def _questions_only(self, ctx: Context) -> list[Reply] | None:
        """A message that only asks: can-we / what-is-missing gets the interim judgement; any other question is
        answered by its intent, and the form continues where it was."""
        if any(self._asks_standing(ctx, act) for act in ctx.understanding.questions) and not (
                names_kind(ctx.understanding.text)
                and asks_kind(ctx.understanding.questions, ctx.understanding.text, ctx.state.memory)):
            return [self._interim_reply(ctx), *self.resume(ctx)]  # not "那我们总公司呢": that kind's verdict
        if ctx.parsed.intent == "selfcheck_start" and not ctx.understanding.questions:
            return self._not_understood(ctx)
        self._about_pending(ctx)
        return None

    def _about_pending(self, ctx: Context) -> None:
        """"80%是按问卷算吗" while the satisfaction is asked: a figure of the pending item's kind in a question the
        NLU is not sure of is a question about that item."""
        question = self.model.questions.get(ctx.state.step or "")
        if question is None or question.topic is None:
            return
        understanding = ctx.understanding
        acts = tuple(replace(a, intent=question.topic, confidence=1.0)
                     if a.kind == "question" and a.intent != question.topic and a.confidence < SURE_OF_ANOTHER
                     and any(fits_exactly(question, e) for e in a.entities) else a for a in understanding.acts)
        if acts != understanding.acts:
            ctx.__dict__["understanding"] = replace(understanding, acts=acts)

    def _asks_standing(self, ctx: Context, act: Act) -> bool:
        """A can-we about the user's own organisation ("我们是不是不能报", a bare "可以申报吗") or a what-is-missing."""
        intent = act.intent or ""
        if intent in STANDING_INTENTS or (intent in CAN_APPLY_INTENTS and bare_can_we(act.text)):
            return True
        return intent == "materials_status" and not any(w in ctx.text for w in MATERIAL_WORDS)

    def _read(self, ctx: Context, key: str, word: str | None) -> tuple[Reading, YesNo | None]:
        """Everything the statements of the message give: figures (the rejected ones left out), corrections
        of earlier figures, facts said in passing, and the answer to the pending item."""
        model, draft, today = self.model, Draft(ctx.state.slots), local_today(ctx)
        understanding = ctx.understanding
        question = model.questions.get(key)
        pending = key if question is not None and question.type != "bool" else None
        lead, fixed = self._correction_parts(ctx, key, today) if word == "correction" else ([], ctx.text)
        if word == "correction":  # "不对，是35家": the item named, else the last answer (not the pending one)
            own = key if lead and self._named_key(ctx, fixed) is None else None  # "30家，哦不对，是3家": this answer
            reading = read_answer(model, self._after_correction(fixed), own, self._allowed(ctx), today, self.extract)
        else:
            reading = read_answer(model, ctx.text, pending, self._allowed(ctx), today, entities=self._own(ctx, today))
        clauses = [a.text for a in understanding.statements if clean(a.text) not in FILLERS]
        if key != "org_type":
            self.note_description(ctx, ctx.state.slots)
        if word == "correction":
            clauses = subclauses(self._after_correction(ctx.text))  # "不对" alone says nothing of the item
        # "是3家，不是30家" to "集聚了多少家" answers it; "前面那个45家写错了，应该是54家" corrects an earlier answer
        answers_pending = question is not None and any(fits_exactly(question, e) for e in understanding.own_entities) \
            and not vocabulary().corrects(ctx.text)
        corrections = [] if answers_pending else read_corrections(
            model, ctx.text, understanding.own_entities, understanding.rejected, draft.profile, today)
        if corrections:  # "12人是错的，应该是15人": the right figure goes where the wrong one was, nowhere else
            sources = {f.source for f in corrections}
            reading.facts = [f for f in reading.facts if f.source not in sources]
        _merge(reading, corrections, replace=True)
        _merge(reading, facts_in(model, clauses, key, self._allowed(ctx)), replace=False)
        if word == "correction" and not reading.facts:  # "不对，是195万": the last answer it fits
            _merge(reading, self._corrected_answer(ctx, today, fixed), replace=True)
        _merge(reading, lead, replace=False)  # "三家 对了满意度刚才说错了，是95%": 三家 answers the pending item
        self._keep_parts(ctx, parts_in(model, clauses, key, self._allowed(ctx)))
        reading.facts = [self._as_share(f, reading, draft.profile, ctx.text) for f in reading.facts]
        yes_no = None
        figures = word == "correction" and bool(self.extract(self._after_correction(ctx.text), today=today))
        if question is not None and question.type == "bool" and clauses and not understanding.rejected \
                and not figures:  # "不对，是195万" is no 是 for a yes/no item
            first = understanding.statements[0] if understanding.statements and word != "correction" else None
            known = draft.slots.get("parts", {}).get(key, ())
            yes_no = _named_only(model, question, clauses, known,
                                 read_yes_no(model, question, clauses, known, first.polarity if first else None))
            if yes_no.value is not None:
                _merge(reading, [Fact(key, yes_no.value, ctx.text, yes_no.note)], replace=True)
        return reading, yes_no

    def _correction_parts(self, ctx: Context, key: str, today: date) -> tuple[list[Fact], str]:
        """The answer to the pending item said before a correction in the same message (a figure or a bare 是/否),
        and the correction ("3家。资产刚才说错了，是250万" → 3 家, "资产刚才说错了，是250万"); no answer, and the
        whole message, when the message opens with the correction or what precedes it answers nothing."""
        statements, text = ctx.understanding.statements, ctx.understanding.text
        fix = next((a for a in statements if a.kind == "correction"), None)
        if fix is None or fix is statements[0] or not text[:fix.start].strip():
            return [], text
        bare = statements[0].polarity is not None
        answer = read_answer(self.model, text[:fix.start], key, self._allowed(ctx), today, self.extract).facts
        lead = [f for f in answer if f.entity or bare]
        return (lead, text[fix.start:]) if lead else ([], text)

    def _after_correction(self, text: str) -> str:
        """"不对，资产是150万" → "资产是150万" (what follows the correction word)."""
        cleaned = clean(text)
        word = self.model.word("correction", cleaned) or ""
        return cleaned[len(word):].lstrip("，,。；;：:、 ")

    def _not_understood(self, ctx: Context) -> list[Reply] | None:
        if ctx.parsed.intent == "selfcheck_start":
            if asks_kind(ctx.understanding.questions, ctx.understanding.text, ctx.state.memory):
                return None  # "我们是民非，这种能报吗": the kind's verdict, then the pending question again
            return self._in_progress(ctx)
        if self._is_other_intent(ctx) and not self.model.word("done", ctx.text):
            return None  # “完成” is the check's own word (the function choice), not the materials checklist's
        if ctx.state.step == SUMMARY:
            return [Reply(render(T + "summary_hint"))]
        key = ctx.state.step or ""
        hint = self.model.hints[self.model.questions[key].type]
        return [Reply(render(T + "not_understood", text=ctx.text[:40], hint=hint)), self.ask(ctx, key)]

    def _at_summary(self, ctx: Context, word: str | None) -> list[Reply] | None:
        if word == "back":
            return self._back(ctx)
        if self._is_side_question(ctx.text):
            return None
        reading = read_answer(self.model, ctx.text, None, self.plan(ctx), local_today(ctx), self.extract)
        named = self._named_key(ctx, ctx.text)
        if not reading.facts and not reading.problems and named is not None:
            reading = self._edit_reading(ctx.text, named)
        if reading.facts or reading.problems:
            return self._apply(ctx, reading)
        if self.model.word("confirm", ctx.text):
            return self._finish(ctx)
        if named is not None:
            ctx.state.step = named
            return [self.ask(ctx, named)]
        return self._not_understood(ctx)

    def _at_choice(self, ctx: Context) -> list[Reply] | None:
        if self.model.word("prefill", ctx.text):
            last = turn_latest_result(ctx.db)
            return self.start(ctx, dict(last.profile) if last else None)
        if self.model.word("fresh", ctx.text):
            return self.start(ctx)
        if self._is_side_question(ctx.text) or self._is_other_intent(ctx):
            return None
        return [self._choice_reply(ctx)]

    def _choice_reply(self, ctx: Context) -> Reply:
        info = ctx.state.slots.get("choice") or {}
        text = render(T + "choose", when=info.get("when", ""), verdict=info.get("verdict", ""),
                      count=info.get("count", 0))
        return Reply(text, buttons=(Button("沿用上次答案", "沿用上次答案"), Button("重新填写", "重新填写")))

    # ----------------------------------------------------------------- control words
    def _back(self, ctx: Context) -> list[Reply]:
        history = ctx.state.history
        if not history:
            step = ctx.state.step
            key = step if step is not None and step in self.model.questions else self.plan(ctx)[0]
            ctx.state.step = key
            return [self.ask(ctx, key, intro=render(T + "back", first=True))]
        key = history.pop()
        draft = Draft(ctx.state.slots)
        if key in draft.skipped:
            draft.skipped.remove(key)
        ctx.state.step = key
        return [self.ask(ctx, key, intro=render(T + "back", first=False))]

    def _skip(self, ctx: Context, key: str, *, unknown: bool) -> list[Reply]:
        draft = Draft(ctx.state.slots)
        if key not in self.model.questions:
            return self.advance(ctx)
        if unknown:
            draft.profile.pop(key, None)
        if key not in draft.profile and key not in draft.skipped:
            draft.skipped.append(key)
        draft.selecting.clear()
        ctx.state.history.append(key)
        label = self.model.questions[key].label
        return self.advance(ctx, intro=render(T + "skipped", label=label, unknown=unknown))

    # ----------------------------------------------------------------- answers
    def _apply(self, ctx: Context, reading: Reading, *, hint: bool = False) -> list[Reply]:
        """Record every acceptable value, say at once which fail a condition (and when one settles the verdict),
        answer the questions asked in the same message, then ask the next question (the same one, with a hint,
        when the answer was about something else)."""
        pending = ctx.state.step or ""
        feedback, taken = self._take(ctx, reading)
        answers = self._side_answers(ctx)
        if pending in self.model.questions and pending in taken:
            ctx.state.history.append(pending)
            Draft(ctx.state.slots).slots.get("parts", {}).pop(pending, None)
        knocked = self._knockout(ctx, taken)
        if knocked is not None:
            return [feedback, *answers, knocked]
        if pending in self.model.questions and pending not in taken:
            intro = render(T + "not_this_item", label=self.model.questions[pending].label) if hint else ""
            return [feedback, *answers, self.ask(ctx, pending, intro=intro, hint=hint)]
        return [feedback, *answers, *self.advance(ctx)]

    def _side_answers(self, ctx: Context) -> list[Reply]:
        """The answers to the questions of a message that also answered the form ("120万，资产总额怎么算的？")."""
        if ctx.parsed.engine == "command" or not ctx.understanding.questions or not ctx.understanding.statements:
            return []
        asked_kind = not ctx.understanding.own_entities \
            and asks_kind(ctx.understanding.questions, ctx.understanding.text, ctx.state.memory)
        if not asked_kind and any(self._asks_standing(ctx, act) for act in ctx.understanding.questions):
            return [self._interim_reply(ctx)]  # not "我们是事业单位 检验检测中心 这种能报吧": that kind's verdict
        return ctx.assistant.answer_questions(ctx)

    def _knockout(self, ctx: Context, taken: set[str]) -> Reply | None:
        """An answer that settles the verdict whatever follows (no legal personality, a type outside the five):
        said at once with the clause, with the choice of the verdict now or going on."""
        profile = Draft(ctx.state.slots).profile
        hits = [k for k in self.model.knockouts if k in taken]
        judged = judge_items(profile, hits, self.model.indicators) if hits else {}
        failed = [judged[k] for k in hits if k in judged and judged[k].status == "fail"]
        if not failed:
            return None
        item = failed[0]
        ctx.sources.append(item.clause)
        ctx.state.slots["knocked"] = item.clause
        ctx.state.step = KNOCKED
        text = render(T + "knockout", item=item.key, gap=item.gap or "", clause=item.clause, types=self._types())
        return Reply(text, buttons=VERDICT_BUTTONS)

    def _types(self) -> list[str]:
        choices = self.model.questions["org_type"].choices
        allowed = self.model.indicators["org_type"].require.allowed
        return [choices[k] for k in allowed]

    def _knocked_reply(self, ctx: Context) -> Reply:
        clause = str(ctx.state.slots.get("knocked", ""))
        return Reply(render(T + "knocked", clause=clause), buttons=VERDICT_BUTTONS)

    def _at_knocked(self, ctx: Context, word: str | None) -> list[Reply] | None:
        if word in ("verdict", "stop") or self.model.word("confirm", ctx.text):
            return self._finish(ctx)
        if word == "back":
            return self._back(ctx)
        if self.model.word("go_on", ctx.text) or word in ("skip", "unknown"):
            reading = self._read(ctx, "", None)[0] if word is None else Reading()
            return self._apply(ctx, reading) if reading.facts or reading.problems else self.advance(ctx)
        if not ctx.understanding.statements:
            return self._questions_only(ctx) if ctx.understanding.questions else [self._knocked_reply(ctx)]
        reading, _ = self._read(ctx, "", None)
        if reading.facts or reading.problems:
            return self._apply(ctx, reading)
        return [self._knocked_reply(ctx)]

    def _verdict_now(self, ctx: Context, *, explicit: bool) -> list[Reply]:
        """"直接给结论" (``explicit``): the verdict when the answers settle it; "后面还用答吗": the verdict when an
        answer knocked the application out. Otherwise where things stand, and the form goes on."""
        profile = dict(Draft(ctx.state.slots).profile)
        settled = evaluate(profile, self.model.indicators).verdict != "incomplete"
        if settled and (explicit or ctx.state.slots.get("knocked")):
            return self._finish(ctx)
        return [self._interim_reply(ctx), *self.resume(ctx)]

    def _interim_reply(self, ctx: Context) -> Reply:
        """Items failed so far with their gaps, and how many are left."""
        profile, plan = Draft(ctx.state.slots).profile, self.plan(ctx)
        answered = [k for k in plan if k in profile]
        keys = [*answered, *(c.key for c in self.model.indicators.conditions)]
        judged = judge_items(profile, keys, self.model.indicators)
        failed = list({(i.gap or i.label): {"gap": i.gap or i.label, "clause": i.clause}
                       for i in judged.values() if i.status == "fail"}.values())
        ctx.sources.extend(f["clause"] for f in failed)
        settled = evaluate(dict(profile), self.model.indicators).verdict == "ineligible"
        text = render(T + "interim", answered=len(answered), failed=failed, left=len(plan) - len(answered),
                      settled=settled)
        return Reply(text, buttons=VERDICT_BUTTONS if settled else ())

    def _parts_missing(self, ctx: Context, key: str, reading: Reading, yes_no: YesNo) -> list[Reply]:
        """"有专家库": the item names two things; the other one is asked about before anything is recorded."""
        question = self.model.questions[key]
        known = ctx.state.slots.setdefault("parts", {})
        affirmed = [words[0] for words in question.parts if words[0] not in yes_no.missing]
        known[key] = affirmed
        feedback = [self._take(ctx, reading)[0]] if reading.facts or reading.problems else []
        return [*feedback, Reply(render(T + "parts_missing", affirmed=affirmed, missing=list(yes_no.missing)),
                                 buttons=(Button("是", "是"), Button("否", "否")))]

    def _keep_parts(self, ctx: Context, affirmed: Mapping[str, list[str]]) -> None:
        """Parts of an item affirmed in passing are kept until the item is asked: only the rest is asked then."""
        profile = Draft(ctx.state.slots).profile
        known = ctx.state.slots.setdefault("parts", {}) if affirmed else {}
        for key, parts in affirmed.items():
            if key not in profile:
                known[key] = list(dict.fromkeys([*known.get(key, ()), *parts]))

    def _ask_type(self, ctx: Context, kind: str, *, intro: str = "") -> Reply:
        """"我们是建筑公司": not a knock-out by itself; first confirmed against the five listed types."""
        ctx.state.slots["type_said"] = kind
        types = self._types()
        buttons = (*tuple(Button(t, t) for t in types), Button("都不是", "都不是"))
        text = render(T + "type_confirm", kind=kind, types=types)
        return Reply(f"{intro}\n\n{text}" if intro else text, buttons=buttons)

    def note_description(self, ctx: Context, slots: dict[str, Any]) -> None:
        """A self-description that names none of the five ("我们是做软件开发的公司") is kept for the type question."""
        if "org_type" in Draft(ctx.state.slots).profile or slots.get("type_said"):
            return
        changed = changed_at(ctx.understanding.text)
        for act in ctx.understanding.statements:
            kind = org_description(act.text) if act.start + len(act.text) > changed else None
            if kind and not facts_in(self.model, [act.text], None, ("org_type",)):
                slots["type_said"] = kind
                return

    def _confirm_type(self, ctx: Context) -> list[Reply] | None:
        """The answer to "贵单位是否属于其中之一？": a type, or "都不是" (records 其他, which knocks out)."""
        question, text = self.model.questions["org_type"], clean(ctx.text)
        choice = read_choice(self.model, question, text)
        if choice is None and (self.model.word("none", text) or read_bool(self.model, text) is False
                               or any(w in text for w in ("都不是", "不属于", "都不属于", "不在其中"))):
            choice = "other"
        if choice is None:
            if read_bool(self.model, text) is True:  # "是的": which one is still unknown
                return [self._ask_type(ctx, str(ctx.state.slots.get("type_said", "")))]
            return None
        ctx.state.slots.pop("type_said", None)
        reading = Reading(facts=[Fact("org_type", choice, ctx.text)])
        if ctx.understanding.statements:  # "算技术服务机构，资产300万": the rest of the message is recorded too
            others = self.free_reading(ctx)
            _merge(reading, [f for f in others.facts if f.key != "org_type"], replace=False)
            reading.problems += [p for p in others.problems if p[0] != "org_type"]
        return self._apply(ctx, reading)

    def _keep_said(self, ctx: Context) -> None:
        said: list[str] = ctx.state.slots.setdefault("said", [])
        said.append(ctx.text[:500])
        del said[:-KEPT_SAID]

    def _answers_itself(self, ctx: Context, key: str) -> bool:
        """"前面讲了，就是技术服务机构": the message that points back also gives the answer."""
        question = self.model.questions.get(key)
        if question is None:
            return False
        if question.type == "enum":
            return read_choice(self.model, question, ctx.text) is not None
        reading = read_answer(self.model, ctx.text, key, (key,), local_today(ctx), self.extract)
        return question.type != "bool" and any(f.key == key for f in reading.facts)

    def _said_before(self, ctx: Context, key: str) -> list[Reply]:
        """"刚才说过了": the pending item looked for in what the user said before, newest first; an item asked
        again after 上一题 keeps the answer it has."""
        question = self.model.questions.get(key)
        if question is None:
            return self.resume(ctx)
        draft = Draft(ctx.state.slots)
        if key in draft.profile:
            ctx.state.history.append(key)
            shown = show_value(self.model, question, draft.profile[key])
            return self.advance(ctx, intro=render(T + "said_kept", label=question.label, shown=shown))
        for text in reversed(ctx.state.slots.get("said", [])):
            reading = read_answer(self.model, text, None, (key,), local_today(ctx), self.extract)
            reading.facts += facts_in(self.model, subclauses(text), None, (key,))
            found = [f for f in reading.facts if f.key == key]
            if found:
                intro = render(T + "said_found", said=text[:60])
                fact = Fact(key, found[0].value, found[0].source, found[0].note)
                return [Reply(intro), *self._apply(ctx, Reading(facts=[fact]))]
        numeric = question.type in ("number", "integer", "percent")
        return [Reply(render(T + "said_missing", label=question.label, numeric=numeric)), self.ask(ctx, key)]

    def _take(self, ctx: Context, reading: Reading) -> tuple[Reply, set[str]]:
        """Validate and record the facts read; the feedback (recorded, corrected, gaps, refusals) and the
        keys taken."""
        draft, pending = Draft(ctx.state.slots), ctx.state.step or ""
        problems = [message for _, message in reading.problems]
        shown: list[dict[str, Any]] = []
        for fact in reading.facts:
            question = self.model.questions[fact.key]
            value, reason = check_value(self.model, question, fact.value)
            if reason is not None:
                problems.append(reason)
                continue
            value = list(value) if isinstance(value, tuple) else value
            if fact.key == self.model.functions_key and pending != fact.key:  # "我们还提供融资服务": one more
                value = self._more_functions(draft.profile.get(fact.key) or [], value)
            corrected = fact.key != pending and fact.key in draft.profile and draft.profile[fact.key] != value
            self._record(draft, fact.key, value)
            shown.append({"key": fact.key, "label": question.label, "note": fact.note, "corrected": corrected,
                          "shown": show_value(self.model, question, value)})
        gaps = self._gaps(draft.profile, [s["key"] for s in shown], ctx.sources)
        feedback = Reply(render(T + "recorded", facts=shown, gaps=gaps, problems=problems))
        return feedback, {s["key"] for s in shown}

    def _more_functions(self, known: list[str], said: list[str]) -> list[str]:
        """Functions said in passing add to those recorded, in the notice's order."""
        return [fn.key for fn in self.model.indicators.functions if fn.key in {*known, *said}]

    def _record(self, draft: Draft, key: str, value: Any) -> None:
        draft.profile[key] = value
        if key in draft.skipped:
            draft.skipped.remove(key)
        if key == self.model.functions_key:
            draft.selecting.clear()
            for fn in self.model.indicators.functions:
                if fn.key not in value:
                    for item in fn.items:
                        draft.profile.pop(item.key, None)

    def _gaps(self, profile: Mapping[str, Any], keys: list[str], sources: list[str]) -> list[str]:
        """The gap of each of ``keys`` that now fails (and of growth when one of its numbers changed)."""
        if not keys:
            return []
        wanted = list(keys)
        for cond in self.model.indicators.conditions:
            if cond.greater in keys or cond.than in keys:
                wanted.append(cond.key)
        judged = judge_items(profile, wanted, self.model.indicators)
        gaps: list[str] = []
        for key in wanted:
            if key in self.model.knockouts:
                continue  # the knock-out message says it, with what follows from it
            if key == self.model.functions_key:
                if not profile.get(key):  # none offered: the requirement of at least one function fails
                    gaps.append(render(T + "functions_none"))
                continue
            item = judged.get(key)
            if item is not None and item.status == "fail" and item.gap:
                gaps.append(f"{item.gap}（{item.clause}）")
                sources.append(item.clause)
        return list(dict.fromkeys(gaps))

    def _functions_answer(self, ctx: Context, raw: str) -> list[Reply] | None:
        """Multi-select: a button payload toggles one function; free text naming functions, 都有, 都没有
        or 完成 settles the list."""
        model, draft, text = self.model, Draft(ctx.state.slots), clean(raw)
        all_keys = [fn.key for fn in model.indicators.functions]
        by_name = {fn.name: fn.key for fn in model.indicators.functions}
        if model.word("all", text):
            return self._set_functions(ctx, all_keys)
        if model.word("none", text):
            return self._set_functions(ctx, [])
        if text.removeprefix("✓").strip() in by_name:
            key = by_name[text.removeprefix("✓").strip()]
            chosen = set(draft.selecting) ^ {key}
            draft.selecting[:] = [k for k in all_keys if k in chosen]
            names = [model.function_name(k) for k in draft.selecting]
            return [self.ask(ctx, model.functions_key, intro=render(T + "functions_selected", selected=names))]
        named = read_functions(model, text)
        if named or (model.word("done", text) and draft.selecting):
            return self._set_functions(ctx, [k for k in all_keys if k in set(named) | set(draft.selecting)])
        if model.word("done", text):
            return [self.ask(ctx, model.functions_key, intro=render(T + "functions_selected", selected=[]))]
        return None

    def _set_functions(self, ctx: Context, keys: list[str]) -> list[Reply]:
        """The functions chosen, and whatever else the message says ("培训服务，去年培训了700多人次")."""
        reading = Reading(facts=[Fact(self.model.functions_key, keys, ctx.text)])
        if ctx.understanding.statements and len(clean(ctx.text)) > max(len(k) for k in self.model.function_synonyms):
            # only the chosen functions' items ("技术服务" is no type; "技术推广活动五六次" no information activity)
            others = self.free_reading(ctx, self.model.plan(keys))
            allowed = set(self.model.plan(keys)) - set(self.model.basic_order)
            _merge(reading, [f for f in others.facts if f.key in allowed and f.key != self.model.functions_key],
                   replace=False)
        return self._apply(ctx, reading)

    def _named_key(self, ctx: Context, text: str) -> str | None:
        """The question a summary edit names ("修改资产总额", "把满意度改成85%"): the longest label or keyword."""
        best: tuple[int, str] | None = None
        cleaned = clean(text)
        for key in self.plan(ctx):
            question = self.model.questions[key]
            for word in (question.label, *question.keywords):
                if word and word in cleaned and (best is None or len(word) > best[0]):
                    best = (len(word), key)
        return best[1] if best else None

    def _edit_reading(self, text: str, key: str) -> Reading:
        """A yes/no, a choice or functions given for a named question in the summary ("把场所改成没有")."""
        question = self.model.questions[key]
        cleaned = clean(text)
        word = max((w for w in (question.label, *question.keywords) if w and w in cleaned), key=len)
        rest = cleaned[cleaned.index(word) + len(word):]
        for marker in ("改成", "改为", "应该是", "应为", "是"):
            if marker in rest:
                rest = rest[rest.index(marker) + len(marker):]
                break
        value: Any = None
        if question.type == "bool":
            value = read_bool(self.model, rest) if rest else None
        elif question.type == "enum":
            value = read_choice(self.model, question, rest)
        elif question.type == "functions":
            value = read_functions(self.model, rest) or None
        return Reading(facts=[Fact(key, value, text)] if value is not None else [])

    def _allowed(self, ctx: Context) -> tuple[str, ...]:
        """Keys a number may be given for by keyword: the plan, plus function items while the functions
        are not known yet."""
        draft = Draft(ctx.state.slots)
        if self.model.functions_key in draft.profile:
            return self.plan(ctx)
        return self.model.full_plan()

    # ----------------------------------------------------------------- side questions
    def _is_side_question(self, text: str) -> bool:
        cleaned = "".join(text.split())
        if any(m in cleaned for m in self.model.question_markers):
            return True
        return cleaned.rstrip("。.!！").endswith(self.model.question_endings)

    def _is_other_intent(self, ctx: Context) -> bool:
        intent = ctx.parsed.intent
        if intent in (FALLBACK_INTENT, "selfcheck_start") or ctx.parsed.confidence < SIDE_INTENT_CONFIDENCE:
            return False
        known = (load_file("intents.yml") or {}).get("intents") or {}
        return intent in known

    # ----------------------------------------------------------------- verdict
    def _finish(self, ctx: Context) -> list[Reply]:
        profile = dict(Draft(ctx.state.slots).profile)
        result = evaluate(profile, self.model.indicators)
        save_result(ctx.session, ctx.user_id, profile, result, ctx.now)
        ctx.state.reset_flow()
        ctx.state.memory.pop("facts", None)  # taken into the result: a re-run's 沿用 starts from it, not from them
        ctx.sources.extend(i.clause for i in result.items if i.status == "fail")
        return verdict_replies(result, profile)


FLOW = SelfCheckFlow()


def _named_only(model: FlowModel, question: Question, clauses: list[str], known: Collection[str],
                yes_no: YesNo) -> YesNo:
    """"管理制度和收费标准都有": 都有 said after naming two or more of the item's parts affirms those, not the parts
    left unsaid (asked about next); after one name ("制度都健全") it stands for the whole item."""
    if yes_no.value is not True or len(question.parts) < 3:
        return yes_no
    pieces = [clean(p) for c in clauses for p in subclauses(c)]
    summed = next((p for p in pieces if model.word("all_parts", p)), None)
    if summed is None or sum(any(w in summed for w in words) for words in question.parts) < 2:
        return yes_no
    missing = tuple(words[0] for words in question.parts
                    if not any(w in p for p in pieces for w in words) and words[0] not in known)
    return YesNo(None, missing=missing) if missing else yes_no


def _lacks_legal(judgements: tuple[Judgement, ...]) -> bool:
    """The one organisation judged is the user's own and no legal person (a 分公司, "研究所，没单独登记")."""
    if len(judgements) != 1 or not judgements[0].own or judgements[0].verdict != "cannot":
        return False
    return judgements[0].kind.no_legal or judgements[0].basis in ("legal_no", "blocked")


def _merge(reading: Reading, facts: list[Fact], *, replace: bool) -> None:
    """Add ``facts`` to the reading: in place of its own for the same items (``replace``), or only for items it
    has no value for."""
    keys = {f.key for f in facts}
    if replace:
        reading.facts = [f for f in reading.facts if f.key not in keys] + facts
    else:
        have = {f.key for f in reading.facts}
        reading.facts += [f for f in facts if f.key not in have]
