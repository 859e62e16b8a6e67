"""Property-based: the core survives any message and any sender id. Nothing crashes, nothing is stored
wrongly (one user per sender, state that reads back, bounded rows), every refusal says why."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import func, select

from dialogs import MAX_MESSAGE_CHARS, Assistant, DialogState, Incoming, Store
from dialogs.store import Conversation, UnansweredQuestion, User
from knowledge.errors import UserInputError

MESSAGES = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=80),
    st.builds(lambda p, n, u: f"{p}{n}{u}", st.sampled_from(["资产", "满意度", "服务了", "/selfcheck ", "", "-"]),
              st.one_of(st.integers(min_value=-(10**60), max_value=10**60).map(str), st.floats().map(str)),
              st.sampled_from(["万", "%", "家", "", "年"])),
    st.sampled_from(["/start", "/selfcheck", "/forget", "/report", "/materials", "/stats", "/export", "/privacy",
                     "/", "//", "/" + "x" * 300, "\x00", "\u202e\u200b", "NaN", "Infinity", "-1e309"]),
    st.integers(min_value=MAX_MESSAGE_CHARS - 2, max_value=MAX_MESSAGE_CHARS + 3).map(lambda n: "资" * n),
)
_ids = itertools.count()
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


@pytest.fixture
def bot(store: Store) -> Assistant:
    return Assistant(store, clock=lambda: NOW)


def counts(store: Store) -> tuple[int, int, int]:
    with store.session() as s:
        return tuple(int(s.scalar(select(func.count()).select_from(m)) or 0)  # type: ignore[return-value]
                     for m in (User, Conversation, UnansweredQuestion))


@given(text=MESSAGES)
@example(text="资" * (MAX_MESSAGE_CHARS + 1))
@example(text="\x00" * 10 + "资产")
def test_any_message_gets_a_reply_and_consistent_storage(bot: Assistant, text: str) -> None:
    user = f"h{next(_ids)}"
    users_before, _, unanswered_before = counts(bot.store)
    turn = bot.handle(Incoming("web", user, text))
    assert turn.replies and all(r.text.strip() for r in turn.replies), "every message gets a reply"
    users, _, unanswered = counts(bot.store)
    assert users - users_before in (0, 1) and unanswered - unanswered_before in (0, 1)
    with bot.store.session() as s:
        row = s.scalars(select(User).where(User.external_id == user)).first()
        if row is None:  # refused before anything was stored: the reply says why
            assert any(w in turn.text for w in ("没有收到", "超过", "暂时无法")), turn.text
            return
        state = DialogState.from_json(s.get(Conversation, row.id).state_json)  # type: ignore[union-attr]
        assert state.privacy_notice_shown
        for q in s.scalars(select(UnansweredQuestion).where(UnansweredQuestion.user_id == row.id)):
            assert len(q.text) <= 1000 and "\x00" not in q.text


@given(user_id=st.one_of(st.text(max_size=300), st.sampled_from(["", " ", "\x00", "a" * 129, "a\nb", "🙂" * 64])))
def test_any_sender_id_is_stored_as_sent_or_refused_with_the_reason(bot: Assistant, user_id: str) -> None:
    try:
        turn = bot.handle(Incoming("web", user_id, "你好"))
    except UserInputError as exc:
        assert "用户标识" in str(exc)
        assert not user_id.strip() or len(user_id) > 128 or not user_id.isprintable()
        return
    assert turn.replies
    with bot.store.session() as s:
        assert s.scalars(select(User).where(User.channel == "web", User.external_id == user_id)).one()


def test_users_never_see_each_others_state(bot: Assistant) -> None:
    bot.handle(Incoming("web", "alice", "/selfcheck"))
    bot.handle(Incoming("web", "alice", "资产一百二十万"))
    for probe in ("/report", "alice", "/stats", "/export", "查看alice的自测结果", "/report alice"):
        turn = bot.handle(Incoming("web", "mallory", probe))
        assert "alice" not in turn.text and "120" not in turn.text and "一百二十" not in turn.text
        assert all(r.attachment is None for r in turn.replies)
