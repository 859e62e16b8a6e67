"""Finished self-checks in the database: the last result of a user, to show again and to re-run."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from dialogs.selfcheck._indicators import load_indicators
from dialogs.selfcheck._rules import SelfCheckResult
from dialogs.store._driver import DriverStatement, run
from dialogs.store._turns import TurnStore
from dialogs.store.models import SelfCheckRecord
from knowledge import KNOWLEDGE_DIR


@functools.cache
def knowledge_version() -> str:
    """A fingerprint of indicators.yml: a stored result says which thresholds it was judged by."""
    return hashlib.sha256((KNOWLEDGE_DIR / "indicators.yml").read_bytes()).hexdigest()[:16]


def save_result(session: Session, user_id: int, profile: Mapping[str, Any], result: SelfCheckResult,
                now: datetime) -> SelfCheckRecord:
    record = SelfCheckRecord(
        user_id=user_id, profile=dict(profile), result=result.to_dict(), verdict=result.verdict,
        knowledge_version=knowledge_version(), notice_year=load_indicators().notice_year, created_at=now,
    )
    session.add(record)
    session.flush()
    return record


# built once: every self-check start asks, and building the statement (and its cache key) cost 3× running it
_LATEST = (select(SelfCheckRecord).where(SelfCheckRecord.user_id == bindparam("user_id"))
           .order_by(SelfCheckRecord.created_at.desc(), SelfCheckRecord.id.desc()).limit(1))


def latest_result(session: Session, user_id: int) -> SelfCheckRecord | None:
    return session.scalars(_LATEST, {"user_id": user_id}).first()


_ANY_RESULT = DriverStatement(select(SelfCheckRecord.id).where(SelfCheckRecord.user_id == bindparam("p_uid")))


def turn_latest_result(db: TurnStore) -> SelfCheckRecord | None:
    """``latest_result`` of the turn's user. Most users starting a self-check have no result yet: one driver
    statement says so, without making the turn's ORM session (unless it is made already: it may hold a result not
    yet flushed)."""
    if not db.has_session and run(db.conn, _ANY_RESULT, {"p_uid": db.user_id}) is None:
        return None
    return latest_result(db.session, db.user_id)
