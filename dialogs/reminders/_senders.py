"""How a reminder leaves the core: the ``Sender`` protocol, its typed errors, and the two senders that need no
channel library (the web outbox the page polls, and e-mail over SMTP). The Telegram sender lives in bot/."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import os
import smtplib
import ssl
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Protocol, runtime_checkable
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.expression import Executable

from dialogs._types import Button
from dialogs.store import Store, User
from dialogs.store.models import OutboxMessage
from knowledge import ConfigError, ShenbaoError


class DeliveryError(ShenbaoError):
    """A delivery failed in a way that may succeed later (network, server error): retried with back-off."""


class DeliveryBlocked(DeliveryError):
    """The recipient blocked the bot or no longer exists: never retried; the user is unsubscribed."""


class DeliveryRetryAfter(DeliveryError):
    """Flood control (HTTP 429): retry after ``seconds``; the channel pauses meanwhile."""

    def __init__(self, seconds: float, message: str = "") -> None:
        super().__init__(message or f"flood control: retry after {seconds:g}s")
        self.seconds = seconds


@runtime_checkable
class Sender(Protocol):
    """Delivers text (and optional buttons) to one recipient of one channel. ``rate_per_second`` is the
    channel's limit (``None``: unlimited); the dispatcher paces sends to it."""

    channel: str
    rate_per_second: float | None

    async def send(self, external_id: str, text: str, buttons: tuple[Button, ...] = ()) -> None: ...


@runtime_checkable
class IdempotentSender(Sender, Protocol):
    """A sender that can deliver under a key, delivering at most one message per key however often it is
    called. The dispatcher uses ``send_once`` with the reminder's id, so a send cut short by kill -9 is simply
    repeated: nothing is lost and nothing arrives twice."""

    async def send_once(self, key: str, external_id: str, text: str, buttons: tuple[Button, ...] = ()) -> None: ...


class OutboxSender:
    """Web page delivery: the message waits in ``outbox_messages`` until the page polls ``GET /outbox``."""

    channel = "web"
    rate_per_second: float | None = None

    def __init__(self, store: Store, clock: Callable[[], datetime] | None = None) -> None:
        self.store = store
        self.clock = clock or _utcnow

    async def send(self, external_id: str, text: str, buttons: tuple[Button, ...] = ()) -> None:
        await asyncio.to_thread(self._write, None, external_id, text, buttons)

    async def send_once(self, key: str, external_id: str, text: str, buttons: tuple[Button, ...] = ()) -> None:
        await asyncio.to_thread(self._write, key, external_id, text, buttons)

    def _write(self, key: str | None, external_id: str, text: str, buttons: tuple[Button, ...]) -> None:
        payload = json.dumps([{"title": b.title, "payload": b.payload} for b in buttons], ensure_ascii=False)
        with self.store.session() as s:
            user_id = s.scalar(select(User.id).where(User.channel == "web", User.external_id == external_id))
            if user_id is None:
                raise DeliveryBlocked("网页用户已不存在")
            row = {"user_id": user_id, "sender": external_id, "text": text, "buttons_json": payload,
                   "created_at": self.clock(), "dedupe_key": key}
            s.execute(_insert_once(s.get_bind().dialect.name, row))


def _insert_once(dialect: str, row: dict[str, object]) -> Executable:
    """``INSERT … ON CONFLICT (dedupe_key) DO NOTHING`` in the dialect at hand (SQLite or PostgreSQL)."""
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    return insert(OutboxMessage).values(**row).on_conflict_do_nothing(index_elements=["dedupe_key"])


def _utcnow() -> datetime:
    return datetime.now(UTC)


def take_outbox(store: Store, sender: str, now: datetime, limit: int = 20) -> list[dict[str, object]]:
    """Messages waiting for the web page ``sender``, oldest first; they are marked delivered (taken once)."""
    with store.session() as s:
        rows = list(s.scalars(select(OutboxMessage).where(OutboxMessage.sender == sender,
                                                          OutboxMessage.delivered_at.is_(None))
                              .order_by(OutboxMessage.id).limit(limit)))
        if not rows:
            return []
        taken = s.execute(update(OutboxMessage).where(OutboxMessage.id.in_([r.id for r in rows]),
                                                      OutboxMessage.delivered_at.is_(None))
                          .values(delivered_at=now).returning(OutboxMessage.id)
                          .execution_options(synchronize_session=False)).scalars().all()
        mine = set(taken)
        return [{"recipient_id": sender, "text": r.text, "buttons": json.loads(r.buttons_json),
                 "created_at": r.created_at.isoformat()} for r in rows if r.id in mine]


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class EmailSender:
    """E-mail over SMTP (``SHENBAO_SMTP_URL`` = ``smtp://user:pass@host:587`` or ``smtps://…:465``;
    ``?from=addr`` sets the sender). ``smtp://`` must upgrade with STARTTLS before anything is sent: a server
    that does not offer it (or an attacker who strips it, to read the password) gets nothing. Only a relay on
    the loopback interface without a login (``smtp://127.0.0.1:25``) may be spoken to in plain text."""

    channel = "email"
    rate_per_second: float | None = 5.0

    def __init__(self, url: str, timeout: float = 20.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ConfigError("SHENBAO_SMTP_URL 应形如 smtp://user:pass@host:587 或 smtps://user:pass@host:465")
        self.ssl = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = parts.port or (465 if self.ssl else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        query = parse_qs(parts.query)
        self.sender = query.get("from", [self.username if self.username and "@" in self.username
                                         else f"shenbao@{self.host}"])[0]
        self.timeout = timeout
        self.plain_allowed = not (self.username or self.password) and _loopback(self.host)

    @classmethod
    def from_env(cls) -> EmailSender | None:
        url = os.environ.get("SHENBAO_SMTP_URL", "").strip()
        return cls(url) if url else None

    def __repr__(self) -> str:  # never show the password
        return f"EmailSender({self.host}:{self.port})"

    async def send(self, external_id: str, text: str, buttons: tuple[Button, ...] = ()) -> None:
        msg = EmailMessage()
        msg["From"] = formataddr(("申报助手", self.sender))
        msg["To"] = external_id
        msg["Subject"] = text.splitlines()[0][:80] if text else "申报提醒"
        msg["Message-ID"] = make_msgid(domain=self.host)
        msg.set_content(text)
        await asyncio.to_thread(self._deliver, msg)

    def _deliver(self, msg: EmailMessage) -> None:
        try:
            client = (smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=ssl.create_default_context())
                      if self.ssl else smtplib.SMTP(self.host, self.port, timeout=self.timeout))
            with client:
                client.ehlo()
                if not (self.ssl or self._starttls(client) or self.plain_allowed):
                    raise DeliveryError("SMTP 服务器未提供 STARTTLS，不以明文登录或发信；"
                                        "请改用 smtps:// 或支持 STARTTLS 的服务器")
                if self.username and self.password:
                    client.login(self.username, self.password)
                client.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryBlocked("邮箱地址被拒收") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP 发送失败：{type(exc).__name__}") from exc

    @staticmethod
    def _starttls(client: smtplib.SMTP) -> bool:
        """Upgrade to TLS when the server offers it; True when the connection is now encrypted."""
        if not client.has_extn("starttls"):
            return False
        client.starttls(context=ssl.create_default_context())
        client.ehlo()
        return True
