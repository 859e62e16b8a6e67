"""The assistant core: one ``handle`` for every channel. It knows no channel."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from dialogs import _features  # noqa: F401  (importing registers the features' handlers)
from dialogs._context import Context
from dialogs._registry import COMMANDS, FLOWS, INTENT_HANDLERS, OBSERVERS
from dialogs._types import Incoming, Reply, Turn
from dialogs.privacy import privacy_notice
from dialogs.qa import CAN_WE_WITH_FIGURES
from dialogs.roles import (
    KIND_VERDICT,
    RECOMMENDING,
    asked_instead,
    continues_can_we,
    introduces_kind,
    introduces_role,
    kind_verdict,
    names_kind,
    restated_level,
    role_question,
)
from dialogs.state import DialogState
from dialogs.store import Store
from dialogs.store._turns import TurnStore, lock_user, record_unanswered, save_state
from knowledge import render
from knowledge.errors import StorageUnavailableError, UserInputError
from nlu import (
    FALLBACK_INTENT,
    Act,
    Entity,
    IntentScore,
    ParseResult,
    Understanding,
    configured_engine,
    figure_intents,
    topic_intents,
)
from nlu import parse as nlu_parse

MAX_MESSAGE_CHARS = 4096
MAX_ID_CHARS = 128  # users.external_id
MAX_CHANNEL_CHARS = 32  # users.channel
Clock = Callable[[], datetime]
TOPIC_INTENTS = topic_intents()  # the questions a follow-up can refer back to
# the questions that judge figures said beside them ("我们成立两年半，资产一百万，能报吗，要交哪些材料")
JUDGING_INTENTS = figure_intents() | {CAN_WE_WITH_FIGURES, KIND_VERDICT}


def utc_now() -> datetime:
    return datetime.now(UTC)


def reported_engine(parsed: ParseResult) -> str:
    """The NLU named in a Turn (``builtin`` or ``rasa``, as interfaces.md says). A slash command bypasses
    the NLU; it is reported under the configured engine."""
    if parsed.engine != "command":
        return parsed.engine
    return configured_engine()


def clean_text(text: str) -> str:
    """Drop control characters (keep newlines), normalise width (NFKC keeps Chinese as it is)."""
    kept = text if text.isprintable() else \
        "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return kept.strip()


def check_sender(incoming: Incoming) -> None:
    """Channel and user ids are stored as sent: printable, non-empty, within the columns' sizes."""
    checks = (("渠道", incoming.channel, MAX_CHANNEL_CHARS), ("用户标识", incoming.user_id, MAX_ID_CHARS))
    for name, value, limit in checks:
        if not isinstance(value, str) or not value.strip() or len(value) > limit or not value.isprintable():
            size = len(value) if isinstance(value, str) else 0
            raise UserInputError(f"{name}应为 1 至 {limit} 个可打印字符（不含换行等控制字符），收到 {size} 个字符",
                                 key="sender")


class Assistant:
    """Channel → core → NLU/knowledge → store → templates → channel."""

    def __init__(self, store: Store, *, clock: Clock = utc_now,
                 parser: Callable[[str], ParseResult] = nlu_parse) -> None:
        self.store = store
        self.clock = clock
        self.parser = parser

    def handle(self, incoming: Incoming, *, wait: bool = True) -> Turn:
        """Answer one message and persist the user's state in the same transaction. A sender id the store
        cannot keep as sent raises UserInputError (channels answer 4xx with its message). ``wait=False``: raise
        StorageBusyError, having written nothing, when SQLite's write lock is held by another connection."""
        check_sender(incoming)
        text = clean_text(incoming.text)
        if not text:
            return Turn(replies=(Reply(render("system/empty")),), intent=None)
        if len(text) > MAX_MESSAGE_CHARS:
            return Turn(replies=(Reply(render("system/too_long", length=len(text), limit=MAX_MESSAGE_CHARS)),))
        incoming = replace(incoming, text=text)
        parsed = self.understand(text)
        try:
            with self.store.transaction(wait=wait) as conn:
                turn = self._handle_in_transaction(conn, incoming, parsed)
            if turn.forgotten:  # committed: leave no copy of the deleted rows behind
                self.store.erase_traces()
            return turn
        except StorageUnavailableError:
            return Turn(replies=(Reply(render("system/storage_down")),), intent=parsed.intent,
                        confidence=parsed.confidence, engine=reported_engine(parsed))

    def understand(self, text: str) -> ParseResult:
        """Slash commands and ``/intent`` payloads bypass the NLU, as in Rasa."""
        command = text.split()[0].split("@")[0].lower() if text.startswith("/") else ""
        intent = COMMANDS.get(command) or (command[1:] if command[1:] in INTENT_HANDLERS else "")
        if intent:
            return ParseResult(text=text, intent=intent, confidence=1.0,
                               intent_ranking=(IntentScore(intent, 1.0),), engine="command")
        return self.parser(text)

    def _handle_in_transaction(self, conn: Connection, incoming: Incoming, parsed: ParseResult) -> Turn:
        now = self.clock()
        user_id, stored = lock_user(conn, incoming.channel, incoming.user_id, now)
        db = TurnStore(conn, user_id, incoming.channel, incoming.user_id, now)
        try:
            ctx = Context(self, incoming, parsed, db, DialogState.from_json(stored), now)
            if _seen_before(incoming, ctx.state):  # a second press, or the same delivery again
                return Turn(replies=(), intent=parsed.intent, confidence=parsed.confidence)
            replies = self.route(ctx)
            db.flush()
        finally:
            db.close()
        if incoming.keyboard is not None and not _asks_again(replies):
            ctx.state.keyboard_answered(incoming.keyboard)
        if incoming.key is not None:
            ctx.state.delivery_seen(incoming.key)
        parsed = ctx.parsed  # a handler may hand the message on (e.g. an admin command from a non-admin)
        if db.user_deleted:  # /forget: nothing of this user may be written again
            return Turn(replies=tuple(replies), intent=parsed.intent, confidence=parsed.confidence,
                        engine=reported_engine(parsed), forgotten=True)
        if not ctx.state.privacy_notice_shown:
            replies.insert(0, Reply(privacy_notice(), kind="privacy_notice"))
            ctx.state.privacy_notice_shown = True
        save_state(conn, user_id, ctx.state.to_json(), now, exists=stored is not None)
        if ctx.fallback:
            record_unanswered(conn, user_id, incoming.text, parsed.intent, parsed.confidence, now)
        return Turn(replies=tuple(replies), intent=parsed.intent, confidence=parsed.confidence,
                    fallback=ctx.fallback, sources=tuple(dict.fromkeys(ctx.sources)), engine=reported_engine(parsed),
                    parts=ctx.parts)

    def route(self, ctx: Context) -> list[Reply]:
        """The active flow first; a message it does not consume is answered by intent (each question of it),
        then the flow repeats its pending question."""
        flow = FLOWS.get(ctx.state.flow or "")
        if flow is not None:
            consumed = flow.handle(ctx)
            if consumed is not None:
                return consumed
        replies = self.answer_questions(ctx)
        flow_after = FLOWS.get(ctx.state.flow or "")
        if flow is not None and flow_after is flow:
            replies += flow.resume(ctx)
        if flow is None and ctx.parsed.engine != "command":
            for observe in OBSERVERS:
                observe(ctx)
        return replies

    def answer_questions(self, ctx: Context) -> list[Reply]:
        """Every question of the message, each by its own intent ("申报要几年、多少资产" gets both answers); a
        follow-up ("那培训服务呢") by the intent it resolves to. The last question's intent becomes the topic."""
        understanding = ctx.understanding
        acts = [a for a in (*understanding.commands, *understanding.questions) if a.intent] \
            if ctx.parsed.engine != "command" else []
        in_flow = ctx.state.flow is not None
        memory, text = ctx.state.memory, understanding.text
        acts = [b for a in acts
                for b in kind_verdict(role_question(_judged(a, understanding), text, in_flow, memory), text, in_flow,
                                      memory)]
        if not acts and ctx.parsed.engine != "command":
            acts = _implied(understanding.text, ctx.parsed, ctx.state.memory)
        if any(a.intent == "selfcheck_start" for a in acts):  # the self-check reads the rest of the message
            acts = _with_selfcheck(acts)
        if not acts or (len(acts) == 1 and acts[0].intent == ctx.parsed.intent):
            self._about(ctx, acts[0] if acts else None)
            replies = self.answer_intent(ctx)
            self._remember_topic(ctx, acts[0].subject if acts and acts[0].subject else ctx.parsed.intent)
            return replies
        first = ctx.parsed
        replies, fallback = [], True
        for act in _with_said_figures(acts, understanding):
            ctx.parsed = replace(first, intent=act.intent or FALLBACK_INTENT, confidence=act.confidence,
                                 entities=act.entities if len(acts) > 1 else first.entities)
            self._about(ctx, act)
            ctx.asked = act.text if len(acts) > 1 else ""
            seen = {r.text for r in replies}  # two questions that come to one answer get it once
            replies += [r for r in self.answer_intent(ctx) if r.text not in seen]
            fallback = fallback and ctx.fallback
        ctx.asked = ""
        ctx.parts = tuple((a.intent or FALLBACK_INTENT, a.confidence, a.text) for a in acts) if len(acts) > 1 else ()
        ctx.fallback = fallback
        self._remember_topic(ctx, ctx.parsed.intent)
        ctx.parsed = replace(first, intent=acts[0].intent or FALLBACK_INTENT, confidence=acts[0].confidence)
        return replies

    @staticmethod
    def _about(ctx: Context, act: Act | None) -> None:
        """"第三个要盖章吗": the question is answered about the item it names, as "这个要盖章吗" after it is."""
        if act is not None and act.subject:
            ctx.state.memory["topic"] = act.subject

    @staticmethod
    def _remember_topic(ctx: Context, intent: str) -> None:
        if intent in TOPIC_INTENTS:
            ctx.state.memory["topic"] = intent

    def answer_intent(self, ctx: Context) -> list[Reply]:
        handler = INTENT_HANDLERS.get(ctx.parsed.intent) or INTENT_HANDLERS.get(FALLBACK_INTENT)
        if handler is None:
            ctx.fallback = True
            return [Reply(render("system/empty"))]
        return handler(ctx)


WEAK_QUESTION = 0.5  # below it, a question of the user's own case that gives figures is read as "are they enough?"


def _judged(act: Act, understanding: Understanding) -> Act:
    """"成立3年了，资产150万，满意度78%，能报吗": a can-we question that gives figures is answered by judging each
    figure against the conditions; asked without figures (or asked for: "帮我测一下") it starts the self-check."""
    if act.kind != "question" or not understanding.own_entities:
        return act
    if act.intent == "selfcheck_start" or (act.intent == KIND_VERDICT and not names_kind(understanding.text)) \
            or (act.asks_verdict and act.intent not in JUDGING_INTENTS):  # "…，请问符合条件吗"
        return replace(act, intent=CAN_WE_WITH_FIGURES)  # "成立日期是2023年12月1日，能申报吗"
    if act.own and act.confidence < WEAK_QUESTION and not act.resolved:
        return replace(act, intent=CAN_WE_WITH_FIGURES)  # "通知说的10人，我们正好10个，行吧": read uncertainly
    return act


def _with_said_figures(acts: list[Act], understanding: Understanding) -> list[Act]:
    """Several questions with the user's figures stated beside them ("满意度要求多少，我们是82%，还有公益比例呢",
    "资产和年限要求分别是多少？我们资产120万，成立1年"): each figure is judged with the nearest question before it
    that judges figures (a condition, a function, a can-we), else with the first such question after it."""
    judging = sorted((a for a in acts if a.intent in JUDGING_INTENTS), key=lambda a: a.start)
    figures = understanding.said_figures()
    if len(acts) < 2 or not judging or not figures:
        return acts
    extra: dict[int, tuple[Entity, ...]] = {}
    for figure in figures:
        before = [a for a in judging if a.start <= figure.start]
        judge = before[-1] if before else judging[0]
        extra[id(judge)] = (*extra.get(id(judge), ()), figure)
    return [replace(a, entities=(*a.entities, *extra[id(a)])) if id(a) in extra else a for a in acts]


def _implied(text: str, parsed: ParseResult, memory: dict[str, Any]) -> list[Act]:
    """A statement that asks by being said: after a can-we answer, what it says of the organisation ("我们是独立法人，
    做检测的"); alone, the user's own kind ("我们是民非") or whom the user speaks for ("我们是县里的开发区")."""
    if continues_can_we(text, memory) or introduces_kind(text, parsed.intent, memory):
        return [Act("question", text, 0, KIND_VERDICT, 1.0)]
    if introduces_role(text, parsed.intent, parsed.lang) or restated_level(text, memory, parsed.lang):
        return [Act("question", text, 0, RECOMMENDING, 1.0)]
    asked = asked_instead(Act("question", text, 0, parsed.intent, parsed.confidence), text, memory, parsed.lang)
    return [asked] if asked is not None else []  # "推荐截止时间", said without asking


def _with_selfcheck(acts: list[Act]) -> list[Act]:
    """The questions of the message are answered first ("资产要多少？运营要几年？问完我想自测一下"), a kind's verdict
    among them ("我们是民非，能报吗"); the self-check starts last and reads the facts of the whole message."""
    start = next(a for a in acts if a.intent == "selfcheck_start")
    asked = [a for a in acts if a.intent != "selfcheck_start" and (a.kind == "question" or a.intent == KIND_VERDICT)]
    return [*dict.fromkeys(asked), start]


def _asks_again(replies: list[Reply]) -> bool:
    """A multi-select question answered with itself (the selection changed): its keyboard stays open."""
    return len(replies) == 1 and replies[0].multi_select and bool(replies[0].buttons)


def _seen_before(incoming: Incoming, state: DialogState) -> bool:
    return (incoming.keyboard is not None and incoming.keyboard in state.answered_keyboards) or \
        (incoming.key is not None and incoming.key in state.seen_keys)
