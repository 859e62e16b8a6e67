"""Results of the NLU, in the shape of Rasa's ``/model/parse``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FALLBACK_INTENT = "nlu_fallback"


@dataclass(frozen=True)
class Entity:
    """One extracted entity. ``value`` is normalised: money in 元, percent in percent (85),
    count as a number with ``unit`` (家, 人, 人次, 次), duration in years, date as ISO ``YYYY-MM-DD``.

    Loose figures keep what the applicant meant, and never a number they did not say:

    - ``approx``: the figure is not exact (大概/大约/约/差不多/将近/近 before it, 左右/上下/出头 after it,
      多/余/来/几 in it: "大概20家", "20多家", "十几家"). Set as well whenever ``at_least`` or ``below`` is.
    - ``at_least``: ``value`` is a lower bound said as one figure; the true value is at or above it ("20多家",
      "九十多", "9成多", "八成以上", "100来万", "百来家", "二十出头", "至少20家", "超过20家", "三年多"): record it
      按下限. 多/余/来 inside the figure are in the span ("9成多", "100来万", and a percent's "一半多"); words
      after it (以上, 出头, 开外) are not, like 左右. A range says the same with ``high`` and leaves this False;
      ``at_least`` and ``below`` are never both set.
    - ``below``: the true value is under ``value`` (or at most ``value``): "将近20家", "近20家", "接近20家",
      "不到20家", "不足20家", "二十家不到", "小一百万", "20家以下", "最多20家". Recording ``value`` would overstate
      it (20 would pass a threshold of 20): ask instead. The words are not in the span. "近三年" (the last three
      years) is a period, not a figure below three.
    - ``high``: the upper bound of a range; ``value`` is then the lower bound, in the same kind and unit
      ("五六家" is 5–6 家, "20-30万元" 200000–300000 元, "八九成" 80–90 %). None for a single figure.
    - ``ratio``: (part, whole) of a percent computed from a fraction or a head count, rounded to 2 decimals:
      "三分之二" 66.67 with (2, 3), "一半" 50 with (1, 2), "15个人里8个本科" 53.33 with (8, 15). For a head count
      the span is the part ("8个", "其中8个"), the whole is a ``count`` entity of its own (15 人, also when said
      with a bare 个: "十个里头有六个", "大专以上的10个，总共16个"). None when the applicant stated the percent
      ("85%", "八成").

    ``to_dict`` (Rasa's shape) adds ``"approximate": true``, ``"at_least": true``, ``"below": true``,
    ``"range": [low, high]`` and ``"ratio": [part, whole]`` only when they are set, so the entities of other
    messages are unchanged."""

    entity: str
    value: float | int | str
    start: int
    end: int
    text: str
    unit: str | None = None
    approx: bool = False
    high: float | int | None = None
    ratio: tuple[float | int, float | int] | None = None
    at_least: bool = False
    below: bool = False

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
        if self.approx:
            out["approximate"] = True
        if self.at_least:
            out["at_least"] = True
        if self.below:
            out["below"] = True
        if self.high is not None:
            out["range"] = [self.value, self.high]
        if self.ratio is not None:
            out["ratio"] = list(self.ratio)
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
