"""Validation of ``knowledge/indicators.yml``: every problem is a KnowledgeError naming the file and the key.

Kept apart from the typed view (``_indicators``) in the manner of snips-nlu's ``dataset/validation.py``:
the builder may then trust the structure it is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from knowledge.errors import KnowledgeError

TYPES = frozenset({"bool", "enum", "number", "integer", "percent"})
NUMERIC_TYPES = frozenset({"number", "integer", "percent"})
_ITEM_FIELDS = frozenset(
    {"key", "label", "type", "unit", "range", "clause", "require", "choices", "notice_wording", "condition"}
)


class _Checker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.seen_keys: set[str] = set()
        self.seen_labels: set[str] = set()

    def fail(self, where: str, problem: str) -> KnowledgeError:
        return KnowledgeError(self.file, where, problem)

    def mapping(self, value: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(where, "应为键值映射")
        return value

    def seq(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list) or not value:
            raise self.fail(where, "应为非空列表")
        return value

    def text(self, entry: Mapping[str, Any], field: str, where: str) -> str:
        value = entry.get(field)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where}.{field}", "应为非空字符串")
        return value

    def unique_key(self, key: str, where: str) -> None:
        if key in self.seen_keys:
            raise self.fail(where, f"键 {key} 重复")
        self.seen_keys.add(key)

    def unique_label(self, label: str, where: str) -> None:
        if label in self.seen_labels:
            raise self.fail(where, f"标签“{label}”重复（批量 CSV 以标签作表头，须唯一）")
        self.seen_labels.add(label)


def validate_indicators(data: Any, file: str) -> None:
    """Raise KnowledgeError(file, key, problem) on the first problem found in the raw YAML data."""
    ck = _Checker(file)
    root = ck.mapping(data, "-")
    for i, entry in enumerate(ck.seq(root.get("basic"), "basic")):
        _check_item(ck, entry, f"basic[{i}]", allow_condition=True)
    for i, entry in enumerate(ck.seq(root.get("conditions"), "conditions")):
        _check_condition(ck, entry, f"conditions[{i}]")
    _check_conditions_referenced(ck, root)
    if not isinstance(root.get("functions_key"), str):
        raise ck.fail("functions_key", "应为字符串（档案中列出所提供功能的键）")
    ck.unique_key(root["functions_key"], "functions_key")
    if "functions_label" in root:
        ck.text(root, "functions_label", "-")
    for i, entry in enumerate(ck.seq(root.get("functions"), "functions")):
        _check_function(ck, entry, f"functions[{i}]")
    for i, entry in enumerate(ck.seq(root.get("qualitative"), "qualitative")):
        where = f"qualitative[{i}]"
        entry = ck.mapping(entry, where)
        for field in ("key", "label", "clause"):
            ck.text(entry, field, where)
        if "advice" in entry:
            ck.text(entry, "advice", where)


def _check_item(ck: _Checker, raw: Any, where: str, *, allow_condition: bool) -> None:
    entry = ck.mapping(raw, where)
    key = ck.text(entry, "key", where)
    where = f"{where}({key})"
    ck.unique_key(key, where)
    ck.unique_label(ck.text(entry, "label", where), f"{where}.label")
    extra = set(entry) - _ITEM_FIELDS
    if extra:
        raise ck.fail(where, f"未知字段：{', '.join(sorted(extra))}")
    kind = entry.get("type")
    if kind not in TYPES:
        raise ck.fail(f"{where}.type", f"应为 {'、'.join(sorted(TYPES))} 之一，实际为 {kind!r}")
    if allow_condition or "clause" in entry:
        ck.text(entry, "clause", where)
    if "condition" in entry:
        if not allow_condition:
            raise ck.fail(f"{where}.condition", "功能项不能引用条件")
        ck.text(entry, "condition", where)
        if "require" in entry:
            raise ck.fail(where, "由条件判断的项不应同时有 require")
    elif "require" not in entry:
        raise ck.fail(f"{where}.require", "缺少通过条件 require")
    if kind in NUMERIC_TYPES:
        _check_range(ck, entry.get("range"), f"{where}.range")
        if kind != "percent" or "unit" in entry:
            ck.text(entry, "unit", where)
    if kind == "enum":
        choices = ck.mapping(entry.get("choices"), f"{where}.choices")
        if not choices or not all(isinstance(k, str) and isinstance(v, str) for k, v in choices.items()):
            raise ck.fail(f"{where}.choices", "应为非空的 键: 中文名称 映射")
    if "require" in entry:
        _check_require(ck, entry, kind, f"{where}.require")


def _check_range(ck: _Checker, value: Any, where: str) -> None:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        or value[0] > value[1]
    ):
        raise ck.fail(where, "应为 [下限, 上限] 两个数值")


def _check_require(ck: _Checker, entry: Mapping[str, Any], kind: str, where: str) -> None:
    require = entry["require"]
    if kind == "bool":
        if require is not True:
            raise ck.fail(where, "布尔项的 require 应为 true")
        return
    if kind == "enum":
        allowed = require.get("in") if isinstance(require, Mapping) else None
        if not isinstance(allowed, list) or not allowed or not set(allowed) <= set(entry["choices"]):
            raise ck.fail(where, "枚举项的 require 应为 {in: [...]}，且取值都在 choices 中")
        return
    minimum = require.get("min") if isinstance(require, Mapping) else None
    if not isinstance(minimum, int | float) or isinstance(minimum, bool):
        raise ck.fail(where, "数值项的 require 应为 {min: 数值}")
    low, high = entry["range"]
    if not low <= minimum <= high:
        raise ck.fail(where, f"阈值 {minimum} 不在取值范围 [{low}, {high}] 内")


def _check_condition(ck: _Checker, raw: Any, where: str) -> None:
    entry = ck.mapping(raw, where)
    key = ck.text(entry, "key", where)
    where = f"{where}({key})"
    ck.unique_key(key, where)
    for field in ("label", "clause", "greater", "than", "interpretation"):
        ck.text(entry, field, where)


def _check_conditions_referenced(ck: _Checker, root: Mapping[str, Any]) -> None:
    basic = {e["key"]: e for e in root["basic"]}
    for i, cond in enumerate(root["conditions"]):
        for field in ("greater", "than"):
            target = basic.get(cond[field])
            if target is None or target["type"] not in NUMERIC_TYPES:
                raise ck.fail(f"conditions[{i}].{field}", f"{cond[field]!r} 不是基本条件中的数值项")
    names = {c["key"] for c in root["conditions"]}
    for key, entry in basic.items():
        if "condition" in entry and entry["condition"] not in names:
            raise ck.fail(f"basic({key}).condition", f"未定义的条件 {entry['condition']!r}")


def _check_function(ck: _Checker, raw: Any, where: str) -> None:
    entry = ck.mapping(raw, where)
    key = ck.text(entry, "key", where)
    where = f"{where}({key})"
    ck.unique_key(key, where)
    ck.unique_label(ck.text(entry, "name", where), f"{where}.name")
    ck.text(entry, "clause", where)
    for i, item in enumerate(ck.seq(entry.get("items"), f"{where}.items")):
        _check_item(ck, item, f"{where}.items[{i}]", allow_condition=False)
