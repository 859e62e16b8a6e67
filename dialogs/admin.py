"""Administrators' views: /stats, /export (Telegram, ids in SHENBAO_ADMIN_IDS) and ``shenbao admin``.

Only aggregate figures, the self-check results and the unanswered questions are shown; never a list of
users or their ids. A non-administrator sending /stats or /export is answered as for any unknown input.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from dialogs._context import Context
from dialogs._registry import intent_handler
from dialogs._types import Attachment, Reply
from dialogs.store import Base, Conversation, UnansweredQuestion, User
from knowledge import render

__all__ = ["Stats", "UnansweredRow", "admin_ids", "export_csv", "is_admin", "stats", "top_unanswered"]

RESULTS_TABLE = "selfcheck_results"


def admin_ids() -> frozenset[str]:
    """Telegram user ids in ``SHENBAO_ADMIN_IDS`` (comma- or space-separated)."""
    raw = os.environ.get("SHENBAO_ADMIN_IDS", "")
    return frozenset(part for part in raw.replace(",", " ").split() if part.isdigit())


def is_admin(channel: str, user_id: str) -> bool:
    return channel == "telegram" and user_id in admin_ids()


@dataclass(frozen=True)
class Stats:
    users: int
    conversations: int
    selfchecks: dict[str, int]
    unanswered: int


@dataclass(frozen=True)
class UnansweredRow:
    text: str
    count: int
    last_asked: datetime


def _results_table() -> Table | None:
    return Base.metadata.tables.get(RESULTS_TABLE)


def _count(session: Session, model: type[Base]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def stats(session: Session) -> Stats:
    by_verdict: dict[str, int] = {}
    table = _results_table()
    if table is not None and "verdict" in table.c:
        rows = session.execute(select(table.c.verdict, func.count()).group_by(table.c.verdict))
        by_verdict = {str(verdict): int(n) for verdict, n in rows}
    return Stats(_count(session, User), _count(session, Conversation), by_verdict,
                 _count(session, UnansweredQuestion))


def top_unanswered(session: Session, limit: int = 20) -> list[UnansweredRow]:
    """The most frequent unanswered questions (same text counted together), most frequent first."""
    n = func.count().label("n")
    last = func.max(UnansweredQuestion.created_at).label("last")
    stmt = (select(UnansweredQuestion.text, n, last).group_by(UnansweredQuestion.text)
            .order_by(n.desc(), last.desc(), UnansweredQuestion.text).limit(limit))
    return [UnansweredRow(text, int(count), when) for text, count, when in session.execute(stmt)]


def _cell(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def export_csv(session: Session) -> tuple[bytes, int]:
    """The self-check results as CSV (UTF-8 with BOM so that spreadsheet programs read the Chinese) and
    the number of rows."""
    out = io.StringIO()
    writer = csv.writer(out)
    table = _results_table()
    rows = 0
    if table is None:
        writer.writerow(["id"])
    else:
        writer.writerow([c.name for c in table.c])
        for row in session.execute(select(table).order_by(*table.primary_key.columns)):
            writer.writerow([_cell(v) for v in row])
            rows += 1
    return ("\ufeff" + out.getvalue()).encode("utf-8"), rows


def _not_for_you(ctx: Context) -> list[Reply]:
    """Treat the command as any other unknown input: hand the text to the NLU and answer that."""
    ctx.parsed = ctx.assistant.parser(ctx.text)
    return ctx.assistant.answer_intent(ctx)


@intent_handler("admin_stats")
def handle_stats(ctx: Context) -> list[Reply]:
    if not is_admin(ctx.incoming.channel, ctx.incoming.user_id):
        return _not_for_you(ctx)
    return [Reply(render("admin/stats", stats=stats(ctx.session)))]


@intent_handler("admin_export")
def handle_export(ctx: Context) -> list[Reply]:
    if not is_admin(ctx.incoming.channel, ctx.incoming.user_id):
        return _not_for_you(ctx)
    data, rows = export_csv(ctx.session)
    name = f"selfcheck_results_{ctx.now:%Y%m%d}.csv"
    return [Reply(render("admin/export", rows=rows), attachment=Attachment(name, "text/csv", data))]
