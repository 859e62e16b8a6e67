"""A fake Telegram Bot API server for the tests: aiohttp on 127.0.0.1 with a random port.

It serves ``getUpdates`` (long polling over queued updates), records every call, keeps the messages the bot sent
(so callback queries carry the message as Telegram would, keyboard included) and can answer a call with an
error such as ``429 Too Many Requests`` with ``retry_after``, optionally after stalling (a server slower than
the client's timeout).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijk"
BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "申报助手", "username": "shenbao_test_bot",
            "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}
FAILURE_TEXT = {429: "Too Many Requests: retry after 1", 500: "Internal Server Error", 502: "Bad Gateway",
                504: "Gateway Timeout"}
JSON_FIELDS = ("reply_markup", "commands", "allowed_updates", "entities", "scope")


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int = 200
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)


class FakeBotApi:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.failures: dict[str, list[tuple[int, int | None, float]]] = {}
        self.webhook: dict[str, Any] | None = None
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.released = False  # when set, long polls return at once (lets a bot stop without waiting)

    # --- server -------------------------------------------------------------------------------------------
    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self.base_url

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def stop(self) -> None:
        async with self._changed:
            self._changed.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _dispatch(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        prefix = f"bot{self.token}/"
        if not path.startswith(prefix):
            return self._fail(401, "Unauthorized")
        method = path[len(prefix):]
        params, files = await self._params(request)
        failure = self._next_failure(method)
        if failure is not None:
            status, retry_after, stall = failure
            if stall:
                await asyncio.sleep(stall)
            await self._record(Call(method, params, status, files))
            return self._fail(status, FAILURE_TEXT.get(status, "Bad Request"), retry_after)
        handler = getattr(self, f"api_{method}", None)
        if handler is None:
            await self._record(Call(method, params, 404, files))
            return self._fail(404, "Not Found: method not found")
        result = await handler(params, files)
        await self._record(Call(method, params, 200, files))
        return web.json_response({"ok": True, "result": result})

    async def _params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
        params: dict[str, Any] = {}
        files: dict[str, tuple[str, bytes]] = {}
        if request.content_type == "application/json":
            params = await request.json()
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = (value.filename, value.file.read())
                else:
                    params[key] = value
        for key in JSON_FIELDS:
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        for key in ("chat_id", "message_id", "offset", "limit", "timeout"):
            if isinstance(params.get(key), str) and params[key].lstrip("-").isdigit():
                params[key] = int(params[key])
        return params, files

    def _fail(self, status: int, description: str, retry_after: int | None = None) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        return web.json_response(body, status=status)

    def _next_failure(self, method: str) -> tuple[int, int | None, float] | None:
        queue = self.failures.get(method)
        return queue.pop(0) if queue else None

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    # --- Bot API methods ----------------------------------------------------------------------------------
    async def api_getMe(self, params: dict[str, Any], files: Any) -> Any:
        return BOT_USER

    async def api_getUpdates(self, params: dict[str, Any], files: Any) -> Any:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)
        if offset:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        async with self._changed:
            while not self.updates and not self.released and time.monotonic() < deadline:
                try:
                    await asyncio.wait_for(self._changed.wait(), deadline - time.monotonic())
                except TimeoutError:
                    break
            return self.updates[:limit]

    async def api_sendMessage(self, params: dict[str, Any], files: Any) -> Any:
        extra = {"reply_markup": params["reply_markup"]} if params.get("reply_markup") else {}
        return self._new_message(params["chat_id"], text=params["text"], **extra)

    async def api_sendDocument(self, params: dict[str, Any], files: dict[str, tuple[str, bytes]]) -> Any:
        name, _content = files["document"]
        doc = {"file_id": f"doc{len(self.calls)}", "file_unique_id": f"u{len(self.calls)}", "file_name": name}
        return self._new_message(params["chat_id"], document=doc)

    async def api_editMessageText(self, params: dict[str, Any], files: Any) -> Any:
        msg = self.messages[(params["chat_id"], params["message_id"])]
        msg["text"] = params["text"]
        msg.pop("reply_markup", None)
        if params.get("reply_markup"):
            msg["reply_markup"] = params["reply_markup"]
        return msg

    async def api_editMessageReplyMarkup(self, params: dict[str, Any], files: Any) -> Any:
        msg = self.messages[(params["chat_id"], params["message_id"])]
        msg.pop("reply_markup", None)
        if params.get("reply_markup"):
            msg["reply_markup"] = params["reply_markup"]
        return msg

    async def api_answerCallbackQuery(self, params: dict[str, Any], files: Any) -> Any:
        return True

    async def api_setMyCommands(self, params: dict[str, Any], files: Any) -> Any:
        return True

    async def api_deleteWebhook(self, params: dict[str, Any], files: Any) -> Any:
        self.webhook = None
        return True

    async def api_setWebhook(self, params: dict[str, Any], files: Any) -> Any:
        self.webhook = params
        return True

    async def api_getWebhookInfo(self, params: dict[str, Any], files: Any) -> Any:
        return {"url": (self.webhook or {}).get("url", ""), "has_custom_certificate": False,
                "pending_update_count": 0}

    def _new_message(self, chat_id: int, **fields: Any) -> dict[str, Any]:
        message_id = next(self._message_ids)
        chat = {"id": chat_id, "type": "private" if chat_id > 0 else "group"}
        msg = {"message_id": message_id, "date": int(time.time()), "chat": chat, "from": BOT_USER, **fields}
        self.messages[(chat_id, message_id)] = msg
        return msg

    # --- helpers for tests --------------------------------------------------------------------------------
    def fail(self, method: str, status: int = 429, retry_after: int | None = 1, times: int = 1,
             stall: float = 0.0) -> None:
        """The next ``times`` calls of ``method`` answer ``status`` (after ``stall`` seconds), delivering nothing."""
        self.failures.setdefault(method, []).extend([(status, retry_after, stall)] * times)

    async def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), kind: payload}
        async with self._changed:
            self.updates.append(update)
            self._changed.notify_all()
        return update

    def make_message(self, text: str | None = None, *, user_id: int = 1001, chat_id: int | None = None,
                     chat_type: str = "private", **fields: Any) -> dict[str, Any]:
        chat_id = chat_id if chat_id is not None else user_id
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        chat.update({"first_name": "测试"} if chat_type == "private" else {"title": "申报交流群"})
        msg: dict[str, Any] = {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat,
                               "from": {"id": user_id, "is_bot": False, "first_name": "测试用户"}, **fields}
        if text is not None:
            msg["text"] = text
            entities = _entities(text)
            if entities:
                msg["entities"] = entities
        return msg

    async def push_text(self, text: str, **kwargs: Any) -> dict[str, Any]:
        return await self.push("message", self.make_message(text, **kwargs))

    async def press(self, message: dict[str, Any], data: str, *, user_id: int = 1001) -> dict[str, Any]:
        current = self.messages[(message["chat"]["id"], message["message_id"])]
        query = {"id": f"cq{next(self._update_ids)}", "from": {"id": user_id, "is_bot": False, "first_name": "测试"},
                 "chat_instance": "ci", "data": data, "message": json.loads(json.dumps(current))}
        return await self.push("callback_query", query)

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Messages the bot delivered (successful sendMessage/sendDocument), oldest first."""
        return [m for (cid, _mid), m in self.messages.items() if chat_id is None or cid == chat_id]

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [m["text"] for m in self.sent(chat_id) if "text" in m]

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        async with self._changed:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("timed out waiting for the bot")
                try:
                    await asyncio.wait_for(self._changed.wait(), left)
                except TimeoutError:
                    continue

    async def release_polls(self, released: bool = True) -> None:
        async with self._changed:
            self.released = released
            self._changed.notify_all()

    async def settle(self, seconds: float = 0.3) -> None:
        """Give the bot time to (not) react."""
        await asyncio.sleep(seconds)


def _entities(text: str) -> list[dict[str, Any]]:
    """bot_command and mention entities as Telegram computes them (offsets in UTF-16 units)."""
    out = []
    units = 0
    i = 0
    while i < len(text):
        if text[i] in "/@" and (i == 0 or text[i - 1].isspace()):
            j = i + 1
            while j < len(text) and ((text[j].isalnum() and text[j].isascii()) or text[j] in "_@"):
                j += 1
            if j > i + 1 and (text[i] == "@" or i == 0):
                word = text[i:j]
                out.append({"type": "bot_command" if text[i] == "/" else "mention", "offset": units,
                            "length": len(word.encode("utf-16-le")) // 2})
        units += len(text[i].encode("utf-16-le")) // 2
        i += 1
    return out
