"""Privacy (PIPL): the first-contact notice, the full text, retention purge and ``/forget``.

Every table that stores something about a user references ``users.id`` with ``ON DELETE CASCADE``, so
deleting the user row deletes the user's rows everywhere (tests/dialogs/test_privacy.py checks every table).
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

from jinja2 import Environment, StrictUndefined
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dialogs._context import Context
from dialogs._registry import intent_handler
from dialogs._types import Button, Reply
from dialogs.store import Store, User
from knowledge import env_number, render
from knowledge._loader import KNOWLEDGE_DIR
from knowledge.errors import UserInputError

__all__ = [
    "DEFAULT_RETENTION_DAYS",
    "forget",
    "forget_user",
    "parse_user_ref",
    "privacy_notice",
    "privacy_notice_short",
    "privacy_text",
    "purge_inactive",
    "retention_days",
]

DEFAULT_RETENTION_DAYS = 365
CONFIRM_WORDS = ("确认", "确定", "confirm", "yes")


def retention_days() -> int:
    """``SHENBAO_RETENTION_DAYS`` (default 365): days after the last activity before a user is deleted."""
    return int(env_number("SHENBAO_RETENTION_DAYS", DEFAULT_RETENTION_DAYS, unit="天数", integer=True))


def privacy_notice() -> str:
    """The short notice shown once, on a user's first contact."""
    return _notice(retention_days())


def privacy_notice_short() -> str:
    """The notice in one line, for channels that link to the full text (the web page, ``GET /privacy``)."""
    return _notice(retention_days(), "privacy/notice_short")


@functools.lru_cache(maxsize=8)
def _notice(days: int, template: str = "privacy/notice") -> str:
    return render(template, retention_days=days)


@functools.cache
def _privacy_source() -> str:
    return (KNOWLEDGE_DIR / "privacy.md").read_text(encoding="utf-8")


def privacy_text() -> str:
    """The full text (knowledge/privacy.md) with the configured retention period."""
    template = Environment(undefined=StrictUndefined, autoescape=False).from_string(_privacy_source())
    return template.render(retention_days=retention_days()).strip()


def purge_inactive(store: Store, *, now: datetime, days: int | None = None) -> int:
    """Delete every user whose last activity is older than the retention period; returns how many."""
    cutoff = now - timedelta(days=days if days is not None else retention_days())
    with store.session() as session:
        result = session.execute(delete(User).where(User.last_active_at < cutoff))
        removed = int(getattr(result, "rowcount", 0) or 0)
    if removed:
        store.erase_traces()
    return removed


def forget_user(session: Session, user: User) -> None:
    """Delete one user in this session; the database cascades to every table that references users."""
    session.delete(user)
    session.flush()


def parse_user_ref(ref: str) -> tuple[str, str]:
    """``CHANNEL:ID`` (e.g. ``telegram:12345``) → (channel, id)."""
    channel, sep, external_id = ref.partition(":")
    if not sep or not channel.strip() or not external_id.strip():
        raise UserInputError(f"用户应写作 渠道:编号，例如 telegram:12345，而不是“{ref}”", key="user")
    return channel.strip(), external_id.strip()


def forget(store: Store, channel: str, external_id: str) -> bool:
    """Delete a user's rows everywhere; False when there is no such user."""
    with store.session() as session:
        user = session.scalars(select(User).where(User.channel == channel,
                                                  User.external_id == external_id)).first()
        if user is None:
            return False
        forget_user(session, user)
    store.erase_traces()
    return True


@intent_handler("forget_me")
def handle_forget(ctx: Context) -> list[Reply]:
    """``/forget`` asks for confirmation; ``/forget 确认`` (or the button) deletes everything at once."""
    words = ctx.text.split(maxsplit=1)
    confirmed = ctx.text.startswith("/") and len(words) > 1 and words[1].strip().lower() in CONFIRM_WORDS
    if not confirmed:
        return [Reply(render("privacy/forget_confirm"), buttons=(Button("确认删除", "/forget 确认"),))]
    ctx.state.reset_flow()
    forget_user(ctx.session, ctx.user)
    return [Reply(render("privacy/forgotten"))]


@intent_handler("privacy_policy")
def handle_privacy(ctx: Context) -> list[Reply]:
    ctx.state.privacy_notice_shown = True
    return [Reply(privacy_text())]
