"""Turns of one user are serialized: many threads sending at once lose no update, new users are created
once, and every turn the core acknowledged is counted in the stored state (SQLite and PostgreSQL)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from dialogs import Assistant, Incoming, Reply, Store, intent_handler
from dialogs._context import Context
from dialogs.store import Conversation, User
from knowledge import render
from nlu import IntentScore, ParseResult

THREADS, TURNS = 8, 10


@intent_handler("_test_concurrent_count")
def _count(ctx: Context) -> list[Reply]:
    seen = int(ctx.state.slots.get("n", 0))
    time.sleep(0.005)  # a handler that takes a moment: the window in which a parallel turn could interleave
    ctx.state.slots["n"] = seen + 1
    return [Reply(f"第{ctx.state.slots['n']}次")]


def counting(text: str) -> ParseResult:
    return ParseResult(text=text, intent="_test_concurrent_count", confidence=1.0,
                       intent_ranking=(IntentScore("_test_concurrent_count", 1.0),))


def test_parallel_turns_of_one_user_lose_no_update(store: Store) -> None:
    bot = Assistant(store, parser=counting)
    down = render("system/storage_down")

    def send(i: int) -> list[str]:
        return [bot.handle(Incoming("web", f"u{i % 2}", "加一")).replies[-1].text for _ in range(TURNS)]

    with ThreadPoolExecutor(THREADS) as pool:
        answers = [a for batch in pool.map(send, range(THREADS)) for a in batch]
    acknowledged = [a for a in answers if a != down]
    assert len(acknowledged) == THREADS * TURNS, "no turn may be refused for mere concurrency"
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(User)) == 2
        states = [c.state_json for c in s.scalars(select(Conversation))]
    per_user = THREADS * TURNS // 2
    assert all(f'"n": {per_user}' in st for st in states), states
    assert sorted(acknowledged) == sorted(f"第{n}次" for n in range(1, per_user + 1) for _ in range(2))
