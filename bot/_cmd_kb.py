"""``shenbao kb check``: validates knowledge/ and nlu/ data; exit 1 naming file and key on any error."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot._kb_deadline import add_set_deadline
from knowledge import KNOWLEDGE_DIR
from knowledge._validation import validate
from knowledge.errors import KnowledgeError

NLU_FILE = KNOWLEDGE_DIR.parent / "nlu" / "nlu.yml"


def register(subparsers: Any) -> None:
    kb = subparsers.add_parser("kb", help="知识库工具 / knowledge base tools")
    kb_sub = kb.add_subparsers(dest="kb_command", metavar="SUBCOMMAND")
    check = kb_sub.add_parser(
        "check",
        help="校验 knowledge/ 与 nlu/ 数据，出错时指明文件和键 / validate knowledge and NLU data",
        description="校验 knowledge/ 与 nlu/nlu.yml：结构、条款引用、每个意图的回答模板能否渲染。"
        "出错时退出码为 1 并指明文件和键。\nValidates knowledge/ and nlu/nlu.yml; exit 1 naming file and key.",
    )
    check.add_argument("--dir", type=Path, default=KNOWLEDGE_DIR,
                       help="knowledge 目录（默认为安装的 knowledge/）/ knowledge folder")
    check.add_argument("--nlu", type=Path, default=NLU_FILE,
                       help="nlu.yml 路径（不存在时跳过）/ path of nlu.yml (skipped when absent)")
    check.set_defaults(func=run_check)
    add_set_deadline(kb_sub)
    kb.set_defaults(func=lambda _args: kb.print_help() or 2)


def run_check(args: argparse.Namespace) -> int:
    try:
        summary = validate(args.dir, args.nlu)
    except KnowledgeError as exc:
        print(f"错误：{exc.file}：{exc.key}：{exc.problem}", file=sys.stderr)
        return 1
    nlu = "nlu.yml 未找到，跳过" if summary.nlu_intents is None else f"nlu.yml 意图 {summary.nlu_intents} 个"
    print(f"OK：条款 {summary.clauses} 条，阈值 {summary.thresholds} 项，材料 {summary.materials} 项，"
          f"意图 {summary.intents} 个，回答 {summary.answers} 个，模板渲染 {summary.templates_rendered} 次，{nlu}。")
    return 0
