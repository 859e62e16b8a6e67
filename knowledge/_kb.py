"""Typed views over the notice's data: clauses, thresholds, materials, process, contact and answers.

``knowledge_base()`` loads and validates ``knowledge/`` once per process (see ``_validation``);
``KnowledgeBase.render_answer`` fills an answer template from the data, never from user text.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment

from knowledge._loader import KNOWLEDGE_DIR

ANSWER_KINDS = ("answer", "open", "smalltalk")


def english_template(template: str) -> str:
    """``answers/condition_assets`` → ``answers_en/condition_assets``: the English twin of a template key."""
    folder, _, name = template.partition("/")
    return f"{folder}_en/{name}" if name else f"{folder}_en"


@dataclass(frozen=True)
class Clause:
    """One heading of the notice, e.g. ``二、申报条件（一）第2项``; ``note`` flags a flaw of the text."""

    ref: str
    title: str
    text: str
    note: str = ""


@dataclass(frozen=True)
class Threshold:
    """A numeric requirement read from indicators.yml (``minimum`` is inclusive, as 以上/不低于/不少于)."""

    key: str
    label: str
    unit: str
    minimum: float
    clause: str
    wording: str
    low: float
    high: float


@dataclass(frozen=True)
class Material:
    key: str
    seq: int
    name: str
    title: str
    clause: str
    filled_by: str
    requirements: tuple[str, ...]
    flags: tuple[str, ...] = ()
    attachment: str = ""
    max_chars: int | None = None


@dataclass(frozen=True)
class FigureRule:
    """How a figure in a question maps onto an indicator (see answers.yml ``figure_rules``)."""

    key: str
    entities: tuple[str, ...]
    units: tuple[str, ...] = ()
    scale: float = 1.0
    keywords: tuple[str, ...] = ()
    named_only: bool = False  # counts only next to its own words (线下15家), never by elimination
    unless: tuple[str, ...] = ()  # words that rule a figure out for it (线上300家 is not the offline count)


@dataclass(frozen=True)
class AnswerSpec:
    intent: str
    template: str
    sources: tuple[str, ...]
    figures: tuple[str, ...] = ()
    buttons: tuple[tuple[str, str], ...] = ()
    fallback: bool = False
    options: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything the answers need, validated. ``variables`` is the template context."""

    directory: Path
    intents: dict[str, str]
    clauses: dict[str, Clause]
    thresholds: dict[str, Threshold]
    materials: tuple[Material, ...]
    answers: dict[str, AnswerSpec]
    figure_rules: dict[str, FigureRule]
    contact: dict[str, str]
    variables: dict[str, Any]
    environment: Environment
    _rendered: dict[tuple[str, str], str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def kind(self, intent: str) -> str | None:
        return self.intents.get(intent)

    def material(self, key: str) -> Material:
        return next(m for m in self.materials if m.key == key)

    def render_answer(self, intent: str, lang: str = "zh", **extra: Any) -> str:
        """The answer body for ``intent`` (without the 依据 line), filled from the data; ``lang="en"`` renders
        the English twin of its template (``answers_en/…``). It depends on nothing else, so without ``extra`` it
        is rendered once per intent and language."""
        if not extra and (lang, intent) in self._rendered:
            return self._rendered[lang, intent]
        spec = self.answers[intent]
        context = {**self.variables, **spec.options, "spec": spec, **extra}
        template = english_template(spec.template) if lang == "en" else spec.template
        text = self.environment.get_template(f"{template}.j2").render(**context).strip()
        if not extra:
            self._rendered[lang, intent] = text
        return text


def contacts_path(directory: Path) -> Path:
    """``SHENBAO_CONTACTS_FILE`` when set (deployment-specific contact), else ``contacts.yml``."""
    override = os.environ.get("SHENBAO_CONTACTS_FILE", "").strip()
    return Path(override) if override else directory / "contacts.yml"


@functools.cache
def knowledge_base() -> KnowledgeBase:
    """The validated knowledge of this installation, loaded once per process."""
    from knowledge._validation import load_knowledge

    return load_knowledge(KNOWLEDGE_DIR)
