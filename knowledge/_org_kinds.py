"""Can a kind of organisation apply (org_kinds.yml): the kinds a message names, and the judgement on the
organisation it describes, by the two tests of 二、申报条件（一）第1项 — independent legal personality and one
of the five listed types."""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path
from typing import Any

from knowledge._loader import read_yaml
from knowledge._words import (
    WordIndex,
    as_map,
    checked_key,
    flag_of,
    has_any,
    text_of,
    word_index,
    words_of,
)
from knowledge.errors import KnowledgeError

FILE = "org_kinds.yml"
VERDICTS = ("can", "cannot", "depends")


@dataclass(frozen=True)
class OrgKind:
    """A kind of organisation and whether it can apply (``verdict``: can / cannot / depends on ``depends_on``).
    ``listed``: the listed type it is (a label of org_type), if it is one; ``legal_person``: it is one by
    definition (a 子公司); ``confirm``: a loose self-description ("我们是建筑公司") to confirm against the five."""

    key: str
    label: str
    words: tuple[str, ...]
    verdict: str
    reason: str
    depends_on: str = ""
    advice: str = ""
    unnamed: bool = False
    listed: str = ""
    legal_person: bool = False
    confirm: bool = False


@dataclass(frozen=True)
class Judgement:
    """The verdict on the organisation called ``word``, and its ground (``basis``): ``own`` (the kind's own
    verdict), ``legal_yes`` / ``legal_no`` (a listed type whose legal personality the message affirms / denies),
    ``legal_unknown`` (a listed type inside ``context``, e.g. 高校下属的研究院), ``blocked`` (``context`` has no
    legal personality, e.g. a 分公司)."""

    word: str
    kind: OrgKind
    verdict: str
    basis: str = "own"
    context: OrgKind | None = None
    own: bool = False  # the user speaks of their own organisation ("我们是…")

    @property
    def to_confirm(self) -> bool:
        """The user describes their own organisation loosely: ask which of the five types it is."""
        return self.own and self.kind.confirm and self.basis == "own"


@dataclass(frozen=True)
class KindData:
    clause: str
    kinds: dict[str, OrgKind]
    index: WordIndex
    affirm: tuple[str, ...]  # the message says the organisation is a legal person
    deny: tuple[str, ...]  # …that it is not
    coordinators: tuple[str, ...]  # 和、还是: the kinds named are asked about one by one
    ours: tuple[str, ...]  # 我们: the user speaks of their own organisation

    def judge(self, text: str) -> tuple[Judgement, ...]:
        """One judgement per organisation the message asks about (none when it names no kind)."""
        found = [(word, start, self.kinds[key]) for word, start, key in self.index.found(text)]
        if len(found) > 1 and all(_between(text, a, b) in self.coordinators for a, b in pairwise(found)):
            seen = dict.fromkeys(kind for _, _, kind in found)
            words = [next(w for w, _, k in found if k is kind) for kind in seen]
            return tuple(Judgement(w, kind, kind.verdict) for w, kind in zip(words, seen, strict=True))
        if not found:
            return ()
        judgement = self._one([(word, kind) for word, _, kind in found], text)
        return (replace(judgement, own=has_any(text, self.ours)),)

    def _one(self, found: list[tuple[str, OrgKind]], text: str) -> Judgement:
        """The organisation is the listed type named last (or the kind named last); the others describe it."""
        word, kind = next((f for f in reversed(found) if f[1].listed), found[-1])
        others = [k for _, k in found if k is not kind]
        legal = False if has_any(text, self.deny) else \
            True if has_any(text, self.affirm) or any(k.legal_person for k in others) else None
        blocker = next((k for k in others if k.verdict == "cannot"), None)
        if blocker is not None:
            return Judgement(word, kind, "cannot", "blocked", blocker)
        if legal is False and kind.verdict != "cannot":
            return Judgement(word, kind, "cannot", "legal_no")
        if kind.listed and legal:
            return Judgement(word, kind, "can", "legal_yes")
        if kind.listed and others:
            return Judgement(word, kind, "depends", "legal_unknown", others[0])
        return Judgement(word, kind, kind.verdict)


def _between(text: str, a: tuple[str, int, OrgKind], b: tuple[str, int, OrgKind]) -> str:
    return text[a[1] + len(a[0]):b[1]].strip()


def _kind(key: str, raw: Any, types: dict[str, str]) -> OrgKind:
    path = f"kinds.{key}"
    raw = as_map(raw, FILE, path)
    verdict = raw.get("verdict")
    if verdict not in VERDICTS:
        raise KnowledgeError(FILE, f"{path}.verdict", f"应为 {', '.join(VERDICTS)} 之一")
    listed = raw.get("type")
    if listed is not None and listed not in types:
        raise KnowledgeError(FILE, f"{path}.type", f"“{listed}”不是 indicators.yml 中 org_type 所列的五类之一")
    return OrgKind(key=key, label=text_of(raw, "label", FILE, path), words=words_of(raw.get("words"), FILE,
                   f"{path}.words"), verdict=verdict, reason=text_of(raw, "reason", FILE, path),
                   depends_on=text_of(raw, "depends_on", FILE, path, required=verdict == "depends"),
                   advice=text_of(raw, "advice", FILE, path, required=False),
                   unnamed=flag_of(raw, "unnamed", FILE, path), listed=types.get(listed or "", ""),
                   legal_person=flag_of(raw, "legal_person", FILE, path), confirm=flag_of(raw, "confirm", FILE, path))


def load_kinds(directory: Path, refs: set[str], types: dict[str, str]) -> KindData:
    """org_kinds.yml of ``directory``; ``types``: the five listed types (org_type key → label)."""
    data = as_map(read_yaml(directory / FILE), FILE, "-")
    clause = data.get("clause")
    if clause not in refs:
        raise KnowledgeError(FILE, "clause", f"条款“{clause}”不是 clauses.yml 中的标题")
    raw_kinds = as_map(data.get("kinds"), FILE, "kinds")
    kinds = {checked_key(k, FILE, f"kinds.{k}"): _kind(k, v, types) for k, v in raw_kinds.items()}
    legal = as_map(data.get("legal_person"), FILE, "legal_person")
    return KindData(clause=str(clause), kinds=kinds, index=word_index({k: v.words for k, v in kinds.items()}, FILE,
                                                                       "kinds"),
                    affirm=words_of(legal.get("affirm"), FILE, "legal_person.affirm"),
                    deny=words_of(legal.get("deny"), FILE, "legal_person.deny"),
                    coordinators=words_of(data.get("coordinators"), FILE, "coordinators"),
                    ours=words_of(data.get("ours"), FILE, "ours"))
