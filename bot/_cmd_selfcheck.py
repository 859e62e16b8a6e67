"""``shenbao selfcheck``: evaluate one profile (JSON or YAML, ``-`` for stdin) or a CSV file of many.

Exit status 0 whatever the verdict; 2 on bad input (one stderr line naming the key and what is expected).
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from dialogs.selfcheck import evaluate, render_report, run_batch
from knowledge.errors import UserInputError

FORMATS = ("text", "markdown", "html", "json")
PROGRESS_MIN_ROWS = 200


class _StrictBoolLoader(yaml.SafeLoader):
    """YAML whose booleans are only true/false (YAML 1.1 would also read yes/no/on/off)."""


_StrictBoolLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictBoolLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "selfcheck",
        help="申报条件自测 / check a profile against the conditions",
        description="按《通知》二、申报条件（一）（二）自测一个档案（JSON 或 YAML），或批量自测 CSV 文件。\n"
        "Evaluate a profile (JSON or YAML, '-' for stdin) or a CSV file with one organisation per row.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--profile", metavar="FILE", help="档案文件（JSON/YAML），- 表示标准输入 / profile file")
    source.add_argument("--csv", metavar="IN.csv", help="批量自测的 CSV 文件 / CSV file, one organisation per row")
    p.add_argument("--out", metavar="OUT.csv", help="批量结果写入的文件（默认标准输出）/ where to write the result CSV")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", type=_date,
                   help="自测日期（默认今天）；已配置当年申报截止日期时，成立日期算至截止日 / date of the check; "
                        "founding dates count to the year's application deadline when one is configured")
    p.add_argument("--json", action="store_true", help="输出 JSON（即 --format json）/ same as --format json")
    p.add_argument("--format", choices=FORMATS, help="报告格式 / report format: text (default), markdown, html, json")
    p.set_defaults(func=run, _parser=p)


def run(args: argparse.Namespace) -> int:
    parser: argparse.ArgumentParser = args._parser
    if args.json and args.format:
        parser.error("--json 与 --format 不能同时使用（--json 即 --format json）/ give --json or --format, not both")
    if args.csv:
        if args.json or args.format:
            parser.error("--csv 的结果是 CSV 文件，不能与 --json/--format 同用")
        return run_csv(args.csv, args.out, args.as_of)
    if args.out:
        parser.error("--out 只用于 --csv 批量自测 / --out goes with --csv")
    profile = load_profile(args.profile)
    result = evaluate(profile)
    fmt = "json" if args.json else args.format or "text"
    if fmt == "json":
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render_report(result, profile, fmt))
    return 0


def read_input(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except OSError as exc:
        raise UserInputError(f"无法读取文件 {name}：{exc.strerror or exc}") from exc


def load_profile(name: str) -> Any:
    """A JSON or YAML mapping; malformed files are a UserInputError (exit 2)."""
    data = read_input(name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserInputError(f"档案文件 {name} 不是 UTF-8 编码的 JSON 或 YAML") from exc
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise UserInputError(f"档案不是合法的 JSON：第 {exc.lineno} 行第 {exc.colno} 列，{exc.msg}") from exc
    try:
        loaded = yaml.load(text, Loader=_StrictBoolLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else ""
        raise UserInputError(f"档案不是合法的 JSON 或 YAML：{where}格式有误") from exc
    if loaded is None:
        raise UserInputError("档案为空：应为 JSON 对象或 YAML 映射，如 {\"total_assets_wan\": 120}")
    return loaded


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD，收到 {text!r}") from exc


def run_csv(name: str, out_name: str | None, as_of: datetime.date | None = None) -> int:
    data = read_input(name)
    buffer = io.StringIO(newline="")
    summary = run_batch(data, buffer, today=as_of, progress=_progress if sys.stderr.isatty() else None)
    if out_name and out_name != "-":
        try:
            # With a BOM, as Excel expects to recognise UTF-8.
            Path(out_name).write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise UserInputError(f"无法写入结果文件 {out_name}：{exc.strerror or exc}") from exc
        print(f"{summary.line()}；结果已写入 {out_name}")
    else:
        sys.stdout.write(buffer.getvalue())
        print(summary.line(), file=sys.stderr)
    return 0


def _progress(done: int, total: int) -> None:
    if total < PROGRESS_MIN_ROWS:
        return
    if done % 50 and done != total:
        return
    width = 30
    filled = width * done // total
    sys.stderr.write(f"\r自测中 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()
