"""Runs the synchronous core (SQLAlchemy) from the asyncio channels without blocking the event loop."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Literal, TypeVar

from dialogs import Assistant, Incoming, Turn
from nlu import ParseResult

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


def pool_size(assistant: Assistant) -> int:
    """Worker threads for the core. SQLite lets one transaction write at a time and every turn writes, so one
    thread: more would only take turns at the file's write lock, sleeping in SQLite's busy handler between
    tries. PostgreSQL locks per user, so turns of different users run in parallel on 4."""
    return 1 if assistant.store.engine.dialect.name == "sqlite" else 4


class CoreRunner:
    """``await runner.handle(incoming)``: the core's ``handle`` on a worker thread, one turn at a time per user.

    ``workers=None`` uses ``asyncio.to_thread`` (the loop's default executor); a number gives a dedicated pool
    of that size (see ``benchmarks/rest_load.py`` for the comparison); ``"auto"`` the size for the database.
    """

    def __init__(self, assistant: Assistant, *, workers: int | Literal["auto"] | None = "auto") -> None:
        self.assistant = assistant
        workers = pool_size(assistant) if workers == "auto" else workers
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="core") if workers else None
        self._locks = KeyedLocks()

    async def call(self, fn: Callable[..., T], *args: object) -> T:
        if self._pool is None:
            return await asyncio.to_thread(fn, *args)
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    async def handle(self, incoming: Incoming) -> Turn:
        async with self._locks.hold(f"{incoming.channel}:{incoming.user_id}"):
            return await self.call(self.assistant.handle, incoming)

    async def understand(self, text: str) -> ParseResult:
        return await self.call(self.assistant.understand, text)

    def close(self) -> None:
        """Wait for turns still running on the pool (their state is saved), then free the threads."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
