"""Broadcast benchmark of the reminder dispatcher (a script, not a test).

Schedules N subscribers (default 10,000) whose 14-day reminder is due now, starts a local fake Telegram Bot API
(aiohttp on 127.0.0.1) in this process, and runs the dispatcher in a *separate process* that sends through
PTB at Telegram's broadcast limit (30 messages/s). When a share of the messages has arrived, the dispatcher
process is killed with SIGKILL (at a random moment of the send cycle) and started again; ``--kills N`` does
that N times, evenly spread. Reported: the achieved rate as a share of the limit, the largest number of messages
in any one-second window, duplicates and losses, and the rows' final states.

    .venv/bin/python benchmarks/reminders_broadcast.py [--subscribers 10000] [--kill-at 0.4] [--kills 1]
                                                        [--database-url postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import itertools
import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from aiohttp import web  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from dialogs.reminders import Dispatcher, sync_reminders  # noqa: E402
from dialogs.reminders._dispatch import UNKNOWN_OUTCOME  # noqa: E402
from dialogs.reminders._time import local_date  # noqa: E402
from dialogs.store import Store  # noqa: E402
from dialogs.store.models import Reminder, ReminderSubscription, User  # noqa: E402
from knowledge._deadlines import load_deadlines  # noqa: E402

LIMIT = 30.0
TOKEN = "123456789:BenchmarkTokenForALocalFakeBotApi"


class TimedFakeBotApi:
    """A minimal fake Bot API on 127.0.0.1 (getMe, sendMessage) noting when each message arrived."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, int]] = []
        self._runner: web.AppRunner | None = None

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post(f"/bot{TOKEN}/{{method}}", self.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        return f"http://127.0.0.1:{self._runner.addresses[0][1]}/bot"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def handle(self, request: web.Request) -> web.Response:
        params: dict[str, Any] = dict(await request.post())
        if request.match_info["method"] == "getMe":
            return web.json_response({"ok": True, "result": {"id": 1, "is_bot": True, "first_name": "bench",
                                                             "username": "bench_bot"}})
        chat = int(params["chat_id"])
        self.arrivals.append((time.monotonic(), chat))
        return web.json_response({"ok": True, "result": {"message_id": len(self.arrivals), "date": int(time.time()),
                                                         "chat": {"id": chat, "type": "private"},
                                                         "text": params.get("text", "")}})


def write_deadlines(folder: Path) -> Path:
    """A deadlines file whose application deadline is 14 days ahead, reminders at 00:00 (due already today)."""
    today = local_date(dt.datetime.now(dt.UTC))
    data = {"current_year": today.year, "reminders": {"offsets_days": [14, 7, 3, 1], "time": "00:00",
                                                      "kinds": ["application"]},
            "years": {today.year: {"notice": "基准测试", "application": (today + dt.timedelta(days=14)).isoformat(),
                                   "recommendation": None, "review": None, "publicity_start": None}}}
    path = folder / "deadlines.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def schedule(store: Store, subscribers: int) -> None:
    now = dt.datetime.now(dt.UTC)
    with store.session() as s:
        s.execute(insert(User), [{"channel": "telegram", "external_id": str(100000 + n), "created_at": now,
                                  "last_active_at": now} for n in range(subscribers)])
        ids = s.scalars(select(User.id)).all()
        s.execute(insert(ReminderSubscription), [{"user_id": i, "active": True, "email": None, "created_at": now,
                                                  "updated_at": now} for i in ids])
        # scheduled yesterday, so today's 14-day reminder exists and is due now
        sync_reminders(s, load_deadlines(), now - dt.timedelta(days=1))
        due = s.scalar(select(func.count()).select_from(Reminder).where(Reminder.due_at <= now))
    print(f"scheduled {subscribers} subscribers; {due} reminders due now", flush=True)


async def worker(args: argparse.Namespace) -> None:
    """The dispatcher process: send everything due, then exit."""
    from telegram import Bot
    from telegram.request import HTTPXRequest

    from bot._reminders import TelegramSender

    bot = Bot(TOKEN, base_url=args.api_base, request=HTTPXRequest(connection_pool_size=16))
    async with bot:
        store = Store(args.database_url)
        dispatcher = Dispatcher(store, [TelegramSender(bot)], lease=dt.timedelta(seconds=args.lease),
                                concurrency=8, name=f"bench-{os.getpid()}")
        stats = await dispatcher.dispatch_due()
        print(f"worker {os.getpid()}: sent {stats.sent}, retried {stats.retried}, failed {stats.failed}", flush=True)


async def start_worker(args: argparse.Namespace, api_base: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--worker", "--database-url", args.database_url, "--api-base", api_base,
        "--lease", str(args.lease), env=env)


def segment_rate(times: list[float]) -> float:
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0


def max_per_second(times: list[float]) -> int:
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def active_rate(times: list[float], kill_indexes: list[int]) -> float:
    """Messages per second while a dispatcher was running (the downtime after each kill left out)."""
    bounds = [0, *kill_indexes, len(times)]
    segments = [times[a:b] for a, b in itertools.pairwise(bounds) if b - a > 1]
    active = sum(seg[-1] - seg[0] for seg in segments)
    return sum(len(seg) - 1 for seg in segments) / active if active else 0.0


def report(fake: TimedFakeBotApi, store: Store, subscribers: int, kill_indexes: list[int], downtime: float) -> None:
    times = [t for t, _ in fake.arrivals]
    first, second = times[:kill_indexes[0]], times[kill_indexes[-1]:]
    counts = collections.Counter(chat for _, chat in fake.arrivals)
    duplicates = sum(c - 1 for c in counts.values() if c > 1)
    losses = subscribers - len(counts)
    with store.session() as s:
        states = dict(s.execute(select(Reminder.status, func.count()).where(Reminder.offset_days == 14)
                                .group_by(Reminder.status)).all())
        interrupted = s.execute(select(User.external_id).join(Reminder, Reminder.user_id == User.id)
                                .where(Reminder.last_error == UNKNOWN_OUTCOME)).scalars().all()
    arrived = sum(1 for chat in interrupted if counts.get(int(chat)))
    overall = active_rate(times, kill_indexes)
    print("\n== reminders broadcast benchmark")
    print(f"subscribers            {subscribers}")
    print(f"messages received      {len(times)} ({len(counts)} distinct chats)")
    print(f"kill -9                {len(kill_indexes)}× (after {', '.join(map(str, kill_indexes))} messages)")
    print(f"before first kill -9   {len(first)} at {segment_rate(first):.2f}/s")
    print(f"after last restart     {len(second)} at {segment_rate(second):.2f}/s (each restart after {downtime:.1f}s)")
    print(f"achieved rate          {overall:.2f}/s = {overall / LIMIT:.1%} of Telegram's {LIMIT:g}/s limit")
    print(f"max in any 1 s window  {max_per_second(times)}")
    print(f"duplicates             {duplicates}")
    print(f"losses                 {losses}")
    print(f"row states (14-day)    {states}")
    print(f"on the wire at kill -9 {len(interrupted)} (outcome unknown, not resent; {arrived} had in fact arrived)")


async def orchestrate(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="shenbao-bench-"))
    args.database_url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    deadlines = write_deadlines(folder)
    os.environ["SHENBAO_DEADLINES_FILE"] = str(deadlines)
    store = Store(args.database_url)
    schedule(store, args.subscribers)
    fake = TimedFakeBotApi()
    api_base = await fake.start()
    env = {**os.environ, "SHENBAO_DEADLINES_FILE": str(deadlines), "SHENBAO_LOG_LEVEL": "WARNING"}
    proc = await start_worker(args, api_base, env)
    kill_indexes: list[int] = []
    downtime = 0.0
    for n in range(1, args.kills + 1):
        kill_at = int(args.subscribers * args.kill_at * n / args.kills)
        while len(fake.arrivals) < kill_at and proc.returncode is None:
            await asyncio.sleep(0.01)
        await asyncio.sleep(random.uniform(0, 3 / LIMIT))  # a random moment of the send cycle
        proc.send_signal(signal.SIGKILL)
        await proc.wait()
        killed_at = time.monotonic()
        kill_indexes.append(len(fake.arrivals))
        print(f"kill -9 after {kill_indexes[-1]} messages", flush=True)
        await asyncio.sleep(args.lease + 0.5)  # the restarted dispatcher treats older claims as interrupted
        downtime = time.monotonic() - killed_at
        proc = await start_worker(args, api_base, env)
    await proc.wait()
    await fake.stop()
    report(fake, store, args.subscribers, kill_indexes, downtime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--kill-at", type=float, default=0.4, help="share of messages after which to kill -9")
    parser.add_argument("--kills", type=int, default=1, help="kill -9 this many times, spread up to --kill-at")
    parser.add_argument("--database-url", default="", help="default: a new SQLite file")
    parser.add_argument("--lease", type=float, default=2.0, help="seconds after which a claim counts as interrupted")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--api-base", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    asyncio.run(worker(args) if args.worker else orchestrate(args))


if __name__ == "__main__":
    main()
