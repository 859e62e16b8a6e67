"""``shenbao db upgrade|current|downgrade``: the schema migrations (Alembic) of the configured database."""

from __future__ import annotations

import argparse
import sys

from dialogs.store import Store


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "db", help="数据库结构迁移 / database schema migrations",
        description="数据库结构迁移（Alembic）。数据库由 SHENBAO_DATABASE_URL 指定，默认为本机 SQLite 文件。\n"
        "Database schema migrations (Alembic) of SHENBAO_DATABASE_URL (default: a local SQLite file).",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="覆盖 SHENBAO_DATABASE_URL / overrides SHENBAO_DATABASE_URL")
    sub = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = sub.add_parser("upgrade", help="升级到最新结构 / upgrade to the newest schema")
    up.add_argument("revision", nargs="?", default="head", help="目标版本，默认 head / target revision")
    up.set_defaults(func=_upgrade)
    cur = sub.add_parser("current", help="显示当前结构版本 / show the current revision")
    cur.set_defaults(func=_current)
    down = sub.add_parser("downgrade", help="回退到指定版本（会删除数据）/ downgrade (drops data)")
    down.add_argument("revision", help="目标版本，如 base 或 0001 / target revision, e.g. base")
    down.set_defaults(func=_downgrade)


def _open(args: argparse.Namespace) -> Store:
    return Store(args.database_url, migrate=False)


def _upgrade(args: argparse.Namespace) -> int:
    store = _open(args)
    store.upgrade(args.revision)
    print(f"数据库已升级到 / upgraded to: {store.current_revision() or 'base'}")
    store.dispose()
    return 0


def _current(args: argparse.Namespace) -> int:
    store = _open(args)
    current, head = store.current_revision(), store.head_revision()
    state = "最新 / up to date" if current == head else f"待升级到 / pending upgrade to {head}"
    print(f"{current or 'base'}（{state}）")
    store.dispose()
    return 0


def _downgrade(args: argparse.Namespace) -> int:
    store = _open(args)
    store.downgrade(args.revision)
    print(f"数据库已回退到 / downgraded to: {store.current_revision() or 'base'}", file=sys.stdout)
    store.dispose()
    return 0
