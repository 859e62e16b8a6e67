"""The HTTP channel: Rasa's REST webhook, Rasa's ``/model/parse``, health, the Telegram webhook and the web chat
page, on aiohttp. Every error leaves as JSON ``{"error": "…"}`` with a 4xx status (5xx only when the service
itself is down), from one middleware."""

from __future__ import annotations

import base64
import functools
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

from aiohttp import web

from bot._core import CoreRunner
from bot._cors import NO_CROSS_SITE, CorsPolicy, cors_middleware
from bot._text import paragraphs
from dialogs import MAX_MESSAGE_CHARS, Assistant, Incoming, Reply, Store, Turn
from dialogs.assistant import reported_engine
from dialogs.privacy import privacy_notice_short
from knowledge.errors import NluUnavailableError, ShenbaoError, StorageUnavailableError, UserInputError
from nlu import engine_health

__all__ = [
    "MAX_SENDER_CHARS",
    "RUNNER_KEY",
    "STORE_KEY",
    "WEB_CHANNEL",
    "ApiError",
    "create_app",
    "rest_messages",
]

log = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent / "web"
WEB_CHANNEL = "web"
MAX_SENDER_CHARS = 128
MAX_BODY_BYTES = 256 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ENGINE_HEADER = "X-Shenbao-NLU"  # on REST answers: the engine that understood the message (rasa or builtin)

STORE_KEY = web.AppKey("store", Store)
RUNNER_KEY = web.AppKey("runner", CoreRunner)
TelegramFeed = Callable[[dict[str, Any]], Awaitable[None]]

_STATUS_TEXT = {
    400: "请求格式有误。",
    403: "无权访问。",
    404: "找不到该地址。",
    405: "该地址不支持此请求方法。",
    413: "请求内容过大。",
    415: "不支持的内容类型。",
    500: "服务器内部错误，请稍后再试。",
    503: "服务暂时不可用，请稍后再试。",
}

SERVER_NAME = "shenbao"
dumps = functools.partial(json.dumps, ensure_ascii=False)


class ApiError(Exception):
    """An HTTP error with a Chinese explanation for the caller."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status, dumps=dumps)


@web.middleware
async def error_middleware(request: web.Request,
                           handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as exc:
        return error_response(exc.status, exc.message)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return error_response(exc.status, _STATUS_TEXT.get(exc.status, f"请求无法处理（{exc.status}）。"))
    except UserInputError as exc:
        return error_response(400, str(exc))
    except StorageUnavailableError:
        return error_response(503, "数据库暂时无法访问，请稍后再试。")
    except (NluUnavailableError, ImportError):
        log.exception("NLU unavailable")
        return error_response(503, "语言理解服务暂时不可用，请稍后再试。")
    except (ShenbaoError, Exception):
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(500, _STATUS_TEXT[500])


async def read_json_object(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ApiError(400, "请求内容不是有效的 UTF-8 文本。") from exc
    except json.JSONDecodeError as exc:
        raise ApiError(400, f"请求内容不是有效的 JSON：第{exc.lineno}行第{exc.colno}列附近有误。") from exc
    except RecursionError as exc:
        raise ApiError(400, "请求内容的 JSON 嵌套层数过多，无法处理。") from exc
    except ValueError as exc:  # an integer longer than Python converts (4,300 digits)
        raise ApiError(400, "请求内容中的数字位数过多，无法处理。") from exc
    if not isinstance(data, dict):
        raise ApiError(400, "请求内容应为 JSON 对象。")
    return data


def text_field(data: dict[str, Any], name: str, *, limit: int, allow_empty: bool = True) -> str:
    if name not in data:
        raise ApiError(400, f"缺少字段“{name}”。")
    value = data[name]
    if not isinstance(value, str):
        raise ApiError(400, f"字段“{name}”应为字符串。")
    if len(value) > limit:
        raise ApiError(413, f"字段“{name}”有 {len(value)} 个字，超过了 {limit} 字的上限。")
    if not allow_empty and not value.strip():
        raise ApiError(400, f"字段“{name}”不能为空。")
    return value


def rest_messages(recipient_id: str, turn: Turn) -> list[dict[str, Any]]:
    """A turn as Rasa's REST channel sends it: one message per paragraph, buttons on the last one. After
    ``/forget`` the last message carries ``"custom": {"forgotten": true}`` (Rasa's field for channel data): the
    web page then deletes what it keeps in the browser."""
    out: list[dict[str, Any]] = []
    for reply in turn.replies:
        out.extend(_reply_messages(recipient_id, reply))
    if turn.forgotten and out:
        out[-1]["custom"] = {"forgotten": True}
    return out


def _reply_messages(recipient_id: str, reply: Reply) -> list[dict[str, Any]]:
    if reply.kind == "privacy_notice":  # one compact line; the full text is at GET /privacy
        return [{"recipient_id": recipient_id, "text": privacy_notice_short(),
                 "custom": {"privacy_notice": True, "link": "/privacy"}}]
    parts = paragraphs(reply.text) or ([""] if reply.buttons else [])
    messages: list[dict[str, Any]] = [{"recipient_id": recipient_id, "text": part} for part in parts]
    if reply.buttons:
        messages[-1]["buttons"] = [{"title": b.title, "payload": b.payload} for b in reply.buttons]
        if reply.multi_select:
            messages[-1]["multi_select"] = True
    if reply.attachment is not None:
        att = reply.attachment
        src = f"data:{att.mime_type};base64,{base64.b64encode(att.content).decode('ascii')}"
        messages.append({"recipient_id": recipient_id, "attachment": {
            "type": "file", "payload": {"title": att.filename, "mime_type": att.mime_type, "src": src}}})
    return messages


async def rest_webhook(request: web.Request) -> web.Response:
    data = await read_json_object(request)
    sender = text_field(data, "sender", limit=MAX_SENDER_CHARS, allow_empty=False)
    message = text_field(data, "message", limit=MAX_MESSAGE_CHARS)
    turn = await request.app[RUNNER_KEY].handle(Incoming(WEB_CHANNEL, sender, message))
    return web.json_response(rest_messages(sender, turn), dumps=dumps, headers={ENGINE_HEADER: turn.engine})


async def rest_status(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def model_parse(request: web.Request) -> web.Response:
    data = await read_json_object(request)
    text = text_field(data, "text", limit=MAX_MESSAGE_CHARS)
    parsed = await request.app[RUNNER_KEY].understand(text)
    return web.json_response({**parsed.to_dict(), "engine": reported_engine(parsed)}, dumps=dumps)


def health_handler(nlu_name: Callable[[], str]) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def health(request: web.Request) -> web.Response:
        runner = request.app[RUNNER_KEY]
        db_ok = await runner.call(request.app[STORE_KEY].ping)
        try:
            name: str | None = await runner.call(nlu_name)
        except Exception as exc:
            log.warning("NLU engine could not be loaded: %r", exc)
            name = None
        if db_ok and name:
            return web.json_response({"status": "ok", "nlu": name})
        problems = ([] if db_ok else ["数据库无法连接"]) + ([] if name else ["语言理解引擎未加载"])
        body = {"status": "unavailable", "nlu": name, "database": "ok" if db_ok else "unreachable",
                "error": "；".join(problems) + "。"}
        return web.json_response(body, status=503, dumps=dumps)

    return health


def telegram_handler(feed: TelegramFeed | None, secret: str | None) -> Callable[[web.Request],
                                                                                   Awaitable[web.Response]]:
    async def telegram_webhook(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "surrogateescape")  # bytes as sent
        if not secret or not hmac.compare_digest(given, secret.encode()):
            raise ApiError(403, "Telegram webhook 密钥不正确。")
        if feed is None:
            raise ApiError(404, "本服务未启用 Telegram。")
        await feed(await read_json_object(request))
        return web.json_response({"ok": True})

    return telegram_webhook


def static_file(name: str, content_type: str) -> Callable[[web.Request], Awaitable[web.FileResponse]]:
    async def serve(_request: web.Request) -> web.FileResponse:
        return web.FileResponse(WEB_DIR / name, headers={"Content-Type": content_type, "Cache-Control": "no-cache"})

    return serve


async def security_headers(_request: web.Request, response: web.StreamResponse) -> None:
    response.headers["Server"] = SERVER_NAME  # not aiohttp's default, which names its and Python's versions
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if response.content_type == "text/html":
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data: blob:; frame-src blob:; object-src 'none'; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def create_app(assistant: Assistant, store: Store, *, runner: CoreRunner | None = None,
               nlu_name: Callable[[], str] = engine_health, telegram_webhook: TelegramFeed | None = None,
               webhook_secret: str | None = None, extra_routes: Iterable[web.AbstractRouteDef] = (),
               cors: CorsPolicy = NO_CROSS_SITE) -> web.Application:
    """The aiohttp application of ``shenbao serve``. ``extra_routes`` lets features add endpoints (e.g. the
    reminders' ``GET /outbox``); their handlers find the store and the core at ``request.app[STORE_KEY]`` and
    ``request.app[RUNNER_KEY]``. A runner made here is closed with the app."""
    app = web.Application(middlewares=[cors_middleware(cors), error_middleware], client_max_size=MAX_BODY_BYTES)
    own_runner = runner is None
    app[RUNNER_KEY] = runner or CoreRunner(assistant)
    app[STORE_KEY] = store
    app.router.add_post("/webhooks/rest/webhook", rest_webhook)
    app.router.add_get("/webhooks/rest/", rest_status)
    app.router.add_post("/model/parse", model_parse)
    app.router.add_get("/health", health_handler(nlu_name))
    app.router.add_post("/telegram/webhook", telegram_handler(telegram_webhook, webhook_secret))
    app.router.add_get("/", static_file("index.html", "text/html; charset=utf-8"))
    app.router.add_get("/app.css", static_file("app.css", "text/css; charset=utf-8"))
    app.router.add_get("/app.js", static_file("app.js", "text/javascript; charset=utf-8"))
    app.router.add_get("/favicon.ico", static_file("favicon.ico", "image/x-icon"))
    app.router.add_routes(list(extra_routes))
    app.on_response_prepare.append(security_headers)
    if own_runner:
        async def close_runner(_app: web.Application) -> None:
            app[RUNNER_KEY].close()

        app.on_cleanup.append(close_runner)
    return app
