"""Intent handlers of the self-check: start it (我想自测, /selfcheck) and show the last result (/report)."""

from __future__ import annotations

from dialogs._context import Context
from dialogs._registry import intent_handler, observer, register_flow
from dialogs._types import Button, Reply
from dialogs.selfcheck._flow import CHOOSE, FLOW, local_today
from dialogs.selfcheck._present import check_value
from dialogs.selfcheck._records import knowledge_version, turn_latest_result
from dialogs.selfcheck._rules import VERDICT_LABELS, evaluate
from dialogs.selfcheck._verdict import verdict_replies
from dialogs.store.models import SelfCheckRecord
from knowledge import render
from knowledge.errors import UserInputError

T = "selfcheck_dialog/"
RERUN_BUTTONS = (Button("沿用上次答案", "/selfcheck 沿用上次答案"), Button("重新填写", "/selfcheck 重新填写"))

register_flow(FLOW)


def _when(ctx: Context, record: SelfCheckRecord) -> str:
    created = record.created_at
    return local_today(ctx).isoformat() if created is None else created.date().isoformat()


@observer
def remember_facts(ctx: Context) -> None:
    """Facts given outside the self-check ("我们是科研院所，独立法人", "资产80万可以吗") are kept, so that the
    self-check does not ask for them again. A self-check started by this very message has read them already."""
    understanding = ctx.understanding
    said = understanding.own_entities or (understanding.statements and FLOW.model.fact_words.search(ctx.text))
    choosing = ctx.state.flow == FLOW.name and ctx.state.step == CHOOSE  # "重新自测，我们资产现在是500万了"
    if (ctx.state.flow is not None and not choosing) or not said:
        return  # a plain question ("资产要多少") says nothing of the organisation
    FLOW.note_description(ctx, ctx.state.memory)
    facts = FLOW.free_reading(ctx).facts
    if facts:
        kept = ctx.state.memory.setdefault("facts", {})
        for fact in facts:
            question = FLOW.model.questions[fact.key]
            value, reason = check_value(FLOW.model, question, fact.value)
            if reason is None:
                kept[fact.key] = list(value) if isinstance(value, tuple) else value


@intent_handler("selfcheck_start")
def start_selfcheck(ctx: Context) -> list[Reply]:
    """A first self-check starts at once; with a stored result the user chooses its answers or a fresh start."""
    last = turn_latest_result(ctx.db)
    if last is not None and FLOW.model.word("prefill", ctx.text):
        return FLOW.start(ctx, dict(last.profile))
    said = "" if ctx.parsed.engine == "command" else ctx.text
    if last is None or FLOW.model.word("fresh", ctx.text):
        return FLOW.start(ctx, said=said)
    return FLOW.offer_choice(ctx, _when(ctx, last), VERDICT_LABELS.get(last.verdict, last.verdict), len(last.profile))


@intent_handler("selfcheck_result")
def show_last_result(ctx: Context) -> list[Reply]:
    """The last result, judged again by the current knowledge, and the offer to re-run it."""
    last = turn_latest_result(ctx.db)
    if last is None:
        return [Reply(render(T + "no_result"), buttons=(Button("开始自测", "/selfcheck"),))]
    try:
        result = evaluate(last.profile)
    except UserInputError:
        return [Reply(render(T + "no_result"), buttons=(Button("开始自测", "/selfcheck"),))]
    outdated = last.knowledge_version != knowledge_version()
    header = Reply(render(T + "last_result", when=_when(ctx, last), outdated=outdated, notice_year=last.notice_year))
    offer = Reply(render(T + "rerun_offer"), buttons=RERUN_BUTTONS)
    return [header, *verdict_replies(result, last.profile), offer]
