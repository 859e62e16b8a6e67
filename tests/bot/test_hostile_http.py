"""Property-based: malformed HTTP bodies (random bytes, wrong JSON types, huge or hostile sender ids and
messages) never get a 5xx; every refusal is a 4xx JSON error that says why, and nothing is stored for it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.http import create_app
from dialogs import Assistant, Store
from dialogs.store import User

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
