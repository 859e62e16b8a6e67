"""The verdict as the dialogue sends it: the chat report, with the printable HTML report as a file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dialogs._types import Attachment, Reply
from dialogs.selfcheck._report import render_report
from dialogs.selfcheck._rules import SelfCheckResult

HTML_FILENAME = "自测报告.html"
HTML_MIME = "text/html; charset=utf-8"


def verdict_replies(result: SelfCheckResult, profile: Mapping[str, Any]) -> list[Reply]:
    html = render_report(result, profile, "html")
    attachment = Attachment(HTML_FILENAME, HTML_MIME, html.encode("utf-8"))
    return [Reply(render_report(result, profile, "chat"), attachment=attachment)]
