"""Throughput of the REST channel on loopback: the real core (built-in NLU, SQLite) behind aiohttp, with the
synchronous core run through ``asyncio.to_thread`` or through a dedicated thread pool of N workers.

    .venv/bin/python benchmarks/rest_load.py [--requests 600] [--concurrency 16] [--users 50]

The server runs in its own process (one per mode); the client keeps ``--concurrency`` requests in flight.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp

QUESTIONS = ("资产总额要求多少？", "需要提交哪些材料？", "谁负责推荐？", "服务人员要多少人？", "公示几天？",
             "成立两年才能申报吗", "满意度要达到多少", "你好")


def serve(mode: str, db: str, port_queue: mp.Queue[int]) -> None:
    from aiohttp import web

    from bot._core import CoreRunner
    from bot.http import create_app
    from dialogs import Assistant, Store
    from nlu import get_engine

    async def main() -> None:
        store = Store(f"sqlite:///{db}")
        get_engine()
        assistant = Assistant(store)
        workers = None if mode == "to_thread" else int(mode.split("=")[1])
        app = create_app(assistant, store, runner=CoreRunner(assistant, workers=workers))
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        port_queue.put(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


async def load(port: int, requests: int, concurrency: int, users: int) -> tuple[float, list[float]]:
    url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
    latencies: list[float] = []
    counter = iter(range(requests))

    async def worker(session: aiohttp.ClientSession) -> None:
        for i in counter:
            body = {"sender": f"bench{i % users}", "message": QUESTIONS[i % len(QUESTIONS)]}
            t0 = time.perf_counter()
            async with session.post(url, json=body) as resp:
                await resp.read()
                assert resp.status == 200, resp.status
            latencies.append(time.perf_counter() - t0)

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        for q in QUESTIONS:  # warm up every path once
            await session.post(url, json={"sender": "warm", "message": q})
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        return time.perf_counter() - t0, latencies


def run_mode(mode: str, args: argparse.Namespace) -> None:
    ctx = mp.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        ports: mp.Queue[int] = ctx.Queue()
        proc = ctx.Process(target=serve, args=(mode, str(Path(tmp) / "bench.db"), ports), daemon=True)
        proc.start()
        try:
            port = ports.get(timeout=120)
            elapsed, lat = asyncio.run(load(port, args.requests, args.concurrency, args.users))
        finally:
            proc.terminate()
            proc.join()
    lat.sort()
    print(f"{mode:>10}: {args.requests / elapsed:7.1f} req/s   p50 {statistics.median(lat) * 1000:6.1f} ms   "
          f"p95 {lat[int(len(lat) * 0.95) - 1] * 1000:6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--modes", default="to_thread,pool=1,pool=4,pool=8")
    args = parser.parse_args()
    print(f"REST channel on loopback, {args.requests} requests, {args.concurrency} in flight, {args.users} users")
    for mode in args.modes.split(","):
        run_mode(mode, args)


if __name__ == "__main__":
    main()
