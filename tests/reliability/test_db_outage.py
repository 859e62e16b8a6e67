"""The database goes away for a while (a proxy we control in front of PostgreSQL is stopped): the core
answers with a polite 'try again', stores nothing half-done, and recovers by itself when it returns."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from dialogs import Assistant, Incoming, Reply, Store, intent_handler
from dialogs._context import Context
from knowledge import render
from nlu import IntentScore, ParseResult
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
