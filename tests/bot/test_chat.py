"""``shenbao chat``: the terminal conversation, driven through stdin and in process."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

from bot.terminal import TerminalChat
from dialogs import Assistant, Store
from nlu import IntentScore, ParseResult


def chat(db: Path, lines: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SHENBAO_DATABASE_URL": f"sqlite:///{db}", "SHENBAO_LOG_LEVEL": "WARNING"}
    return subprocess.run([sys.executable, "-m", "bot", "chat"], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, timeout=120, env=env, check=False)


def test_chat_through_stdin_help_quit_and_restart(tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    first = chat(db, ["/help", "", "{{ 7*7 }}", "/quit", "这行不会被读到"])
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    out = first.stdout
    assert "个人信息处理说明" in out  # first contact of the local user
    assert "1. 开始自测" in out and "/quit" in out
    assert "没有收到文字" in out and "49" not in out
    assert "这行不会被读到" not in out and out.rstrip().endswith("再见，祝您申报顺利！")
    second = chat(db, ["/help"])  # EOF ends the chat too
    assert second.returncode == 0
    assert "个人信息处理说明" not in second.stdout  # the same local user, remembered across restarts
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        users = conn.execute(text("SELECT channel, external_id FROM users")).all()
    engine.dispose()
    assert users == [("cli", "cli")]


def scripted(lines: list[str]) -> Callable[[str], str]:
    feed = iter(lines)

    def read(_prompt: str) -> str:
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    return read


def test_numbers_pick_the_offered_buttons(store: Store) -> None:
    seen: list[str] = []

    def parse(t: str) -> ParseResult:
        seen.append(t)
        intent = "greet" if t == "你好" else "conditions_overview"
        return ParseResult(text=t, intent=intent, confidence=0.9, intent_ranking=(IntentScore(intent, 0.9),))

    out = io.StringIO()
    assistant = Assistant(store, clock=lambda: datetime(2026, 11, 26, tzinfo=UTC), parser=parse)
    TerminalChat(assistant, read=scripted(["你好", "1", "9"]), out=out, interactive=False).run()
    assert seen == ["你好", "申报需要满足哪些条件", "9"]  # "1" sent the first button's payload; 9 is no choice
    assert "六项基本条件" in out.getvalue()


def test_an_unexpected_error_does_not_end_the_chat(store: Store) -> None:
    def broken(t: str) -> ParseResult:
        if t == "坏":
            raise RuntimeError("boom")
        return ParseResult(text=t, intent="thanks", confidence=0.9)

    out = io.StringIO()
    TerminalChat(Assistant(store, parser=broken), read=scripted(["坏", "谢谢"]), out=out, interactive=False).run()
    assert "出错了" in out.getvalue() and "不客气" in out.getvalue()
