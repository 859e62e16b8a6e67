"""The application materials as the checklist needs them, read from knowledge/materials.yml (kb's file, by its
stable keys) and knowledge/material_synonyms.yml; plus finding which materials a message talks about.

A name that belongs to one material marks it; a word shared by several (“报告”: 申请报告 or 审计报告) is an
ambiguous mention, which the caller must confirm before marking anything.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, StrictUndefined

from knowledge import KnowledgeError, load_file

MATERIALS_FILE = "materials.yml"
SYNONYMS_FILE = "material_synonyms.yml"
APPLICANT_KEYS: tuple[str, ...] = (
    "application_report", "license", "audit_report", "property", "service_proof",
    "staff_list", "cases", "other", "declaration",
)
RECOMMENDATION_KEY = "recommendation_form"
_NEGATIONS = ("没", "未", "还差", "缺", "不齐", "还不", "尚未", "不全")
_CLAUSE_SPLIT = re.compile(r"[，,。；;！!？?\n]|但是|但|不过")


@dataclass(frozen=True)
class Material:
    key: str
    no: int
    name: str
    title: str
    clause: str
    requirements: tuple[str, ...]
    by_recommender: bool = False
    attachment: str = ""


@dataclass(frozen=True)
class Mention:
    """Materials named in one part of a message: one key is certain, several are ambiguous."""

    keys: tuple[str, ...]
    text: str
    negated: bool = False

    @property
    def ambiguous(self) -> bool:
        return len(self.keys) > 1


@dataclass(frozen=True)
class Catalog:
    materials: tuple[Material, ...]
    aliases: dict[str, str]  # alias -> key (names, titles, synonyms)
    shared_terms: dict[str, tuple[str, ...]]  # short words that name several materials (or one)

    @property
    def applicant(self) -> tuple[Material, ...]:
        return tuple(m for m in self.materials if not m.by_recommender)

    @property
    def recommendation(self) -> Material | None:
        return next((m for m in self.materials if m.by_recommender), None)

    def get(self, key: str) -> Material | None:
        return next((m for m in self.materials if m.key == key), None)

    def mentions(self, text: str) -> list[Mention]:
        """The materials each clause of ``text`` names, and whether that clause is negated."""
        found: list[Mention] = []
        for clause in _CLAUSE_SPLIT.split(text):
            negated = any(word in clause for word in _NEGATIONS)
            found.extend(Mention(keys, term, negated) for keys, term in self._scan(clause))
        return found

    def _scan(self, clause: str) -> list[tuple[tuple[str, ...], str]]:
        """From left to right, the longest name at each place, else the longest shared word (one regex scan)."""
        out: list[tuple[tuple[str, ...], str]] = []
        for match in self._scanner.finditer(clause):
            alias, term = match.group("alias"), match.group("term")
            out.append(((self.aliases[alias],), alias) if alias is not None else (self.shared_terms[term], term))
        return out

    @functools.cached_property
    def _scanner(self) -> re.Pattern[str]:
        names = "|".join(map(re.escape, sorted(self.aliases, key=len, reverse=True))) or "(?!)"
        terms = "|".join(map(re.escape, sorted(self.shared_terms, key=len, reverse=True))) or "(?!)"
        return re.compile(f"(?P<alias>{names})|(?P<term>{terms})")


def _render_requirement(text: str, raw: dict[str, Any]) -> str:
    if "{{" not in text:
        return text
    env = Environment(undefined=StrictUndefined, autoescape=False)
    return env.from_string(text).render(materials=raw)


def _material(item: Any, index: int, raw_by_key: dict[str, Any]) -> Material:
    key = f"materials[{index}]"
    if not isinstance(item, dict) or not isinstance(item.get("key"), str):
        raise KnowledgeError(MATERIALS_FILE, key, "每项材料须有 key")
    for field in ("name", "title", "clause"):
        if not isinstance(item.get(field), str) or not item[field].strip():
            raise KnowledgeError(MATERIALS_FILE, f"{key}.{field}", "缺少或不是文字")
    reqs = item.get("requirements") or []
    if not isinstance(reqs, list) or not all(isinstance(r, str) for r in reqs):
        raise KnowledgeError(MATERIALS_FILE, f"{key}.requirements", "应为文字列表")
    return Material(
        key=item["key"], no=int(item.get("seq") or 0),
        name=item["name"].strip(), title=_render_requirement(item["title"].strip(), raw_by_key),
        clause=item["clause"].strip(), requirements=tuple(_render_requirement(r, raw_by_key) for r in reqs),
        by_recommender=item.get("filled_by") == "recommender" or item["key"] == RECOMMENDATION_KEY,
        attachment=str(item.get("attachment") or ""),
    )


def _shared_terms(aliases: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """Every suffix (2+ characters) of a name, with the materials it could mean."""
    owners: dict[str, set[str]] = {}
    for alias, key in aliases.items():
        for start in range(1, len(alias) - 1):
            owners.setdefault(alias[start:], set()).add(key)
    return {term: tuple(sorted(keys)) for term, keys in owners.items() if term not in aliases}


def build_catalog(materials_data: Any, synonyms_data: Any) -> Catalog:
    """Validate both files' content into a Catalog (KnowledgeError names the file and key)."""
    items = materials_data.get("materials") if isinstance(materials_data, dict) else None
    if not isinstance(items, list):
        raise KnowledgeError(MATERIALS_FILE, "materials", "应为材料列表")
    raw_by_key = {i["key"]: i for i in items if isinstance(i, dict) and isinstance(i.get("key"), str)}
    materials = tuple(_material(item, n, raw_by_key) for n, item in enumerate(items))
    missing = [k for k in (*APPLICANT_KEYS, RECOMMENDATION_KEY) if k not in raw_by_key]
    if missing:
        raise KnowledgeError(MATERIALS_FILE, "materials", f"缺少材料 {missing[0]}")
    syn = synonyms_data.get("synonyms") if isinstance(synonyms_data, dict) else None
    if not isinstance(syn, dict):
        raise KnowledgeError(SYNONYMS_FILE, "synonyms", "应为以材料 key 为键的映射")
    aliases: dict[str, str] = {}
    for m in materials:
        if not m.by_recommender:
            aliases.setdefault(m.name, m.key)
            aliases.setdefault(m.title, m.key)
    for mkey, words in syn.items():
        if mkey not in APPLICANT_KEYS or not isinstance(words, list):
            raise KnowledgeError(SYNONYMS_FILE, f"synonyms.{mkey}", "未知的材料 key，或说法不是列表")
        for word in words:
            if aliases.get(str(word), mkey) != mkey:
                raise KnowledgeError(SYNONYMS_FILE, f"synonyms.{mkey}", f"“{word}”已用于 {aliases[str(word)]}")
            aliases[str(word)] = mkey
    ordered = tuple(sorted(materials, key=lambda m: (m.by_recommender, m.no)))
    return Catalog(ordered, aliases, _shared_terms(aliases))


_override: Catalog | None = None
_cached: Catalog | None = None


def current() -> Catalog:
    """The installation's catalog (loaded once), or the one a test installed with ``override``."""
    global _cached
    if _override is not None:
        return _override
    if _cached is None:
        _cached = build_catalog(load_file(MATERIALS_FILE), load_file(SYNONYMS_FILE))
    return _cached


def override(catalog: Catalog | None) -> None:
    global _override
    _override = catalog
