"""Results of the NLU, in the shape of Rasa's ``/model/parse``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FALLBACK_INTENT = "nlu_fallback"


@dataclass(frozen=True)
class Entity:
    """One extracted entity. ``value`` is normalised: money in 元, percent in percent (85),
    count as a number with ``unit`` (家, 人, 人次, 次), duration in years, date as ISO ``YYYY-MM-DD``."""

    entity: str
    value: float | int | str
    start: int
    end: int
    text: str
    unit: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "entity": self.entity,
            "value": self.value,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "extractor": "ShenbaoEntityExtractor",
        }
        if self.unit is not None:
            out["unit"] = self.unit
        return out


@dataclass(frozen=True)
class IntentScore:
    name: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "confidence": round(self.confidence, 4)}


@dataclass(frozen=True)
class ParseResult:
    """What the NLU understood of one message: an intent and entities, never reply text."""

    text: str
    intent: str
    confidence: float
    entities: tuple[Entity, ...] = ()
    intent_ranking: tuple[IntentScore, ...] = field(default_factory=tuple)
    engine: str = "builtin"
    lang: str = "zh"  # the language of the message (``nlu.detect_language``): "zh" or "en"; not in Rasa's shape

    @property
    def is_fallback(self) -> bool:
        return self.intent == FALLBACK_INTENT

    def entities_of(self, kind: str) -> tuple[Entity, ...]:
        return tuple(e for e in self.entities if e.entity == kind)

    def to_dict(self) -> dict[str, Any]:
        """Rasa's ``/model/parse`` response shape."""
        return {
            "text": self.text,
            "intent": {"name": self.intent, "confidence": round(self.confidence, 4)},
            "entities": [e.to_dict() for e in self.entities],
            "intent_ranking": [s.to_dict() for s in self.intent_ranking],
        }
