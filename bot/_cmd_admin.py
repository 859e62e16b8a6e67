"""``shenbao admin``: retention purge, forgetting a user, unanswered questions, statistics, CSV export."""

from __future__ import annotations

import argparse
from pathlib import Path

from dialogs.admin import export_csv, stats, top_unanswered
from dialogs.assistant import utc_now
from dialogs.privacy import forget, parse_user_ref, purge_inactive, retention_days
from dialogs.store import Store
from knowledge.errors import UserInputError


def _positive(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为正整数 / must be a positive integer: {raw}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数 / must be a positive integer: {raw}")
    return value


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "admin", help="管理：清理、删除用户、未答问题、统计、导出 / administration",
        description="管理员命令，作用于 SHENBAO_DATABASE_URL 指定的数据库。\n"
        "Administration of the database in SHENBAO_DATABASE_URL.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="覆盖 SHENBAO_DATABASE_URL / overrides SHENBAO_DATABASE_URL")
    sub = parser.add_subparsers(dest="admin_command", metavar="ACTION", required=True)
    purge = sub.add_parser("purge", help="删除超过保存期限未活动的用户 / delete users inactive beyond retention")
    purge.add_argument("--days", type=_positive,
                       help="保存期限（天），默认 SHENBAO_RETENTION_DAYS 或 365 / retention in days")
    purge.set_defaults(func=_purge)
    fgt = sub.add_parser("forget", help="删除一个用户的全部数据 / delete all data of one user")
    fgt.add_argument("user", metavar="CHANNEL:ID", help="如 telegram:12345 / e.g. telegram:12345")
    fgt.set_defaults(func=_forget)
    una = sub.add_parser("unanswered", help="最常见的未答问题 / most frequent unanswered questions")
    una.add_argument("--limit", type=_positive, default=20, help="条数，默认 20 / how many (default 20)")
    una.set_defaults(func=_unanswered)
    st = sub.add_parser("stats", help="运行统计 / usage statistics")
    st.set_defaults(func=_stats)
    exp = sub.add_parser("export", help="导出自测结果 CSV / export self-check results as CSV")
    exp.add_argument("--out", required=True, help="输出文件，- 为标准输出 / output file, - for stdout")
    exp.set_defaults(func=_export)


def _store(args: argparse.Namespace) -> Store:
    return Store(args.database_url)


def _purge(args: argparse.Namespace) -> int:
    days = args.days or retention_days()
    removed = purge_inactive(_store(args), now=utc_now(), days=days)
    print(f"已删除 {removed} 个超过 {days} 天未活动的用户及其全部数据。")
    return 0


def _forget(args: argparse.Namespace) -> int:
    channel, external_id = parse_user_ref(args.user)
    if not forget(_store(args), channel, external_id):
        raise UserInputError(f"没有找到用户 {channel}:{external_id}，未删除任何数据", key="user")
    print(f"已删除用户 {channel}:{external_id} 的全部数据。")
    return 0


def _unanswered(args: argparse.Namespace) -> int:
    with _store(args).session() as session:
        rows = top_unanswered(session, args.limit)
    if not rows:
        print("暂无未能回答的问题。")
    for row in rows:
        print(f"{row.count}\t{row.last_asked:%Y-%m-%d}\t{row.text}")
    return 0


def _stats(args: argparse.Namespace) -> int:
    with _store(args).session() as session:
        s = stats(session)
    verdicts = "，".join(f"{k} {v}" for k, v in sorted(s.selfchecks.items())) or "暂无"
    print(f"用户 {s.users}\n对话 {s.conversations}\n自测结果 {verdicts}\n未答问题 {s.unanswered}")
    return 0


def _export(args: argparse.Namespace) -> int:
    with _store(args).session() as session:
        data, rows = export_csv(session)
    if args.out == "-":
        print(data.decode("utf-8-sig"), end="")
        return 0
    try:
        Path(args.out).write_bytes(data)
    except OSError as exc:
        raise UserInputError(f"无法写入 {args.out}：{exc.strerror}", key="out") from exc
    print(f"已导出 {rows} 条自测结果到 {args.out}。")
    return 0
