"""``shenbao chat``: the assistant in the terminal, one local user kept in the default database."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.terminal import TerminalChat, enable_line_editing
from dialogs import Assistant, Store


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "chat",
        help="在终端中与助手对话 / chat in the terminal",
        description="在终端中与申报助手对话（与网页、Telegram 相同的助手）。/help 查看功能，/quit 退出；"
        "对话状态保存在默认数据库中，重启后可继续。\n"
        "Chat with the assistant in the terminal; /help, /quit. State survives restarts (default database).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--database-url", default=None,
                   help="数据库 URL（默认 SHENBAO_DATABASE_URL 或用户数据目录中的 SQLite 文件）/ database URL")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    for stream in (sys.stdin, sys.stdout):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(encoding="utf-8", errors="replace")
    interactive = sys.stdin.isatty()
    if interactive:
        enable_line_editing()
    store = Store(args.database_url)
    try:
        return TerminalChat(Assistant(store), interactive=interactive).run()
    finally:
        store.dispose()
