"""Checks typed profile values (JSON/YAML, or what the dialogue has already parsed) against indicators.yml.

Every rejection is a UserInputError whose one-line Chinese message names the key and what is expected.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from dialogs.selfcheck._indicators import Indicator, Indicators, load_indicators
from knowledge import format_number
from knowledge.errors import UserInputError

Value = bool | str | int | float | tuple[str, ...]


def shown(value: Any) -> str:
    """The received value as one short line for an error message."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def validate_value(key: str, value: Any, indicators: Indicators | None = None) -> Any:
    """Return the value in its canonical type (bool, enum key, int, float, tuple of function keys).

    ``None`` means absent and is returned as is. Raises UserInputError naming the key otherwise.
    """
    ind = indicators or load_indicators()
    if value is None:
        return None
    if key == ind.functions_key:
        return _functions(ind, value)
    indicator = ind.get(key)
    if indicator is None:
        examples = ", ".join(ind.all_keys()[:3])
        name = key if key.isprintable() and len(key) <= 40 else shown(key)  # one line, whatever was sent
        raise UserInputError(f"未知的指标键 {name}：请使用 indicators.yml 中的键，如 {examples} 等", key=key)
    if indicator.type == "bool":
        if not isinstance(value, bool):
            raise _expected(indicator, " true 或 false", value)
        return value
    if indicator.type == "enum":
        if not isinstance(value, str) or value not in indicator.choices:
            options = "、".join(f"{k}（{v}）" for k, v in indicator.choices.items())
            raise _expected(indicator, f"以下之一：{options}", value)
        return value
    return _number(indicator, value)


def _expected(indicator: Indicator, what: str, value: Any) -> UserInputError:
    return UserInputError(f"{indicator.key}（{indicator.label}）应为{what}，收到 {shown(value)}", key=indicator.key)


def _number(indicator: Indicator, value: Any) -> int | float:
    low, high = indicator.range or (0.0, math.inf)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _range_error(indicator, value)
    # compare before any float(): an int of hundreds of digits (JSON allows it) must not overflow
    if (isinstance(value, float) and not math.isfinite(value)) or not low <= value <= high:
        raise _range_error(indicator, value)
    if indicator.type == "integer":
        if isinstance(value, float) and not value.is_integer():
            raise _range_error(indicator, value)
        value = int(value)
    number: int | float = value
    return number


def _range_error(indicator: Indicator, value: Any) -> UserInputError:
    low, high = indicator.range or (0.0, math.inf)
    kind = "整数" if indicator.type == "integer" else "数值"
    unit = f"，单位：{indicator.unit}" if indicator.unit else ""
    return _expected(indicator, f" {format_number(low)} 到 {format_number(high)} 之间的{kind}（含本数{unit}）", value)


def _functions(ind: Indicators, value: Any) -> tuple[str, ...]:
    keys = [fn.key for fn in ind.functions]
    what = f"{ind.functions_key}（{ind.functions_label}）应为由 {'、'.join(keys)} 组成的列表"
    if not isinstance(value, list | tuple):
        raise UserInputError(f"{what}，收到 {shown(value)}", key=ind.functions_key)
    for name in value:
        if not isinstance(name, str) or name not in keys:
            raise UserInputError(f"{what}，其中 {shown(name)} 不是已知的功能", key=ind.functions_key)
    return tuple(k for k in keys if k in value)


def validate_profile(profile: Mapping[str, Any], indicators: Indicators | None = None) -> dict[str, Any]:
    """Check a typed profile (JSON/YAML): unknown keys and wrong values raise UserInputError; ``None`` values
    (absent) are dropped. Returns a new dict of canonical values."""
    ind = indicators or load_indicators()
    if not isinstance(profile, Mapping):
        raise UserInputError(f"自测档案应为键值对象（JSON 对象或 YAML 映射），收到 {shown(profile)}", key=None)
    clean: dict[str, Any] = {}
    for key, value in profile.items():
        if not isinstance(key, str):
            raise UserInputError(f"自测档案的键应为字符串，收到 {shown(key)}", key=None)
        checked = validate_value(key, value, ind)
        if checked is not None:
            clean[key] = checked
    return clean
