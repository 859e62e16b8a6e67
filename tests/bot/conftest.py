"""Fixtures shared by the channel tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.bot.fake_telegram import FakeBotApi


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    """A fake Bot API server on 127.0.0.1 for the test's duration."""
    api = FakeBotApi()
    await api.start()
    yield api
    await api.stop()
