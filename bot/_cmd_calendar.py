"""``shenbao calendar publicity-end --start YYYY-MM-DD [--days 7]``: the last day of a publicity period of N
working days (PRC statutory holidays and make-up working days; the start day counts when it is a working day)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from knowledge._workdays import WorkCalendar
from knowledge.errors import UserInputError


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD，收到“{text}” / expected YYYY-MM-DD") from exc


def register(subparsers: Any) -> None:
    cal = subparsers.add_parser("calendar", help="工作日计算 / working-day calculations")
    cal_sub = cal.add_subparsers(dest="calendar_command", metavar="SUBCOMMAND")
    pub = cal_sub.add_parser(
        "publicity-end",
        help="公示期最后一天 / last day of a publicity period",
        description="输出从开始日期起 N 个工作日的公示期的最后一天（YYYY-MM-DD）。按国家法定节假日和调休上班日计算，"
        "开始当天是工作日则计入。\nPrints the last day (YYYY-MM-DD) of a publicity period of N working days "
        "starting on --start (counted when it is a working day), by the PRC statutory holiday calendar.",
    )
    pub.add_argument("--start", required=True, type=_iso_date, help="公示开始日期 YYYY-MM-DD / first day")
    pub.add_argument("--days", type=int, default=7, help="工作日天数（默认 7）/ working days (default 7)")
    pub.set_defaults(func=run_publicity_end)
    cal.set_defaults(func=lambda _args: cal.print_help() or 2)


def run_publicity_end(args: argparse.Namespace) -> int:
    if not 1 <= args.days <= 365:
        raise UserInputError(f"--days 应在 1 到 365 之间，收到 {args.days}。", key="days")
    result = WorkCalendar.load().publicity_end(args.start, args.days)
    print(result.end.isoformat())
    if result.fallback_years:
        years = "、".join(str(y) for y in result.fallback_years)
        print(f"注意：{years}年的法定节假日安排尚未收录（可在 knowledge/holidays.yml 中补充），"
              "这部分按周一至周五计算。", file=sys.stderr)
    return 0
