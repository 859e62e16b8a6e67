"""The self-check report, rendered from Jinja2 templates in ``knowledge/templates/selfcheck/``.

This module only prepares the data (lines, values as text, bar-chart geometry); all wording is in the
templates. HTML is autoescaped (the template name ends in ``.html``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from dialogs.selfcheck._indicators import Indicators, load_indicators
from dialogs.selfcheck._rules import ItemResult, SelfCheckResult
from knowledge import KnowledgeError, format_number, load_file, render

ReportFormat = Literal["text", "markdown", "html", "chat"]
TEMPLATES: Mapping[str, str] = {
    "chat": "selfcheck/report_chat",
    "text": "selfcheck/report_text",
    "markdown": "selfcheck/report_markdown",
    "html": "selfcheck/report.html",
}
FUNCTIONS_CLAUSE = "二、申报条件（二）"
STATUS_LABELS: Mapping[str, str] = {"pass": "符合", "fail": "不符合", "missing": "未提供",
                                    "ignored": "未申报该功能，不计"}
FUNCTION_STATUS_LABELS: Mapping[str, str] = {"met": "满足", "not_met": "不满足", "undecided": "待补充信息",
                                             "not_offered": "未提供该功能"}
CHART_WIDTH = 260


@dataclass(frozen=True)
class Line:
    """One failed or missing item as the report shows it."""

    key: str
    label: str
    clause: str
    gap: str | None = None


@dataclass(frozen=True)
class Bar:
    label: str
    value: str
    width: float
    passed: bool


@dataclass(frozen=True)
class Chart:
    key: str
    label: str
    status: str
    bars: tuple[Bar, ...]
    marker: float | None  # x of the threshold line
    threshold: str | None


def render_report(result: SelfCheckResult, profile: Mapping[str, Any] | None = None, fmt: str = "text",
                  indicators: Indicators | None = None) -> str:
    """The report in ``text``, ``chat``, ``markdown`` or ``html``."""
    if fmt not in TEMPLATES:
        raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(TEMPLATES)}")
    return render(TEMPLATES[fmt], **report_context(result, indicators or load_indicators()))


def report_context(result: SelfCheckResult, ind: Indicators) -> dict[str, Any]:
    met = [f.name for f in result.functions if f.status == "met"]
    steps = render("selfcheck/next_steps", verdict=result.verdict, materials=applicant_materials())
    return {
        "next_steps": [line for line in steps.splitlines() if line.strip()],
        "result": result,
        "verdict": result.verdict,
        "verdict_label": result.verdict_label,
        "functions_met": met,
        "failed": [_failed_line(result, ind, key) for key in result.failed],
        "missing": [_missing_line(result, ind, key) for key in result.missing],
        "qualitative": ind.qualitative,
        "interpretation": ind.conditions[0].interpretation if ind.conditions else "",
        "notice_year": ind.notice_year,
        "rows": [_row(item, ind) for item in result.items if item.status != "ignored" or item.value is not None],
        "functions": result.functions,
        "charts": [c for c in (_chart(item, result, ind) for item in result.items) if c is not None],
        "chart_width": CHART_WIDTH,
        "status_labels": STATUS_LABELS,
        "function_status": FUNCTION_STATUS_LABELS,
    }


def applicant_materials() -> list[str]:
    """Names of the materials the applicant prepares (三、申请材料（二）), from knowledge/materials.yml."""
    try:
        data = load_file("materials.yml")
    except KnowledgeError:
        return []
    entries = data.get("materials", []) if isinstance(data, dict) else []
    mine = [m for m in entries if isinstance(m, dict) and m.get("filled_by") == "applicant" and m.get("name")]
    return [str(m["name"]) for m in sorted(mine, key=lambda m: m.get("seq", 0))]


def _failed_line(result: SelfCheckResult, ind: Indicators, key: str) -> Line:
    if key == ind.functions_key:
        offered = result.functions_offered
        label = "功能要求（至少满足一项）"
        if offered is None:
            gap = f"通知所列 {len(result.functions)} 项功能均有未达标的项目，尚无一项功能要求得到满足"
        elif offered:
            gap = "您所提供的功能均有未达标的项目，尚无一项功能要求得到满足"
        else:
            gap = f"您未提供通知所列 {len(result.functions)} 项功能中的任何一项"
        return Line(key, label, FUNCTIONS_CLAUSE, f"{label}：{gap}")
    item = result.item(key)
    cond = ind.condition(key)
    label = cond.label if cond else item.label if item else key
    return Line(key, label, item.clause if item else "", item.gap if item else None)


def _missing_line(result: SelfCheckResult, ind: Indicators, key: str) -> Line:
    if key == ind.functions_key:
        return Line(key, ind.functions_label, FUNCTIONS_CLAUSE)
    item = result.item(key)
    return Line(key, item.label if item else key, item.clause if item else "")


def display_value(item: ItemResult, ind: Indicators) -> str:
    value = item.value
    if value is None:
        return "未提供"
    if isinstance(value, bool):
        return "是" if value else "否"
    if item.type == "enum":
        return ind[item.key].choices.get(value, str(value))
    unit = item.unit or ""
    return f"{format_number(value)}{unit}" if unit == "%" else f"{format_number(value)} {unit}".strip()


def display_requirement(item: ItemResult, ind: Indicators) -> str:
    indicator = ind[item.key]
    if item.condition:
        cond = ind.condition(item.condition)
        return f"上一年多于前一年（{cond.label}）" if cond else ""
    if indicator.require.kind == "true":
        return "是"
    if indicator.require.kind == "in":
        return "通知所列机构类型之一"
    unit = item.unit or ""
    threshold = format_number(item.threshold)
    return f"≥ {threshold}{unit}" if unit == "%" else f"≥ {threshold} {unit}".strip()


def _row(item: ItemResult, ind: Indicators) -> dict[str, Any]:
    return {"key": item.key, "label": item.label, "clause": item.clause, "status": item.status,
            "status_label": STATUS_LABELS[item.status], "value": display_value(item, ind),
            "requirement": display_requirement(item, ind), "gap": item.gap or "", "function": item.function}


def _chart(item: ItemResult, result: SelfCheckResult, ind: Indicators) -> Chart | None:
    indicator = ind[item.key]
    if not indicator.is_numeric or item.value is None:
        return None
    if item.condition:
        cond = ind.condition(item.condition)
        greater = result.item(cond.greater) if cond else None
        return _growth_chart(item, item.value, greater.value if greater else None, ind)
    threshold = float(item.threshold or 0)
    top = 100.0 if item.type == "percent" else max(float(item.value), threshold, 1.0) * 1.25
    bar = Bar("您的数值", display_value(item, ind), _scale(item.value, top), item.value >= threshold)
    return Chart(item.key, item.label, item.status, (bar,), _scale(threshold, top),
                 display_requirement(item, ind).removeprefix("≥ "))


def _growth_chart(item: ItemResult, before: Any, last: Any, ind: Indicators) -> Chart:
    unit = item.unit or ""
    top = max(float(before), float(last or 0), 1.0) * 1.25
    bars = [Bar("前一年", f"{format_number(before)} {unit}", _scale(before, top), True)]
    if last is not None:
        bars.append(Bar("上一年", f"{format_number(last)} {unit}", _scale(last, top), last > before))
    cond = ind.condition(item.condition or "")
    return Chart(item.key, cond.label if cond else item.label, item.status, tuple(bars), None, None)


def _scale(value: Any, top: float) -> float:
    return round(min(float(value), top) / top * CHART_WIDTH, 1) if top > 0 else 0.0
