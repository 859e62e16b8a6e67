"""The rule engine: a profile against the thresholds of indicators.yml, per docs/spec/indicators.md.

Thresholds are inclusive (民法典 第一千二百五十九条: 以上、不低于、不少于 include the number itself).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from dialogs.selfcheck._indicators import Condition, Function, Indicator, Indicators, load_indicators
from dialogs.selfcheck._values import validate_profile
from knowledge import render

Verdict = Literal["eligible", "ineligible", "incomplete"]
Status = Literal["pass", "fail", "missing", "ignored"]
FunctionStatus = Literal["met", "not_met", "undecided", "not_offered"]

VERDICT_LABELS: Mapping[str, str] = {
    "eligible": "初步符合",
    "ineligible": "不符合",
    "incomplete": "信息不全，暂无法判断",
}


@dataclass(frozen=True)
class ItemResult:
    """One indicator judged. ``gap`` is a Chinese sentence for a failure (None otherwise).

    The item of ``smes_served_year_before`` carries ``condition='sme_growth'``: its status is that of the
    growth condition (``missing`` while either number is absent).
    """

    key: str
    label: str
    clause: str
    status: Status
    value: Any
    threshold: float | None
    unit: str | None
    gap: str | None
    type: str
    function: str | None = None
    condition: str | None = None

    @property
    def result_key(self) -> str:
        """The key under which a failure of this item is listed (``sme_growth`` for the growth item)."""
        return self.condition or self.key

    def to_dict(self) -> dict[str, Any]:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {
            "key": self.key, "label": self.label, "clause": self.clause, "status": self.status, "value": value,
            "threshold": self.threshold, "unit": self.unit, "gap": self.gap, "function": self.function,
            "condition": self.condition,
        }


@dataclass(frozen=True)
class FunctionResult:
    key: str
    name: str
    clause: str
    status: FunctionStatus
    items: tuple[ItemResult, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "clause": self.clause, "status": self.status,
                "items": [i.key for i in self.items]}


@dataclass(frozen=True)
class SelfCheckResult:
    verdict: Verdict
    failed: tuple[str, ...]
    missing: tuple[str, ...]
    functions_met: tuple[str, ...]
    items: tuple[ItemResult, ...]
    functions: tuple[FunctionResult, ...]
    functions_offered: tuple[str, ...] | None

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    def item(self, key: str) -> ItemResult | None:
        """The item of a key (``sme_growth`` finds the growth item)."""
        return next((i for i in self.items if key in (i.key, i.condition)), None)

    def function(self, key: str) -> FunctionResult | None:
        return next((f for f in self.functions if f.key == key), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "verdict_label": self.verdict_label,
            "failed": list(self.failed),
            "missing": list(self.missing),
            "functions_met": list(self.functions_met),
            "functions_offered": None if self.functions_offered is None else list(self.functions_offered),
            "functions": [f.to_dict() for f in self.functions],
            "items": [i.to_dict() for i in self.items],
        }


def evaluate(profile: Mapping[str, Any], indicators: Indicators | None = None) -> SelfCheckResult:
    """Judge a profile (typed values; ``None`` = absent). Bad values raise UserInputError naming the key."""
    ind = indicators or load_indicators()
    values = validate_profile(profile, ind)
    basic = tuple(_judge_basic(ind, i, values) for i in ind.basic)
    offered: tuple[str, ...] | None = values.get(ind.functions_key)
    functions = tuple(_judge_function(fn, values, offered) for fn in ind.functions)
    met = tuple(f.key for f in functions if f.status == "met")
    undecided = [f for f in functions if f.status == "undecided"]
    requirement_failed = not met and not undecided
    failed = [i.result_key for i in basic if i.status == "fail"]
    failed += [i.key for f in functions if f.status != "not_offered" for i in f.items if i.status == "fail"]
    if requirement_failed:
        failed.append(ind.functions_key)
    missing = [i.key for i in basic if i.status == "missing" and i.value is None]
    if not met:
        missing += [i.key for f in undecided for i in f.items if i.status == "missing"]
        if offered is None:
            missing.append(ind.functions_key)
    return SelfCheckResult(
        verdict=_verdict(basic, met, requirement_failed and offered is not None),
        failed=tuple(failed),
        missing=tuple(missing),
        functions_met=met,
        items=basic + tuple(i for f in functions for i in f.items),
        functions=functions,
        functions_offered=offered,
    )


def judge_items(profile: Mapping[str, Any], keys: Iterable[str],
                indicators: Indicators | None = None) -> dict[str, ItemResult]:
    """The results of ``keys`` alone, each as ``evaluate(profile).item(key)`` gives it (``sme_growth`` finds
    the growth item; an unknown key is left out). After an answer only the answered items are judged again,
    not the whole profile."""
    ind = indicators or load_indicators()
    values = validate_profile(profile, ind)
    offered: tuple[str, ...] | None = values.get(ind.functions_key)
    found: dict[str, ItemResult] = {}
    for key in keys:
        indicator = ind.get(key) or next((i for i in ind.basic if i.condition == key), None)
        if indicator is None:
            continue
        if indicator.function is None:
            found[key] = _judge_basic(ind, indicator, values)
        elif offered is not None and indicator.function not in offered:
            found[key] = _item(indicator, "ignored", values.get(indicator.key), None)
        else:
            found[key] = _judge_plain(indicator, values.get(indicator.key))
    return found


def _verdict(basic: tuple[ItemResult, ...], met: tuple[str, ...], functions_failed: bool) -> Verdict:
    if functions_failed or any(i.status == "fail" for i in basic):
        return "ineligible"
    if met and all(i.status == "pass" for i in basic):
        return "eligible"
    return "incomplete"


def _judge_function(fn: Function, values: Mapping[str, Any], offered: tuple[str, ...] | None) -> FunctionResult:
    if offered is not None and fn.key not in offered:
        items = tuple(_item(i, "ignored", values.get(i.key), None) for i in fn.items)
        return FunctionResult(fn.key, fn.name, fn.clause, "not_offered", items)
    items = tuple(_judge_plain(i, values.get(i.key)) for i in fn.items)
    statuses = {i.status for i in items}
    status: FunctionStatus = "not_met" if "fail" in statuses else "met" if statuses == {"pass"} else "undecided"
    return FunctionResult(fn.key, fn.name, fn.clause, status, items)


def _judge_basic(ind: Indicators, indicator: Indicator, values: Mapping[str, Any]) -> ItemResult:
    cond = ind.condition(indicator.condition) if indicator.condition else None
    if cond is None:
        return _judge_plain(indicator, values.get(indicator.key))
    return _judge_condition(ind, indicator, cond, values)


def _judge_plain(indicator: Indicator, value: Any) -> ItemResult:
    if value is None:
        return _item(indicator, "missing", None, None)
    req = indicator.require
    if req.kind == "true":
        ok = value is True
    elif req.kind == "in":
        ok = value in req.allowed
    else:
        ok = req.minimum is not None and value >= req.minimum
    if ok:
        return _item(indicator, "pass", value, None)
    return _item(indicator, "fail", value, _gap(indicator, value))


def _judge_condition(ind: Indicators, indicator: Indicator, cond: Condition, values: Mapping[str, Any]) -> ItemResult:
    greater, than = values.get(cond.greater), values.get(cond.than)
    own = values.get(indicator.key)
    if greater is None or than is None:
        return _item(indicator, "missing", own, None)
    if greater > than:
        return _item(indicator, "pass", own, None)
    gap = render(
        "selfcheck/gap", kind="condition", unit=indicator.unit or "", greater=greater, than=than,
        greater_label=ind[cond.greater].label, than_label=ind[cond.than].label,
    )
    return _item(indicator, "fail", own, gap)


def _item(indicator: Indicator, status: Status, value: Any, gap: str | None) -> ItemResult:
    return ItemResult(
        key=indicator.key, label=indicator.label, clause=indicator.clause, status=status, value=value,
        threshold=indicator.threshold, unit=indicator.unit, gap=gap, type=indicator.type,
        function=indicator.function, condition=indicator.condition,
    )


def _gap(indicator: Indicator, value: Any) -> str:
    req = indicator.require
    extra: dict[str, Any] = {}
    if req.kind == "min" and req.minimum is not None:
        extra["diff"] = float(Decimal(str(req.minimum)) - Decimal(str(value)))
    if req.kind == "in":
        extra["choice"] = indicator.choices.get(value, value)
        extra["allowed"] = [indicator.choices[k] for k in req.allowed]
    return render(
        "selfcheck/gap", kind=req.kind, label=indicator.label, value=value, threshold=req.minimum,
        unit=indicator.unit or "", **extra,
    )
