"""Reminders inside ``shenbao serve``: the background task delivers a due reminder to the web outbox, and the
page's ``GET /outbox?sender=ID`` returns it once (Rasa REST shape), only to that sender."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import yaml
from aiohttp import web
from sqlalchemy import insert

from bot._reminders import outbox_route, reminder_dispatch_task
from bot.http import create_app
from bot.serve import BACKGROUND_TASKS, EXTRA_ROUTES
from dialogs import Assistant, Store
from dialogs.reminders import sync_reminders
from dialogs.reminders._time import local_date
from dialogs.store.models import ReminderSubscription, User
from knowledge._deadlines import load_deadlines


@pytest.fixture
async def outbox_url(store: Store) -> AsyncIterator[str]:
    app = create_app(Assistant(store), store, extra_routes=[outbox_route])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}/outbox"
    await runner.cleanup()


def due_tomorrow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A deadline tomorrow with a 1-day reminder at 00:00 local time: due already."""
    tomorrow = local_date(dt.datetime.now(dt.UTC)) + dt.timedelta(days=1)
    path = tmp_path / "deadlines.yml"
    path.write_text(yaml.safe_dump({
        "current_year": tomorrow.year,
        "reminders": {"offsets_days": [1], "time": "00:00", "kinds": ["application"]},
        "years": {tomorrow.year: {"notice": "测试通知", "application": tomorrow.isoformat()}}},
        allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("SHENBAO_DEADLINES_FILE", str(path))


def test_serve_runs_the_dispatcher_and_serves_the_outbox() -> None:
    assert reminder_dispatch_task in BACKGROUND_TASKS
    assert outbox_route in EXTRA_ROUTES


async def test_due_reminder_reaches_the_web_page_once(store: Store, outbox_url: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    due_tomorrow(tmp_path, monkeypatch)
    now = dt.datetime.now(dt.UTC)
    with store.session() as s:
        uid = s.execute(insert(User).values(channel="web", external_id="page-7f", created_at=now,
                                            last_active_at=now).returning(User.id)).scalar_one()
        s.add(ReminderSubscription(user_id=uid, active=True, email=None, created_at=now, updated_at=now))
        s.flush()
        assert sync_reminders(s, load_deadlines(), now - dt.timedelta(days=1)) == 1
    stop = asyncio.Event()
    task = asyncio.create_task(reminder_dispatch_task(store, None, stop))
    async with aiohttp.ClientSession() as http:
        messages: list[dict[str, object]] = []
        for _ in range(100):
            async with http.get(outbox_url, params={"sender": "page-7f"}) as resp:
                assert resp.status == 200
                messages += await resp.json()
            if messages:
                break
            await asyncio.sleep(0.1)
        stop.set()
        await asyncio.wait_for(task, 10)
        (message,) = messages
        assert message["recipient_id"] == "page-7f" and "距今还有1天" in str(message["text"])
        assert {"title": "取消提醒", "payload": "/remind off"} in message["buttons"]  # type: ignore[operator]
        async with http.get(outbox_url, params={"sender": "page-7f"}) as again:
            assert await again.json() == []
        async with http.get(outbox_url) as missing:
            assert missing.status == 400
