"""``shenbao ask "问题" [--json]``: one answer; with ``--json`` and no question, one JSON object per stdin line.

``ask`` keeps nothing: it runs the same ``Assistant`` as the other channels over a throwaway in-memory
SQLite database, and every question starts from a fresh conversation (a question never becomes the answer
to a flow opened by the previous line).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from dialogs import Assistant, DialogState, Incoming, Store, Turn, utc_now
from dialogs.store import Base, Conversation, User

CHANNEL = "ask"


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "ask",
        help="回答一个问题 / answer one question",
        description="回答一个关于申报通知的问题并注明条款出处。不给问题时，从标准输入逐行读取问题。\n"
        "Answers one question about the notice; without a question, reads one question per line on stdin.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("question", nargs="?", help="问题，例如“资产要多少” / the question")
    p.add_argument("--json", action="store_true",
                   help="输出 JSON（text、intent、confidence、fallback、sources、engine）/ JSON output")
    p.set_defaults(func=run)


class Asker:
    """A throwaway store and a fresh user per question."""

    def __init__(self) -> None:
        self.store = Store("sqlite://", migrate=False)  # in memory: one connection, nothing written to disk
        Base.metadata.create_all(self.store.engine)
        self.assistant = Assistant(self.store)
        self.count = 0

    def ask(self, question: str) -> Turn:
        self.count += 1
        user_id = f"q{self.count}"
        now = utc_now()
        with self.store.session() as s:  # the privacy notice is for people who keep talking; ask stores nothing
            user = User(channel=CHANNEL, external_id=user_id, created_at=now, last_active_at=now)
            s.add(user)
            s.flush()
            s.add(Conversation(user_id=user.id, state_json=DialogState(privacy_notice_shown=True).to_json(),
                               updated_at=now))
        return self.assistant.handle(Incoming(CHANNEL, user_id, question))


def turn_json(turn: Turn) -> str:
    """One line of ``ask --json``; ``parts`` when the message held several questions (the top-level intent is the
    first part's)."""
    out: dict[str, Any] = {"text": turn.text, "intent": turn.intent, "confidence": round(turn.confidence, 4),
                           "fallback": turn.fallback, "sources": list(turn.sources), "engine": turn.engine}
    if turn.parts:
        out["parts"] = [{"intent": intent, "confidence": round(confidence, 4), "text": text}
                        for intent, confidence, text in turn.parts]
    return json.dumps(out, ensure_ascii=False)


def turn_text(turn: Turn) -> str:
    lines = [turn.text]
    for reply in turn.replies:
        lines += [f"  {i}. {b.title}" for i, b in enumerate(reply.buttons, 1)]
    return "\n".join(lines)


def _questions(stream: TextIO) -> Iterator[str]:
    for line in stream:
        yield line.rstrip("\r\n")


def _utf8(stream: TextIO) -> None:
    if hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
        stream.reconfigure(encoding="utf-8", errors="replace")


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except BrokenPipeError:  # `shenbao ask … | head`: the reader left, which is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _run(args: argparse.Namespace) -> int:
    _utf8(sys.stdout)
    _utf8(sys.stdin)
    asker = Asker()
    show = turn_json if args.json else turn_text
    if args.question is not None:
        print(show(asker.ask(args.question)), flush=True)
        return 0
    for i, question in enumerate(_questions(sys.stdin)):
        if not args.json and i:
            print(flush=True)
        print(show(asker.ask(question)), flush=True)
    return 0
