"""The ``shenbao`` command line. Each subcommand lives in its own ``bot/_cmd_*.py`` module that exposes
``register(subparsers)``; add the module to ``COMMAND_MODULES``."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from bot._redact import configured_secrets, install_redaction, redact, redacted_traceback
from knowledge.errors import ShenbaoError, UserInputError

COMMAND_MODULES: tuple[str, ...] = (
    "_cmd_nlu",
    "_cmd_db",
    "_cmd_admin",
    "_cmd_kb",
    "_cmd_ask",
    "_cmd_chat",
    "_cmd_selfcheck",
    "_cmd_rasa",
    "_cmd_serve",
    "_cmd_calendar",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shenbao",
        description="申报助手：西藏自治区中小企业公共服务示范平台申报问答、自测与提醒。\n"
        "Assistant for applicants to the Tibet SME public service demonstration platform title.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"bot.{name}").register(sub)
    return parser


def setup_logging(secrets: Sequence[str] = ()) -> None:
    """Log to stderr, with the configured secrets masked in every record (tracebacks included)."""
    level = os.environ.get("SHENBAO_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(level=getattr(logging, level, logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("httpx", "httpcore", "jieba", "alembic.runtime.migration"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    install_redaction(*secrets)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    secrets = configured_secrets(os.environ)
    setup_logging(secrets)
    try:
        return int(args.func(args) or 0)
    except UserInputError as exc:
        print(f"错误：{redact(str(exc), secrets)}", file=sys.stderr)
        return 2
    except ShenbaoError as exc:
        print(f"错误：{redact(str(exc), secrets)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: its traceback is shown, with the secrets masked
        print(f"错误：程序内部出错（{type(exc).__name__}），详情如下。\n{redacted_traceback(exc, secrets)}",
              file=sys.stderr, end="")
        return 1


if __name__ == "__main__":
    sys.exit(main())
