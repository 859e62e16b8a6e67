"""kill -9 of ``shenbao serve`` in the middle of self-checks, half of the applicants over REST and half over the
Telegram webhook: after the restart every answer the service acknowledged (HTTP 200 to the page, or to
Telegram) is still there, every applicant finishes with exactly the profile they gave, and nothing was stored
for the wrong user. Runs on the test database (SQLite file, or PostgreSQL in the second pass)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest

from knowledge import render
from tests.reliability._driver import Tally, Users, expected, post, script
from tests.reliability._serve import ServeProcess
from tests.reliability._telegram import ChatsBotApi, tg_post

pytestmark = [pytest.mark.reliability, pytest.mark.slow]
USERS = 12
KILL_AFTER = (100, 200)  # acknowledged messages before each kill -9
CHAT_BASE = 9_100_000  # applicants with odd numbers talk over Telegram, as chat CHAT_BASE + i


def who(i: int) -> tuple[str, str]:
    """(sender id, channel) of applicant ``i``."""
    return (str(CHAT_BASE + i), "telegram") if i % 2 else (f"restart-{i}", "web")


async def drive(base: str, users: Users, tally: Tally, up: asyncio.Event, n_users: int,
                acked: dict[str, list[str]], fake: ChatsBotApi) -> None:
    down_text = render("system/storage_down")

    async def say(session: aiohttp.ClientSession, i: int, text: str) -> bool:
        sender, channel = who(i)
        if channel == "telegram":
            return await tg_post(session, base, fake, CHAT_BASE + i, text, tally)
        return await post(session, base, sender, text, tally, down_text) is not None

    async def applicant(i: int, session: aiohttp.ClientSession) -> None:
        (sender, channel), steps = who(i), script(i)
        n = 0
        while n < len(steps):
            await up.wait()
            key, text = steps[n]
            if not await say(session, i, text):
                await up.wait()  # the service is down: wait for it, then look where we are
                n = await asyncio.to_thread(users.resume_at, sender, steps, channel)
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
    for i in range(len(acked)):
        sender, channel = who(i)
        state, _records = users.state(sender, channel)
        stored = dict(state.slots.get("profile", {})) if state else {}
        for finished in users.profiles(sender, channel):
            stored = {**finished, **stored}
        for key in acked[sender]:
            if key in ("_summary",) or key == "functions_offered":
                continue
            want = expected(i).get(key)
            if key not in stored or (want is not None and stored[key] != want):
                lost.append(f"{channel}:{sender}:{key}")
    return lost


def test_kill_9_in_the_middle_of_self_checks_loses_no_acknowledged_answer(db_url: str, tmp_path: Path) -> None:
    fake = ChatsBotApi()
    server = ServeProcess(db_url, tmp_path)
    users, tally = Users(db_url), Tally()
    acked: dict[str, list[str]] = {who(i)[0]: [] for i in range(USERS)}
    lost: list[str] = []

    async def main() -> None:
        await fake.start()
        server.env.update(fake.env())
        try:
            await asyncio.to_thread(server.start)
            up = asyncio.Event()
            up.set()
            await asyncio.gather(drive(server.base, users, tally, up, USERS, acked, fake),
                                 killer(server, users, tally, up, acked, lost))
        finally:
            await asyncio.to_thread(server.stop)
            await fake.stop()

    try:
        asyncio.run(main())
        wrong = [who(i)[0] for i in range(USERS)
                 if [{k: p.get(k) for k in expected(i)} for p in users.profiles(*who(i))] != [expected(i)]]
    finally:
        users.dispose()
    print(f"\n[restart] users={USERS} (REST {USERS - USERS // 2}, Telegram webhook {USERS // 2}) "
          f"messages sent={tally.sent} acknowledged={tally.acknowledged} kill -9={server.kills} "
          f"refused while down={tally.failed_while_down} statuses={dict(tally.statuses)} "
          f"acknowledged answers lost={len(lost)} wrong profiles={len(wrong)}")
    assert server.kills == len(KILL_AFTER)
    assert lost == [], f"acknowledged answers lost after kill -9: {lost[:10]}"
    assert wrong == [], f"profiles not as the applicants gave them: {wrong[:10]}"
    assert tally.storage_down_replies == 0 and set(tally.statuses) == {200}
