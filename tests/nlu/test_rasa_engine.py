"""The ``rasa`` engine against a tiny fake Rasa server on 127.0.0.1: mapping of ``/model/parse`` and the
fallback to the built-in engine when the server is down, slow or broken."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

import nlu
from nlu import FALLBACK_INTENT, ParseResult
from nlu._rasa import RasaEngine, result_from_rasa


@dataclass
class FakeRasa:
    """What the fake server answers: a JSON body (or raw bytes), a status, an optional delay."""

    body: Any = None
    status: int = 200
    delay: float = 0.0
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""


def _handler(fake: FakeRasa) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            fake.requests.append({"path": self.path, "json": json.loads(self.rfile.read(length) or b"null")})
            time.sleep(fake.delay)
            raw = fake.body if isinstance(fake.body, bytes) else json.dumps(fake.body).encode()
            self.send_response(fake.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def fake_rasa() -> Iterator[FakeRasa]:
    fake = FakeRasa()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()


class StandIn:
    """Records what the fallback engine was asked; answers like the built-in engine would."""

    name = "builtin"

    def __init__(self) -> None:
        self.calls: list[str] = []

    def parse(self, text: str) -> ParseResult:
        self.calls.append(text)
        return ParseResult(text=text, intent="greet", confidence=0.99, engine="builtin")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


RASA_BODY = {
    "text": "资产要多少万",
    "intent": {"name": "condition_assets", "confidence": 0.8731},
    "entities": [
        {"entity": "money", "value": "多少万", "start": 3, "end": 6, "extractor": "DIETClassifier"},
        {"entity": "broken", "start": 5, "end": 99},
    ],
    "intent_ranking": [
        {"name": "condition_assets", "confidence": 0.8731},
        {"name": "condition_staff", "confidence": 0.05},
    ],
    "response_selector": {},
}


def test_parse_maps_rasa_result(fake_rasa: FakeRasa) -> None:
    fake_rasa.body = RASA_BODY
    stand_in = StandIn()
    result = RasaEngine(fake_rasa.url, fallback=lambda: stand_in).parse("资产要多少万")
    assert fake_rasa.requests == [{"path": "/model/parse", "json": {"text": "资产要多少万"}}]
    assert (result.intent, result.confidence, result.engine) == ("condition_assets", 0.8731, "rasa")
    assert [s.name for s in result.intent_ranking] == ["condition_assets", "condition_staff"]
    assert [(e.entity, e.text, e.start, e.end) for e in result.entities] == [("money", "多少万", 3, 6)]
    assert result.to_dict()["intent"] == {"name": "condition_assets", "confidence": 0.8731}
    assert stand_in.calls == []


def test_entities_come_from_shenbaos_extractor(fake_rasa: FakeRasa) -> None:
    """Rasa without Duckling finds no amounts: shenbao's extractor gives them, normalised (元)."""
    fake_rasa.body = {"text": "我们资产一百二十万", "intent": {"name": "condition_assets", "confidence": 0.9},
                      "entities": [], "intent_ranking": [{"name": "condition_assets", "confidence": 0.9}]}
    result = RasaEngine(fake_rasa.url, fallback=StandIn).parse("我们资产一百二十万")
    assert result.engine == "rasa"
    assert [(e.entity, e.value) for e in result.entities] == [("money", 1200000)]


def test_out_of_scope_is_reported_as_nlu_fallback(fake_rasa: FakeRasa) -> None:
    fake_rasa.body = {"text": "拉萨明天会下雨吗", "intent": {"name": "out_of_scope", "confidence": 0.81},
                      "entities": [], "intent_ranking": [{"name": "out_of_scope", "confidence": 0.81},
                                                         {"name": "nlu_fallback", "confidence": 0.4},
                                                         {"name": "greet", "confidence": 0.1}]}
    result = RasaEngine(fake_rasa.url, fallback=StandIn).parse("拉萨明天会下雨吗")
    assert (result.intent, result.confidence, result.engine) == (FALLBACK_INTENT, 0.81, "rasa")
    assert [(s.name, s.confidence) for s in result.intent_ranking] == [(FALLBACK_INTENT, 0.81), ("greet", 0.1)]


def test_down_server_answers_with_the_real_builtin_engine() -> None:
    from nlu._builtin import BuiltinEngine

    builtin = BuiltinEngine.load()
    result = RasaEngine(f"http://127.0.0.1:{_closed_port()}", fallback=lambda: builtin).parse("申报需要提交哪些材料")
    expected = builtin.parse("申报需要提交哪些材料")
    assert result.engine == "builtin" and result.intent == expected.intent == "materials_overview"
    assert result.intent_ranking == expected.intent_ranking


def test_rasa_nlu_fallback_passes_through(fake_rasa: FakeRasa) -> None:
    fake_rasa.body = {"text": "今天天气", "intent": {"name": "nlu_fallback", "confidence": 0.7},
                      "entities": [], "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.7},
                                                         {"name": "greet", "confidence": 0.2}]}
    stand_in = StandIn()
    result = RasaEngine(fake_rasa.url, fallback=lambda: stand_in).parse("今天天气")
    assert result.intent == FALLBACK_INTENT and result.is_fallback and result.engine == "rasa"
    assert stand_in.calls == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"text": "x", "intent": None, "entities": []}, (FALLBACK_INTENT, 0.0)),
        ({"text": "x"}, (FALLBACK_INTENT, 0.0)),
        ({"intent": {"name": "greet", "confidence": "high"}}, ("greet", 0.0)),
    ],
)
def test_mapping_tolerates_sparse_results(body: dict[str, Any], expected: tuple[str, float]) -> None:
    result = result_from_rasa("x", body)
    assert (result.intent, result.confidence) == expected
    assert result.entities == () and result.engine == "rasa"


def test_down_server_falls_back_with_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    stand_in = StandIn()
    engine = RasaEngine(f"http://127.0.0.1:{_closed_port()}", fallback=lambda: stand_in)
    with caplog.at_level(logging.WARNING, logger="nlu._rasa"):
        first, second = engine.parse("你好"), engine.parse("在吗")
    assert (first.intent, first.engine, second.engine) == ("greet", "builtin", "builtin")
    assert stand_in.calls == ["你好", "在吗"]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "unavailable" in warnings[0].getMessage()
    status = engine.status()
    assert status["engine"] == "builtin" and status["rasa"] == "down" and status["fallback"] == "builtin"


@pytest.mark.parametrize(
    ("body", "status", "delay"),
    [
        (RASA_BODY, 200, 1.0),  # slower than the timeout
        ({"error": "model not loaded"}, 500, 0.0),
        (b"<html>not json", 200, 0.0),
        (["a", "list"], 200, 0.0),
    ],
)
def test_broken_or_slow_server_falls_back(fake_rasa: FakeRasa, body: Any, status: int, delay: float) -> None:
    fake_rasa.body, fake_rasa.status, fake_rasa.delay = body, status, delay
    stand_in = StandIn()
    started = time.monotonic()
    result = RasaEngine(fake_rasa.url, timeout=0.3, fallback=lambda: stand_in).parse("资产要多少万")
    assert result.engine == "builtin" and stand_in.calls == ["资产要多少万"]
    assert time.monotonic() - started < 0.9


def test_rasa_is_tried_again_after_retry_interval(fake_rasa: FakeRasa) -> None:
    fake_rasa.body, fake_rasa.status = {"error": "starting"}, 503
    stand_in = StandIn()
    engine = RasaEngine(fake_rasa.url, retry_after=0.2, fallback=lambda: stand_in)
    assert engine.parse("资产要多少万").engine == "builtin"
    fake_rasa.body, fake_rasa.status = RASA_BODY, 200
    assert engine.parse("资产要多少万").engine == "builtin"  # within the interval: Rasa is not asked
    assert len(fake_rasa.requests) == 1
    time.sleep(0.25)
    assert engine.parse("资产要多少万").engine == "rasa"
    assert engine.status() == {"engine": "rasa", "configured": "rasa", "rasa_url": fake_rasa.url, "rasa": "up"}


def test_status_probes_when_rasa_comes_back(fake_rasa: FakeRasa) -> None:
    fake_rasa.body, fake_rasa.status = {"error": "starting"}, 503
    engine = RasaEngine(fake_rasa.url, retry_after=0.0, fallback=StandIn)
    engine.parse("你好")
    assert engine.status()["rasa"] == "down"
    fake_rasa.body, fake_rasa.status = RASA_BODY, 200
    assert engine.status()["engine"] == "rasa"


def test_shenbao_nlu_rasa_selects_rasa_engine(fake_rasa: FakeRasa, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_rasa.body = RASA_BODY
    monkeypatch.setenv("SHENBAO_NLU", "rasa")
    monkeypatch.setenv("RASA_URL", fake_rasa.url + "/")
    nlu.reset_engine()
    try:
        result = nlu.parse("资产要多少万")
        assert nlu.engine_name() == "rasa" and result.engine == "rasa" and result.intent == "condition_assets"
    finally:
        nlu.reset_engine()


def test_rasa_out_of_scope_training_intent_is_reported_as_nlu_fallback() -> None:
    body = {"intent": {"name": "out_of_scope", "confidence": 0.8},
            "intent_ranking": [{"name": "out_of_scope", "confidence": 0.8}, {"name": "greet", "confidence": 0.1}]}
    result = result_from_rasa("明天下雨吗", body)
    assert result.intent == "nlu_fallback"
    assert [s.name for s in result.intent_ranking] == ["nlu_fallback", "greet"]


def test_status_before_any_parse_asks_rasa() -> None:
    engine = RasaEngine(f"http://127.0.0.1:{_closed_port()}", fallback=StandIn)
    assert engine.status()["rasa"] == "down" and engine.status()["engine"] == "builtin"


def test_engine_status_says_when_builtin_stands_in() -> None:
    engine = RasaEngine(f"http://127.0.0.1:{_closed_port()}", fallback=StandIn)
    nlu.reset_engine(engine)
    try:
        engine.parse("你好")
        status = nlu.engine_status()
        assert (status["engine"], status["configured"], status["rasa"]) == ("builtin", "rasa", "down")
        assert nlu.engine_health() == "builtin (rasa down)"
        nlu.reset_engine(StandIn())
        assert nlu.engine_status() == {"engine": "builtin"}
    finally:
        nlu.reset_engine()


def test_ask_json_reports_builtin_when_rasa_is_down() -> None:
    """`shenbao ask --json` with SHENBAO_NLU=rasa and no server: answered, engine "builtin", one warning."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "SHENBAO_NLU": "rasa", "RASA_URL": f"http://127.0.0.1:{_closed_port()}"}
    out = subprocess.run([sys.executable, "-m", "bot", "ask", "--json"], input="资产要多少\n申报要哪些材料\n",
                         env=env, capture_output=True, text=True, timeout=120, check=True)
    answers = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(a["intent"], a["engine"]) for a in answers] == [("condition_assets", "builtin"),
                                                            ("materials_overview", "builtin")]
    assert out.stderr.count("unavailable") == 1
