"""Chooses the NLU engine once per process and exposes ``parse``."""

from __future__ import annotations

import os
import threading
from typing import Any, Protocol

from nlu._types import ParseResult


class Engine(Protocol):
    name: str

    def parse(self, text: str) -> ParseResult: ...


_lock = threading.Lock()
_engine: Engine | None = None


def configured_engine() -> str:
    """``rasa`` when ``SHENBAO_NLU`` says so, else ``builtin`` (the default, and for any other value)."""
    return "rasa" if os.environ.get("SHENBAO_NLU", "").strip().lower() == "rasa" else "builtin"


def get_engine() -> Engine:
    """The process-wide engine, built on first use from ``SHENBAO_NLU`` (``builtin`` or ``rasa``)."""
    global _engine
    with _lock:
        if _engine is None:
            _engine = _build(configured_engine())
        return _engine


def _build(kind: str) -> Engine:
    if kind == "rasa":
        from nlu._rasa import RasaEngine

        rasa: Engine = RasaEngine.from_env()
        return rasa
    from nlu._builtin import BuiltinEngine

    builtin: Engine = BuiltinEngine.load()
    return builtin


def reset_engine(engine: Engine | None = None) -> None:
    """Replace the process-wide engine (tests, or after the training data changed)."""
    global _engine
    with _lock:
        _engine = engine


def engine_name() -> str:
    return get_engine().name


def engine_status() -> dict[str, Any]:
    """For ``/health``: ``{"engine": <the engine answering now>, ...}``. With ``SHENBAO_NLU=rasa`` this says
    whether Rasa is up or the built-in engine stands in (``{"engine": "builtin", "rasa": "down", ...}``)."""
    engine = get_engine()
    status = getattr(engine, "status", None)
    if callable(status):
        return dict(status())
    return {"engine": engine.name}


def engine_health() -> str:
    """For ``/health``'s ``"nlu"``: the engine answering now, ``builtin``, ``rasa``, or ``builtin (rasa down)``
    while Rasa is configured but unavailable and the built-in engine stands in."""
    status = engine_status()
    if status.get("rasa") == "down":
        return "builtin (rasa down)"
    return str(status["engine"])


def parse(text: str) -> ParseResult:
    """Understand one message: intent, confidence, entities, ranking (Rasa's parse shape)."""
    return get_engine().parse(text)
