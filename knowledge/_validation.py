"""Loads every YAML file of knowledge/ once and validates it, raising ``KnowledgeError(file, key, problem)``.

Checks: the schema of each file, that every clause reference is a heading of clauses.yml, that every intent
of kind answer/open/smalltalk has an answer whose template and English template (answers_en/) exist and render
with sample data, that english.yml names every term of the data in English, that nlu/nlu.yml (when present) and
intents.yml name the same intents, that indicators.yml is well formed, and that org_kinds.yml and roles.yml are
(their answers rendered for every kind and body).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment

from knowledge._english import ENGLISH_FILE, english_variables
from knowledge._figures import FigureCheck, GrowthCheck
from knowledge._kb import (
    ANSWER_KINDS,
    AnswerSpec,
    Clause,
    FigureRule,
    KnowledgeBase,
    Material,
    Threshold,
    contacts_path,
    english_template,
)
from knowledge._loader import read_yaml
from knowledge._org_answers import check_org_answers
from knowledge._orgs import load_org_data
from knowledge._reminder_data import check_reminder_data
from knowledge._templates import format_number, make_environment
from knowledge.errors import KnowledgeError

FALLBACK = "nlu_fallback"
INTENT_KINDS = (*ANSWER_KINDS, "action")
VALUE_TYPES = ("bool", "enum", "number", "integer", "percent")
ENTITY_KINDS = ("money", "percent", "count", "duration", "date", "number")
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
RENDER_ERRORS = (TemplateError, TypeError, ValueError, LookupError, AttributeError)


@dataclass(frozen=True)
class Summary:
    """What ``kb check`` reports."""

    clauses: int
    thresholds: int
    materials: int
    answers: int
    intents: int
    templates_rendered: int
    nlu_intents: int | None


def fullwidth(text: str) -> str:
    """ASCII parentheses and colons of the data as the full-width marks replies use."""
    return text.replace("(", "（").replace(")", "）").replace(":", "：")


# ---------------------------------------------------------------- small typed accessors


def _map(value: Any, file: str, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise KnowledgeError(file, key, "应为映射（键: 值）")
    return value


def _list(value: Any, file: str, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise KnowledgeError(file, key, "应为列表")
    return value


def _str(data: dict[str, Any], name: str, file: str, key: str, *, empty: bool = False) -> str:
    value = data.get(name)
    if value is None and empty:
        return ""
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise KnowledgeError(file, f"{key}.{name}", "缺少或不是非空字符串")
    return value


def _num(value: Any, file: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise KnowledgeError(file, key, "应为数字")
    return float(value)


def _strs(value: Any, file: str, key: str) -> tuple[str, ...]:
    items = _list(value if value is not None else [], file, key)
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            raise KnowledgeError(file, f"{key}[{i}]", "应为非空字符串")
    return tuple(items)


def _ref(ref: Any, refs: set[str], file: str, key: str) -> str:
    if ref not in refs:
        raise KnowledgeError(file, key, f"条款“{ref}”不是 clauses.yml 中的标题")
    return str(ref)


# ---------------------------------------------------------------- indicators.yml


def _indicator_items(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(yaml path, item) of every basic item and every function item."""
    file = "indicators.yml"
    items = [(f"basic[{i}]", _map(it, file, f"basic[{i}]")) for i, it in enumerate(_list(data.get("basic"), file,
                                                                                            "basic"))]
    for i, fn in enumerate(_list(data.get("functions"), file, "functions")):
        fn = _map(fn, file, f"functions[{i}]")
        for j, it in enumerate(_list(fn.get("items"), file, f"functions[{i}].items")):
            items.append((f"functions[{i}].items[{j}]", _map(it, file, f"functions[{i}].items[{j}]")))
    return items


def _check_indicator(path: str, item: dict[str, Any], clause: str | None) -> Threshold | None:
    file = "indicators.yml"
    key = _str(item, "key", file, path)
    if not _KEY.match(key):
        raise KnowledgeError(file, f"{path}.key", f"键“{key}”应为小写英文与下划线")
    _str(item, "label", file, path)
    kind = item.get("type")
    if kind not in VALUE_TYPES:
        raise KnowledgeError(file, f"{key}.type", f"类型应为 {', '.join(VALUE_TYPES)} 之一")
    if "require" not in item and "condition" not in item:
        raise KnowledgeError(file, f"{key}.require", "缺少 require（或 condition）")
    require = item.get("require")
    if kind in ("bool",) and require is not True:
        raise KnowledgeError(file, f"{key}.require", "布尔项的 require 应为 true")
    if kind in ("number", "integer", "percent"):
        return _threshold(key, item, clause or _str(item, "clause", file, key))
    return None


def _threshold(key: str, item: dict[str, Any], clause: str) -> Threshold | None:
    file = "indicators.yml"
    rng = _list(item.get("range"), file, f"{key}.range")
    if len(rng) != 2 or _num(rng[0], file, f"{key}.range") > _num(rng[1], file, f"{key}.range"):
        raise KnowledgeError(file, f"{key}.range", "应为 [下限, 上限]")
    _str(item, "unit", file, key)
    require = item.get("require")
    if require is None:
        return None  # compared with another key (conditions), no own threshold
    minimum = _num(_map(require, file, f"{key}.require").get("min"), file, f"{key}.require.min")
    if not rng[0] <= minimum <= rng[1]:
        raise KnowledgeError(file, f"{key}.require.min", f"阈值 {minimum} 超出取值范围 {rng}")
    return Threshold(key=key, label=fullwidth(item["label"]), unit=item["unit"], minimum=minimum, clause=clause,
                     wording=fullwidth(str(item.get("notice_wording") or item["label"])),
                     low=float(rng[0]), high=float(rng[1]))


def _indicators(data: Any) -> tuple[dict[str, Threshold], dict[str, str], dict[str, Any]]:
    """Thresholds by key, clause references by yaml path, and the raw data (well-formed)."""
    file = "indicators.yml"
    data = _map(data, file, "-")
    if not isinstance(data.get("notice_year"), int):
        raise KnowledgeError(file, "notice_year", "应为年份（整数）")
    thresholds: dict[str, Threshold] = {}
    clauses: dict[str, str] = {}
    fn_clause = {}
    for i, fn in enumerate(data.get("functions") or []):
        fn_clause[i] = _str(fn, "clause", file, f"functions[{i}]")
        _str(fn, "name", file, f"functions[{i}]")
        clauses[f"functions[{i}].clause"] = fn_clause[i]
    seen: set[str] = set()
    for path, item in _indicator_items(data):
        clause = fn_clause[int(path.split("[")[1].split("]")[0])] if path.startswith("functions") else None
        th = _check_indicator(path, item, clause)
        if item["key"] in seen:
            raise KnowledgeError(file, f"{path}.key", f"键“{item['key']}”重复")
        seen.add(item["key"])
        if th is not None:
            thresholds[th.key] = th
        if clause is None:
            clauses[f"{item['key']}.clause"] = item["clause"]
    for name in ("conditions", "qualitative"):
        for i, extra in enumerate(_list(data.get(name) or [], file, name)):
            clauses[f"{name}[{i}].clause"] = _str(_map(extra, file, f"{name}[{i}]"), "clause", file, f"{name}[{i}]")
    return thresholds, clauses, data


# ---------------------------------------------------------------- intents.yml, clauses.yml


def _intents(data: Any) -> dict[str, str]:
    file = "intents.yml"
    intents = _map(_map(data, file, "-").get("intents"), file, "intents")
    kinds: dict[str, str] = {}
    for name, spec in intents.items():
        kind = _map(spec, file, f"intents.{name}").get("kind")
        if kind not in INTENT_KINDS:
            raise KnowledgeError(file, f"intents.{name}.kind", f"应为 {', '.join(INTENT_KINDS)} 之一")
        kinds[str(name)] = kind
    return kinds


def _clauses(data: Any) -> tuple[dict[str, Clause], dict[str, Any]]:
    file = "clauses.yml"
    data = _map(data, file, "-")
    doc = _map(data.get("document"), file, "document")
    for name in ("title", "authority", "basis_title", "basis_number", "basis_short", "title_granted"):
        _str(doc, name, file, "document")
    _strs(doc.get("recommenders"), file, "document.recommenders")
    clauses: dict[str, Clause] = {}
    for i, raw in enumerate(_list(data.get("clauses"), file, "clauses")):
        raw = _map(raw, file, f"clauses[{i}]")
        ref = _str(raw, "ref", file, f"clauses[{i}]")
        if ref in clauses:
            raise KnowledgeError(file, f"clauses[{i}].ref", f"条款“{ref}”重复")
        clauses[ref] = Clause(ref=ref, title=_str(raw, "title", file, ref), text=_str(raw, "text", file, ref),
                              note=_str(raw, "note", file, ref, empty=True))
    return clauses, data


def _applicant_kinds(data: dict[str, Any], indicators: dict[str, Any], refs: set[str]) -> list[str]:
    file = "clauses.yml"
    kinds = _map(data.get("applicant_kinds"), file, "applicant_kinds")
    _ref(kinds.get("clause"), refs, file, "applicant_kinds.clause")
    org = next((b for b in indicators["basic"] if b.get("key") == "org_type"), None)
    choices = _map(org.get("choices") if org else None, "indicators.yml", "org_type.choices")
    labels = []
    for i, key in enumerate(_strs(kinds.get("kinds"), file, "applicant_kinds.kinds")):
        if key not in choices:
            raise KnowledgeError(file, f"applicant_kinds.kinds[{i}]", f"“{key}”不是 indicators.yml 中 org_type 的选项")
        labels.append(str(choices[key]))
    return labels


# ---------------------------------------------------------------- materials.yml, process.yml, contacts


def _materials(data: Any, refs: set[str]) -> list[dict[str, Any]]:
    file = "materials.yml"
    data = _map(data, file, "-")
    _ref(data.get("clause"), refs, file, "clause")
    seen: set[str] = set()
    items = []
    for i, raw in enumerate(_list(data.get("materials"), file, "materials")):
        raw = _map(raw, file, f"materials[{i}]")
        key = _str(raw, "key", file, f"materials[{i}]")
        if not _KEY.match(key) or key in seen:
            raise KnowledgeError(file, f"materials[{i}].key", f"键“{key}”重复或不是小写英文与下划线")
        seen.add(key)
        for name in ("name", "title"):
            _str(raw, name, file, key)
        if not isinstance(raw.get("seq"), int):
            raise KnowledgeError(file, f"{key}.seq", "应为序号（整数）")
        _ref(raw.get("clause"), refs, file, f"{key}.clause")
        if raw.get("filled_by") not in ("applicant", "recommender"):
            raise KnowledgeError(file, f"{key}.filled_by", "应为 applicant 或 recommender")
        _strs(raw.get("requirements"), file, f"{key}.requirements")
        _strs(raw.get("flags"), file, f"{key}.flags")
        if raw.get("max_chars") is not None and not isinstance(raw["max_chars"], int):
            raise KnowledgeError(file, f"{key}.max_chars", "应为整数")
        items.append(raw)
    return items


def _process(data: Any, refs: set[str]) -> dict[str, Any]:
    file = "process.yml"
    data = _map(data, file, "-")
    for i, step in enumerate(_list(data.get("steps"), file, "steps")):
        step = _map(step, file, f"steps[{i}]")
        _ref(step.get("clause"), refs, file, f"steps[{i}].clause")
        _str(step, "actor", file, f"steps[{i}]")
        _str(step, "action", file, f"steps[{i}]")
    for part in ("recommendation", "review", "publicity", "award", "cycle"):
        _ref(_map(data.get(part), file, part).get("clause"), refs, file, f"{part}.clause")
    steps = _list(data["recommendation"].get("steps"), file, "recommendation.steps")
    if not steps:
        raise KnowledgeError(file, "recommendation.steps", "推荐单位的工作步骤不能为空")
    if data["recommendation"].get("process_step") not in [step.get("seq") for step in data["steps"]]:
        raise KnowledgeError(file, "recommendation.process_step", "应为 steps 中某一环节的 seq")
    for i, step in enumerate(steps):
        for name in ("name", "action"):
            _str(_map(step, file, f"recommendation.steps[{i}]"), name, file, f"recommendation.steps[{i}]")
    for part, name in (("publicity", "working_days"), ("cycle", "per_year")):
        value = data[part].get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise KnowledgeError(file, f"{part}.{name}", "应为正整数")
    _strs(data["publicity"].get("where"), file, "publicity.where")
    return _map(data, file, "-")


def _contact(path: Path) -> dict[str, str]:
    file = str(path.name if path.parent.name == "knowledge" else path)
    data = _map(read_yaml(path), file, "-")
    contact = _map(data.get("contact"), file, "contact")
    out: dict[str, str] = {}
    for name, value in contact.items():
        if value is not None and not isinstance(value, str | int):
            raise KnowledgeError(file, f"contact.{name}", "应为字符串（可留空）")
        out[str(name)] = "" if value is None else str(value).strip()
    return out


# ---------------------------------------------------------------- answers.yml


def _figure_rules(data: Any, thresholds: dict[str, Threshold]) -> dict[str, FigureRule]:
    file = "answers.yml"
    rules: dict[str, FigureRule] = {}
    for key, raw in _map(data, file, "figure_rules").items():
        path = f"figure_rules.{key}"
        raw = _map(raw, file, path)
        if key not in thresholds:
            raise KnowledgeError(file, path, f"“{key}”不是 indicators.yml 中有阈值的指标")
        entities = _strs(raw.get("entity"), file, f"{path}.entity")
        if not entities or any(e not in ENTITY_KINDS for e in entities):
            raise KnowledgeError(file, f"{path}.entity", f"应为 {', '.join(ENTITY_KINDS)} 中的一个或多个")
        scale = _num(raw.get("scale", 1), file, f"{path}.scale")
        rules[key] = FigureRule(key=key, entities=entities, units=_strs(raw.get("units"), file, f"{path}.units"),
                                scale=scale, keywords=_strs(raw.get("keywords"), file, f"{path}.keywords"),
                                named_only=_flag(raw.get("named_only", False), file, f"{path}.named_only"),
                                unless=_strs(raw.get("unless"), file, f"{path}.unless"))
    return rules


def _flag(value: Any, file: str, path: str) -> bool:
    if not isinstance(value, bool):
        raise KnowledgeError(file, path, "应为 true 或 false")
    return value


def _answer(intent: str, raw: Any, refs: set[str], rules: dict[str, FigureRule],
            options: dict[str, set[str]]) -> AnswerSpec:
    file = "answers.yml"
    path = f"answers.{intent}"
    raw = _map(raw, file, path)
    sources = tuple(_ref(s, refs, file, f"{path}.sources[{i}]")
                    for i, s in enumerate(_list(raw.get("sources"), file, f"{path}.sources")))
    figures = _strs(raw.get("figures"), file, f"{path}.figures")
    for i, key in enumerate(figures):
        if key not in rules:
            raise KnowledgeError(file, f"{path}.figures[{i}]", f"“{key}”不在 figure_rules 中")
    buttons = []
    for i, b in enumerate(_list(raw.get("buttons") or [], file, f"{path}.buttons")):
        where = f"{path}.buttons[{i}]"
        b = _map(b, file, where)
        buttons.append((_str(b, "title", file, where), _str(b, "payload", file, where)))
    opts: dict[str, str] = {}
    for name, allowed in options.items():
        if name in raw:
            if raw[name] not in allowed:
                raise KnowledgeError(file, f"{path}.{name}", f"“{raw[name]}”不存在")
            opts[name] = raw[name]
    if not isinstance(raw.get("fallback", False), bool):
        raise KnowledgeError(file, f"{path}.fallback", "应为 true 或 false")
    return AnswerSpec(intent=intent, template=_str(raw, "template", file, path), sources=sources, figures=figures,
                      buttons=tuple(buttons), fallback=bool(raw.get("fallback", False)), options=opts)


def _answers(data: Any, intents: dict[str, str], refs: set[str], thresholds: dict[str, Threshold],
             options: dict[str, set[str]]) -> tuple[dict[str, AnswerSpec], dict[str, FigureRule]]:
    file = "answers.yml"
    data = _map(data, file, "-")
    rules = _figure_rules(data.get("figure_rules") or {}, thresholds)
    raw_answers = _map(data.get("answers"), file, "answers")
    answers: dict[str, AnswerSpec] = {}
    for intent, raw in raw_answers.items():
        if intent != FALLBACK and intents.get(intent) not in ANSWER_KINDS:
            raise KnowledgeError(file, f"answers.{intent}", "不是 intents.yml 中 answer/open/smalltalk 类的意图")
        answers[intent] = _answer(intent, raw, refs, rules, options)
    for intent, kind in intents.items():
        if kind in ANSWER_KINDS and intent not in answers:
            raise KnowledgeError(file, f"answers.{intent}", f"intents.yml 中的 {kind} 意图没有回答")
    if FALLBACK not in answers:
        raise KnowledgeError(file, f"answers.{FALLBACK}", "缺少超出范围时的回答")
    return answers, rules


# ---------------------------------------------------------------- data strings with {{ }} placeholders


def _expand(value: Any, env: SandboxedEnvironment, ctx: dict[str, Any], file: str, path: str) -> Any:
    """Fill the placeholders of the data (figures written once elsewhere); Chinese text loses the spaces
    YAML folding put between lines."""
    if isinstance(value, str):
        if "{{" not in value and "{%" not in value:
            return value.replace(" ", "").replace("\n", "") if _has_cjk(value) else value
        try:
            out = env.from_string(value).render(**ctx)
        except TemplateError as exc:
            raise KnowledgeError(file, path, f"占位符无法填充：{exc}") from exc
        return out.replace(" ", "").replace("\n", "") if _has_cjk(out) else out
    if isinstance(value, dict):
        return {k: _expand(v, env, ctx, file, f"{path}.{k}" if path else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, env, ctx, file, f"{path}[{i}]") for i, v in enumerate(value)]
    return value


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


# ---------------------------------------------------------------- building and rendering


@dataclass(frozen=True)
class _Raw:
    thresholds: dict[str, Threshold]
    indicators: dict[str, Any]
    intents: dict[str, str]
    clauses: dict[str, Clause]
    clause_data: dict[str, Any]
    kinds: list[str]
    materials: list[dict[str, Any]]
    process: dict[str, Any]
    contact: dict[str, str]


def _read(directory: Path) -> _Raw:
    thresholds, ind_refs, indicators = _indicators(read_yaml(directory / "indicators.yml"))
    intents = _intents(read_yaml(directory / "intents.yml"))
    clauses, clause_data = _clauses(read_yaml(directory / "clauses.yml"))
    refs = set(clauses)
    for path, ref in ind_refs.items():
        _ref(ref, refs, "indicators.yml", path)
    return _Raw(thresholds=thresholds, indicators=indicators, intents=intents, clauses=clauses,
                clause_data=clause_data, kinds=_applicant_kinds(clause_data, indicators, refs),
                materials=_materials(read_yaml(directory / "materials.yml"), refs),
                process=_process(read_yaml(directory / "process.yml"), refs),
                contact=_contact(contacts_path(directory)))


def _placeholders(raw: _Raw) -> dict[str, Any]:
    """What the placeholders of the data may name (clauses.yml, materials.yml, process.yml, english.yml)."""
    return {"year": raw.indicators["notice_year"],
            "t": {k: format_number(v.minimum) for k, v in raw.thresholds.items()},
            "process": raw.process, "materials": {m["key"]: m for m in raw.materials},
            "title_granted": raw.clause_data["document"]["title_granted"]}


def _expanded(raw: _Raw) -> tuple[dict[str, Clause], dict[str, Any], list[Material], dict[str, Any]]:
    env = SandboxedEnvironment(undefined=StrictUndefined)
    env.filters["num"] = format_number
    ctx = _placeholders(raw)
    clauses = {ref: Clause(ref=ref, title=c.title, text=_expand(c.text, env, ctx, "clauses.yml", f"{ref}.text"),
                           note=_expand(c.note, env, ctx, "clauses.yml", f"{ref}.note"))
               for ref, c in raw.clauses.items()}
    doc = _expand(raw.clause_data["document"], env, ctx, "clauses.yml", "document")
    materials = [_material(_expand(m, env, ctx, "materials.yml", m["key"])) for m in raw.materials]
    process = _expand(raw.process, env, ctx, "process.yml", "")
    return clauses, doc, materials, process


def _material(m: dict[str, Any]) -> Material:
    return Material(key=m["key"], seq=m["seq"], name=m["name"], title=m["title"], clause=m["clause"],
                    filled_by=m["filled_by"], requirements=tuple(m.get("requirements") or ()),
                    flags=tuple(m.get("flags") or ()), attachment=str(m.get("attachment") or ""),
                    max_chars=m.get("max_chars"))


def _functions(indicators: dict[str, Any], thresholds: dict[str, Threshold]) -> list[dict[str, Any]]:
    return [{"key": fn["key"], "name": fn["name"], "clause": fn["clause"],
             "items": [{"key": it["key"], "label": fullwidth(it["label"]), "threshold": thresholds.get(it["key"])}
                       for it in fn["items"]]}
            for fn in indicators["functions"]]


def _variables(raw: _Raw, clauses: dict[str, Clause], doc: dict[str, Any], materials: list[Material],
               process: dict[str, Any]) -> dict[str, Any]:
    functions = _functions(raw.indicators, raw.thresholds)
    labels = {it["key"]: fullwidth(it["label"]) for _, it in _indicator_items(raw.indicators)}
    return {
        "year": raw.indicators["notice_year"], "doc": doc, "clauses": clauses, "kinds": raw.kinds,
        "t": {k: format_number(v.minimum) for k, v in raw.thresholds.items()}, "th": raw.thresholds,
        "label": labels, "functions": functions, "fn": {f["key"]: f for f in functions},
        "conditions": {c["key"]: {**c, "label": fullwidth(c["label"])} for c in raw.indicators.get("conditions", [])},
        "qualitative": [{**q, "label": fullwidth(q["label"])} for q in raw.indicators.get("qualitative", [])],
        "materials": sorted((m for m in materials if m.filled_by == "applicant"), key=lambda m: m.seq),
        "mat": {m.key: m for m in materials},
        "forms": [m for m in materials if m.filled_by == "recommender"],
        "process": process, "contact": {k: v for k, v in raw.contact.items() if v},
        "recommenders": doc["recommenders"],
        "asker_recommends": False,  # the asker speaks for a recommending body: never sent to ask one
    }


def _build(directory: Path) -> KnowledgeBase:
    raw = _read(directory)
    clauses, doc, materials, process = _expanded(raw)
    options = {"function": {f["key"] for f in raw.indicators["functions"]}, "material": {m.key for m in materials},
               "compare": {c["key"] for c in raw.indicators.get("conditions", [])}}
    answers, rules = _answers(read_yaml(directory / "answers.yml"), raw.intents, set(clauses), raw.thresholds,
                              options)
    variables = _variables(raw, clauses, doc, materials, process)
    variables["en"] = english_variables(
        read_yaml(directory / ENGLISH_FILE), context=_placeholders(raw), indicators=raw.indicators,
        units={str(it["unit"]) for _, it in _indicator_items(raw.indicators) if it.get("unit")},
        materials=materials, process=process, clauses=clauses, recommenders=len(doc["recommenders"]),
        kinds=[str(k) for k in raw.clause_data["applicant_kinds"]["kinds"]])
    return KnowledgeBase(directory=directory, intents=raw.intents, clauses=clauses, thresholds=raw.thresholds,
                         materials=tuple(materials), answers=answers, figure_rules=rules, contact=raw.contact,
                         variables=variables, environment=make_environment(directory / "templates"))


SAMPLE_CONTACT = {"organisation": "示例单位", "person": "张三", "phone": "0891-0000000", "email": "a@example.org",
                  "address": "拉萨市", "hours": "工作日"}


def _sample_check(kb: KnowledgeBase) -> list[FigureCheck]:
    th = next(iter(kb.thresholds.values()))
    return [FigureCheck(key=th.key, label=th.label, said="示例", value=th.minimum - 1, unit=th.unit, minimum=th.minimum,
                        wording=th.wording, clause=th.clause, in_range=True, passed=False, gap=1.0)]


def _sample_growth(kb: KnowledgeBase, grew: bool) -> GrowthCheck:
    condition = next(iter(kb.variables["conditions"]), "")
    return GrowthCheck(label="示例", unit="家", last=2, before=1, grew=grew, interpretation="", clause="",
                       condition=condition)


def _render_answer(kb: KnowledgeBase, intent: str, lang: str, contact: dict[str, str], recommends: bool) -> None:
    spec = kb.answers[intent]
    template = f"templates/{english_template(spec.template) if lang == 'en' else spec.template}.j2"
    try:
        text = kb.render_answer(intent, lang, contact=contact, asker_recommends=recommends)
    except TemplateNotFound as exc:
        problem = "缺少英文模板（每个回答都须有 answers_en/ 下的英文模板）" if lang == "en" else "缺少模板"
        raise KnowledgeError(template, f"answers.{intent}", problem) from exc
    except RENDER_ERRORS as exc:
        raise KnowledgeError(template, f"answers.{intent}", f"模板无法渲染：{exc}") from exc
    if not text.strip() or "None" in text:
        raise KnowledgeError(template, f"answers.{intent}", "渲染结果为空或含 None")


def _render_all(kb: KnowledgeBase) -> int:
    """Render every answer in Chinese and in English with sample data (contact empty and filled), and the
    figures and growth paragraphs of both languages."""
    count = 0
    for lang in ("zh", "en"):
        for contact in (kb.variables["contact"], SAMPLE_CONTACT):
            for intent in kb.answers:
                for recommends in (False, True):
                    _render_answer(kb, intent, lang, contact, recommends)
                count += 1
    for folder in ("answers", "answers_en"):
        extra = {"en": kb.variables["en"]} if folder == "answers_en" else {}
        samples: list[tuple[str, dict[str, Any]]] = [("_figures", {"checks": _sample_check(kb)})]
        samples += [("_growth", {"growth": _sample_growth(kb, grew)}) for grew in (True, False)]
        for name, variables in samples:
            try:
                kb.environment.get_template(f"{folder}/{name}.j2").render(**variables, **extra)
            except RENDER_ERRORS as exc:
                raise KnowledgeError(f"templates/{folder}/{name}.j2", "-", f"模板无法渲染：{exc}") from exc
            count += 1
    return count


# ---------------------------------------------------------------- nlu/nlu.yml


def nlu_intents(path: Path) -> set[str]:
    """Intent names of a Rasa nlu.yml (``nlu: - intent: name``)."""
    file = f"nlu/{path.name}"
    data = _map(read_yaml(path), file, "-")
    names: set[str] = set()
    for i, item in enumerate(_list(data.get("nlu"), file, "nlu")):
        item = _map(item, file, f"nlu[{i}]")
        if "intent" in item:
            names.add(_str(item, "intent", file, f"nlu[{i}]"))
    return names


def _check_nlu(path: Path, intents: dict[str, str]) -> int:
    names = nlu_intents(path)
    # out_of_scope: training examples of questions outside the notice; both engines report them as nlu_fallback
    for name in sorted(names - set(intents) - {FALLBACK, "out_of_scope"}):
        raise KnowledgeError(f"nlu/{path.name}", f"intent: {name}", "intents.yml 中没有这个意图")
    for name in sorted(set(intents) - names):
        raise KnowledgeError("intents.yml", f"intents.{name}", f"nlu/{path.name} 中没有这个意图的训练例句")
    return len(names)


# ---------------------------------------------------------------- public


def load_knowledge(directory: Path) -> KnowledgeBase:
    """Load and validate ``directory`` (a knowledge/ folder); raises KnowledgeError(file, key, problem)."""
    return _build(Path(directory))


def validate(directory: Path, nlu_file: Path | None = None) -> Summary:
    """Everything ``shenbao kb check`` checks; returns counts for its report."""
    kb = load_knowledge(directory)
    check_reminder_data(directory, {m.key for m in kb.materials})  # deadlines, holidays, material synonyms
    rendered = _render_all(kb) + check_org_answers(kb, load_org_data(directory, kb))  # org_kinds.yml, roles.yml
    nlu_count = _check_nlu(nlu_file, kb.intents) if nlu_file is not None and nlu_file.exists() else None
    return Summary(clauses=len(kb.clauses), thresholds=len(kb.thresholds), materials=len(kb.materials),
                   answers=len(kb.answers), intents=len(kb.intents), templates_rendered=rendered,
                   nlu_intents=nlu_count)
