"""Drives the self-check dialogue through the core, as a channel would (shared by the dialogue tests)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select

from dialogs import Assistant, DialogState, Incoming, Reply, Store, Turn, intent_handler
from dialogs._context import Context
from dialogs.store import Conversation, User
from dialogs.store.models import SelfCheckRecord
from nlu import FALLBACK_INTENT, IntentScore, ParseResult

# 2026-11-26 10:00 in Asia/Shanghai
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
SIDE_INTENT = "_test_side_question"
SIDE_ANSWER = "资产总额以上一年度审计报告中的资产总计为准。"
SIDE_QUESTIONS = {"资产总额怎么算？", "资产总额怎么算", "公示几天"}


@intent_handler(SIDE_INTENT)
def _side_answer(ctx: Context) -> list[Reply]:
    return [Reply(SIDE_ANSWER)]


def fake_parser(text: str) -> ParseResult:
    """The side questions of the tests are understood as a question intent; everything else is out of scope,
    so only the flow can make sense of it."""
    intent, conf = (SIDE_INTENT, 0.95) if text in SIDE_QUESTIONS else (FALLBACK_INTENT, 0.2)
    return ParseResult(text=text, intent=intent, confidence=conf, intent_ranking=(IntentScore(intent, conf),))


class Chat:
    """One user talking to the assistant; ``now`` can be moved to simulate days passing."""

    def __init__(self, store: Store, user: str = "u1", now: datetime = NOW,
                 parser: Callable[[str], ParseResult] = fake_parser) -> None:
        self.store = store
        self.user = user
        self.now = now
        self.assistant = Assistant(store, clock=lambda: self.now, parser=parser)
        self.turns = 0

    def say(self, text: str) -> Turn:
        self.turns += 1
        return self.assistant.handle(Incoming("web", self.user, text))

    def run(self, *texts: str) -> Turn:
        turn = None
        for text in texts:
            turn = self.say(text)
        assert turn is not None
        return turn

    def state(self) -> DialogState:
        with self.store.session() as s:
            user = s.scalars(select(User).where(User.external_id == self.user)).one()
            conv = s.get(Conversation, user.id)
            return DialogState.from_json(conv.state_json if conv else None)

    def records(self) -> list[SelfCheckRecord]:
        with self.store.session() as s:
            user = s.scalars(select(User).where(User.external_id == self.user)).one()
            stmt = select(SelfCheckRecord).where(SelfCheckRecord.user_id == user.id).order_by(SelfCheckRecord.id)
            return list(s.scalars(stmt))


# A complete, eligible organisation, in the order the dialogue asks (basic conditions, then functions).
ELIGIBLE_ANSWERS = (
    "是的", "科研院所", "成立于2019年3月", "一百二十万", "是", "有", "45家", "30", "百分之九十二", "有",
    "3家", "获得过", "健全", "有", "25%", "有", "12人", "六成", "培训服务", "完成", "是", "有", "有", "800人次",
)
ELIGIBLE_PROFILE = {
    "legal_person": True, "org_type": "research_institute", "years_operating": 7.65, "total_assets_wan": 120,
    "finances_sound": True, "leadership_sound": True, "smes_served_last_year": 45, "smes_served_year_before": 30,
    "satisfaction_pct": 92, "fixed_premises": True, "aggregated_orgs": 3, "prefecture_recognition": True,
    "management_system": True, "sme_fee_discount": True, "public_welfare_pct": 25, "development_plan": True,
    "service_staff": 12, "qualified_staff_pct": 60, "functions_offered": ["training"],
    "training_registered": True, "training_online_offline": True, "training_evaluation": True,
    "trainees_per_year": 800,
}
