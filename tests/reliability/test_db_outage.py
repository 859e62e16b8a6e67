"""The database goes away for a while (a proxy we control in front of PostgreSQL is stopped): the core
answers with a polite 'try again', stores nothing half-done, and recovers by itself when it returns."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from dialogs import Assistant, Incoming, Reply, Store, intent_handler
from dialogs._context import Context
from knowledge import render
from nlu import IntentScore, ParseResult
from tests.reliability._serve import ServeProcess
from tests.reliability._tcpproxy import TcpProxy

pytestmark = pytest.mark.reliability
CUT_DURING_TURN: list[TcpProxy] = []


@intent_handler("_test_outage_count")
def _count(ctx: Context) -> list[Reply]:
    ctx.state.slots["n"] = int(ctx.state.slots.get("n", 0)) + 1
    if CUT_DURING_TURN:  # the database disappears between reading the state and committing it
        CUT_DURING_TURN.pop().stop()
    return [Reply(f"第{ctx.state.slots['n']}次")]


def counting(text: str) -> ParseResult:
    return ParseResult(text=text, intent="_test_outage_count", confidence=1.0,
                       intent_ranking=(IntentScore("_test_outage_count", 1.0),))


@pytest.fixture
def proxied(db_url: str) -> Iterator[tuple[TcpProxy, Assistant]]:
    if not db_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (SHENBAO_TEST_DATABASE_URL)")
    proxy, url = TcpProxy.for_url(db_url)
    proxy.start()
    store = Store(url)
    yield proxy, Assistant(store, parser=counting)
    proxy.stop()
    store.dispose()


def test_outage_gets_try_again_and_service_recovers(proxied: tuple[TcpProxy, Assistant]) -> None:
    proxy, bot = proxied
    assert bot.handle(Incoming("web", "u1", "一")).replies[-1].text == "第1次"
    proxy.stop()
    down = render("system/storage_down")
    for _ in range(3):
        started = time.monotonic()
        assert bot.handle(Incoming("web", "u1", "二")).text == down
        assert time.monotonic() - started < 6, "an unreachable database must not hang the turn"
    assert not bot.store.ping()
    proxy.start()
    assert bot.store.ping()
    assert bot.handle(Incoming("web", "u1", "三")).text == "第2次", "nothing of the refused turns was stored"
    assert bot.handle(Incoming("web", "u2", "一")).replies[-1].text == "第1次"


def test_cut_in_the_middle_of_a_turn_stores_nothing_and_says_so(proxied: tuple[TcpProxy, Assistant]) -> None:
    proxy, bot = proxied
    assert bot.handle(Incoming("web", "u1", "一")).replies[-1].text == "第1次"
    CUT_DURING_TURN.append(proxy)
    assert bot.handle(Incoming("web", "u1", "二")).text == render("system/storage_down")
    proxy.start()
    assert bot.handle(Incoming("web", "u1", "二")).text == "第2次"


def test_serve_health_goes_503_and_back_and_rest_says_try_again(db_url: str, tmp_path: Path) -> None:
    """The whole service: PostgreSQL behind our proxy goes away for a while and comes back."""
    if not db_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (SHENBAO_TEST_DATABASE_URL)")
    proxy, url = TcpProxy.for_url(db_url)
    proxy.start()
    server = ServeProcess(url, tmp_path)
    server.start()

    def say(text: str) -> tuple[int, str]:
        body = json.dumps({"sender": "outage-1", "message": text}).encode()
        request = urllib.request.Request(f"{server.base}/webhooks/rest/webhook", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, "\n\n".join(m.get("text", "") for m in json.loads(resp.read()))

    try:
        assert server.health()[0] == 200
        assert say("/selfcheck")[0] == 200
        assert "哪一类机构" in say("是的")[1]
        proxy.stop()
        status, body = server.health()
        assert status == 503, body
        assert say("科研院所") == (200, render("system/storage_down"))
        proxy.start()
        deadline = time.monotonic() + 30
        while server.health()[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert server.health()[0] == 200, "the service recovers by itself"
        status, text = say("科研院所")
        assert status == 200 and "运营" in text, "the refused answer can simply be sent again"
    finally:
        server.stop()
        proxy.stop()
    print("\n[outage] database cut once under a running serve: /health 200→503→200, 'try again' while down")
