"""The ``rasa`` engine: a Rasa server's ``/model/parse`` behind the same ``parse`` interface.

Selected by ``SHENBAO_NLU=rasa``; the server is ``RASA_URL`` (default ``http://127.0.0.1:5005``), started by
``scripts/rasa.sh serve``. Nothing of Rasa is imported here: it is plain HTTP. When Rasa is down, answers
an error or is too slow, the call is answered by the built-in engine (``engine="builtin"`` in the result)
and one warning is logged; Rasa is tried again after ``retry_after`` seconds, so a dead server does not add
a timeout to every turn.

Rasa gives the intent. Numbers, amounts, percentages and dates would need Duckling in a Rasa pipeline, which
cannot run here, so the entities come from shenbao's own rule-based extractor (``nlu._entities``), with any
entity kinds Rasa found itself added. ``out_of_scope`` (the training intent for questions outside the notice)
is reported as ``nlu_fallback``, as the built-in engine does.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol

import httpx

from knowledge import env_number
from nlu._extract import extract_entities
from nlu._language import detect_language
from nlu._types import FALLBACK_INTENT, Entity, IntentScore, ParseResult

__all__ = ["DEFAULT_URL", "RasaEngine", "RasaUnavailable", "result_from_rasa"]

log = logging.getLogger(__name__)

DEFAULT_URL = "http://127.0.0.1:5005"
OUT_OF_SCOPE_INTENT = "out_of_scope"


class _Engine(Protocol):
    name: str

    def parse(self, text: str) -> ParseResult: ...


class RasaUnavailable(Exception):
    """Rasa did not give a usable answer (down, timeout, HTTP error, malformed body)."""


def _load_builtin() -> _Engine:
    from nlu._builtin import BuiltinEngine

    engine: _Engine = BuiltinEngine.load()
    return engine


class RasaEngine:
    """Parses with a Rasa server; the built-in engine stands in while the server is unavailable."""

    name = "rasa"

    def __init__(self, url: str = DEFAULT_URL, *, timeout: float = 2.0, retry_after: float = 5.0,
                 fallback: Callable[[], _Engine] = _load_builtin,
                 entities: Callable[[str], tuple[Entity, ...]] = extract_entities) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.retry_after = retry_after
        self._fallback_factory = fallback
        self._fallback: _Engine | None = None
        self._extract = entities
        self._client = httpx.Client(timeout=timeout, trust_env=False)
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._last_error = ""
        self._contacted = False  # until Rasa is first asked, status() asks it rather than assume it is up

    @classmethod
    def from_env(cls) -> RasaEngine:
        """``RASA_URL`` (default ``http://127.0.0.1:5005``), ``SHENBAO_RASA_TIMEOUT`` seconds (default 2)."""
        url = os.environ.get("RASA_URL", "").strip() or DEFAULT_URL
        timeout = env_number("SHENBAO_RASA_TIMEOUT", 2.0, maximum=600)
        return cls(url, timeout=timeout)

    def parse(self, text: str) -> ParseResult:
        if not self._should_try():
            return self._fallback_parse(text)
        try:
            data = self._post_parse(text)
            result = result_from_rasa(text, data)
        except RasaUnavailable as exc:
            self._mark_down(str(exc))
            return self._fallback_parse(text)
        self._mark_up()
        ours = self._extract(text)
        kinds = {e.entity for e in ours}
        merged = tuple(sorted((*ours, *(e for e in result.entities if e.entity not in kinds)), key=lambda e: e.start))
        return replace(result, entities=merged)

    def status(self) -> dict[str, Any]:
        """For ``/health``: which engine answers now (``rasa``, or ``builtin`` standing in) and why."""
        if not self._contacted or (self._down_since is not None and self._should_try()):
            self._probe()
        down = self._down_since is not None
        out: dict[str, Any] = {"engine": "builtin" if down else "rasa", "configured": "rasa",
                               "rasa_url": self.url, "rasa": "down" if down else "up"}
        if down:
            out["fallback"] = "builtin"
            out["error"] = self._last_error
        return out

    @property
    def available(self) -> bool:
        return self._down_since is None

    def close(self) -> None:
        self._client.close()

    # -- internals -------------------------------------------------------------------------------

    def _post_parse(self, text: str) -> dict[str, Any]:
        try:
            resp = self._client.post(f"{self.url}/model/parse", json={"text": text})
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"{type(exc).__name__}: {exc}") from exc
        if resp.status_code != 200:
            raise RasaUnavailable(f"HTTP {resp.status_code} from {self.url}/model/parse")
        try:
            data = resp.json()
        except ValueError as exc:
            raise RasaUnavailable("malformed JSON from /model/parse") from exc
        if not isinstance(data, dict):
            raise RasaUnavailable("unexpected body from /model/parse")
        return data

    def _probe(self) -> None:
        try:
            self._post_parse("你好")
        except RasaUnavailable as exc:
            self._mark_down(str(exc))
        else:
            self._mark_up()

    def _should_try(self) -> bool:
        down = self._down_since
        return down is None or time.monotonic() - down >= self.retry_after

    def _mark_down(self, error: str) -> None:
        with self._lock:
            self._contacted = True
            was_up = self._down_since is None
            self._down_since = time.monotonic()
            self._last_error = error
        if was_up:
            log.warning("Rasa at %s is unavailable (%s); the built-in engine answers until it is back", self.url,
                        error)

    def _mark_up(self) -> None:
        with self._lock:
            self._contacted = True
            was_down = self._down_since is not None
            self._down_since = None
            self._last_error = ""
        if was_down:
            log.info("Rasa at %s answers again", self.url)

    def _fallback_parse(self, text: str) -> ParseResult:
        with self._lock:
            if self._fallback is None:
                self._fallback = self._fallback_factory()
            fallback = self._fallback
        return replace(fallback.parse(text), engine="builtin")


def result_from_rasa(text: str, data: dict[str, Any]) -> ParseResult:
    """Map Rasa's ``/model/parse`` JSON to a :class:`ParseResult` (engine ``rasa``).

    A missing or empty intent becomes ``nlu_fallback`` with confidence 0; Rasa's own ``nlu_fallback`` (from its
    FallbackClassifier) passes through, and ``out_of_scope`` is reported as ``nlu_fallback`` (in the ranking
    too, once). Entities keep Rasa's offsets; malformed ones are dropped."""
    intent = data.get("intent") or {}
    if not isinstance(intent, dict):
        raise RasaUnavailable("unexpected intent in /model/parse")
    name = _intent_name(intent.get("name"))
    confidence = _number(intent.get("confidence"), 0.0)
    ranking: list[IntentScore] = []
    for item in data.get("intent_ranking") or ():
        if isinstance(item, dict) and item.get("name"):
            score = IntentScore(_intent_name(item["name"]), _number(item.get("confidence"), 0.0))
            if all(s.name != score.name for s in ranking):
                ranking.append(score)
    entities = tuple(e for e in (_entity(text, item) for item in data.get("entities") or ()) if e is not None)
    return ParseResult(text=text, intent=name, confidence=confidence, entities=entities,
                       intent_ranking=tuple(ranking), engine="rasa", lang=detect_language(text))


def _intent_name(name: Any) -> str:
    if not name or name == OUT_OF_SCOPE_INTENT:
        return FALLBACK_INTENT
    return str(name)


def _number(value: Any, default: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return float(value)


def _entity(text: str, item: Any) -> Entity | None:
    if not isinstance(item, dict) or not item.get("entity"):
        return None
    start, end = item.get("start"), item.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start <= end <= len(text):
        return None
    value = item.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        value = text[start:end]
    unit = item.get("unit")
    return Entity(entity=str(item["entity"]), value=value, start=start, end=end, text=text[start:end],
                  unit=str(unit) if unit is not None else None)
