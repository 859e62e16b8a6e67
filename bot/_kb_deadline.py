"""``shenbao kb set-deadline --year 2022 --kind application --date YYYY-MM-DD`` (or ``--clear``): writes
knowledge/deadlines.yml (validated) and reschedules the pending reminders in the database."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from knowledge._deadlines import KIND_LABELS, KINDS, set_deadline
from knowledge.errors import StorageUnavailableError, UserInputError


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD，收到“{text}” / expected YYYY-MM-DD") from exc


def add_set_deadline(kb_sub: Any) -> None:
    cmd = kb_sub.add_parser(
        "set-deadline",
        help="设置某年度通知的时间节点并重新安排提醒 / set a date of a year's notice and reschedule reminders",
        description="写入 knowledge/deadlines.yml（校验后）并按新日期重新安排数据库中待发送的提醒。"
        "\nWrites knowledge/deadlines.yml (validated) and reschedules pending reminders in the database.",
    )
    cmd.add_argument("--year", type=int, required=True, help="通知年度 / notice year, e.g. 2022")
    cmd.add_argument("--kind", required=True, choices=KINDS,
                     help="；".join(f"{k}：{v}" for k, v in KIND_LABELS.items()))
    when = cmd.add_mutually_exclusive_group(required=True)
    when.add_argument("--date", type=_iso_date, help="日期 YYYY-MM-DD / the date")
    when.add_argument("--clear", action="store_true", help="清除该日期 / remove the date")
    cmd.add_argument("--database-url", default=None, help="数据库（默认 SHENBAO_DATABASE_URL）/ database URL")
    cmd.set_defaults(func=run_set_deadline)


def run_set_deadline(args: argparse.Namespace) -> int:
    if not 2000 <= args.year <= 2200:
        raise UserInputError(f"--year 应为四位年份，收到 {args.year}。", key="year")
    plan = set_deadline(args.year, args.kind, None if args.clear else args.date)
    label = KIND_LABELS[args.kind]
    print(f"已{'清除' if args.clear else '设置'} {args.year} 年度{label}" + ("" if args.clear else f"：{args.date}"))
    try:
        created = _reschedule(plan, args.database_url)
    except StorageUnavailableError as exc:
        print(f"提醒未能重新安排（{exc}）；服务下次运行时会自动按新日期安排。")
        return 0
    print(f"已按新日期重新安排提醒（新建 {created} 条）。")
    return 0


def _reschedule(plan: Any, url: str | None) -> int:
    from dialogs.reminders import sync_reminders
    from dialogs.store import Store

    store = Store(url)
    try:
        with store.session() as s:
            return sync_reminders(s, plan, dt.datetime.now(dt.UTC))
    finally:
        store.dispose()
