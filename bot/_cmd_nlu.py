"""``shenbao nlu evaluate|parse``: score an NLU engine on a held-out file; show what it understands."""

from __future__ import annotations

import argparse
import importlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from knowledge.errors import ConfigError, UserInputError
from nlu._evaluate import EvaluationReport, evaluate
from nlu._training_data import EVAL_FILE


def register(subparsers: Any) -> None:
    nlu = subparsers.add_parser("nlu", help="NLU 工具：评估、解析 / NLU tools: evaluate, parse")
    nlu_sub = nlu.add_subparsers(dest="nlu_command", metavar="SUBCOMMAND")
    ev = nlu_sub.add_parser(
        "evaluate",
        help="在留出评估集上评估意图识别 / score intent recognition on a held-out file",
        description="在留出评估集（Rasa 格式）上评估：准确率、宏平均 F1、各意图精确率/召回率、混淆列表、"
        "超出范围问题的精确率/召回率。\nScores an engine on a held-out Rasa-format file.",
    )
    ev.add_argument("--data", type=Path, default=EVAL_FILE, help=f"评估文件 / held-out file (默认 {EVAL_FILE.name})")
    ev.add_argument("--engine", choices=("builtin", "rasa"), default="builtin", help="NLU 引擎 / engine")
    ev.add_argument("--json", action="store_true", help="输出 JSON / print JSON")
    ev.add_argument("--conversations", type=Path, nargs="+", metavar="FILE",
                    help="多轮对话测试（YAML 文件或文件夹，见 docs/conversations.md）：按组打印通过率 / "
                    "multi-turn conversation cases (files or folders): pass rate per group, tuning and held-out")
    ev.add_argument("--failures", action="store_true",
                    help="与 --conversations 同用：列出未通过的轮次 / with --conversations: list the failed turns")
    ev.set_defaults(func=run_evaluate)
    parse = nlu_sub.add_parser("parse", help="解析一句话（Rasa parse 格式）/ parse one message (Rasa shape)",
                               description="解析一句话，输出 Rasa /model/parse 格式的 JSON。")
    parse.add_argument("text", help="要解析的句子 / the message")
    parse.add_argument("--engine", choices=("builtin", "rasa"), default="builtin", help="NLU 引擎 / engine")
    parse.set_defaults(func=run_parse)
    nlu.set_defaults(func=lambda _args: nlu.print_help() or 2)


def _engine(kind: str) -> Any:
    if kind == "rasa":
        try:
            module = importlib.import_module("nlu._rasa")
        except ImportError as exc:
            raise ConfigError("Rasa 引擎尚未安装（nlu/_rasa.py 不存在）。") from exc
        return module.RasaEngine.from_env()
    from nlu._builtin import BuiltinEngine

    return BuiltinEngine.load()


def run_evaluate(args: argparse.Namespace) -> int:
    if args.conversations:
        return run_conversations(args)
    if not args.data.exists():
        raise UserInputError(f"评估文件不存在：{args.data}", key="--data")
    report = evaluate(_engine(args.engine), args.data)
    if args.json:
        print(json.dumps(asdict(report), ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
    return 0


def run_conversations(args: argparse.Namespace) -> int:
    """Pass rate per group of the conversation cases (the built-in engine, or Rasa with ``SHENBAO_NLU=rasa``)."""
    from bot._conversations import format_report, load_cases, run_cases

    results = run_cases(load_cases(args.conversations))
    if args.json:
        rows = [{"id": r.case.id, "group": r.case.group, "part": r.case.part, "passed": r.passed,
                 "failures": list(r.failures)} for r in results]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        print(format_report(results, failures=args.failures))
    return 0


def run_parse(args: argparse.Namespace) -> int:
    print(json.dumps(_engine(args.engine).parse(args.text).to_dict(), ensure_ascii=False, indent=2))
    return 0


def format_report(report: EvaluationReport) -> str:
    lines = [
        f"引擎 engine: {report.engine}    评估集 file: {report.file}    例句 examples: {report.total}",
        f"意图准确率 accuracy: {report.accuracy:.1%}    宏平均 F1 macro F1: {report.macro_f1:.3f}",
        f"超出范围 out of scope (nlu_fallback): 精确率 precision {report.oos_precision:.1%}，"
        f"召回率 recall {report.oos_recall:.1%}",
        f"解析用时 parse time: {report.seconds * 1000 / max(report.total, 1):.2f} ms/句",
        "",
        f"{'intent':<30}{'precision':>10}{'recall':>10}{'f1':>8}{'n':>5}",
    ]
    lines += [f"{s.intent:<30}{s.precision:>10.2f}{s.recall:>10.2f}{s.f1:>8.2f}{s.support:>5}"
              for s in report.per_intent]
    lines += ["", f"混淆 confusions ({len(report.confusions)}):"]
    lines += [f"  {expected} → {predicted}：{text}" for text, expected, predicted in report.confusions] or ["  （无）"]
    return "\n".join(lines)
