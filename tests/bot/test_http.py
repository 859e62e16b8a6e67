"""The HTTP channel through a real server on 127.0.0.1: Rasa REST, parse, health, Telegram webhook secret,
the web page, and every kind of bad input answered with a 4xx JSON error."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot._core import CoreRunner
from bot.http import create_app
from dialogs import Assistant, Store
from dialogs.store import User
from tests.bot._support import is_privacy_notice, keyword_parser

REST = "/webhooks/rest/webhook"


async def start_client(app: web.Application) -> TestClient[Any, Any]:
    client: TestClient[Any, Any] = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    return client


def make_app(store: Store, **kwargs: Any) -> web.Application:
    kwargs.setdefault("nlu_name", lambda: "test")
    return create_app(Assistant(store, parser=keyword_parser), store, **kwargs)


@pytest.fixture
async def client(store: Store) -> AsyncIterator[TestClient[Any, Any]]:
    c = await start_client(make_app(store))
    yield c
    await c.close()


async def post(client: TestClient[Any, Any], path: str, body: Any) -> tuple[int, Any]:
    """POST JSON; REST answers come back without the one-time privacy notice of a first contact."""
    data = body if isinstance(body, bytes | str) else json.dumps(body, ensure_ascii=False)
    resp = await client.post(path, data=data, headers={"Content-Type": "application/json"})
    result = await resp.json()
    if path == REST and isinstance(result, list):
        result = [m for m in result if not is_privacy_notice(m.get("text", ""))]
    return resp.status, result


async def test_first_contact_gets_the_privacy_notice_once(client: TestClient[Any, Any]) -> None:
    """On REST the notice is one compact line marked for the page, with the link to the full text."""
    for first in (True, False):
        resp = await client.post(REST, json={"sender": "new", "message": "资产"})
        messages = await resp.json()
        texts = [m["text"] for m in messages]
        assert texts[0].startswith("【个人信息】") is first
        assert (messages[0].get("custom") == {"privacy_notice": True, "link": "/privacy"}) is first
        assert texts[-1] == "依据：二、申报条件（一）第3项。"
        assert len(texts[0]) < 120 or not first


async def test_rest_answers_in_rasa_format_split_on_blank_lines(client: TestClient[Any, Any]) -> None:
    status, body = await post(client, REST, {"sender": "u1", "message": "资产总额要多少？"})
    assert status == 200
    assert body == [{"recipient_id": "u1", "text": "资产总额不低于100万元。"},
                    {"recipient_id": "u1", "text": "依据：二、申报条件（一）第3项。"}]


async def test_rest_answers_name_the_engine_that_understood_the_message(client: TestClient[Any, Any]) -> None:
    resp = await client.post(REST, json={"sender": "u1", "message": "资产总额要多少？"})
    assert resp.status == 200 and resp.headers["X-Shenbao-NLU"] == "test"


async def test_rest_buttons_multi_select_and_attachment(client: TestClient[Any, Any]) -> None:
    _, body = await post(client, REST, {"sender": "u1", "message": "按钮"})
    assert body[-1]["buttons"] == [{"title": "是", "payload": "是"}, {"title": "否", "payload": "否"}]
    assert "multi_select" not in body[-1]
    _, body = await post(client, REST, {"sender": "u1", "message": "多选"})
    assert body[-1]["multi_select"] is True and body[-1]["buttons"][-1] == {"title": "完成", "payload": "完成"}
    _, body = await post(client, REST, {"sender": "u1", "message": "报告"})
    payload = body[-1]["attachment"]["payload"]
    assert payload["title"] == "自测报告.html"
    assert "自测报告" in base64.b64decode(payload["src"].split(",", 1)[1]).decode()


async def test_rest_keeps_each_senders_conversation_apart(client: TestClient[Any, Any]) -> None:
    for expected in ("第1次", "第2次"):
        _, body = await post(client, REST, {"sender": "alice", "message": "计数"})
        assert body[0]["text"] == expected
    _, body = await post(client, REST, {"sender": "bob", "message": "计数"})
    assert body == [{"recipient_id": "bob", "text": "第1次"}]


@pytest.mark.parametrize("workers", [None, 4])
async def test_concurrent_messages_of_one_sender_are_all_counted(store: Store, workers: int | None) -> None:
    assistant = Assistant(store, parser=keyword_parser)
    c = await start_client(create_app(assistant, store, runner=CoreRunner(assistant, workers=workers),
                                      nlu_name=lambda: "test"))
    try:
        results = await asyncio.gather(*(post(c, REST, {"sender": "same", "message": "计数"}) for _ in range(12)))
    finally:
        await c.close()
    texts = sorted(int(body[0]["text"][1:-1]) for status, body in results if status == 200)
    assert texts == list(range(1, 13))


async def test_parse_returns_rasas_shape(client: TestClient[Any, Any]) -> None:
    status, body = await post(client, "/model/parse", {"text": "资产要多少"})
    assert status == 200
    assert body == {"text": "资产要多少", "intent": {"name": "_ch_assets", "confidence": 0.9}, "entities": [],
                    "intent_ranking": [{"name": "_ch_assets", "confidence": 0.9}], "engine": "test"}
    _, body = await post(client, "/model/parse", {"text": "/selfcheck"})
    assert body["intent"] == {"name": "selfcheck_start", "confidence": 1.0}


async def test_health_is_ok_with_the_engine_name(client: TestClient[Any, Any]) -> None:
    resp = await client.get("/health")
    assert resp.status == 200
    assert await resp.json() == {"status": "ok", "nlu": "test"}


async def test_health_is_503_when_the_database_is_unreachable() -> None:
    broken = Store("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2", migrate=False)
    c = await start_client(make_app(broken))
    try:
        resp = await c.get("/health")
        body = await resp.json()
        assert resp.status == 503 and body["database"] == "unreachable" and "数据库" in body["error"]
        # a message cannot be saved: the user is told so, nothing breaks
        status, reply = await post(c, REST, {"sender": "u1", "message": "资产"})
        assert status == 200 and "无法保存" in reply[0]["text"]
    finally:
        await c.close()
        broken.dispose()


async def test_health_is_503_when_no_nlu_is_loaded(store: Store) -> None:
    def missing() -> str:
        raise ModuleNotFoundError("nlu._builtin")

    c = await start_client(make_app(store, nlu_name=missing))
    try:
        resp = await c.get("/health")
        body = await resp.json()
        assert resp.status == 503 and body["nlu"] is None and "语言理解" in body["error"]
    finally:
        await c.close()


BAD_REQUESTS: list[tuple[str, str, Any, int]] = [
    ("POST", REST, b"{not json", 400),
    ("POST", REST, b"", 400),
    ("POST", REST, b"\xff\xfe\x00", 400),
    ("POST", REST, [], 400),
    ("POST", REST, "just a string", 400),
    ("POST", REST, {"message": "资产"}, 400),
    ("POST", REST, {"sender": "u1"}, 400),
    ("POST", REST, {"sender": 42, "message": "资产"}, 400),
    ("POST", REST, {"sender": "u1", "message": None}, 400),
    ("POST", REST, {"sender": "u1", "message": ["资产"]}, 400),
    ("POST", REST, {"sender": "", "message": "资产"}, 400),
    ("POST", REST, {"sender": "x" * 129, "message": "资产"}, 413),
    ("POST", REST, {"sender": "u1", "message": "资" * 4097}, 413),
    ("POST", REST, b"{" + b" " * 300_000 + b"}", 413),
    ("POST", "/model/parse", {"q": "资产"}, 400),
    ("POST", "/model/parse", {"text": 3}, 400),
    ("POST", "/model/parse", {"text": "资" * 5000}, 413),
    ("GET", "/no/such/page", None, 404),
    ("GET", "/.env", None, 404),
    ("GET", REST, None, 405),
    ("PUT", "/health", None, 405),
    ("DELETE", "/", None, 405),
    ("POST", "/telegram/webhook", {"update_id": 1}, 403),
]


@pytest.mark.parametrize(("method", "path", "body", "status"), BAD_REQUESTS)
async def test_bad_input_gets_a_4xx_json_error_in_chinese(client: TestClient[Any, Any], store: Store, method: str,
                                                          path: str, body: Any, status: int) -> None:
    data = body if body is None or isinstance(body, bytes) else json.dumps(body, ensure_ascii=False)
    resp = await client.request(method, path, data=data, headers={"Content-Type": "application/json"})
    assert resp.status == status
    assert resp.content_type == "application/json"
    error = (await resp.json())["error"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error)
    with store.session() as s:
        assert s.query(User).count() == 0


async def test_an_internal_error_is_json_and_not_a_traceback(store: Store) -> None:
    def crash(text: str) -> Any:
        raise RuntimeError("boom")

    c = await start_client(create_app(Assistant(store, parser=crash), store, nlu_name=lambda: "test"))
    try:
        status, body = await post(c, REST, {"sender": "u1", "message": "资产"})
        assert status == 500 and body == {"error": "服务器内部错误，请稍后再试。"}
    finally:
        await c.close()


async def test_telegram_webhook_needs_the_secret(store: Store) -> None:
    fed: list[dict[str, Any]] = []

    async def feed(update: dict[str, Any]) -> None:
        fed.append(update)

    c = await start_client(make_app(store, telegram_webhook=feed, webhook_secret="s3cret-Token_1"))
    try:
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
            resp = await c.post("/telegram/webhook", json={"update_id": 1}, headers=headers)
            assert resp.status == 403
        resp = await c.post("/telegram/webhook", json={"update_id": 7},
                            headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"})
        assert resp.status == 200 and fed == [{"update_id": 7}]
    finally:
        await c.close()


@pytest.mark.parametrize(("path", "kind", "needle"), [
    ("/", "text/html", "申报助手"),
    ("/app.js", "text/javascript", "getRandomValues"),
    ("/app.css", "text/css", ".bubble"),
])
async def test_web_page_is_served_without_external_assets(client: TestClient[Any, Any], path: str, kind: str,
                                                          needle: str) -> None:
    resp = await client.get(path)
    text = await resp.text()
    assert resp.status == 200 and resp.content_type == kind and needle in text
    assert "http://" not in text and "https://" not in text
    if kind == "text/html":
        assert "default-src 'self'" in resp.headers["Content-Security-Policy"]


async def test_extra_routes_are_served_with_the_errors_middleware(store: Store) -> None:
    async def outbox(request: web.Request) -> web.Response:
        if "sender" not in request.query:
            raise web.HTTPBadRequest()
        return web.json_response([])

    c = await start_client(make_app(store, extra_routes=[web.get("/outbox", outbox)]))
    try:
        assert (await c.get("/outbox?sender=a")).status == 200
        resp = await c.get("/outbox")
        assert resp.status == 400 and "请求格式有误" in (await resp.json())["error"]
    finally:
        await c.close()




async def test_forget_marks_the_rest_answer_so_the_page_clears_its_copy(client: TestClient[Any, Any]) -> None:
    await client.post("/webhooks/rest/webhook", json={"sender": "f1", "message": "你好"})
    asked = await (await client.post("/webhooks/rest/webhook", json={"sender": "f1", "message": "/forget"})).json()
    assert all("custom" not in m for m in asked)  # only asked to confirm: nothing deleted yet
    done = await (await client.post("/webhooks/rest/webhook", json={"sender": "f1", "message": "/forget 确认"})).json()
    assert done[-1]["custom"] == {"forgotten": True} and "已删除" in done[-1]["text"]
