"""The report: verdict first, gaps with clauses, the expert-review requirements, next steps; HTML with charts."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from dialogs.selfcheck import evaluate, load_indicators, parse_indicators, render_report
from knowledge import load_file
from tests.dialogs.selfcheck.test_rules import profile

NUMERIC_KEYS = {i.key for i in load_indicators() if i.is_numeric}


def report(p: dict[str, Any], fmt: str) -> str:
    return render_report(evaluate(p), p, fmt)


@pytest.mark.parametrize("fmt", ["chat", "text"])
def test_eligible_says_initially_eligible_on_checkable_conditions_only(fmt: str) -> None:
    body = report(profile("training"), fmt)
    assert body.startswith("自测结论：初步符合。")
    assert "培训服务" in body and "不等于通过认定" in body and "专家评审" in body
    assert "三、申请材料（二）" in body and "地(市)经济和信息化局" in body and "园区管委会" in body


def test_ineligible_lists_each_gap_with_its_clause() -> None:
    text = report(profile("training", total_assets_wan=80, trainees_per_year=550), "chat")
    assert text.startswith("自测结论：不符合。")
    assert "1. 资产总额 80 万元，低于 100 万元的要求，差 20 万元（二、申报条件（一）第1项）" in text
    assert "2. 年培训人次 550 人次，低于 600 人次的要求，差 50 人次（二、申报条件（二）培训服务）" in text
    assert "功能要求（至少满足一项）" in text  # the only offered function fails


def test_incomplete_lists_what_is_missing() -> None:
    text = report(profile("tech", satisfaction_pct=None, tech_activities=None), "chat")
    assert text.startswith("自测结论：信息不全，暂无法判断。")
    assert "用户满意度（二、申报条件（一）第2项）" in text
    assert "年技术服务活动次数（二、申报条件（二）技术服务）" in text
    assert "请补充上述信息后重新自测" in text


@pytest.mark.parametrize("fmt", ["chat", "text", "markdown", "html"])
def test_every_format_names_the_expert_review_requirements_and_the_interpretation(fmt: str) -> None:
    text = report(profile("info"), fmt)
    for q in load_indicators().qualitative:
        assert q.label in text and q.clause in text and q.advice in text
    assert load_indicators().conditions[0].interpretation in text
    assert "二、申报条件（三）" in text


def test_chat_uses_full_width_punctuation_and_polite_form() -> None:
    text = report(profile("training", "startup", startup_activities=1, legal_person=None), "chat")
    assert "您" in text
    assert not re.search(r"[,;:?!]", text), re.findall(r".{10}[,;:?!].{10}", text)


def test_markdown_has_headings_and_a_row_per_item() -> None:
    text = report(profile("info", total_assets_wan=50), "markdown")
    assert text.startswith("# ") and "**自测结论：不符合。**" in text
    assert "| 资产总额 | 50 万元 | ≥ 100 万元 | 不符合 | 二、申报条件（一）第1项 |" in text


def _svg_keys(html: str) -> list[str]:
    return re.findall(r'<svg class="chart" data-key="([a-z_]+)"', html)


@pytest.mark.parametrize(
    "p",
    [
        profile("training"),
        profile("training", "financing", total_assets_wan=80, satisfaction_pct=None, financing_lectures=None),
        profile(*("info", "tech", "startup", "training", "financing")),
        {"legal_person": True, "total_assets_wan": 30.5},
        {},
    ],
)
def test_html_has_one_svg_per_numeric_indicator_present_and_no_external_urls(p: dict[str, Any]) -> None:
    html = report(p, "html")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert '<meta charset="utf-8">' in html and "@media print" in html
    expected = [k for k in load_indicators().all_keys() if k in NUMERIC_KEYS and p.get(k) is not None]
    assert _svg_keys(html) == expected
    assert html.count("<svg") == len(expected)
    assert not re.search(r"https?:|//[a-z]|<link|<script|src=|@import|url\(", html)


def test_html_marks_a_failing_bar_and_draws_the_threshold() -> None:
    html = report(profile("info", total_assets_wan=80), "html")
    chart = html[html.index('data-key="total_assets_wan"'):]
    chart = chart[: chart.index("</svg>")]
    assert 'class="bad"' in chart and 'class="threshold"' in chart and "要求 100 万元" in chart


def test_html_escapes_what_it_shows() -> None:
    raw = copy.deepcopy(load_file("indicators.yml"))
    raw["basic"][3]["label"] = "资产<script>alert(1)</script>"
    ind = parse_indicators(raw)
    html = render_report(evaluate(profile("info", total_assets_wan=80), ind), {}, "html", indicators=ind)
    assert "<script>" not in html and "资产&lt;script&gt;" in html


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError):
        report({}, "pdf")


def test_next_steps_list_the_applicant_materials_of_materials_yml() -> None:
    names = [m["name"] for m in load_file("materials.yml")["materials"] if m["filled_by"] == "applicant"]
    text = report(profile("info"), "chat")
    steps = text[text.index("下一步："):]
    assert f"所列的 {len(names)} 项材料：{'、'.join(names)}。" in steps
    assert "推荐表" not in steps  # filled in by the recommending body, not by the applicant


@pytest.mark.parametrize(
    ("p", "wording"),
    [
        (profile(), "您未提供通知所列 5 项功能中的任何一项"),
        (profile("tech", tech_activities=0), "您所提供的功能均有未达标的项目"),
        (profile(offered=False, info_activities=0, tech_activities=0, startup_activities=0, trainees_per_year=0,
                 financing_lectures=0), "通知所列 5 项功能均有未达标的项目"),
    ],
)
def test_the_function_requirement_failure_is_worded_for_the_case(p: dict[str, Any], wording: str) -> None:
    assert f"功能要求（至少满足一项）：{wording}" in report(p, "chat")
