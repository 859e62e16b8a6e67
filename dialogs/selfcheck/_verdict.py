"""The verdict as the dialogue sends it: the chat report, and the HTML report as a file when the report
renderer supports it."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

from dialogs._types import Attachment, Reply
from dialogs.selfcheck._rules import SelfCheckResult
from knowledge import render

HTML_FILENAME = "自测报告.html"
Renderer = Callable[[SelfCheckResult, Mapping[str, Any], str], str]


def _renderer() -> Renderer | None:
    """``render_report`` of the rule engine's package, once it provides one."""
    found: Renderer | None = getattr(importlib.import_module("dialogs.selfcheck"), "render_report", None)
    return found


def chat_report(result: SelfCheckResult, profile: Mapping[str, Any]) -> str:
    renderer = _renderer()
    if renderer is not None:
        return renderer(result, profile, "chat")
    from dialogs.selfcheck._indicators import load_indicators

    ind = load_indicators()
    missing = [ind[k].label if ind.get(k) else ind.functions_label for k in result.missing]
    return render("selfcheck_dialog/verdict_fallback", result=result, missing=missing)


def html_attachment(result: SelfCheckResult, profile: Mapping[str, Any]) -> Attachment | None:
    renderer = _renderer()
    if renderer is None:
        return None
    try:
        html = renderer(result, profile, "html")
    except (ValueError, KeyError):
        return None
    return Attachment(HTML_FILENAME, "text/html; charset=utf-8", html.encode("utf-8"))


def verdict_replies(result: SelfCheckResult, profile: Mapping[str, Any]) -> list[Reply]:
    return [Reply(chat_report(result, profile), attachment=html_attachment(result, profile))]
