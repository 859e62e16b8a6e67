"""``SHENBAO_NLU=rasa`` while Rasa is away: first nothing listens at RASA_URL, then a server answers 500, then
one hangs past the timeout. A real ``shenbao serve`` keeps answering every turn with the built-in engine,
``/health`` says so, and answers name the engine that understood them. Then "Rasa" (a small ``/model/parse``
server answering with the built-in model, so the dialogue reads the same) comes back and is used again."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from nlu._builtin import BuiltinEngine
from tests.reliability._driver import Users, script
from tests.reliability._serve import ServeProcess
from tests.reliability._tcpproxy import free_port

pytestmark = [pytest.mark.reliability, pytest.mark.slow]
PHASES = ("dead", "500", "hang", "up")  # Rasa at each stage; the applicants answer two questions per stage
DOWN = "builtin (rasa down)"


class FakeRasa:
    """``POST /model/parse`` on a fixed port: 500, a hang past the client's timeout, or the built-in model's
    result in Rasa's shape."""

    def __init__(self, port: int) -> None:
        self.port, self.mode, self.calls = port, "500", 0
        self.engine = BuiltinEngine.load()
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/model/parse", self.parse)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def parse(self, request: web.Request) -> web.Response:
        self.calls += 1
        text = str((await request.json())["text"])
        if self.mode == "hang":
            await asyncio.sleep(5)
        if self.mode != "up":
            return web.json_response({"error": "model not loaded"}, status=500)
        return web.json_response(self.engine.parse(text).to_dict())


def call(base: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any, str]:
    """(status, JSON body, engine header) of a GET (no body) or a POST."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{base}{path}", data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return resp.status, json.loads(resp.read()), resp.headers.get("X-Shenbao-NLU", "")


def wait_health(base: str, nlu: str, timeout: float = 30) -> str:
    """Poll /health until it names ``nlu`` (Rasa is retried every 5 s); the last name seen."""
    deadline, seen = time.monotonic() + timeout, ""
    while time.monotonic() < deadline:
        seen = call(base, "/health")[1].get("nlu", "")
        if seen == nlu:
            break
        time.sleep(0.5)
    return seen


USERS = 3
STORED = ("legal_person", "org_type", "years_operating", "total_assets_wan", "finances_sound", "leadership_sound",
          "smes_served_last_year")


def stored_keys(users: Users, sender: str) -> set[str]:
    state, _ = users.state(sender)
    return set(state.slots.get("profile", {})) if state else set()


def switch(rasa: FakeRasa, loop: asyncio.AbstractEventLoop, phase: str) -> None:
    """Put Rasa in ``phase``, then let the service's retry interval (5 s) pass so that it asks Rasa again."""
    if phase == "dead":
        return
    if phase == "500":
        asyncio.run_coroutine_threadsafe(rasa.start(), loop).result(timeout=30)
    rasa.mode = phase
    if phase != "up":
        time.sleep(5.5)


def test_rasa_down_500_or_hanging_then_back(db_url: str, tmp_path: Path) -> None:
    port = free_port()
    rasa, loop = FakeRasa(port), asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    server = ServeProcess(db_url, tmp_path, env={"SHENBAO_NLU": "rasa", "RASA_URL": f"http://127.0.0.1:{port}",
                                                 "SHENBAO_RASA_TIMEOUT": "1"})
    seen: list[tuple[str, str, str, str, str]] = []  # phase, /health, engine of the answers, of /model/parse, intent
    statuses: list[int] = []
    asked: dict[str, int] = {}
    users = Users(db_url)
    try:
        server.start()
        for n, phase in enumerate(PHASES):
            switch(rasa, loop, phase)
            health = wait_health(server.base, "rasa" if phase == "up" else DOWN)
            engines: set[str] = set()
            for i in range(USERS):
                for _key, text in script(i)[2 * n:2 * n + 2]:
                    status, _body, engine = call(server.base, "/webhooks/rest/webhook",
                                                 {"sender": f"rasa-{i}", "message": text})
                    statuses.append(status)
                    engines |= set() if text.startswith("/") else {engine}
            _, parsed, _ = call(server.base, "/model/parse", {"text": "资产要多少"})
            seen.append((phase, health, "/".join(sorted(engines)), parsed["engine"], parsed["intent"]["name"]))
            asked[phase] = rasa.calls - sum(asked.values())
        wrong = [f"rasa-{i}:{k}" for i in range(USERS) for k in STORED if k not in stored_keys(users, f"rasa-{i}")]
    finally:
        server.stop()
        users.dispose()
        asyncio.run_coroutine_threadsafe(rasa.stop(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
    errors = server.errors()
    print(f"\n[rasa down] users={USERS} messages sent={len(statuses)} answered={statuses.count(200)} "
          f"faults injected=3 (nothing listening, HTTP 500, hang past the 1 s timeout) Rasa asked per phase={asked} "
          f"answers by phase={[(p, e) for p, _h, e, _pe, _i in seen]} lost answers={len(wrong)} "
          f"errors logged={len(errors)}")
    assert seen == [("dead", DOWN, "builtin", "builtin", "condition_assets"),
                    ("500", DOWN, "builtin", "builtin", "condition_assets"),
                    ("hang", DOWN, "builtin", "builtin", "condition_assets"),
                    ("up", "rasa", "rasa", "rasa", "condition_assets")]
    assert asked["500"] > 0 and asked["hang"] > 0 and asked["up"] > 0, "Rasa was asked in every phase it listened"
    assert statuses == [200] * len(statuses) and wrong == [] and errors == [], (wrong, errors[:5])
