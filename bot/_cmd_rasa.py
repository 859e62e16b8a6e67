"""``shenbao rasa …``: the Rasa side by side. ``export DIR`` writes a Rasa project from knowledge/ and nlu/;
``setup``, ``train``, ``serve``, ``stop`` run ``scripts/rasa.sh`` (Rasa in its own Python 3.10 venv)."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Any

from bot._rasa_export import build_project, write_project
from knowledge.errors import ConfigError, UserInputError

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "rasa.sh"


def register(subparsers: Any) -> None:
    rasa = subparsers.add_parser("rasa", help="Rasa 对照：导出项目、安装、训练、启动 / Rasa side by side")
    sub = rasa.add_subparsers(dest="rasa_command", metavar="SUBCOMMAND")
    export = sub.add_parser(
        "export",
        help="把 knowledge/ 与 nlu/ 导出为 Rasa 项目 / write a Rasa project from knowledge/ and nlu/",
        description="导出 Rasa 3 项目：domain.yml（每个回答一条 response）、data/rules.yml（每个意图一条规则）、"
        "config.yml、data/nlu.yml、credentials.yml（REST 渠道）。用 rasa train 训练，rasa run --enable-api 启动。\n"
        "Writes a Rasa 3 project (domain, a rule per intent, config, NLU data, REST credentials).",
    )
    export.add_argument("dir", type=Path, help="目标目录 / target folder")
    export.add_argument("--force", action="store_true", help="目录非空时覆盖 / overwrite a non-empty folder")
    export.set_defaults(func=run_export)
    for name, text in (("setup", "建立 Rasa 虚拟环境 / create the Rasa venv"),
                       ("train", "训练 NLU 模型 / train the NLU model"),
                       ("serve", "在 127.0.0.1 启动 Rasa / serve it on 127.0.0.1"),
                       ("stop", "停止 Rasa / stop it")):
        cmd = sub.add_parser(name, help=text, description=f"{text}（scripts/rasa.sh {name}）")
        if name in ("serve", "stop"):
            cmd.add_argument("--port", type=int, default=5005, help="端口 / port (5005)")
        cmd.set_defaults(func=run_script, script_command=name)
    rasa.set_defaults(func=lambda _args: rasa.print_help() or 2)


def run_export(args: argparse.Namespace) -> int:
    target: Path = args.dir
    if target.exists() and not target.is_dir():
        raise UserInputError(f"{target} 不是目录。")
    if target.is_dir() and any(target.iterdir()) and not args.force:
        raise UserInputError(f"目录 {target} 不是空的；如需覆盖请加 --force。")
    written = write_project(target, build_project())
    print(f"已导出 Rasa 项目到 {target}（{len(written)} 个文件）。训练：cd {target} && rasa train；"
          "启动：rasa run --enable-api")
    return 0


def run_script(args: argparse.Namespace) -> int:
    if not SCRIPT.is_file():
        raise ConfigError(f"找不到 {SCRIPT}：请在 shenbao 源码目录中使用（pip install -e .）。")
    extra = [str(args.port)] if getattr(args, "port", None) else []
    return subprocess.call(["bash", str(SCRIPT), args.script_command, *extra], stdout=sys.stdout)
