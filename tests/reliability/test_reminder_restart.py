"""kill -9 of the reminder dispatcher in the middle of a round (200 web subscribers, one reminder each due):
after the restarts every reminder has been delivered, and none twice. (The web outbox is written under the
reminder's id, so a send cut short by kill -9 is repeated without a copy.) The same for the deadlines users give
(“…12月23日前报上去，记得提醒我”: its reminder 7 days before is due at the same moment)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from dialogs import Assistant, Incoming, Store
from dialogs.reminders._dispatch import UNKNOWN_OUTCOME
from dialogs.store.models import OutboxMessage, Reminder
from knowledge._deadlines import set_deadline
from tests.dialogs.reminders.conftest import keyword_parser
from tests.reliability._serve import ROOT

pytestmark = [pytest.mark.reliability, pytest.mark.slow]
SUBSCRIBERS = 200
SUBSCRIBED = dt.datetime(2022, 11, 1, 1, 0, tzinfo=dt.UTC)
DISPATCH_AT = dt.datetime(2022, 12, 16, 2, 0, tzinfo=dt.UTC)  # 10:00 Shanghai, 14 days before the deadline
DISPATCHER = """
import asyncio, datetime as dt, sys, time
from dialogs import Store
from dialogs.reminders import Dispatcher, OutboxSender
start, t0 = dt.datetime.fromisoformat(sys.argv[2]), time.monotonic()
clock = lambda: start + dt.timedelta(seconds=time.monotonic() - t0)
store = Store(sys.argv[1])
d = Dispatcher(store, [OutboxSender(store, clock)], clock, poll_interval=0.2, lease=dt.timedelta(seconds=3))
asyncio.run(d.run(asyncio.Event()))
"""


def counts(url: str) -> tuple[int, int, int, dict[str, int]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        still_open = Reminder.status.in_(("pending", "claimed", "sending"))
        open_rows = conn.scalar(select(func.count()).select_from(Reminder)
                                .where(still_open, Reminder.due_at <= DISPATCH_AT))
        interrupted = conn.scalar(select(func.count()).select_from(Reminder)
                                  .where(Reminder.last_error == UNKNOWN_OUTCOME))
        total = conn.scalar(select(func.count()).select_from(OutboxMessage))
        stmt = select(OutboxMessage.sender, func.count()).group_by(OutboxMessage.sender)
        per_user = dict(conn.execute(stmt).all())
    engine.dispose()
    return int(open_rows or 0), int(interrupted or 0), int(total or 0), {k: int(v) for k, v in per_user.items()}


@pytest.mark.parametrize(("message", "kind"), [("提醒我", "application"),
                                             ("园区说材料12月23日前报上去，记得提醒我", "own")])
def test_kill_9_during_reminder_dispatch_loses_none_and_sends_none_twice(db_url: str, tmp_path: Path, message: str,
                                                                         kind: str,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    deadlines = tmp_path / "deadlines.yml"
    deadlines.write_text((ROOT / "knowledge" / "deadlines.yml").read_text(encoding="utf-8"), encoding="utf-8")
    set_deadline(2022, "application", dt.date(2022, 12, 30), deadlines)
    monkeypatch.setenv("SHENBAO_DEADLINES_FILE", str(deadlines))
    store = Store(db_url)
    bot = Assistant(store, clock=lambda: SUBSCRIBED, parser=keyword_parser)
    for i in range(SUBSCRIBERS):
        bot.handle(Incoming("web", f"sub-{i}", message))
    with store.session() as s:
        assert set(s.scalars(select(Reminder.kind))) == {kind}
    store.dispose()
    env = {**os.environ, "SHENBAO_DEADLINES_FILE": str(deadlines), "SHENBAO_LOG_LEVEL": "WARNING"}
    kills = 0

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-c", DISPATCHER, db_url, DISPATCH_AT.isoformat()], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=(tmp_path / "dispatch.log").open("ab"))

    proc = start()
    try:
        for fraction in (3, 3 / 2):
            deadline = time.monotonic() + 60
            while counts(db_url)[2] < SUBSCRIBERS / fraction and time.monotonic() < deadline:
                time.sleep(0.02)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            kills += 1
            proc = start()
        deadline = time.monotonic() + 60
        while counts(db_url)[0] and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    open_rows, interrupted, total, per_user = counts(db_url)
    doubled = sorted(u for u, n in per_user.items() if n > 1)
    missing = SUBSCRIBERS - len(per_user)
    print(f"\n[reminders, {kind}] subscribers={SUBSCRIBERS} reminders due={SUBSCRIBERS} kill -9={kills} "
          f"delivered={total} "
          f"doubled={len(doubled)} not delivered={missing} (recorded as interrupted={interrupted}) "
          f"still open={open_rows}")
    assert kills == 2 and open_rows == 0, "every due reminder was dealt with after the restarts"
    assert doubled == [], f"sent twice: {doubled[:10]}"
    assert (missing, interrupted) == (0, 0), "every reminder was delivered, none left as interrupted"
