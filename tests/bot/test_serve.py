"""``shenbao serve``: as a subprocess (start, request, SIGTERM, exit 0) and in-process (graceful shutdown with a
request in flight, Telegram webhook mode, background tasks)."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from telegram import Bot

from bot.serve import ServeOptions, run_server
from bot.telegram import TelegramSettings
from dialogs import Store
from nlu import ParseResult
from tests.bot._support import keyword_parser
from tests.bot.fake_telegram import FakeBotApi

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http(method: str, url: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.slow
def test_serve_subprocess_answers_and_exits_cleanly_on_sigterm(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHENBAO_", "TELEGRAM_"))}
    env.update(XDG_DATA_HOME=str(tmp_path), PYTHONUNBUFFERED="1")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    nlu_ready = importlib.util.find_spec("nlu._builtin") is not None
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert f"http://127.0.0.1:{port}/" in line
        status, body = http("POST", f"http://127.0.0.1:{port}/webhooks/rest/webhook",
                            {"sender": "sub1", "message": "/start"})
        assert status == 200 and body and body[0]["recipient_id"] == "sub1" and body[0]["text"]
        status, health = http("GET", f"http://127.0.0.1:{port}/health")
        assert (status, health["status"]) == ((200, "ok") if nlu_ready else (503, "unavailable"))
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = proc.stderr.read() if proc.stderr else ""
    assert "stopped" in stderr
    if nlu_ready:
        assert "Traceback" not in stderr
    db = tmp_path / "shenbao" / "shenbao.db"  # SQLite in the user's data directory, no configuration
    with sqlite3.connect(db) as conn:
        assert conn.execute("select external_id from users").fetchall() == [("sub1",)]


def slow_parser(text: str) -> ParseResult:
    if "慢" in text:
        time.sleep(1.0)
    return keyword_parser(text)


async def start(options: ServeOptions) -> tuple[asyncio.Task[None], asyncio.Event, str]:
    stop = asyncio.Event()
    ready: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(run_server(options, stop, on_ready=ready.set_result))
    done, _ = await asyncio.wait([task, ready], timeout=30, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        task.result()
    return task, stop, ready.result()


async def test_sigterm_lets_a_request_in_flight_finish_and_saves_its_state(db_url: str) -> None:
    task, stop, url = await start(ServeOptions(port=0, database_url=db_url, parser=slow_parser))
    async with aiohttp.ClientSession() as session:
        outbox = await session.get(f"{url}outbox?sender=s1")  # the reminders' web outbox is served
        assert outbox.status == 200 and await outbox.json() == []
        request = asyncio.create_task(session.post(f"{url}webhooks/rest/webhook",
                                                   json={"sender": "s1", "message": "慢慢计数"}))
        await asyncio.sleep(0.3)
        stop.set()
        resp = await request
        assert resp.status == 200 and (await resp.json())[-1]["text"] == "第1次"
        await asyncio.wait_for(task, 30)
        with pytest.raises(aiohttp.ClientConnectionError):  # the site is closed
            await session.get(f"{url}health")
    store = Store(db_url)
    with store.session() as s:
        from dialogs.store import Conversation

        assert '"n": 1' in s.query(Conversation).one().state_json
    store.dispose()


async def test_webhook_mode_sets_the_webhook_and_answers_updates(db_url: str, fake: FakeBotApi) -> None:
    settings = TelegramSettings(token=fake.token, api_base_url=fake.base_url,
                                webhook_url="https://bot.example.org/telegram/webhook", webhook_secret="Sec_123")
    task, stop, url = await start(ServeOptions(port=0, database_url=db_url, parser=keyword_parser,
                                               telegram=settings))
    try:
        assert fake.webhook is not None and fake.webhook["url"] == settings.webhook_url
        assert fake.webhook["secret_token"] == "Sec_123"
        assert not fake.calls_to("getUpdates")
        update = {"update_id": 1, "message": fake.make_message("资产要多少", user_id=77)}
        async with aiohttp.ClientSession() as session:
            resp = await session.post(f"{url}telegram/webhook", json=update)
            assert resp.status == 403
            for _ in range(2):  # Telegram sends an update again when it got no 200 (e.g. we were killed)
                resp = await session.post(f"{url}telegram/webhook", json=update,
                                          headers={"X-Telegram-Bot-Api-Secret-Token": "Sec_123"})
                assert resp.status == 200
                # acknowledged only once processed: the answer has already gone out, and only once
                assert sum("100万元" in t for t in fake.texts(77)) == 1
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


async def test_polling_mode_and_background_tasks(db_url: str, fake: FakeBotApi) -> None:
    seen: list[tuple[Store, Bot | None]] = []
    finished = asyncio.Event()

    async def job(store: Store, bot: Bot | None, stop: asyncio.Event) -> None:
        seen.append((store, bot))
        await stop.wait()
        finished.set()

    settings = TelegramSettings(token=fake.token, api_base_url=fake.base_url, poll_timeout=1)
    task, stop, _url = await start(ServeOptions(port=0, database_url=db_url, parser=keyword_parser,
                                                telegram=settings, background_tasks=[job]))
    try:
        await fake.push_text("资产", user_id=88)
        await fake.wait_for(lambda: any("100万元" in t for t in fake.texts(88)))
        assert fake.calls_to("deleteWebhook") and fake.calls_to("getUpdates")
        assert len(seen) == 1 and seen[0][1] is not None and seen[0][1].username == "shenbao_test_bot"
    finally:
        await fake.release_polls()
        stop.set()
        await asyncio.wait_for(task, 30)
    assert finished.is_set()
