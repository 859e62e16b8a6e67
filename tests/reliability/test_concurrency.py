"""200 applicants in parallel against two ``shenbao serve`` processes on one PostgreSQL database, half of them
over REST and half over Telegram (webhook mode: Telegram's ``Update`` POSTed to each process, the replies sent to a
fake Bot API on 127.0.0.1). Each applicant's messages alternate between the two processes, and two corrections
of the same applicant are sent at the same moment, one to each process: no cross-talk, no lost update, no
deadlock, no refusal, no error in either log."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

import aiohttp
import pytest

from knowledge import render
from tests.reliability._driver import Tally, Users, post, script
from tests.reliability._serve import ServeProcess
from tests.reliability._telegram import ChatsBotApi, tg_post

pytestmark = [pytest.mark.reliability, pytest.mark.slow]
USERS = 200  # even numbers over REST, odd numbers over Telegram
ANSWERS = 4  # /selfcheck and the answers up to the total assets, then the two parallel corrections
CHAT_BASE = 7_000_000
ASSETS = re.compile(r"资产总额：(\d+) 万元")


def corrected(i: int) -> dict[str, int]:
    return {"total_assets_wan": 300 + i, "years_operating": 3 + i % 7}


def corrections(i: int) -> tuple[str, str]:
    fixes = corrected(i)
    return f"不对，资产是{fixes['total_assets_wan']}万", f"不对，运营了{fixes['years_operating']}年"


async def rest_applicant(i: int, bases: tuple[str, str], session: aiohttp.ClientSession, tally: Tally) -> None:
    sender, down_text = f"load-{i}", render("system/storage_down")
    for n, (_key, text) in enumerate(script(i)[:ANSWERS + 1]):
        await post(session, bases[(i + n) % 2], sender, text, tally, down_text)
    await asyncio.gather(*(post(session, base, sender, fix, tally, down_text)
                           for base, fix in zip(bases, corrections(i), strict=True)))


async def tg_applicant(i: int, bases: tuple[str, str], session: aiohttp.ClientSession, tally: Tally,
                       fake: ChatsBotApi, unanswered: list[str]) -> None:
    """Like a person: each message after the answer to the previous one arrived (gives up when one does not
    come within a minute); the corrections at once."""
    chat = CHAT_BASE + i
    for n, (_key, text) in enumerate(script(i)[:ANSWERS + 1]):
        if not await tg_post(session, bases[(i + n) % 2], fake, chat, text, tally) or \
                not await fake.arrived(chat, f"（第 {n + 1}/", 60):
            unanswered.append(f"{chat}:{text}")
            return
    await asyncio.gather(*(tg_post(session, base, fake, chat, fix, tally)
                           for base, fix in zip(bases, corrections(i), strict=True)))
    fixes = corrected(i)
    for needle in (f"已更正：资产总额：{fixes['total_assets_wan']} 万元",
                   f"已更正：运营年限：{fixes['years_operating']} 年"):
        if not await fake.arrived(chat, needle, 60):
            unanswered.append(f"{chat}:{needle}")


def stored_problems(users: Users, i: int) -> tuple[list[str], list[str]]:
    """(lost, crossed): acknowledged answers missing from the stored profile, or another applicant's there."""
    sender, channel = (f"load-{i}", "web") if i % 2 == 0 else (str(CHAT_BASE + i), "telegram")
    state, _ = users.state(sender, channel)
    profile = state.slots.get("profile", {}) if state else {}
    lost: list[str] = []
    crossed: list[str] = []
    wanted = {**corrected(i), "legal_person": True, "org_type": "research_institute"}
    for key, value in wanted.items():
        if profile.get(key) != value:
            (crossed if key == "total_assets_wan" and profile.get(key) in range(300, 300 + USERS)
             else lost).append(f"{channel}:{sender}:{key}={profile.get(key)}")
    return lost, crossed


def chat_problems(fake: ChatsBotApi, i: int) -> list[str]:
    """What applicant ``i``'s chat shows that is not theirs: another applicant's figures, a turn answered twice."""
    texts = fake.chats.get(CHAT_BASE + i, [])
    own = {100 + i, 300 + i}
    wrong = [t for t in texts for m in ASSETS.findall(t) if int(m) not in own]
    if sum(t.startswith("已记录：") for t in texts) != ANSWERS or sum(t.startswith("已更正：") for t in texts) != 2:
        wrong.append(f"{CHAT_BASE + i}: {len(texts)} messages")
    return wrong


def test_200_users_over_rest_and_telegram_on_two_processes_one_database(db_url: str, tmp_path: Path) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("two serve processes share one PostgreSQL database (SHENBAO_TEST_DATABASE_URL)")
    users, rest, tg, fake = Users(db_url), Tally(), Tally(), ChatsBotApi()
    servers: list[ServeProcess] = []
    unanswered: list[str] = []

    async def main() -> float:
        await fake.start()
        try:
            servers.extend(ServeProcess(db_url, tmp_path, name=f"serve-{n}", env=fake.env()) for n in "ab")
            await asyncio.gather(*(asyncio.to_thread(server.start) for server in servers))
            bases, started = (servers[0].base, servers[1].base), time.monotonic()
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100)) as session:
                await asyncio.gather(*(rest_applicant(i, bases, session, rest) if i % 2 == 0 else
                                       tg_applicant(i, bases, session, tg, fake, unanswered) for i in range(USERS)))
            return time.monotonic() - started
        finally:
            await asyncio.gather(*(asyncio.to_thread(server.stop) for server in servers))
            await fake.stop()

    try:
        elapsed = asyncio.run(main())
        lost, crossed = [], []
        for i in range(USERS):
            missing, other = stored_problems(users, i)
            lost += missing
            crossed += other + (chat_problems(fake, i) if i % 2 else [])
    finally:
        users.dispose()
    strangers = sorted(set(fake.chats) - {CHAT_BASE + i for i in range(1, USERS, 2)})
    errors = [line for server in servers for line in server.errors()]
    print(f"\n[concurrency] users={USERS} (REST {USERS // 2}, Telegram webhook {USERS // 2}) processes=2 "
          f"REST messages sent={rest.sent} acknowledged={rest.acknowledged} Telegram updates sent={tg.sent} "
          f"acknowledged={tg.acknowledged} replies delivered={len(fake.calls_to('sendMessage'))} "
          f"'try again' replies={rest.storage_down_replies} unanswered={len(unanswered)} lost updates={len(lost)} "
          f"cross-talk={len(crossed) + len(strangers)} errors logged={len(errors)} elapsed={elapsed:.1f}s")
    assert set(rest.statuses) == {200} and rest.acknowledged == rest.sent, "every REST message answered"
    assert set(tg.statuses) == {200} and tg.acknowledged == tg.sent, "every update acknowledged"
    assert rest.storage_down_replies == 0, "no deadlock or timeout surfaced as 'try again'"
    assert unanswered == [] and errors == [], (unanswered[:10], errors[:10])
    assert lost == [] and crossed == [] and strangers == [], (lost[:10], crossed[:10], strangers[:10])
