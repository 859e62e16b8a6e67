"""``shenbao serve``: the web chat page, the REST channel, the parse API, health and Telegram in one process."""

from __future__ import annotations

import argparse
import os

from bot._cors import CorsPolicy
from bot.serve import ServeOptions, serve
from bot.telegram import TelegramSettings
from knowledge.errors import UserInputError


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "serve",
        help="启动服务：网页聊天、REST 接口与 Telegram / run the web chat, REST API and Telegram bot",
        description="启动申报助手服务：网页聊天页面（/）、Rasa 兼容的 REST 接口、/model/parse、/health，"
        "设置了 TELEGRAM_BOT_TOKEN 时同时运行 Telegram 机器人（设置 TELEGRAM_WEBHOOK_URL 时使用 webhook）。"
        "收到 SIGTERM 或 Ctrl+C 时处理完进行中的消息后退出。\n"
        "Run shenbao: web chat page, Rasa-compatible REST channel, parse API, health, and Telegram when "
        "TELEGRAM_BOT_TOKEN is set (webhook mode with TELEGRAM_WEBHOOK_URL). Stops gracefully on SIGTERM.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--host", default="127.0.0.1", help="监听地址 / address to listen on (默认 default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="端口 / port (默认 default 8080)")
    p.add_argument("--cors", nargs="+", action="extend", default=[], metavar="ORIGIN",
                   help="允许调用接口的其他网站来源（可多个，* 表示全部；优先于 SHENBAO_CORS_ORIGINS）/ "
                   "origins of other sites allowed to call the API, e.g. https://www.example.gov.cn (or *)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not 0 <= args.port <= 65535:
        raise UserInputError(f"端口 {args.port} 无效，应在 0 到 65535 之间。", key="port")
    return serve(ServeOptions(host=args.host, port=args.port, telegram=TelegramSettings.from_env(),
                              cors=CorsPolicy.from_env(os.environ, args.cors)))
