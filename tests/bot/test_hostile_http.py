"""Property-based: malformed HTTP bodies (random bytes, wrong JSON types, huge or hostile sender ids and
messages) never get a 5xx; every refusal is a 4xx JSON error that says why, and nothing is stored for it. Also the
web outbox with hostile or someone else's sender ids, and malformed Telegram updates behind the right secret."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot._core import CoreRunner
from bot._reminders import outbox_route
from bot.http import create_app
from bot.telegram import TelegramService, TelegramSettings
from dialogs import Assistant, Store
from dialogs.store import User
from dialogs.store.models import OutboxMessage
from tests.bot.fake_telegram import FakeBotApi

JSONISH = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30)),
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                     max_size=3), max_leaves=6)
SENDERS = st.one_of(st.text(max_size=200), st.integers(), st.none(), st.sampled_from(["", "\x00", "a" * 129]))
MESSAGES = st.one_of(st.text(max_size=300), st.integers(), st.none(), st.lists(st.text(max_size=3), max_size=2),
                     st.sampled_from(["资" * 4097, "\x00资产", "NaN", "-1e309"]))
BODIES = st.one_of(
    st.binary(max_size=200),
    JSONISH.map(lambda v: json.dumps(v).encode()),
    st.builds(lambda s, m: json.dumps({"sender": s, "message": m}).encode(), SENDERS, MESSAGES),
    st.sampled_from([b"", b"{", b"[]", b'{"sender": "u"}', b'{"message": "hi"}', b"\xff\xfe", b"null",
                     b'{"sender": "u", "message": "hi", "sender": 5}', b"NaN", b'{"text": 1e999}']),
)


@pytest.fixture
async def client(store: Store) -> AsyncIterator[TestClient[Any, Any]]:
    async with TestClient(TestServer(create_app(Assistant(store), store))) as c:
        yield c


def stored_users(store: Store) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(User)) or 0)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=30)
@given(body=BODIES, path=st.sampled_from(["/webhooks/rest/webhook", "/model/parse"]))
async def test_malformed_bodies_get_a_4xx_that_says_why(client: TestClient[Any, Any], store: Store, body: bytes,
                                                        path: str) -> None:
    before = stored_users(store)
    resp = await client.post(path, data=body, headers={"Content-Type": "application/json"})
    assert resp.status < 500, await resp.text()
    data = await resp.json()
    if resp.status >= 400:
        assert isinstance(data, dict) and data["error"].strip(), data
        assert stored_users(store) == before, "a refused request stores nothing"
    elif path == "/webhooks/rest/webhook":
        assert isinstance(data, list) and all(m["recipient_id"] == json.loads(body)["sender"] for m in data)


SENDERS_OF_OUTBOX = [  # (query string, status): a bad id is refused with the reason, never a 5xx
    ("sender=%00", 400), ("sender=a%00b", 400), ("sender=", 400), ("sender=%20", 400), ("", 400),
    ("sender=" + "x" * 129, 400), ("sender=%E2%80%AE%0A", 400), ("sender=%ff", 200), ("sender=" + "🙂" * 64, 200),
    ("sender=page-B", 200), ("sender=PAGE-A", 200), ("sender=page-A%20", 200),
]


@pytest.mark.parametrize(("query", "status"), SENDERS_OF_OUTBOX)
async def test_outbox_refuses_bad_sender_ids_and_shows_nobody_elses(store: Store, query: str, status: int) -> None:
    now = dt.datetime.now(dt.UTC)
    with store.session() as s:
        owner = User(channel="web", external_id="page-A", created_at=now, last_active_at=now)
        s.add(owner)
        s.flush()
        s.add(OutboxMessage(user_id=owner.id, sender="page-A", text="提醒：申报截止还有 3 天", created_at=now))
    async with TestClient(TestServer(create_app(Assistant(store), store, extra_routes=[outbox_route]))) as c:
        resp = await c.get(f"/outbox?{query}")
        body = await resp.json()
    assert resp.status == status, body
    if status == 400:
        assert "sender" in body["error"] and any("\u4e00" <= ch <= "\u9fff" for ch in body["error"])
    else:
        assert body == [], "another page's reminder is never shown"
    with store.session() as s:
        assert s.scalars(select(OutboxMessage.delivered_at)).one() is None, "nor taken from its owner"


BAD_UPDATES: list[Any] = [{"update_id": 1, "message": "x"}, {"update_id": 1, "message": {"text": "hi"}}, {},
                          {"update_id": 1, "callback_query": {"id": 5}}, {"update_id": 1, "message": [1, 2]}]


@pytest.mark.parametrize("update", BAD_UPDATES)
async def test_a_malformed_telegram_update_is_refused_with_the_reason(store: Store, fake: FakeBotApi,
                                                                      update: Any) -> None:
    service = TelegramService(CoreRunner(Assistant(store)), TelegramSettings(token=fake.token,
                                                                               api_base_url=fake.base_url))
    app = create_app(Assistant(store), store, telegram_webhook=service.feed, webhook_secret="s3cret")
    async with TestClient(TestServer(app)) as c:
        resp = await c.post("/telegram/webhook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"})
        body = await resp.json()
    service.channel.runner.close()
    assert resp.status == 400 and "Telegram 更新" in body["error"], body
    assert service.app.update_queue.empty() and stored_users(store) == 0


HOSTILE_JSON = [  # (body, what the Chinese error names): parsers blow up on these, the service must not
    (b"[" * 50_000 + b"]" * 50_000, "嵌套"),
    (b'{"sender": "u", "message": {"a": ' * 3_000 + b"1" + b"}" * 3_001, "嵌套"),
    (b'{"sender": "u", "message": ' + b"9" * 5_000 + b"}", "数字"),
    (b'{"sender": "u", "message": "hi", "n": -' + b"1" * 4_301 + b"}", "数字"),
]


@pytest.mark.parametrize(("body", "named"), HOSTILE_JSON)
@pytest.mark.parametrize("path", ["/webhooks/rest/webhook", "/model/parse"])
async def test_deep_nesting_and_huge_integers_get_a_400_without_a_traceback(
        client: TestClient[Any, Any], store: Store, body: bytes, named: str, path: str,
        caplog: pytest.LogCaptureFixture) -> None:
    resp = await client.post(path, data=body, headers={"Content-Type": "application/json"})
    data = await resp.json()
    assert resp.status == 400 and named in data["error"], data
    assert "Traceback" not in caplog.text and stored_users(store) == 0


async def raw_post(port: int, path: str, headers: bytes, body: bytes) -> tuple[int, dict[str, Any]]:
    """A request written byte by byte: HTTP clients refuse to send header values that are not UTF-8."""
    import asyncio

    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST " + path.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers
                 + b"Content-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n"
                 + body)
    await writer.drain()
    raw = await reader.read()
    writer.close()
    head, _, payload = raw.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(payload) if payload.startswith(b"{") else {}


@pytest.mark.parametrize("given", [b"\xff\xfe", b"s3cr\xe9t", b"\xc3", b"s3cret\xc3\x28"])
async def test_a_secret_header_that_is_not_utf8_is_refused_with_403(store: Store, given: bytes) -> None:
    app = create_app(Assistant(store), store, webhook_secret="s3cret")
    async with TestClient(TestServer(app, host="127.0.0.1")) as c:
        assert c.port is not None
        status, body = await raw_post(c.port, "/telegram/webhook",
                                      b"X-Telegram-Bot-Api-Secret-Token: " + given + b"\r\n", b"{}")
    assert status == 403 and "密钥" in body["error"], body


@pytest.mark.parametrize("path", ["/", "/health", "/nowhere", "/favicon.ico"])
async def test_responses_do_not_name_the_server_software(client: TestClient[Any, Any], path: str) -> None:
    resp = await client.get(path)
    server = resp.headers.get("Server", "")
    assert "aiohttp" not in server.lower() and "python" not in server.lower(), server


async def test_the_page_has_a_favicon(client: TestClient[Any, Any]) -> None:
    resp = await client.get("/favicon.ico")
    icon = await resp.read()
    assert resp.status == 200 and resp.content_type == "image/x-icon"
    assert icon[:4] == b"\x00\x00\x01\x00" and len(icon) > 100  # an ICO file with an image in it
