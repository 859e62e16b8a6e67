"""E-mail reminders through SMTP, against a local aiosmtpd sink on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from dialogs import Assistant, Incoming, Store
from dialogs.reminders import Dispatcher, EmailSender
from dialogs.store.models import ReminderSubscription
from knowledge import ConfigError
from knowledge._deadlines import set_deadline
from tests.dialogs.reminders.conftest import Clock, say


class Sink:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd calls it by this name
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_sink() -> Iterator[tuple[Sink, int]]:
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, port
    controller.stop()


async def test_e_mail_reminder_reaches_the_smtp_server(assistant: Assistant, store: Store, clock: Clock,
                                                       deadlines_file: Path, smtp_sink: tuple[Sink, int],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    sink, port = smtp_sink
    monkeypatch.setenv("SHENBAO_SMTP_URL", f"smtp://127.0.0.1:{port}?from=noreply@shenbao.example")
    set_deadline(2022, "application", dt.date(2022, 12, 30), deadlines_file)
    say(assistant, "提醒我", user="page-3", channel="web")
    assert "邮件服务尚未配置" not in say(assistant, "li@example.cn", user="page-3", channel="web").text
    sender = EmailSender.from_env()
    assert sender is not None
    clock.set_local(2022, 12, 16, 10, 0)
    stats = await Dispatcher(store, [sender], clock).dispatch_due()
    assert stats.sent == 1
    (mail_from, rcpt, content), = sink.messages
    assert mail_from == "noreply@shenbao.example" and rcpt == ["li@example.cn"]
    message = message_from_bytes(content)
    assert "申报提醒" in str(make_header(decode_header(message["Subject"])))
    body = message.get_payload(decode=True).decode("utf-8")
    assert "距今还有14天" in body and "您还差以下 9 项申请材料" in body


async def test_smtp_down_is_retried_later(assistant: Assistant, store: Store, clock: Clock,
                                          deadlines_file: Path) -> None:
    set_deadline(2022, "application", dt.date(2022, 12, 30), deadlines_file)
    say(assistant, "/remind_email li@example.cn", user="page-4", channel="web")
    clock.set_local(2022, 12, 16, 10, 0)
    stats = await Dispatcher(store, [EmailSender(f"smtp://127.0.0.1:{free_port()}")], clock).dispatch_due()
    assert stats.retried == 1 and "SMTP 发送失败" in stats.errors[0]


def test_smtp_url_is_validated_and_the_password_never_shown() -> None:
    with pytest.raises(ConfigError):
        EmailSender("http://mail.example.cn")
    sender = EmailSender("smtps://user%40x.cn:s3cret@mail.example.cn")
    assert sender.port == 465 and sender.username == "user@x.cn" and "s3cret" not in repr(sender)


def test_an_address_in_a_plain_message_is_saved_for_e_mail_reminders(store: Store, deadlines_file: Path) -> None:
    """With the real NLU: no /remind_email command and no preceding 提醒我 needed."""
    set_deadline(2022, "application", dt.date(2022, 12, 30), deadlines_file)
    assistant = Assistant(store, clock=lambda: dt.datetime(2022, 11, 1, 2, 0, tzinfo=dt.UTC))
    reply = assistant.handle(Incoming("web", "page-7", "我的邮箱是 Gesang@Example.cn")).text
    assert "邮件提醒将发送到 gesang@example.cn" in reply
    with store.session() as s:
        sub = s.scalars(select(ReminderSubscription)).one()
    assert (sub.email, sub.active) == ("gesang@example.cn", True)


class Logins:
    """An authenticator that records every login attempt (a password sent) and accepts it."""

    def __init__(self) -> None:
        self.seen: list[bytes] = []

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult

        self.seen.append(bytes(getattr(auth_data, "password", b"") or b""))
        return AuthResult(success=True)


async def test_a_login_is_never_sent_to_a_server_without_starttls(store: Store, clock: Clock,
                                                                   deadlines_file: Path) -> None:
    """A server (or an attacker in between) that does not offer STARTTLS gets no password and no mail."""
    sink, logins, port = Sink(), Logins(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port, authenticator=logins, auth_require_tls=False)
    controller.start()
    try:
        set_deadline(2022, "application", dt.date(2022, 12, 30), deadlines_file)
        say(Assistant(store, clock=clock), "/remind_email li@example.cn", user="page-5", channel="web")
        clock.set_local(2022, 12, 16, 10, 0)
        sender = EmailSender(f"smtp://mailer:Pa55word@127.0.0.1:{port}")
        stats = await Dispatcher(store, [sender], clock).dispatch_due()
    finally:
        controller.stop()
    assert logins.seen == [] and sink.messages == []
    assert stats.sent == 0 and "STARTTLS" in stats.errors[0]


async def test_plain_smtp_without_a_login_still_reaches_a_local_relay(store: Store, clock: Clock,
                                                                       deadlines_file: Path,
                                                                       smtp_sink: tuple[Sink, int]) -> None:
    sink, port = smtp_sink
    set_deadline(2022, "application", dt.date(2022, 12, 30), deadlines_file)
    say(Assistant(store, clock=clock), "/remind_email li@example.cn", user="page-6", channel="web")
    clock.set_local(2022, 12, 16, 10, 0)
    stats = await Dispatcher(store, [EmailSender(f"smtp://127.0.0.1:{port}")], clock).dispatch_due()
    assert stats.sent == 1 and len(sink.messages) == 1


@pytest.mark.parametrize(("url", "plain"), [("smtp://127.0.0.1:25", True), ("smtp://localhost", True),
                                            ("smtp://[::1]:25", True), ("smtp://mail.example.cn:25", False),
                                            ("smtp://u:p@127.0.0.1:25", False), ("smtp://10.0.0.5", False)])
def test_only_a_loopback_relay_without_a_login_is_spoken_to_in_plain_text(url: str, plain: bool) -> None:
    assert EmailSender(url).plain_allowed is plain
