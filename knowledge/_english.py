"""The English names of the notice's terms (``knowledge/english.yml``), checked against the other data files.

Every indicator, unit, function, organisation type, material (with its requirements and flags), process step,
clause note and condition of the data must have its English entry, so an English answer never falls back to a
missing name. Placeholders ({{ t.<key> }}, {{ year }} …) are filled from the same context as the Chinese data:
no figure is written twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from knowledge._kb import Clause, Material, english_template
from knowledge._templates import format_number
from knowledge.errors import KnowledgeError

__all__ = ["ENGLISH_FILE", "english_template", "english_variables"]

ENGLISH_FILE = "english.yml"
_DOCUMENT = ("title", "authority", "authority_short", "basis_title", "basis_short", "title_granted")
_PROCESS = ("submit_to", "review_by", "review_what", "cycle_timing")


def _map(value: Any, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise KnowledgeError(ENGLISH_FILE, key, "应为映射（键: 值）")
    return value


def _text(value: Any, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise KnowledgeError(ENGLISH_FILE, key, "缺少或不是非空字符串")
    return value


def _texts(value: Any, key: str, count: int) -> list[str]:
    if not isinstance(value, list) or len(value) != count:
        raise KnowledgeError(ENGLISH_FILE, key, f"应为 {count} 项的列表（与中文数据一一对应）")
    return [_text(item, f"{key}[{i}]") for i, item in enumerate(value)]


def _same_keys(data: Mapping[Any, Any], expected: Sequence[Any] | set[Any], key: str) -> None:
    missing = [str(k) for k in expected if k not in data]
    extra = [str(k) for k in data if k not in expected]
    if missing or extra:
        problem = "；".join(p for p in (f"缺少 {'、'.join(missing)}" if missing else "",
                                        f"多出 {'、'.join(extra)}" if extra else "") if p)
        raise KnowledgeError(ENGLISH_FILE, key, f"须与中文数据的键一一对应：{problem}")


class _Filler:
    """Fills the placeholders of one string and folds its whitespace (YAML folding leaves single spaces)."""

    def __init__(self, context: dict[str, Any]) -> None:
        self.env = SandboxedEnvironment(undefined=StrictUndefined)
        self.env.filters["num"] = format_number
        self.context = context

    def __call__(self, value: str, key: str) -> str:
        if "{{" in value or "{%" in value:
            try:
                value = self.env.from_string(value).render(**self.context)
            except TemplateError as exc:
                raise KnowledgeError(ENGLISH_FILE, key, f"占位符无法填充：{exc}") from exc
        return " ".join(value.split())


def _words(raw: dict[str, Any], name: str, keys: Sequence[str] | set[str], fill: _Filler) -> dict[str, str]:
    section = _map(raw.get(name), name)
    _same_keys(section, keys, name)
    return {str(k): fill(_text(v, f"{name}.{k}"), f"{name}.{k}") for k, v in section.items()}


def _units(raw: dict[str, Any], units: set[str]) -> dict[str, dict[str, Any]]:
    section = _map(raw.get("units"), "units")
    _same_keys(section, units, "units")
    out: dict[str, dict[str, Any]] = {}
    for unit, entry in section.items():
        entry = _map(entry, f"units.{unit}")
        scale = entry.get("scale", 1)
        if isinstance(scale, bool) or not isinstance(scale, int | float) or scale <= 0:
            raise KnowledgeError(ENGLISH_FILE, f"units.{unit}.scale", "应为正数")
        out[unit] = {"one": _text(entry.get("one"), f"units.{unit}.one"),
                     "many": _text(entry.get("many"), f"units.{unit}.many"), "scale": float(scale),
                     "chinese": entry.get("chinese") is True,
                     "gap": str(entry.get("gap") or entry.get("many"))}
    return out


def _materials(raw: dict[str, Any], materials: Sequence[Material], fill: _Filler) -> dict[str, dict[str, Any]]:
    section = _map(raw.get("materials"), "materials")
    _same_keys(section, [m.key for m in materials], "materials")
    out: dict[str, dict[str, Any]] = {}
    for m in materials:
        key = f"materials.{m.key}"
        entry = _map(section[m.key], key)
        out[m.key] = {
            "name": fill(_text(entry.get("name"), f"{key}.name"), f"{key}.name"),
            "title": fill(_text(entry.get("title"), f"{key}.title"), f"{key}.title"),
            "requirements": [fill(r, f"{key}.requirements") for r in
                             _texts(entry.get("requirements"), f"{key}.requirements", len(m.requirements))],
            "flags": [fill(f, f"{key}.flags") for f in _texts(entry.get("flags", []), f"{key}.flags", len(m.flags))],
        }
    return out


def _process(raw: dict[str, Any], process: dict[str, Any], fill: _Filler) -> dict[str, Any]:
    section = _map(raw.get("process"), "process")
    steps = _map(section.get("steps"), "process.steps")
    _same_keys(steps, [s["seq"] for s in process["steps"]], "process.steps")
    out: dict[str, Any] = {"steps": {}}
    for seq, step in steps.items():
        key = f"process.steps.{seq}"
        step = _map(step, key)
        _same_keys(step, ("actor", "action"), key)  # a comma in an unquoted flow mapping makes a third key
        out["steps"][seq] = {name: fill(_text(step.get(name), f"{key}.{name}"), f"{key}.{name}")
                             for name in ("actor", "action")}
    for name in _PROCESS:
        out[name] = fill(_text(section.get(name), f"process.{name}"), f"process.{name}")
    counts = {"assessment": len(process["recommendation"]["assessment"]),
              "publicity_where": len(process["publicity"]["where"]),
              "announce_where": len(process["award"]["announce_where"])}
    for name, count in counts.items():
        out[name] = _texts(section.get(name), f"process.{name}", count)
    out["recommendation_steps"] = _recommendation_steps(section, process["recommendation"]["steps"], fill)
    return out


def _recommendation_steps(section: dict[str, Any], steps: list[dict[str, Any]], fill: _Filler) -> list[dict[str, str]]:
    """The recommending body's steps (process.yml recommendation.steps), one for one and in the same order."""
    key = "process.recommendation_steps"
    raw = section.get("recommendation_steps")
    if not isinstance(raw, list) or len(raw) != len(steps):
        raise KnowledgeError(ENGLISH_FILE, key, f"应为 {len(steps)} 项的列表（与中文数据一一对应）")
    out = []
    for i, step in enumerate(raw):
        step = _map(step, f"{key}[{i}]")
        _same_keys(step, ("name", "action"), f"{key}[{i}]")
        out.append({name: fill(_text(step.get(name), f"{key}[{i}].{name}"), f"{key}[{i}].{name}")
                    for name in ("name", "action")})
    return out


def _document(raw: dict[str, Any], recommenders: int, fill: _Filler) -> dict[str, Any]:
    section = _map(raw.get("document"), "document")
    out: dict[str, Any] = {name: fill(_text(section.get(name), f"document.{name}"), f"document.{name}")
                           for name in _DOCUMENT}
    out["recommenders"] = _texts(section.get("recommenders"), "document.recommenders", recommenders)
    return out


def _conditions(raw: dict[str, Any], keys: list[str], fill: _Filler) -> dict[str, dict[str, str]]:
    section = _map(raw.get("conditions"), "conditions")
    _same_keys(section, keys, "conditions")
    return {str(k): {name: fill(_text(_map(v, f"conditions.{k}").get(name), f"conditions.{k}.{name}"),
                                f"conditions.{k}.{name}") for name in ("label", "interpretation")}
            for k, v in section.items()}


def english_variables(raw: Any, *, context: dict[str, Any], indicators: dict[str, Any], units: set[str],
                      materials: Sequence[Material], process: dict[str, Any], clauses: Mapping[str, Clause],
                      recommenders: int, kinds: Sequence[str]) -> dict[str, Any]:
    """The ``en`` variable of the answer templates, validated against the data (raises KnowledgeError).
    ``kinds`` are the org_type keys of the applicants the notice lists (clauses.yml applicant_kinds)."""
    data = _map(raw, "-")
    fill = _Filler(context)
    org_type = next(b for b in indicators["basic"] if b.get("key") == "org_type")
    keys = [b["key"] for b in indicators["basic"]] + [i["key"] for f in indicators["functions"] for i in f["items"]]
    org_types = _words(data, "org_types", list(org_type["choices"]), fill)
    return {
        "doc": _document(data, recommenders, fill),
        "org_types": org_types,
        "kinds": [org_types[k] for k in kinds],
        "label": _words(data, "indicators", keys, fill),
        "units": _units(data, units),
        "functions": _words(data, "functions", [f["key"] for f in indicators["functions"]], fill),
        "mat": _materials(data, materials, fill),
        "process": _process(data, process, fill),
        "notes": _words(data, "clause_notes", [ref for ref, c in clauses.items() if c.note], fill),
        "conditions": _conditions(data, [c["key"] for c in indicators.get("conditions", [])], fill),
    }
