"""Telegram for the reliability tests: a fake Bot API that keeps what each chat received (and wakes whoever waits
for it), and the client side of Telegram's webhook — an ``Update`` POSTed with the secret header."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import defaultdict
from typing import Any

import aiohttp

from tests.bot.fake_telegram import FakeBotApi
from tests.reliability._driver import Tally

SECRET = "reliability-Webhook_secret-1"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_update_ids = itertools.count(1)


class ChatsBotApi(FakeBotApi):
    """The fake Bot API of tests/bot with each chat's received texts in order, cheap to wait on."""

    def __init__(self) -> None:
        super().__init__()
        self.chats: defaultdict[int, list[str]] = defaultdict(list)
        self._waiters: defaultdict[int, list[asyncio.Event]] = defaultdict(list)

    def _new_message(self, chat_id: int, **fields: Any) -> dict[str, Any]:
        msg = super()._new_message(chat_id, **fields)
        self.chats[chat_id].append(str(fields.get("text", "")))
        for event in self._waiters.pop(chat_id, []):
            event.set()
        return msg

    async def arrived(self, chat_id: int, needle: str, timeout: float = 90) -> bool:
        """Wait until a text containing ``needle`` reached ``chat_id``; False after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not any(needle in text for text in self.chats[chat_id]):
            event = asyncio.Event()
            self._waiters[chat_id].append(event)
            try:
                await asyncio.wait_for(event.wait(), max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                return False
        return True

    def env(self) -> dict[str, str]:
        """What ``shenbao serve`` needs to talk to this fake in webhook mode."""
        return {"TELEGRAM_BOT_TOKEN": self.token, "TELEGRAM_API_BASE_URL": self.base_url,
                "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram/webhook", "TELEGRAM_WEBHOOK_SECRET": SECRET}


async def tg_post(session: aiohttp.ClientSession, base: str, fake: FakeBotApi, user_id: int, text: str,
                  tally: Tally) -> bool:
    """Telegram delivering one private message of ``user_id`` to the webhook; True when it was acknowledged."""
    update = {"update_id": next(_update_ids), "message": fake.make_message(text, user_id=user_id)}
    tally.sent += 1
    try:
        async with session.post(f"{base}/telegram/webhook", json=update, headers={SECRET_HEADER: SECRET},
                                timeout=aiohttp.ClientTimeout(total=60)) as resp:
            tally.statuses[resp.status] += 1
            if resp.status != 200:
                return False
    except (TimeoutError, aiohttp.ClientError):
        tally.failed_while_down += 1
        return False
    tally.acknowledged += 1
    return True
