"""Simulated applicants over REST: each runs the self-check dialogue with answers of its own, and the driver
counts messages sent, acknowledged (HTTP 200), refused, and failed while the service was down."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine

from dialogs import DialogState
from dialogs.store import Conversation, User
from dialogs.store.models import SelfCheckRecord

BASIC = ("legal_person", "org_type", "years_operating", "total_assets_wan", "finances_sound", "leadership_sound",
         "smes_served_last_year", "smes_served_year_before", "satisfaction_pct", "fixed_premises",
         "aggregated_orgs", "prefecture_recognition", "management_system", "sme_fee_discount", "public_welfare_pct",
         "development_plan", "service_staff", "qualified_staff_pct")


def script(i: int) -> list[tuple[str | None, str]]:
    """(pending question, message) of applicant ``i``: the eligible organisation of the dialogue tests, with
    three figures of its own so that any cross-talk between users shows."""
    basic = ["是的", "科研院所", "成立于2019年3月", f"{100 + i}万", "是", "有", f"{45 + i}家", "30", "百分之九十二",
             "有", "3家", "获得过", "健全", "有", "25%", "有", f"{12 + i}人", "六成"]
    return [(None, "/selfcheck"), *zip(BASIC, basic, strict=True), ("functions_offered", "培训服务"),
            ("functions_offered", "完成"), ("training_registered", "是"), ("training_online_offline", "有"),
            ("training_evaluation", "有"), ("trainees_per_year", "800人次"), ("_summary", "确认")]


def expected(i: int) -> dict[str, Any]:
    return {"total_assets_wan": 100 + i, "smes_served_last_year": 45 + i, "service_staff": 12 + i,
            "satisfaction_pct": 92, "smes_served_year_before": 30, "org_type": "research_institute"}


@dataclass
class Tally:
    sent: int = 0
    acknowledged: int = 0
    failed_while_down: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    storage_down_replies: int = 0


class Users:
    """Reads what the store holds for a REST user (the test's own view of the database)."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = create_engine(url)

    def state(self, sender: str, channel: str = "web") -> tuple[DialogState | None, int]:
        with self.engine.connect() as conn:
            uid = conn.scalar(select(User.id).where(User.channel == channel, User.external_id == sender))
            if uid is None:
                return None, 0
            raw = conn.scalar(select(Conversation.state_json).where(Conversation.user_id == uid))
            records = len(conn.execute(select(SelfCheckRecord.id).where(SelfCheckRecord.user_id == uid)).all())
            return DialogState.from_json(raw), records

    def profiles(self, sender: str, channel: str = "web") -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            uid = conn.scalar(select(User.id).where(User.channel == channel, User.external_id == sender))
            return [dict(p) for p in conn.scalars(select(SelfCheckRecord.profile)
                                                  .where(SelfCheckRecord.user_id == uid)
                                                  .order_by(SelfCheckRecord.id))]

    def resume_at(self, sender: str, steps: list[tuple[str | None, str]], channel: str = "web") -> int:
        """Where applicant ``sender`` is, as the screen would show them after a restart."""
        state, records = self.state(sender, channel)
        if records:
            return len(steps)
        if state is None or state.flow != "selfcheck":
            return 0
        if state.step == "functions_offered" and "training" in state.slots.get("selecting", []):
            return next(n for n, (k, t) in enumerate(steps) if t == "完成")
        return next((n for n, (k, _) in enumerate(steps) if k == state.step), 0)

    def dispose(self) -> None:
        self.engine.dispose()


async def post(session: aiohttp.ClientSession, base: str, sender: str, text: str, tally: Tally,
               down_text: str) -> list[dict[str, Any]] | None:
    """One message; None when the service did not acknowledge it (connection refused or cut)."""
    tally.sent += 1
    try:
        async with session.post(f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                                timeout=aiohttp.ClientTimeout(total=60)) as resp:
            tally.statuses[resp.status] += 1
            if resp.status != 200:
                return None
            body: list[dict[str, Any]] = await resp.json()
    except (TimeoutError, aiohttp.ClientError):
        tally.failed_while_down += 1
        return None
    tally.acknowledged += 1
    if any(m.get("text") == down_text for m in body):
        tally.storage_down_replies += 1
    return body
