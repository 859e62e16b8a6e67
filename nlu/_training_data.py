"""Loads and validates NLU training data in Rasa 3's YAML format (``nlu.yml``).

Supported items under ``nlu:``: ``intent`` (with ``examples``), ``synonym``, ``lookup`` and ``regex``.
Entity annotations in examples (``[一百二十万](money)`` or ``[x]{"entity": "money"}``) are reduced to
their text. Every problem raises :class:`KnowledgeError` naming the file and the key; nothing is asserted.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from knowledge.errors import KnowledgeError
from nlu._language import detect_language
from nlu._types import FALLBACK_INTENT

__all__ = ["EVAL_FILE", "NLU_DIR", "OUT_OF_SCOPE_INTENT", "TrainingData", "load_training_data", "strip_annotations"]

NLU_DIR = Path(__file__).resolve().parent
EVAL_FILE = NLU_DIR / "eval" / "heldout.yml"
OUT_OF_SCOPE_INTENT = "out_of_scope"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
_ITEM_KINDS = ("intent", "synonym", "lookup", "regex")
_YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 10x faster


@dataclass(frozen=True)
class TrainingData:
    """Examples as (text, intent) pairs, synonyms as variant → canonical, lookup tables by name."""

    examples: tuple[tuple[str, str], ...]
    synonyms: dict[str, str] = field(default_factory=dict)
    lookups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    digest: str = ""

    @property
    def intents(self) -> tuple[str, ...]:
        return tuple(sorted({intent for _, intent in self.examples}))

    def for_language(self, lang: str) -> TrainingData:
        """The examples written in ``lang`` (``detect_language``), with the same synonyms and lookup tables;
        the digest names the language, so each part is cached as its own model."""
        examples = tuple((text, intent) for text, intent in self.examples if detect_language(text) == lang)
        digest = hashlib.sha256(f"{lang}:{self.digest}".encode()).hexdigest()
        return TrainingData(examples, self.synonyms, self.lookups, digest)


def strip_annotations(text: str) -> str:
    """``资产[一百二十万](money)`` → ``资产一百二十万``."""
    return _ANNOTATION.sub(r"\1", text)


def _example_lines(file: str, key: str, raw: Any) -> list[str]:
    if not isinstance(raw, str):
        raise KnowledgeError(file, key, "examples 必须是以“- ”开头的多行文本")
    lines = []
    for number, line in enumerate(raw.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("- ") or not stripped[2:].strip():
            raise KnowledgeError(file, f"{key}[{number}]", f"例句须以“- ”开头且不为空：{stripped!r}")
        lines.append(stripped[2:].strip())
    if not lines:
        raise KnowledgeError(file, key, "没有例句")
    return lines


def _item_kind(file: str, key: str, item: Any, allow_fallback: bool) -> str:
    if not isinstance(item, dict):
        raise KnowledgeError(file, key, "每一项必须是映射（intent/synonym/lookup/regex 与 examples）")
    kinds = [k for k in _ITEM_KINDS if k in item]
    if len(kinds) != 1:
        raise KnowledgeError(file, key, "每一项须恰好有 intent、synonym、lookup、regex 之一")
    name = item[kinds[0]]
    if not isinstance(name, str) or not name.strip():
        raise KnowledgeError(file, f"{key}.{kinds[0]}", "名称必须是非空字符串")
    if kinds[0] == "intent" and (not _NAME.match(name) or (name == FALLBACK_INTENT and not allow_fallback)):
        problem = f"意图名 {name!r} 无效（小写字母、数字、下划线；不得为 nlu_fallback）"
        raise KnowledgeError(file, f"{key}.intent", problem)
    return kinds[0]


class _Builder:
    def __init__(self, file: str, allow_fallback: bool = False) -> None:
        self.file = file
        self.allow_fallback = allow_fallback
        self.examples: list[tuple[str, str]] = []
        self.seen: dict[str, tuple[str, str]] = {}
        self.synonyms: dict[str, str] = {}
        self.lookups: dict[str, tuple[str, ...]] = {}

    def add(self, key: str, item: dict[str, Any]) -> None:
        kind = _item_kind(self.file, key, item, self.allow_fallback)
        name = str(item[kind]).strip()
        lines = _example_lines(self.file, f"{key}.examples", item.get("examples"))
        if kind == "intent":
            for line in lines:
                self._add_example(key, strip_annotations(line), name)
        elif kind == "synonym":
            for line in lines:
                self.synonyms[line] = name
        elif kind == "lookup":
            self.lookups[name] = (*self.lookups.get(name, ()), *lines)

    def _add_example(self, key: str, text: str, intent: str) -> None:
        previous = self.seen.get(text)
        if previous is not None and previous[0] != intent:
            raise KnowledgeError(self.file, key, f"例句 {text!r} 同时标注为 {previous[0]} 和 {intent}（{previous[1]}）")
        if previous is None:
            self.seen[text] = (intent, key)
            self.examples.append((text, intent))


def parse_training_data(data: Any, file: str, digest: str = "", *, evaluation: bool = False) -> TrainingData:
    """Validate an already-parsed Rasa NLU YAML document. An evaluation file may label examples
    ``nlu_fallback`` (the expected output for questions out of scope); training data may not."""
    if not isinstance(data, dict) or not isinstance(data.get("nlu"), list):
        raise KnowledgeError(file, "nlu", "缺少 nlu 列表（Rasa 3 格式：version 与 nlu）")
    builder = _Builder(file, allow_fallback=evaluation)
    for index, item in enumerate(data["nlu"]):
        builder.add(f"nlu[{index}]", item)
    if len({intent for _, intent in builder.examples}) < 2:
        raise KnowledgeError(file, "nlu", "至少需要两个意图")
    return TrainingData(tuple(builder.examples), builder.synonyms, builder.lookups, digest)


def load_training_data(path: Path | None = None, *, evaluation: bool = False) -> TrainingData:
    """Read and validate ``nlu/nlu.yml`` (or another Rasa NLU YAML file; ``evaluation=True`` for a
    held-out file such as ``nlu/eval/heldout.yml``)."""
    path = path or NLU_DIR / "nlu.yml"
    try:
        raw = path.read_bytes()
        document = yaml.load(raw.decode("utf-8"), Loader=_YAML_LOADER)
    except OSError as exc:
        raise KnowledgeError(str(path), "-", f"无法读取：{exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise KnowledgeError(str(path), "-", f"不是 UTF-8 文本：{exc}") from exc
    except yaml.YAMLError as exc:
        raise KnowledgeError(str(path), "-", f"YAML 语法错误：{exc}") from exc
    return parse_training_data(document, str(path), hashlib.sha256(raw).hexdigest(), evaluation=evaluation)
