"""What the self-check dialogue shows: questions with their buttons, values as the user reads them,
the summary, and the reasons an answer cannot be taken. Text comes from templates in
``knowledge/templates/selfcheck_dialog/``; prompts from ``knowledge/selfcheck_flow.yml``."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import Any

from jinja2 import Template

from dialogs._types import Button, Reply
from dialogs.selfcheck._flowmodel import FlowModel, Question
from dialogs.selfcheck._values import validate_value
from knowledge import format_number, render
from knowledge._templates import environment
from knowledge.errors import UserInputError

T = "selfcheck_dialog/"
BOOL_BUTTONS = (Button("是", "是"), Button("否", "否"), Button("不清楚", "不清楚"))
BACK_BUTTON = Button("上一题", "上一题")
DONE_BUTTON = Button("完成", "完成")


def show_value(model: FlowModel, question: Question, value: Any) -> str:
    """A value as the user reads it: 是/否, a choice's name, "120 万元", "92%", "信息服务、培训服务"."""
    if value is None:
        return "未填写"
    if question.type == "functions":
        return "、".join(model.function_name(k) for k in value) or "均不提供"
    if question.type == "bool":
        return "是" if value else "否"
    if question.type == "enum":
        return question.choices.get(value, str(value))
    unit = question.unit or ""
    if unit == "%":  # a share worked out from a head count is shown to one decimal (66.67 → 66.7%)
        return f"{format_number(round(value, 1) if isinstance(value, float) else value)}%"
    return f"{format_number(value)} {unit}".strip()


@functools.lru_cache(maxsize=256)
def _prompt_template(source: str) -> Template:
    """A question's prompt (data of selfcheck_flow.yml, never user text), compiled once."""
    return environment().from_string(source)


def question_reply(model: FlowModel, question: Question, index: int, total: int, *, intro: str = "",
                   current: str = "", hint: bool = False, selected: tuple[str, ...] = ()) -> Reply:
    """The question with its progress hint (第 5/22 项) and the buttons of its type."""
    prompt = _prompt_template(question.prompt).render(label=question.label, unit=question.unit or "")
    text = render(T + "question", intro=intro, index=index, total=total, prompt=prompt, current=current,
                  hint=model.hints[question.type] if hint else "")
    back = (BACK_BUTTON,) if index > 1 else ()
    if question.type == "bool":
        return Reply(text, buttons=(*BOOL_BUTTONS, *back))
    if question.type == "enum":
        return Reply(text, buttons=tuple(Button(label, label) for label in question.choices.values()))
    if question.type == "functions":
        names = [fn.name for fn in model.indicators.functions]
        buttons = tuple(Button(("✓ " if n in selected else "") + n, n) for n in names)
        return Reply(text, buttons=(*buttons, DONE_BUTTON, *back), multi_select=True)
    return Reply(text, buttons=(Button("不清楚", "不清楚"), *back))


def check_value(model: FlowModel, question: Question, value: Any) -> tuple[Any, str | None]:
    """(canonical value, None) when the value is acceptable, else (None, a reason in plain words)."""
    try:
        return validate_value(question.key, value, model.indicators), None
    except UserInputError as exc:
        return None, _reason(model, question, value, str(exc))


def _reason(model: FlowModel, question: Question, value: Any, message: str) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool) or question.type not in (
            "number", "integer", "percent"):
        return render(T + "invalid", kind="other", message=message)
    unit = question.unit or ""
    shown = f"{format_number(value)}{unit}" if unit == "%" else f"{format_number(value)} {unit}".strip()
    low, high = model.indicators[question.key].range or (0.0, math.inf)
    if value < low:
        kind = "negative" if low == 0 else "below"
    elif value > high:
        kind = "above_percent" if question.type == "percent" else "above"
    elif question.type == "integer" and not float(value).is_integer():
        kind = "not_integer"
    else:
        kind = "other"
    return render(T + "invalid", kind=kind, label=question.label, shown=shown, low=low, high=high, unit=unit,
                  message=message)


def summary_reply(model: FlowModel, profile: Mapping[str, Any], plan: tuple[str, ...], *, intro: str = "") -> Reply:
    rows = [{"label": model.questions[k].label, "shown": show_value(model, model.questions[k], profile[k])}
            for k in plan if k in profile]
    missing = [model.questions[k].label for k in plan if k not in profile]
    text = render(T + "summary", intro=intro, rows=rows, missing=missing)
    return Reply(text, buttons=(Button("确认", "确认"), Button("重新开始", "重新开始")))
