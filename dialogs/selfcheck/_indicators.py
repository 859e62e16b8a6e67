"""A typed, frozen view of ``knowledge/indicators.yml``. Thresholds are read from there, never written in code."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from dialogs.selfcheck._validation import NUMERIC_TYPES, validate_indicators
from knowledge import KNOWLEDGE_DIR, read_yaml

INDICATORS_FILE = "knowledge/indicators.yml"

IndicatorType = Literal["bool", "enum", "number", "integer", "percent"]


@dataclass(frozen=True)
class Requirement:
    """What passes: ``kind`` 'true' (must be true), 'min' (value >= minimum, inclusive), 'in' (one of allowed),
    or 'condition' (judged by a comparison in ``Indicators.conditions``)."""

    kind: Literal["true", "min", "in", "condition"]
    minimum: float | None = None
    allowed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    type: IndicatorType
    clause: str
    require: Requirement
    unit: str | None = None
    range: tuple[float, float] | None = None
    choices: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    notice_wording: str | None = None
    condition: str | None = None
    function: str | None = None  # the function key for a function item, None for a basic condition

    @property
    def is_numeric(self) -> bool:
        return self.type in NUMERIC_TYPES

    @property
    def threshold(self) -> float | None:
        return self.require.minimum


@dataclass(frozen=True)
class Condition:
    """A condition derived from two keys: ``greater`` must be strictly greater than ``than``."""

    key: str
    label: str
    clause: str
    greater: str
    than: str
    interpretation: str


@dataclass(frozen=True)
class Function:
    key: str
    name: str
    clause: str
    items: tuple[Indicator, ...]


@dataclass(frozen=True)
class Qualitative:
    key: str
    label: str
    clause: str
    advice: str = ""


@dataclass(frozen=True)
class Indicators:
    notice_year: int | None
    basic: tuple[Indicator, ...]
    conditions: tuple[Condition, ...]
    functions_key: str
    functions_label: str
    functions: tuple[Function, ...]
    qualitative: tuple[Qualitative, ...]
    _by_key: Mapping[str, Indicator] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_key", MappingProxyType({i.key: i for i in self}))

    def __iter__(self) -> Iterator[Indicator]:
        """Every indicator, basic conditions first, then the function items, in the order of the notice."""
        yield from self.basic
        for fn in self.functions:
            yield from fn.items

    def get(self, key: str) -> Indicator | None:
        return self._by_key.get(key)

    def __getitem__(self, key: str) -> Indicator:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def all_keys(self) -> tuple[str, ...]:
        """All profile keys: basic keys, ``functions_offered``, then the function items."""
        items = tuple(i.key for fn in self.functions for i in fn.items)
        return (*(i.key for i in self.basic), self.functions_key, *items)

    def function(self, key: str) -> Function | None:
        return next((fn for fn in self.functions if fn.key == key), None)

    def condition(self, key: str) -> Condition | None:
        return next((c for c in self.conditions if c.key == key), None)


@functools.cache
def load_indicators() -> Indicators:
    """Load and validate ``knowledge/indicators.yml`` once per process."""
    return parse_indicators(read_yaml(KNOWLEDGE_DIR / "indicators.yml"), INDICATORS_FILE)


def parse_indicators(data: Any, file: str = INDICATORS_FILE) -> Indicators:
    """Validate raw YAML data (KnowledgeError naming file and key) and build the typed view."""
    validate_indicators(data, file)
    return Indicators(
        notice_year=data.get("notice_year"),
        basic=tuple(_indicator(e, None, e["clause"]) for e in data["basic"]),
        conditions=tuple(Condition(**{k: c[k] for k in Condition.__dataclass_fields__}) for c in data["conditions"]),
        functions_key=data["functions_key"],
        functions_label=data.get("functions_label", "提供的服务功能"),
        functions=tuple(_function(f) for f in data["functions"]),
        qualitative=tuple(
            Qualitative(q["key"], q["label"], q["clause"], q.get("advice", "")) for q in data["qualitative"]
        ),
    )


def _function(raw: Mapping[str, Any]) -> Function:
    items = tuple(_indicator(e, raw["key"], raw["clause"]) for e in raw["items"])
    return Function(raw["key"], raw["name"], raw["clause"], items)


def _indicator(raw: Mapping[str, Any], function: str | None, clause: str) -> Indicator:
    rng = raw.get("range")
    return Indicator(
        key=raw["key"],
        label=raw["label"],
        type=raw["type"],
        clause=raw.get("clause", clause),
        require=_requirement(raw),
        unit=raw.get("unit", "%" if raw["type"] == "percent" else None),
        range=(float(rng[0]), float(rng[1])) if rng else None,
        choices=MappingProxyType(dict(raw.get("choices") or {})),
        notice_wording=raw.get("notice_wording"),
        condition=raw.get("condition"),
        function=function,
    )


def _requirement(raw: Mapping[str, Any]) -> Requirement:
    require = raw.get("require")
    if require is None:
        return Requirement("condition")
    if require is True:
        return Requirement("true")
    if "in" in require:
        return Requirement("in", allowed=tuple(require["in"]))
    return Requirement("min", minimum=require["min"])
