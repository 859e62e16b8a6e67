"""Shared pieces of the materials/deadlines/reminders tests: a catalog from our own fixture, a deadlines file in
tmp_path, an injectable clock, a keyword parser (no NLU needed) and a recording sender."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from dialogs import Assistant, Button, Incoming, Store, Turn
from dialogs.reminders import _catalog
from dialogs.reminders._senders import DeliveryError
from knowledge import KNOWLEDGE_DIR
from knowledge import _deadlines as deadlines_mod
from nlu import Entity, IntentScore, ParseResult

HERE = Path(__file__).resolve().parent
SHANGHAI = dt.timezone(dt.timedelta(hours=8))

KEYWORDS: list[tuple[str, str]] = [
    ("公示", "publicity_end"), ("截止", "deadline"), ("取消提醒", "remind_unsubscribe"), ("提醒我", "remind_subscribe"),
    ("还差", "materials_status"), ("清单", "materials_status"), ("好了", "materials_update"),
    ("准备好", "materials_update"), ("还没", "materials_update"), ("删除我的数据", "forget_me"),
]


def keyword_parser(text: str) -> ParseResult:
    intent = next((i for k, i in KEYWORDS if k in text), "nlu_fallback")
    entities: tuple[Entity, ...] = ()
    if "2022年9月30日" in text:
        entities = (Entity("date", "2022-09-30", 0, 1, "2022年9月30日"),)
    return ParseResult(text=text, intent=intent, confidence=0.9, entities=entities,
                       intent_ranking=(IntentScore(intent, 0.9),))


class Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def set_local(self, y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> None:
        self.now = dt.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI).astimezone(dt.UTC)


class RecordingSender:
    """A Sender that records what it sends; ``fail`` holds errors to raise on the next calls."""

    rate_per_second: float | None = None

    def __init__(self, channel: str = "telegram") -> None:
        self.channel = channel
        self.sent: list[tuple[str, str, tuple[Button, ...]]] = []
        self.fail: list[DeliveryError] = []

    async def send(self, external_id: str, text: str, buttons: tuple[Button, ...] = ()) -> None:
        if self.fail:
            raise self.fail.pop(0)
        self.sent.append((external_id, text, buttons))


@pytest.fixture(autouse=True)
def fixture_catalog() -> Iterator[_catalog.Catalog]:
    data = yaml.safe_load((HERE / "materials_fixture.yml").read_text(encoding="utf-8"))
    syn = yaml.safe_load((KNOWLEDGE_DIR / "material_synonyms.yml").read_text(encoding="utf-8"))
    catalog = _catalog.build_catalog(data, syn)
    _catalog.override(catalog)
    yield catalog
    _catalog.override(None)


@pytest.fixture
def deadlines_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of knowledge/deadlines.yml that the code under test reads and set-deadline edits."""
    target = tmp_path / "deadlines.yml"
    shutil.copy(KNOWLEDGE_DIR / "deadlines.yml", target)
    monkeypatch.setattr(deadlines_mod, "deadlines_path", lambda: target)
    return target


@pytest.fixture
def clock() -> Clock:
    c = Clock(dt.datetime(2022, 11, 1, tzinfo=dt.UTC))
    c.set_local(2022, 11, 1, 9, 0)
    return c


@pytest.fixture
def assistant(store: Store, clock: Clock, deadlines_file: Path) -> Assistant:
    return Assistant(store, clock=clock, parser=keyword_parser)


def say(assistant: Assistant, text: str, user: str = "u1", channel: str = "telegram") -> Turn:
    return assistant.handle(Incoming(channel, user, text))
