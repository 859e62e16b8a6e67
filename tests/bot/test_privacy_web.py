"""``shenbao serve`` runs the retention purge itself and serves the full privacy text at /privacy."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot._privacy_web import purge_task
from bot.http import create_app
from bot.serve import BACKGROUND_TASKS, EXTRA_ROUTES
from dialogs import Assistant, Incoming, Store, utc_now
from dialogs.privacy import privacy_text
from dialogs.store import User


def users(store: Store) -> set[str]:
    with store.session() as s:
        return set(s.scalars(select(User.external_id)))


async def test_serve_purges_inactive_users_itself(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHENBAO_RETENTION_DAYS", "30")
    assert purge_task in BACKGROUND_TASKS
    Assistant(store, clock=lambda: utc_now() - timedelta(days=31)).handle(Incoming("web", "gone", "你好"))
    Assistant(store, clock=lambda: utc_now() - timedelta(days=29)).handle(Incoming("web", "kept", "你好"))
    stop = asyncio.Event()
    task = asyncio.create_task(purge_task(store, None, stop, interval=0.05))
    for _ in range(100):
        if users(store) == {"kept"}:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, timeout=5)
    assert users(store) == {"kept"}


async def test_purge_task_survives_a_database_outage(store: Store) -> None:
    broken = Store("postgresql+psycopg://postgres@127.0.0.1:1/none", migrate=False)
    stop = asyncio.Event()
    task = asyncio.create_task(purge_task(broken, None, stop, interval=0.05))
    await asyncio.sleep(0.3)
    assert not task.done(), "an outage only delays the purge"
    stop.set()
    await asyncio.wait_for(task, timeout=10)


async def test_privacy_page_serves_the_full_text(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHENBAO_RETENTION_DAYS", "200")
    app = create_app(Assistant(store), store, extra_routes=EXTRA_ROUTES)
    async with TestClient(TestServer(app)) as client:
        resp = await client.get("/privacy")
        assert resp.status == 200 and resp.content_type == "text/plain" and resp.charset == "utf-8"
        text = await resp.text()
    assert text == privacy_text() and "200天" in text and "个人信息保护法" in text
