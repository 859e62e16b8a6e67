"""Cross-site requests: another site's page may not act as a user (403), unless its origin is allowed, which
then gets CORS headers and preflight answers (a Rasa chat widget on another site); scripts without Origin pass."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot._cors import CorsPolicy, parse_origins
from bot.http import create_app
from dialogs import Assistant, Store
from dialogs.store import User
from knowledge.errors import ConfigError
from tests.bot._support import keyword_parser

REST = "/webhooks/rest/webhook"
BODY = '{"sender": "victim", "message": "资产"}'
WIDGET = "https://www.jxt.xizang.gov.cn"


def users(store: Store) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(User)) or 0)


@pytest.fixture
async def make(store: Store) -> AsyncIterator[Any]:
    clients: list[TestClient[Any, Any]] = []

    async def start(*origins: str) -> TestClient[Any, Any]:
        app = create_app(Assistant(store, parser=keyword_parser), store, cors=CorsPolicy(parse_origins(origins)))
        client: TestClient[Any, Any] = TestClient(TestServer(app, host="127.0.0.1"))
        await client.start_server()
        clients.append(client)
        return client

    yield start
    for c in clients:
        await c.close()


@pytest.mark.parametrize("path", [REST, "/model/parse"])
async def test_a_page_on_another_site_cannot_post_as_a_user(make: Any, store: Store, path: str) -> None:
    client = await make()
    resp = await client.post(path, data=BODY, headers={"Content-Type": "text/plain", "Origin": "https://evil.example"})
    assert resp.status == 403 and "其他网站" in (await resp.json())["error"]
    assert users(store) == 0 and "Access-Control-Allow-Origin" not in resp.headers


async def test_scripts_and_the_servers_own_page_keep_working(make: Any) -> None:
    client = await make()
    plain = await client.post(REST, data=BODY, headers={"Content-Type": "text/plain"})  # curl, Rasa clients
    own = await client.post(REST, data=BODY, headers={"Origin": f"http://127.0.0.1:{client.port}"})
    assert plain.status == 200 and own.status == 200


@pytest.mark.parametrize("allowed", [WIDGET, "*"])
async def test_an_allowed_widget_gets_cors_headers_and_preflight_answers(make: Any, allowed: str) -> None:
    client = await make(allowed)
    pre = await client.options(REST, headers={"Origin": WIDGET, "Access-Control-Request-Method": "POST",
                                              "Access-Control-Request-Headers": "content-type, x-shenbao-secret"})
    assert pre.status == 204 and pre.headers["Access-Control-Allow-Origin"] == WIDGET
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "x-shenbao-secret" in pre.headers["Access-Control-Allow-Headers"].lower()
    resp = await client.post(REST, data=BODY, headers={"Content-Type": "application/json", "Origin": WIDGET})
    assert resp.status == 200 and resp.headers["Access-Control-Allow-Origin"] == WIDGET
    other = await client.post(REST, data=BODY, headers={"Origin": "https://evil.example"})
    assert other.status == (200 if allowed == "*" else 403)


async def test_a_preflight_from_an_origin_not_allowed_is_refused(make: Any) -> None:
    client = await make(WIDGET)
    pre = await client.options(REST, headers={"Origin": "https://evil.example",
                                              "Access-Control-Request-Method": "POST"})
    assert pre.status == 403 and "Access-Control-Allow-Origin" not in pre.headers


@pytest.mark.parametrize("bad", ["www.example.cn", "ftp://x.cn", "https://x.cn/page"])
def test_a_malformed_origin_setting_is_named(bad: str) -> None:
    with pytest.raises(ConfigError, match="SHENBAO_CORS_ORIGINS"):
        CorsPolicy.from_env({"SHENBAO_CORS_ORIGINS": f"{WIDGET}, {bad}"})


def test_origins_come_from_the_setting_and_the_command_line_overrides_it() -> None:
    env = {"SHENBAO_CORS_ORIGINS": "https://A.example.cn/, https://b.example.cn"}
    assert CorsPolicy.from_env(env).origins == ("https://a.example.cn", "https://b.example.cn")
    assert CorsPolicy.from_env(env, ["http://localhost:3000", "*"]).origins == ("http://localhost:3000", "*")
    assert CorsPolicy.from_env({}).origins == ()
