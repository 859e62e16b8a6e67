"""Telegram on python-telegram-bot 22: the Application, its lifecycle (polling or webhook) and settings.

``TelegramService(runner, settings)`` owns one PTB ``Application``; ``start()`` polls, or sets the webhook when
``settings.webhook_url`` is given (updates then arrive through ``feed`` from the HTTP route); ``stop()`` lets
updates in flight finish. ``send_replies(bot, chat_id, replies)`` is what other features use to push messages.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ExtBot

from bot._core import CoreRunner
from bot._tg_handlers import ADMIN_COMMANDS, BOT_COMMANDS, CHANNEL, TelegramChannel, addressed_text, send_replies
from bot._tg_keyboard import PayloadBook
from dialogs.admin import admin_ids
from knowledge.errors import UserInputError

__all__ = [
    "BOT_COMMANDS",
    "CHANNEL",
    "PayloadBook",
    "TelegramChannel",
    "TelegramService",
    "TelegramSettings",
    "addressed_text",
    "build_application",
    "send_replies",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TelegramSettings:
    """From ``TELEGRAM_BOT_TOKEN``, ``TELEGRAM_API_BASE_URL``, ``TELEGRAM_WEBHOOK_URL``,
    ``TELEGRAM_WEBHOOK_SECRET``. ``repr`` never shows the token or the secret."""

    token: str
    api_base_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    poll_timeout: float = 10.0
    max_retries: int = 3  # waits after 429 Too Many Requests (the rate limiter's)
    read_timeout: float = 5.0  # seconds for a Bot API answer (PTB's default); then the call counts as failed

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> TelegramSettings | None:
        token = environ.get("TELEGRAM_BOT_TOKEN", "").strip()
        if not token:
            return None
        return cls(token=token,
                   api_base_url=environ.get("TELEGRAM_API_BASE_URL", "").strip() or None,
                   webhook_url=environ.get("TELEGRAM_WEBHOOK_URL", "").strip() or None,
                   webhook_secret=environ.get("TELEGRAM_WEBHOOK_SECRET", "").strip() or None)

    @property
    def secret(self) -> str:
        """The webhook secret: the configured one, else one derived from the token (the same in every process
        sharing the bot, and unguessable without the token)."""
        if self.webhook_secret:
            return self.webhook_secret
        return hashlib.sha256(f"shenbao-webhook:{self.token}".encode()).hexdigest()

    def __repr__(self) -> str:
        return (f"TelegramSettings(api_base_url={self.api_base_url!r}, webhook_url={self.webhook_url!r}, "
                f"token=***, webhook_secret=***)")


def file_url(base_url: str) -> str:
    """``http://host/bot`` → ``http://host/file/bot`` (the Bot API's layout)."""
    head, sep, tail = base_url.rpartition("/bot")
    return f"{head}/file/bot{tail}" if sep else base_url


def build_application(runner: CoreRunner, settings: TelegramSettings
                      ) -> tuple[Application, TelegramChannel]:  # type: ignore[type-arg]
    """The PTB Application with the flood-control rate limiter (retries after 429) and our handlers."""
    builder = (ApplicationBuilder().token(settings.token)
               .rate_limiter(AIORateLimiter(max_retries=settings.max_retries))
               .concurrent_updates(16)
               .read_timeout(settings.read_timeout)
               .get_updates_read_timeout(settings.poll_timeout + 10))
    if settings.api_base_url:
        builder = builder.base_url(settings.api_base_url).base_file_url(file_url(settings.api_base_url))
    app = builder.build()
    channel = TelegramChannel(runner)
    channel.install(app)
    return app, channel


class TelegramService:
    """Start and stop the bot inside an asyncio loop that also runs other things (the HTTP site)."""

    def __init__(self, runner: CoreRunner, settings: TelegramSettings) -> None:
        self.settings = settings
        self.app, self.channel = build_application(runner, settings)

    @property
    def bot(self) -> ExtBot[Any]:
        bot: ExtBot[Any] = self.app.bot
        return bot

    async def start(self) -> None:
        await self.app.initialize()
        await self.register_commands()
        await self.app.start()
        if self.settings.webhook_url:
            await self.bot.set_webhook(self.settings.webhook_url, secret_token=self.settings.secret,
                                       allowed_updates=Update.ALL_TYPES)
            log.info("Telegram: webhook mode")
        else:
            assert self.app.updater is not None  # built by ApplicationBuilder
            await self.app.updater.start_polling(timeout=int(self.settings.poll_timeout),
                                                 allowed_updates=Update.ALL_TYPES)
            log.info("Telegram: polling as @%s", self.bot.username)

    async def register_commands(self) -> None:
        """Everybody's command menu, and for each administrator (``SHENBAO_ADMIN_IDS``) one with /stats, /export."""
        everyone = [BotCommand(name, desc) for name, desc in BOT_COMMANDS]
        admin = everyone + [BotCommand(name, desc) for name, desc in ADMIN_COMMANDS]
        try:
            await self.bot.set_my_commands(everyone)
            for chat_id in sorted(admin_ids()):
                await self.bot.set_my_commands(admin, scope=BotCommandScopeChat(int(chat_id)))
        except TelegramError as exc:
            log.warning("could not register the bot's commands: %s", exc)

    async def feed(self, data: dict[str, Any]) -> None:
        """An update from the webhook route, processed before the route answers 200: what Telegram sees
        acknowledged is stored, and one cut short by kill -9 is sent again by Telegram (the core processes each
        update_id once). One that is not a Telegram update is refused (400 naming the problem), not a 500
        Telegram would send again."""
        try:
            update = Update.de_json(data, self.bot)
        except Exception as exc:  # PTB raises KeyError, TypeError, AttributeError… on malformed updates
            raise UserInputError(f"这不是有效的 Telegram 更新（update）：{type(exc).__name__} {exc}",
                                 key="update") from exc
        await self.app.process_update(update)

    async def stop(self) -> None:
        """Stop fetching, let queued and running updates finish, close the HTTP client."""
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
