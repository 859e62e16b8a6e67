"""Test doubles for the channel tests: a keyword parser and a few handlers and a short flow registered under
private intent names, so the channels can be driven without the real NLU and features."""

from __future__ import annotations

from bot._text import paragraphs
from dialogs import Attachment, Button, Context, Reply, intent_handler, register_flow
from dialogs.privacy import privacy_notice, privacy_notice_short
from nlu import IntentScore, ParseResult

LONG_PARAGRAPH = "本段用于测试长消息的分段发送。" * 100  # 1500 characters
YES_NO = (Button("是", "是"), Button("否", "否"))
RULES: tuple[tuple[str, str], ...] = (
    ("资产", "_ch_assets"),
    ("计数", "_ch_count"),
    ("按钮", "_ch_buttons"),
    ("多选", "_ch_multi"),
    ("报告", "_ch_report"),
    ("长文", "_ch_long"),
    ("测验", "_ch_quiz"),
)


def is_privacy_notice(text: str) -> bool:
    """The core adds a privacy notice before the first answer to each user (REST sends it as one short line)."""
    return text in paragraphs(privacy_notice()) or text == privacy_notice_short()


def keyword_parser(text: str) -> ParseResult:
    intent = next((name for word, name in RULES if word in text), "_ch_unknown")
    conf = 0.9 if intent != "_ch_unknown" else 0.2
    return ParseResult(text=text, intent=intent, confidence=conf, intent_ranking=(IntentScore(intent, conf),),
                       engine="test")


@intent_handler("_ch_assets")
def _assets(ctx: Context) -> list[Reply]:
    ctx.sources.append("二、申报条件（一）第3项")
    return [Reply("资产总额不低于100万元。\n\n依据：二、申报条件（一）第3项。")]


@intent_handler("_ch_count")
def _count(ctx: Context) -> list[Reply]:
    n = int(ctx.state.slots.get("n", 0)) + 1
    ctx.state.slots["n"] = n
    return [Reply(f"第{n}次")]


@intent_handler("_ch_buttons")
def _buttons(ctx: Context) -> list[Reply]:
    return [Reply("请问贵单位是否具有独立法人资格？", buttons=(Button("是", "是"), Button("否", "否")))]


FUNCTIONS = ("信息服务", "技术服务", "创业服务", "培训服务", "融资服务")


def functions_question(selected: list[str]) -> Reply:
    """A multi-select question as the core asks it: the core keeps the selection, ✓ marks chosen titles."""
    chosen = f"已选择：{'、'.join(selected)}。" if selected else ""
    buttons = (*(Button(("✓ " if o in selected else "") + o, o) for o in FUNCTIONS), Button("完成", "完成"))
    return Reply(f"请选择贵单位具备的服务功能（可多选）：{chosen}", buttons=buttons, multi_select=True)


@intent_handler("_ch_multi")
def _multi(ctx: Context) -> list[Reply]:
    return [functions_question([])]


@intent_handler("_ch_report")
def _report(ctx: Context) -> list[Reply]:
    html = "<!doctype html><meta charset=utf-8><h1>自测报告</h1><p>符合</p>".encode()
    return [Reply("自测报告已生成，请查收附件。", attachment=Attachment("自测报告.html", "text/html", html))]


@intent_handler("_ch_long")
def _long(ctx: Context) -> list[Reply]:
    return [Reply("\n\n".join(f"第{i}段：{LONG_PARAGRAPH}" for i in range(1, 6)))]


@intent_handler("_ch_unknown")
def _unknown(ctx: Context) -> list[Reply]:
    ctx.fallback = True
    return [Reply("抱歉，这个问题超出了申报通知的范围。")]


class QuizFlow:
    """Two questions (yes/no, then a multi-select), then a summary: a stand-in for the self-check."""

    name = "_ch_quiz"

    def handle(self, ctx: Context) -> list[Reply] | None:
        if ctx.state.step == "legal":
            if ctx.text not in ("是", "否"):
                return None
            ctx.state.slots.update(legal=ctx.text, selected=[])
            ctx.state.step = "functions"
            return [functions_question([])]
        selected: list[str] = ctx.state.slots["selected"]
        if ctx.text in FUNCTIONS:
            chosen = set(selected) ^ {ctx.text}
            ctx.state.slots["selected"] = [o for o in FUNCTIONS if o in chosen]
            return [functions_question(ctx.state.slots["selected"])]
        named = [o for o in FUNCTIONS if o in ctx.text]
        if ctx.text != "完成" and not named:
            return None
        summary = f"测验完成：独立法人={ctx.state.slots['legal']}；服务功能={'、'.join(named or selected) or '无'}。"
        ctx.state.reset_flow()
        return [Reply(summary)]

    def resume(self, ctx: Context) -> list[Reply]:
        if ctx.state.step == "functions":
            return [functions_question(ctx.state.slots["selected"])]
        return [Reply("我们继续测验：贵单位是否具有独立法人资格？", buttons=YES_NO)]


register_flow(QuizFlow())


@intent_handler("_ch_quiz")
def _quiz(ctx: Context) -> list[Reply]:
    ctx.state.flow, ctx.state.step, ctx.state.slots = "_ch_quiz", "legal", {}
    return [Reply("测验开始（第1/2题）：贵单位是否具有独立法人资格？", buttons=YES_NO)]
