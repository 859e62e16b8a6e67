"""Telegram Bot API errors and timeouts while the bot answers: the user's message is processed and stored once,
the reply arrives after a retry, and a reply Telegram would not take at all is logged as lost. The bot never
tells the user to send again a message it has already stored (they would answer the next question with it)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

from bot._core import CoreRunner
from bot.telegram import TelegramService, TelegramSettings
from dialogs import Assistant, Store
from knowledge import render
from tests.bot._support import is_privacy_notice, keyword_parser
from tests.bot.fake_telegram import FakeBotApi

USER = 1001
TIMEOUT = 0.5  # the bot's read timeout here; a stall of 1.5 s is past it


@pytest.fixture
async def bot(fake: FakeBotApi, store: Store) -> AsyncIterator[TelegramService]:
    runner = CoreRunner(Assistant(store, parser=keyword_parser))
    service = TelegramService(runner, TelegramSettings(token=fake.token, api_base_url=fake.base_url, poll_timeout=1,
                                                       read_timeout=TIMEOUT))
    await service.start()
    yield service
    await fake.release_polls()
    await service.stop()
    runner.close()


def texts(fake: FakeBotApi) -> list[str]:
    return [t for t in fake.texts(USER) if not is_privacy_notice(t)]


async def count(fake: FakeBotApi, expect: str) -> None:
    await fake.push_text("计数", user_id=USER)
    await fake.wait_for(lambda: expect in texts(fake) or render("channel/error") in texts(fake), timeout=15)


FAULTS = [  # (status, retry_after, stall seconds, times): what the Bot API does to the next sendMessage calls
    pytest.param(500, None, 0.0, 1, id="500"),
    pytest.param(502, None, 0.0, 2, id="502-twice"),
    pytest.param(504, None, 1.5, 1, id="stall-past-timeout"),
    pytest.param(429, 1, 0.0, 2, id="429-retry-after"),
]


@pytest.mark.parametrize(("status", "retry_after", "stall", "times"), FAULTS)
async def test_a_failed_send_is_retried_and_the_message_counted_once(fake: FakeBotApi, bot: TelegramService,
                                                                     status: int, retry_after: int | None,
                                                                     stall: float, times: int) -> None:
    await count(fake, "第1次")
    fake.fail("sendMessage", status=status, retry_after=retry_after, times=times, stall=stall)
    await count(fake, "第2次")
    await fake.settle(0.3)
    assert texts(fake) == ["第1次", "第2次"], "the reply arrives once; no 'send it again'; processed once"
    assert [c.status for c in fake.calls_to("sendMessage")[-times - 1:]] == [status] * times + [200]


async def test_a_reply_telegram_never_takes_is_logged_and_the_answer_kept(fake: FakeBotApi, bot: TelegramService,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    await count(fake, "第1次")
    caplog.set_level(logging.WARNING)
    fake.fail("sendMessage", status=500, retry_after=None, times=10)
    sends = len(fake.calls_to("sendMessage"))
    await fake.push_text("计数", user_id=USER)
    await fake.wait_for(lambda: any("not delivered" in r.getMessage() for r in caplog.records), timeout=15)
    assert len(fake.calls_to("sendMessage")) - sends == 4, "tried four times (after 1, 2 and 4 s), then given up"
    fake.failures.clear()
    lost = [r for r in caplog.records if "not delivered" in r.getMessage()]
    assert len(lost) == 1 and str(USER) in lost[0].getMessage() and lost[0].levelno == logging.ERROR
    await count(fake, "第3次")
    assert texts(fake) == ["第1次", "第3次"], "the second message was stored once though its reply was lost"
