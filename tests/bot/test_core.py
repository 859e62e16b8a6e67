"""The core runner: turns run on the event loop on SQLite with the built-in NLU, and a turn that finds the
database's write lock taken by another connection waits on a thread, while every other request goes on."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from bot._core import CoreRunner
from dialogs import Assistant, Incoming, Store


@pytest.mark.parametrize(("nlu", "inline_on_sqlite"), [("", True), ("builtin", True), ("rasa", False)])
def test_turns_run_on_the_loop_only_where_nothing_can_block_it(store: Store, monkeypatch: pytest.MonkeyPatch,
                                                               nlu: str, inline_on_sqlite: bool) -> None:
    monkeypatch.setenv("SHENBAO_NLU", nlu)
    runner = CoreRunner(Assistant(store))
    try:
        assert runner.inline == (inline_on_sqlite and store.engine.dialect.name == "sqlite")
    finally:
        runner.close()


async def test_a_turn_waits_for_another_writer_without_stalling_the_loop(store: Store) -> None:
    if store.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's database lock")
    runner = CoreRunner(Assistant(store))
    assert runner.inline
    other = sqlite3.connect(store.engine.url.database or "", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # e.g. `shenbao admin` writing, or the reminders' dispatcher
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    clock = asyncio.create_task(ticker())
    try:
        turn = asyncio.create_task(runner.handle(Incoming("web", "waiting-user", "申报需要哪些材料？")))
        await asyncio.sleep(0.5)
        assert not turn.done(), "the turn waits for the write lock"
        assert ticks >= 20, f"the event loop went on meanwhile ({ticks} ticks of 10 ms in 0.5 s)"
        other.execute("COMMIT")
        answered = await asyncio.wait_for(turn, 10)
    finally:
        clock.cancel()
        other.close()
        runner.close()
    assert answered.replies and "材料" in answered.replies[-1].text
    again = await CoreRunner(Assistant(store)).handle(Incoming("web", "waiting-user", "申报需要哪些材料？"))
    assert again.replies and not any("个人信息处理说明" in r.text for r in again.replies), "the first turn was stored"
