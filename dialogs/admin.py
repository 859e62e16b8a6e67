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

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dialogs._context import Context
from dialogs._csv import safe_cell
from dialogs._registry import intent_handler
from dialogs._types import Attachment, Reply
from dialogs.selfcheck import VERDICT_LABELS, load_indicators
from dialogs.store import Base, Conversation, UnansweredQuestion, User
from dialogs.store.models import SelfCheckRecord
from knowledge import render

__all__ = ["Stats", "UnansweredRow", "admin_ids", "export_csv", "is_admin", "stats", "top_unanswered"]

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


def stats(session: Session) -> Stats:
    rows = session.execute(select(SelfCheckRecord.verdict, func.count()).group_by(SelfCheckRecord.verdict))
    by_verdict = {VERDICT_LABELS.get(str(verdict), str(verdict)): int(n) for verdict, n in rows}
    return Stats(_count(session, User), _count(session, Conversation), by_verdict,
                 _count(session, UnansweredQuestion))


def _count(session: Session, model: type[Base]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def top_unanswered(session: Session, limit: int = 20) -> list[UnansweredRow]:
    """The most frequent unanswered questions (same text counted together), most frequent first."""
    n = func.count().label("n")
    last = func.max(UnansweredQuestion.created_at).label("last")
    stmt = (select(UnansweredQuestion.text, n, last).group_by(UnansweredQuestion.text)
            .order_by(n.desc(), last.desc(), UnansweredQuestion.text).limit(limit))
    return [UnansweredRow(text, int(count), when) for text, count, when in session.execute(stmt)]


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return "" if value is None else value


EXPORT_COLUMNS = ("id", "user_id", "created_at", "verdict", "knowledge_version", "notice_year")


def export_csv(session: Session) -> tuple[bytes, int]:
    """The self-check results as CSV, one row per finished self-check: verdict (in words), failed and missing
    items, then one column per indicator answered. UTF-8 with BOM so that spreadsheet programs read the
    Chinese. Returns the bytes and the number of rows. Internal user numbers only, never channel ids."""
    records = list(session.scalars(select(SelfCheckRecord).order_by(SelfCheckRecord.id)))
    order = {key: i for i, key in enumerate(load_indicators().all_keys())}
    keys = sorted({k for r in records for k in (r.profile or {})}, key=lambda k: (order.get(k, len(order)), k))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*EXPORT_COLUMNS, "verdict_label", "failed", "missing", *keys])
    for r in records:
        result = r.result if isinstance(r.result, dict) else {}
        cells = ([_cell(getattr(r, c)) for c in EXPORT_COLUMNS]
                 + [VERDICT_LABELS.get(r.verdict, r.verdict), _cell(result.get("failed")), _cell(result.get("missing"))]
                 + [_cell((r.profile or {}).get(k)) for k in keys])
        writer.writerow([safe_cell(c) for c in cells])
    return ("\ufeff" + out.getvalue()).encode("utf-8"), len(records)


def _not_for_you(ctx: Context) -> list[Reply]:
    """Treat the command as any other unknown input: hand the text to the NLU and answer that."""
    ctx.parsed = ctx.assistant.parser(ctx.text)
    return ctx.assistant.answer_intent(ctx)


def _refused(ctx: Context) -> list[Reply] | None:
    """Why an admin command is not carried out here: not an administrator (answered as any other text), or a
    group chat, where the results would be posted to every member."""
    if not is_admin(ctx.incoming.channel, ctx.incoming.user_id):
        return _not_for_you(ctx)
    if not ctx.incoming.private:
        return [Reply(render("admin/private_only"))]
    return None


@intent_handler("admin_stats")
def handle_stats(ctx: Context) -> list[Reply]:
    if (refused := _refused(ctx)) is not None:
        return refused
    return [Reply(render("admin/stats", stats=stats(ctx.session)))]


@intent_handler("admin_export")
def handle_export(ctx: Context) -> list[Reply]:
    if (refused := _refused(ctx)) is not None:
        return refused
    data, rows = export_csv(ctx.session)
    name = f"selfcheck_results_{ctx.now:%Y%m%d}.csv"
    return [Reply(render("admin/export", rows=rows), attachment=Attachment(name, "text/csv", data))]
