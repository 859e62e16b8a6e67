"""The Telegram sender against a local fake Bot API: delivery with buttons, and PTB's errors mapped onto the
typed delivery errors the dispatcher acts on (blocked → unsubscribe, 429 → wait, others → retry)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot
from telegram.request import HTTPXRequest

from bot._reminders import TelegramSender, reminder_dispatch_task, reminder_senders
from dialogs import Button, Store
from dialogs.reminders import DeliveryBlocked, DeliveryError, DeliveryRetryAfter, OutboxSender
from knowledge import ConfigError

TOKEN = "123456:TEST-token-for-reminder-sender"


class TinyBotApi:
    """Just getMe and sendMessage; ``answers`` queues error replies for the next sendMessage calls."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.answers: list[tuple[int, dict[str, Any]]] = []

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = dict(await request.post()) if request.content_type != "application/json" else await request.json()
        if method == "getMe":
            return web.json_response({"ok": True, "result": {"id": 1, "is_bot": True, "first_name": "申报助手",
                                                             "username": "shenbao_bot"}})
        if self.answers:
            status, body = self.answers.pop(0)
            return web.json_response({"ok": False, "error_code": status, **body}, status=status)
        self.sent.append(params)
        return web.json_response({"ok": True, "result": {"message_id": len(self.sent), "date": 0,
                                                         "chat": {"id": int(params["chat_id"]), "type": "private"},
                                                         "text": params["text"]}})


@pytest.fixture
async def bot_api() -> AsyncIterator[tuple[TinyBotApi, Bot]]:
    api = TinyBotApi()
    app = web.Application()
    app.router.add_post(f"/bot{TOKEN}/{{method}}", api.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{port}/bot", request=HTTPXRequest(connection_pool_size=4))
    async with bot:
        yield api, bot
    await runner.cleanup()


async def test_reminder_is_sent_with_inline_buttons(bot_api: tuple[TinyBotApi, Bot]) -> None:
    api, bot = bot_api
    await TelegramSender(bot).send("42", "【申报提醒】…", (Button("查看材料清单", "/materials"),))
    (params,) = api.sent
    assert params["chat_id"] in ("42", 42) and params["text"] == "【申报提醒】…"
    markup = params["reply_markup"]
    markup = json.loads(markup) if isinstance(markup, str) else markup
    assert markup["inline_keyboard"] == [[{"text": "查看材料清单", "callback_data": "/materials"}]]


@pytest.mark.parametrize(("status", "body", "error"), [
    (403, {"description": "Forbidden: bot was blocked by the user"}, DeliveryBlocked),
    (400, {"description": "Bad Request: chat not found"}, DeliveryBlocked),
    (429, {"description": "Too Many Requests: retry after 7", "parameters": {"retry_after": 7}},
     DeliveryRetryAfter),
    (400, {"description": "Bad Request: message is too long"}, DeliveryError),
    (502, {"description": "Bad Gateway"}, DeliveryError),
])
async def test_telegram_errors_become_typed_delivery_errors(bot_api: tuple[TinyBotApi, Bot], status: int,
                                                            body: dict[str, Any], error: type[Exception]) -> None:
    api, bot = bot_api
    api.answers.append((status, body))
    with pytest.raises(error) as raised:
        await TelegramSender(bot).send("42", "文字")
    if isinstance(raised.value, DeliveryRetryAfter):
        assert raised.value.seconds == 7


def test_senders_of_a_process(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHENBAO_SMTP_URL", raising=False)
    assert [s.channel for s in reminder_senders(store, None)] == ["web"]
    assert isinstance(reminder_senders(store, None)[0], OutboxSender)
    monkeypatch.setenv("SHENBAO_SMTP_URL", "smtp://127.0.0.1:2525")
    assert [s.channel for s in reminder_senders(store, None)] == ["web", "email"]


@pytest.mark.parametrize("raw", ["abc", "-5", "0", "1e9"])
async def test_a_bad_reminder_setting_names_the_variable(raw: str, store: Store,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHENBAO_REMINDER_LEASE", raw)
    with pytest.raises(ConfigError, match="SHENBAO_REMINDER_LEASE"):
        await reminder_dispatch_task(store, None, asyncio.Event())
