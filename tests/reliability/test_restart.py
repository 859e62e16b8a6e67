"""kill -9 of ``shenbao serve`` in the middle of self-checks: after the restart every answer the service
acknowledged is still there, every applicant finishes with exactly the profile they gave, and nothing was
stored for the wrong user. Runs on the test database (SQLite file, or PostgreSQL in the second pass)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest

from knowledge import render
from tests.reliability._driver import Tally, Users, expected, post, script
from tests.reliability._serve import ServeProcess

pytestmark = [pytest.mark.reliability, pytest.mark.slow]
USERS = 12
KILL_AFTER = (100, 200)  # acknowledged messages before each kill -9


async def drive(base: str, users: Users, tally: Tally, up: asyncio.Event, n_users: int,
                acked: dict[str, list[str]]) -> None:
    down_text = render("system/storage_down")

    async def applicant(i: int, session: aiohttp.ClientSession) -> None:
        sender, steps = f"restart-{i}", script(i)
        n = 0
        while n < len(steps):
            await up.wait()
            key, text = steps[n]
            if await post(session, base, sender, text, tally, down_text) is None:
                await up.wait()  # the service is down: wait for it, then look where we are
                n = await asyncio.to_thread(users.resume_at, sender, steps)
                continue
            if key is not None:
                acked[sender].append(key)
            n += 1

    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(applicant(i, session) for i in range(n_users)))


async def killer(server: ServeProcess, users: Users, tally: Tally, up: asyncio.Event,
                 acked: dict[str, list[str]], lost: list[str]) -> None:
    for threshold in KILL_AFTER:
        while tally.acknowledged < threshold:
            await asyncio.sleep(0.05)
        up.clear()
        await asyncio.to_thread(server.kill9)
        snapshot = {sender: list(keys) for sender, keys in acked.items()}
        lost += await asyncio.to_thread(check_acknowledged, users, snapshot)
        await asyncio.to_thread(server.start)
        up.set()


def check_acknowledged(users: Users, acked: dict[str, list[str]]) -> list[str]:
    """Every acknowledged answer of every applicant is in the stored profile (or in a finished record)."""
    lost = []
    for sender, keys in acked.items():
        state, _records = users.state(sender)
        i = int(sender.rsplit("-", 1)[1])
        stored = dict(state.slots.get("profile", {})) if state else {}
        for finished in users.profiles(sender):
            stored = {**finished, **stored}
        for key in keys:
            if key in ("_summary",) or key == "functions_offered":
                continue
            want = expected(i).get(key)
            if key not in stored or (want is not None and stored[key] != want):
                lost.append(f"{sender}:{key}")
    return lost


def test_kill_9_in_the_middle_of_self_checks_loses_no_acknowledged_answer(db_url: str, tmp_path: Path) -> None:
    server = ServeProcess(db_url, tmp_path)
    server.start()
    users, tally = Users(db_url), Tally()
    acked: dict[str, list[str]] = {f"restart-{i}": [] for i in range(USERS)}
    lost: list[str] = []

    async def main() -> None:
        up = asyncio.Event()
        up.set()
        await asyncio.gather(drive(server.base, users, tally, up, USERS, acked),
                             killer(server, users, tally, up, acked, lost))

    try:
        asyncio.run(main())
        wrong = [f"restart-{i}" for i in range(USERS)
                 if [{k: p.get(k) for k in expected(i)} for p in users.profiles(f"restart-{i}")] != [expected(i)]]
    finally:
        server.stop()
        users.dispose()
    print(f"\n[restart] users={USERS} messages sent={tally.sent} acknowledged={tally.acknowledged} "
          f"kill -9={server.kills} refused while down={tally.failed_while_down} statuses={dict(tally.statuses)} "
          f"acknowledged answers lost={len(lost)} wrong profiles={len(wrong)}")
    assert server.kills == len(KILL_AFTER)
    assert lost == [], f"acknowledged answers lost after kill -9: {lost[:10]}"
    assert wrong == [], f"profiles not as the applicants gave them: {wrong[:10]}"
    assert tally.storage_down_replies == 0 and set(tally.statuses) == {200}
