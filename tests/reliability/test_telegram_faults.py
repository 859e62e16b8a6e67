"""The Telegram Bot API misbehaves while 30 applicants talk to a real ``shenbao serve`` in webhook mode: some
sendMessage calls answer 500 or 502 (twice in a row), 429 with retry_after, or stall past the bot's 5-second
timeout. Every message is still processed and stored once, every reply reaches its own chat (after a retry),
nobody is told to send again what was already stored, and the service stays healthy without an error logged."""

from __future__ import annotations

import asyncio
import itertools
import time
from pathlib import Path

import aiohttp
import pytest

from knowledge import render
from tests.reliability._driver import Tally, Users, script
from tests.reliability._serve import ServeProcess
from tests.reliability._telegram import ChatsBotApi, tg_post

pytestmark = [pytest.mark.reliability, pytest.mark.slow]
USERS = 30
STEPS = 5  # /selfcheck and the answers up to the total assets, then a correction
CHAT_BASE = 8_000_000
# (status, retry_after, stall seconds, times): what the next sendMessage call(s) get instead of delivery
FAULTS: tuple[tuple[int, int | None, float, int], ...] = (
    (500, None, 0.0, 1), (429, 1, 0.0, 1), (502, None, 0.0, 2), (504, None, 6.0, 1))
ROUNDS = 4  # the four kinds, four times over, spread across the run


async def applicant(i: int, base: str, session: aiohttp.ClientSession, fake: ChatsBotApi, tally: Tally,
                    unanswered: list[str]) -> None:
    chat = CHAT_BASE + i
    turns = [(text, f"（第 {n + 1}/") for n, (_key, text) in enumerate(script(i)[:STEPS])]
    turns.append((f"不对，资产是{300 + i}万", f"已更正：资产总额：{300 + i} 万元"))
    for text, needle in turns:
        if not await tg_post(session, base, fake, chat, text, tally) or not await fake.arrived(chat, needle, 60):
            unanswered.append(f"{chat}:{text}")
            return  # a person would not go on answering questions they never saw


async def injector(fake: ChatsBotApi, done: asyncio.Event) -> int:
    """Queue one fault (kind after kind) each time another 20 messages went out; the number of failed calls."""
    injected = 0
    for n, (status, retry_after, stall, times) in enumerate(itertools.islice(itertools.cycle(FAULTS),
                                                                             ROUNDS * len(FAULTS))):
        while len(fake.calls_to("sendMessage")) < 40 + 20 * n and not done.is_set():
            await asyncio.sleep(0.05)
        if done.is_set():
            break
        fake.fail("sendMessage", status=status, retry_after=retry_after, times=times, stall=stall)
        injected += times
    return injected


def stored_wrong(users: Users, i: int) -> list[str]:
    state, _ = users.state(str(CHAT_BASE + i), "telegram")
    profile = state.slots.get("profile", {}) if state else {}
    wanted = {"legal_person": True, "org_type": "research_institute", "total_assets_wan": 300 + i}
    step = state.step if state else None
    return [f"{CHAT_BASE + i}:{k}={profile.get(k)}" for k, v in wanted.items() if profile.get(k) != v] + \
        ([f"{CHAT_BASE + i}: at {step}"] if step != "finances_sound" else [])


def chat_wrong(fake: ChatsBotApi, i: int) -> list[str]:
    """A turn answered twice or not at all, or the 'send it again' apology, in applicant ``i``'s chat."""
    texts = fake.chats.get(CHAT_BASE + i, [])
    recorded = sum(t.startswith("已记录：") for t in texts)
    apologies = sum(t == render("channel/error") for t in texts)
    return [f"{CHAT_BASE + i}: {recorded} answers recorded, {apologies} apologies"] if (recorded, apologies) != (
        STEPS - 1, 0) else []


def test_bot_api_errors_and_timeouts_lose_no_message_and_no_reply(db_url: str, tmp_path: Path) -> None:
    fake, tally, users = ChatsBotApi(), Tally(), Users(db_url)
    servers: list[ServeProcess] = []
    unanswered: list[str] = []

    async def main() -> tuple[int, float]:
        await fake.start()
        servers.append(server := ServeProcess(db_url, tmp_path, env=fake.env()))
        try:
            await asyncio.to_thread(server.start)
            done, started = asyncio.Event(), time.monotonic()
            faults = asyncio.create_task(injector(fake, done))
            async with aiohttp.ClientSession() as session:
                await asyncio.gather(*(applicant(i, server.base, session, fake, tally, unanswered)
                                       for i in range(USERS)))
            done.set()
            return await faults - len(fake.failures.get("sendMessage", [])), time.monotonic() - started
        finally:
            await asyncio.to_thread(server.stop)
            await fake.stop()

    try:
        faults, elapsed = asyncio.run(main())
        [server] = servers
        wrong = [w for i in range(USERS) for w in stored_wrong(users, i) + chat_wrong(fake, i)]
    finally:
        users.dispose()
    failed_calls = [c.status for c in fake.calls_to("sendMessage") if c.status != 200]
    retried = server.log.read_text(encoding="utf-8").count("trying again")
    errors = server.errors()
    print(f"\n[telegram faults] users={USERS} updates sent={tally.sent} acknowledged={tally.acknowledged} "
          f"replies delivered={len(fake.sent())} faults injected={faults} (500/502/429/stall past timeout: "
          f"{sorted(set(failed_calls))}) retries logged={retried} unanswered={len(unanswered)} "
          f"lost or doubled={len(wrong)} errors logged={len(errors)} elapsed={elapsed:.1f}s")
    assert faults == ROUNDS * (len(FAULTS) + 1), "every planned fault hit a send"
    assert tally.acknowledged == tally.sent and unanswered == [], unanswered[:10]
    assert wrong == [] and errors == [], (wrong[:10], errors[:10])
    assert server.proc is not None and server.proc.returncode == 0, "stopped cleanly, nothing hung"
