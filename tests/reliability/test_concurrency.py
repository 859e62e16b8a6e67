"""200 applicants in parallel over REST against two ``shenbao serve`` processes on one PostgreSQL database.
Each applicant's messages alternate between the two processes, and two corrections of the same applicant are
sent at the same moment, one to each process: no cross-talk, no lost update, no deadlock, no refusal."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp
import pytest

from knowledge import render
from tests.reliability._driver import Tally, Users, post, script
from tests.reliability._serve import ServeProcess

pytestmark = [pytest.mark.reliability, pytest.mark.slow]
USERS = 200
ANSWERS = 4  # /selfcheck and the answers up to the total assets, then the two parallel corrections


def corrected(i: int) -> dict[str, int]:
    return {"total_assets_wan": 300 + i, "years_operating": 3 + i % 7}


async def applicant(i: int, bases: tuple[str, str], session: aiohttp.ClientSession, tally: Tally,
                    down_text: str) -> None:
    sender = f"load-{i}"
    for n, (_key, text) in enumerate(script(i)[:ANSWERS + 1]):
        await post(session, bases[(i + n) % 2], sender, text, tally, down_text)
    fixes = corrected(i)
    await asyncio.gather(
        post(session, bases[0], sender, f"不对，资产是{fixes['total_assets_wan']}万", tally, down_text),
        post(session, bases[1], sender, f"不对，运营了{fixes['years_operating']}年", tally, down_text))


def test_200_users_on_two_processes_one_database(db_url: str, tmp_path: Path) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("two serve processes share one PostgreSQL database (SHENBAO_TEST_DATABASE_URL)")
    servers = (ServeProcess(db_url, tmp_path, name="serve-a"), ServeProcess(db_url, tmp_path, name="serve-b"))
    for server in servers:
        server.start()
    users, tally = Users(db_url), Tally()

    async def main() -> None:
        connector = aiohttp.TCPConnector(limit=100)
        async with aiohttp.ClientSession(connector=connector) as session:
            await asyncio.gather(*(applicant(i, (servers[0].base, servers[1].base), session, tally,
                                             render("system/storage_down")) for i in range(USERS)))

    started = time.monotonic()
    try:
        asyncio.run(main())
        elapsed = time.monotonic() - started
        lost, crossed = [], []
        for i in range(USERS):
            state, _ = users.state(f"load-{i}")
            profile = state.slots.get("profile", {}) if state else {}
            for key, value in corrected(i).items():
                if profile.get(key) != value:
                    (crossed if key == "total_assets_wan" and profile.get(key) in range(300, 300 + USERS)
                     else lost).append(f"load-{i}:{key}={profile.get(key)}")
    finally:
        for server in servers:
            server.stop()
        users.dispose()
    print(f"\n[concurrency] users={USERS} processes=2 messages sent={tally.sent} acknowledged={tally.acknowledged} "
          f"statuses={dict(tally.statuses)} 'try again' replies={tally.storage_down_replies} "
          f"lost updates={len(lost)} cross-talk={len(crossed)} elapsed={elapsed:.1f}s")
    assert set(tally.statuses) == {200} and tally.acknowledged == tally.sent, "every message answered"
    assert tally.storage_down_replies == 0, "no deadlock or timeout surfaced as 'try again'"
    assert lost == [] and crossed == [], (lost[:10], crossed[:10])
