"""Runs the synchronous core (SQLAlchemy) for the asyncio channels: on the event loop where a turn cannot wait on
anything (SQLite, built-in NLU), else on worker threads, so that no turn blocks the loop."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Literal, TypeVar

from dialogs import Assistant, Incoming, Turn
from knowledge.errors import StorageBusyError
from nlu import ParseResult, configured_engine
from nlu import parse as nlu_parse

__all__ = ["CoreRunner", "KeyedLocks"]

T = TypeVar("T")


class KeyedLocks:
    """One asyncio lock per key (a user), dropped when nobody holds or waits for it, so that two messages of
    the same user are handled in order while different users run in parallel."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


def runs_inline(assistant: Assistant) -> bool:
    """Turns run on the event loop itself on SQLite with the built-in NLU. Handing each turn to a thread cost
    more than the turn (two threads passing the GIL back and forth: 1.6–2.4 ms of CPU per turn against
    0.9–1.2 ms inline, benchmarks/service_load.py). Not with Rasa (a parse waits on HTTP) nor PostgreSQL (a
    statement waits on the network); a turn that finds SQLite's write lock taken moves to the thread."""
    if assistant.store.engine.dialect.name != "sqlite":
        return False
    return assistant.parser is not nlu_parse or configured_engine() != "rasa"


def pool_size(assistant: Assistant) -> int:
    """Worker threads for the core. SQLite lets one transaction write at a time and every turn writes, so one
    thread: more would only take turns at the file's write lock, sleeping in SQLite's busy handler between
    tries. PostgreSQL locks per user, so turns of different users run in parallel on 4."""
    return 1 if assistant.store.engine.dialect.name == "sqlite" else 4


class CoreRunner:
    """``await runner.handle(incoming)``: the core's ``handle``, one turn at a time per user, on the event loop
    (``inline``, see ``runs_inline``) or on a worker thread.

    ``workers=None`` uses ``asyncio.to_thread`` (the loop's default executor); a number gives a dedicated pool
    of that size (see ``benchmarks/rest_load.py`` for the comparison); ``"auto"`` the size for the database.
    """

    def __init__(self, assistant: Assistant, *, workers: int | Literal["auto"] | None = "auto",
                 inline: bool | None = None) -> None:
        self.assistant = assistant
        self.inline = runs_inline(assistant) if inline is None else inline
        workers = pool_size(assistant) if workers == "auto" else workers
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="core") if workers else None
        self._locks = KeyedLocks()

    async def call(self, fn: Callable[..., T], *args: object) -> T:
        if self._pool is None:
            return await asyncio.to_thread(fn, *args)
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    async def handle(self, incoming: Incoming) -> Turn:
        async with self._locks.hold(f"{incoming.channel}:{incoming.user_id}"):
            if self.inline:
                try:
                    return self.assistant.handle(incoming, wait=False)
                except StorageBusyError:
                    pass  # another connection is writing: wait for it on the core thread, not on the loop
            return await self.call(self.assistant.handle, incoming)

    async def understand(self, text: str) -> ParseResult:
        if self.inline:
            return self.assistant.understand(text)
        return await self.call(self.assistant.understand, text)

    def close(self) -> None:
        """Wait for turns still running on the pool (their state is saved), then free the threads."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
