"""Reads one CSV cell as a profile value: units and Chinese forms (``85%``, ``120万``, ``1,200,000元``, ``是/否``,
``TRUE/FALSE``, ``1/0``, ``✓``, ``一百二十万``, ``2019年3月``), function lists by key or Chinese name.

Numbers and dates are read by the NLU's entity extractor (cn2an inside); the result is then checked by
``validate_value`` so that the range and type rules are those of typed profiles.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from dialogs.selfcheck._indicators import Indicator, Indicators
from dialogs.selfcheck._values import validate_value
from knowledge import age_in_years
from knowledge.errors import UserInputError
from nlu import Entity, extract_entities

TRUE_WORDS = frozenset({"是", "有", "具备", "具有", "已", "对", "true", "yes", "y", "t", "1", "✓", "✔", "√", "☑"})
FALSE_WORDS = frozenset({"否", "无", "没有", "不是", "不具备", "未", "错", "false", "no", "n", "f", "0", "✗", "✘", "×",
                         "☐"})
NONE_WORDS = frozenset({"无", "没有", "none", "/"})
_SPLIT = re.compile(r"[,，、;；\s]+")
_PLAIN_NUMBER = re.compile(r"[+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


def parse_cell(ind: Indicators, key: str, text: str, *, today: datetime.date | None = None) -> Any:
    """The typed value of a cell for ``key`` (None when the cell is empty). Raises UserInputError naming the key."""
    cell = text.strip()
    if not cell:
        return None
    if key == ind.functions_key:
        return validate_value(key, _functions(ind, cell), ind)
    indicator = ind[key]
    if indicator.type == "bool":
        word = cell.lower()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS
        raise _bad(indicator, cell, "是/否、TRUE/FALSE、1/0 或 ✓")
    if indicator.type == "enum":
        for choice, label in indicator.choices.items():
            if cell in (choice, label):
                return choice
        raise _bad(indicator, cell, "、".join(indicator.choices.values()) + " 之一")
    return validate_value(key, _number(indicator, cell, today or datetime.date.today()), ind)


def _bad(indicator: Indicator, cell: str, expected: str) -> UserInputError:
    return UserInputError(f"{indicator.key}（{indicator.label}）应为{expected}，收到“{cell[:30]}”", key=indicator.key)


def _functions(ind: Indicators, cell: str) -> list[str]:
    if cell.lower() in NONE_WORDS:
        return []
    names: dict[str, str] = {}
    for fn in ind.functions:
        names.update({fn.key: fn.key, fn.name: fn.key, fn.name.removesuffix("服务"): fn.key})
    found = []
    for part in filter(None, _SPLIT.split(cell)):
        if part.lower() not in names:
            known = "、".join(f"{fn.key}（{fn.name}）" for fn in ind.functions)
            raise UserInputError(f"{ind.functions_key}（{ind.functions_label}）中的“{part[:20]}”不是已知的功能，"
                                 f"应为 {known}", key=ind.functions_key)
        found.append(names[part.lower()])
    return found


def _number(indicator: Indicator, cell: str, today: datetime.date) -> float:
    if _PLAIN_NUMBER.fullmatch(cell):
        return float(cell.replace(",", "").lstrip("+"))
    found = extract_entities(cell, today=today)
    expected = _expected_forms(indicator)
    if len(found) != 1 or found[0].start != 0 or found[0].end != len(cell):
        raise _bad(indicator, cell, expected)
    value = _convert(indicator, found[0], today)
    if value is None:
        raise _bad(indicator, cell, expected)
    return value


def _convert(indicator: Indicator, entity: Entity, today: datetime.date) -> float | None:
    value = entity.value
    if entity.entity == "number" and isinstance(value, int | float):
        return float(value)
    if entity.entity == "money" and indicator.unit == "万元" and isinstance(value, int | float):
        return value / 10_000
    if entity.entity == "percent" and indicator.type == "percent" and isinstance(value, int | float):
        return float(value)
    if entity.entity == "count" and indicator.type == "integer" and isinstance(value, int | float):
        return float(value)
    if indicator.unit == "年" and entity.entity == "duration" and isinstance(value, int | float):
        return float(value)
    if indicator.unit == "年" and entity.entity == "date" and isinstance(value, str):
        start = datetime.date.fromisoformat(value)
        if start > today:
            raise _bad(indicator, entity.text, f"不晚于 {today.isoformat()} 的成立日期")
        return age_in_years(start, today)[0]
    return None


def _expected_forms(indicator: Indicator) -> str:
    unit = indicator.unit or ""
    if indicator.type == "percent":
        return "百分比，如 85%、85 或 百分之八十五"
    if unit == "万元":
        return "金额，如 120（万元）、120万、1,200,000元 或 一百二十万"
    if unit == "年":
        return "年数或成立年月，如 3、两年半 或 2019年3月"
    return f"整数，如 25 或 25{unit}"
