"""Reminders in ``shenbao serve``: the Telegram sender (PTB), the web outbox route ``GET /outbox?sender=ID``
and the background task that runs the dispatcher of ``dialogs.reminders``."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
import logging
import warnings
from typing import Any

from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from dialogs import Button, Store
from dialogs.reminders import (
    DeliveryBlocked,
    DeliveryError,
    DeliveryRetryAfter,
    Dispatcher,
    EmailSender,
    OutboxSender,
    Sender,
    take_outbox,
)
from knowledge import env_number

__all__ = ["TelegramSender", "outbox_route", "reminder_dispatch_task", "reminder_senders"]

log = logging.getLogger(__name__)
TELEGRAM_BROADCAST_LIMIT = 30.0  # messages per second to different chats (Telegram's bot FAQ)
MAX_SENDER_ID = 128
_GONE = ("chat not found", "user is deactivated", "bot was blocked", "bot was kicked", "chat_id is empty")


def _retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that retry_after becomes a timedelta; accept both
        warnings.simplefilter("ignore")
        value: Any = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class TelegramSender:
    """Sends a reminder as a Telegram message with inline buttons; maps PTB's errors onto the typed ones."""

    channel = "telegram"

    def __init__(self, bot: Bot, rate_per_second: float | None = TELEGRAM_BROADCAST_LIMIT) -> None:
        self.bot = bot
        self.rate_per_second = rate_per_second

    async def send(self, external_id: str, text: str, buttons: tuple[Button, ...] = ()) -> None:
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(b.title, callback_data=b.payload)] for b in buttons]
                                      ) if buttons else None
        try:
            await self.bot.send_message(chat_id=int(external_id), text=text, reply_markup=markup)
        except Forbidden as exc:
            raise DeliveryBlocked(exc.message) from exc
        except RetryAfter as exc:
            raise DeliveryRetryAfter(_retry_seconds(exc)) from exc
        except BadRequest as exc:
            if any(word in exc.message.lower() for word in _GONE):
                raise DeliveryBlocked(exc.message) from exc
            raise DeliveryError(f"Telegram: {exc.message}") from exc
        except (NetworkError, TelegramError) as exc:
            raise DeliveryError(f"Telegram: {type(exc).__name__}: {exc}") from exc


def reminder_senders(store: Store, bot: Bot | None) -> list[Sender]:
    """The channels this process can deliver to: the web outbox always, Telegram with a bot, e-mail with SMTP."""
    senders: list[Sender] = [OutboxSender(store)]
    if bot is not None:
        senders.append(TelegramSender(bot))
    email = EmailSender.from_env()
    if email is not None:
        senders.append(email)
    return senders


async def reminder_dispatch_task(store: Store, bot: Bot | None, stop: asyncio.Event) -> None:
    """Background task of ``shenbao serve``: dispatch due reminders every ``SHENBAO_REMINDER_POLL`` seconds; a
    claim older than ``SHENBAO_REMINDER_LEASE`` seconds (default 120) belongs to a process that died."""
    poll = _seconds("SHENBAO_REMINDER_POLL", 30.0)
    lease = dt.timedelta(seconds=_seconds("SHENBAO_REMINDER_LEASE", 120.0))
    dispatcher = Dispatcher(store, reminder_senders(store, bot), poll_interval=poll, lease=lease)
    await dispatcher.run(stop)


def _seconds(name: str, default: float) -> float:
    return env_number(name, default, maximum=86_400 * 7)


async def outbox(request: web.Request) -> web.Response:
    """``GET /outbox?sender=ID``: reminders waiting for this web page (each returned once), Rasa REST shape."""
    from bot.http import STORE_KEY

    sender = request.query.get("sender", "")  # as the REST channel keeps it: " a" is not "a"
    if not sender.strip() or len(sender) > MAX_SENDER_ID or not sender.isprintable():  # NUL: PostgreSQL fails
        return web.json_response({"error": f"参数 sender 应为 1 至 {MAX_SENDER_ID} 个可打印字符（网页的用户标识）。"},
                                 status=400, dumps=functools.partial(json.dumps, ensure_ascii=False))
    store: Store = request.app[STORE_KEY]
    now = dt.datetime.now(dt.UTC)
    messages = await asyncio.to_thread(take_outbox, store, sender, now)
    return web.json_response(messages)


outbox_route = web.get("/outbox", outbox)
