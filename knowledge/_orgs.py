"""Kinds of organisation (can-we-apply questions) and the bodies a user may speak for (roles).

The data is ``org_kinds.yml`` and ``roles.yml``, validated on load (``KnowledgeError(file, key, problem)``).
Words are found longest first by one regular expression per file, compiled once.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge._kb import KnowledgeBase, knowledge_base
from knowledge._loader import KNOWLEDGE_DIR, read_yaml
from knowledge.errors import KnowledgeError

KINDS_FILE = "org_kinds.yml"
ROLES_FILE = "roles.yml"
VERDICTS = ("can", "cannot", "depends")
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_SEPARATORS = "，,。.；;！!？?、：:\n "


@dataclass(frozen=True)
class OrgKind:
    """A kind of organisation and whether it can apply (``verdict``: can / cannot / depends on ``depends_on``)."""

    key: str
    label: str
    words: tuple[str, ...]
    verdict: str
    reason: str
    depends_on: str = ""
    advice: str = ""
    unnamed: bool = False


@dataclass(frozen=True)
class Role:
    """A body the user may speak for: a recommending body of the notice, another body, or an applicant."""

    key: str
    name: str
    you: str
    words: tuple[str, ...]
    recommender: bool
    applicant: bool = False
    lower_role: str = ""
    caveat: str = ""
    hint: str = ""


@dataclass(frozen=True)
class RoleAnswer:
    """The templates that answer ``intent`` for a recommending body and for another body (``""``: as usual)."""

    intent: str
    recommender: str
    other: str
    sources: tuple[str, ...]
    mention: bool = False


class WordIndex:
    """Words of one file → their key; ``longest`` finds the longest word anywhere in a text (first on ties).
    Only the positions holding a word's first character are tried (most messages name no word at all)."""

    def __init__(self, words: dict[str, str]) -> None:
        self._keys = words
        self._first = re.compile(f"[{''.join(sorted({re.escape(w[0]) for w in words}))}]")
        self._words = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))

    def longest(self, text: str) -> tuple[str, int, str] | None:
        """(word, start, key) of the longest word in ``text``, or None."""
        best: tuple[str, int] | None = None
        for candidate in self._first.finditer(text):
            match = self._words.match(text, candidate.start())
            if match is not None and (best is None or len(match.group()) > len(best[0])):
                best = (match.group(), candidate.start())
        return None if best is None else (best[0], best[1], self._keys[best[0]])


@dataclass(frozen=True)
class KindFound:
    kind: OrgKind
    word: str


@dataclass(frozen=True)
class RoleFound:
    """A body named in a message; ``stated``: the user says they speak for it ("我们是拉萨市经信局")."""

    role: Role
    word: str
    stated: bool
    via: bool = False  # named as the one to go through ("找经信局推荐")


@dataclass(frozen=True)
class Cues:
    """The words around a body's name that tell who speaks (see roles.yml)."""

    self_words: tuple[str, ...]
    via_words: tuple[str, ...]
    works_after: tuple[str, ...]
    place_after: tuple[str, ...]
    lower_words: tuple[str, ...]
    lower_except: tuple[str, ...]


@dataclass(frozen=True)
class OrgData:
    clause: str
    kinds: dict[str, OrgKind]
    roles: dict[str, Role]
    answers: dict[str, RoleAnswer]
    cues: Cues
    kind_index: WordIndex
    role_index: WordIndex

    def find_kind(self, text: str) -> KindFound | None:
        found = self.kind_index.longest(text)
        return None if found is None else KindFound(self.kinds[found[2]], found[0])

    def find_role(self, text: str) -> RoleFound | None:
        """The body named in ``text`` (its lower-level counterpart after 县, 乡, 区…), or None for a place
        ("高新区的企业")."""
        found = self.role_index.longest(text)
        if found is None:
            return None
        word, start, key = found
        after = text[start + len(word):]
        if after.startswith(self.cues.place_after):
            return None
        before = _clause_before(text, start)
        role = self.roles[key]
        if role.recommender and role.lower_role and _has_lower(before, self.cues):
            role = self.roles[role.lower_role]
        via = _has(before, self.cues.via_words) and not after.startswith(self.cues.works_after)  # 我在…工作
        stated = _has(before, self.cues.self_words) and not via
        return RoleFound(role, word, stated, via)


def _clause_before(text: str, end: int) -> str:
    start = max((text.rfind(sep, 0, end) for sep in _SEPARATORS), default=-1) + 1
    return text[start:end]


def _has(text: str, words: tuple[str, ...]) -> bool:
    return any(w in text for w in words)


def _has_lower(before: str, cues: Cues) -> bool:
    for word in cues.lower_except:
        before = before.replace(word, "")
    return _has(before, cues.lower_words)


# ---------------------------------------------------------------- validation


def _map(value: Any, file: str, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise KnowledgeError(file, key, "应为映射（键: 值）")
    return value


def _text(data: dict[str, Any], name: str, file: str, key: str, *, required: bool = True) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise KnowledgeError(file, f"{key}.{name}", "缺少或不是非空字符串")
    return "".join(value.split())  # YAML folding puts spaces between the lines of Chinese text


def _words(value: Any, file: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise KnowledgeError(file, key, "应为非空列表")
    for i, word in enumerate(value):
        if not isinstance(word, str) or not word.strip() or word != word.strip():
            raise KnowledgeError(file, f"{key}[{i}]", "应为非空字符串（前后无空格）")
    return tuple(value)


def _flag(data: dict[str, Any], name: str, file: str, key: str) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise KnowledgeError(file, f"{key}.{name}", "应为 true 或 false")
    return value


def _index(entries: dict[str, tuple[str, ...]], file: str, section: str) -> WordIndex:
    """Every word names one entry only."""
    owner: dict[str, str] = {}
    for key, words in entries.items():
        for i, word in enumerate(words):
            if word in owner:
                raise KnowledgeError(file, f"{section}.{key}.words[{i}]", f"“{word}”已在 {owner[word]} 中")
            owner[word] = key
    return WordIndex(owner)


def _kind(key: str, raw: Any) -> OrgKind:
    file = KINDS_FILE
    if not _KEY.match(str(key)):
        raise KnowledgeError(file, f"kinds.{key}", "键应为小写英文与下划线")
    raw = _map(raw, file, f"kinds.{key}")
    path = f"kinds.{key}"
    verdict = raw.get("verdict")
    if verdict not in VERDICTS:
        raise KnowledgeError(file, f"{path}.verdict", f"应为 {', '.join(VERDICTS)} 之一")
    return OrgKind(key=key, label=_text(raw, "label", file, path), words=_words(raw.get("words"), file,
                   f"{path}.words"), verdict=verdict, reason=_text(raw, "reason", file, path),
                   depends_on=_text(raw, "depends_on", file, path, required=verdict == "depends"),
                   advice=_text(raw, "advice", file, path, required=False), unnamed=_flag(raw, "unnamed", file, path))


def _kinds(directory: Path, refs: set[str]) -> tuple[str, dict[str, OrgKind]]:
    data = _map(read_yaml(directory / KINDS_FILE), KINDS_FILE, "-")
    clause = data.get("clause")
    if clause not in refs:
        raise KnowledgeError(KINDS_FILE, "clause", f"条款“{clause}”不是 clauses.yml 中的标题")
    kinds = {str(k): _kind(str(k), v) for k, v in _map(data.get("kinds"), KINDS_FILE, "kinds").items()}
    if not kinds:
        raise KnowledgeError(KINDS_FILE, "kinds", "应至少有一类单位")
    return str(clause), kinds


def _role(key: str, raw: Any) -> Role:
    file = ROLES_FILE
    path = f"roles.{key}"
    if not _KEY.match(key):
        raise KnowledgeError(file, path, "键应为小写英文与下划线")
    raw = _map(raw, file, path)
    recommender = _flag(raw, "recommender", file, path)
    return Role(key=key, name=_text(raw, "name", file, path), you=_text(raw, "you", file, path),
                words=_words(raw.get("words"), file, f"{path}.words"), recommender=recommender,
                applicant=_flag(raw, "applicant", file, path),
                lower_role=_text(raw, "lower_role", file, path, required=False),
                caveat=_text(raw, "caveat", file, path, required=False),
                hint=_text(raw, "hint", file, path, required=not recommender and not raw.get("applicant")))


def _check_roles(raw: dict[str, Any], roles: dict[str, Role], recommenders: tuple[str, ...]) -> None:
    """Each recommender names a body of the notice (every one of them) and a lower role that is not one."""
    named = []
    for key, role in roles.items():
        if not role.recommender:
            continue
        notice_name = _text(raw[key], "notice_name", ROLES_FILE, f"roles.{key}")
        if notice_name not in recommenders:
            raise KnowledgeError(ROLES_FILE, f"roles.{key}.notice_name",
                                 "不是 clauses.yml document.recommenders 中的单位")
        named.append(notice_name)
        lower = roles.get(role.lower_role)
        if role.lower_role and (lower is None or lower.recommender):
            raise KnowledgeError(ROLES_FILE, f"roles.{key}.lower_role", f"“{role.lower_role}”不是本文件中的非推荐单位")
    for name in recommenders:
        if name not in named:
            raise KnowledgeError(ROLES_FILE, "roles", f"缺少推荐单位“{name}”")


def _role_answer(intent: str, raw: Any, refs: set[str], templates: set[str]) -> RoleAnswer:
    file = ROLES_FILE
    path = f"answers.{intent}"
    raw = _map(raw, file, path)
    names = {}
    for part in ("recommender", "other"):
        names[part] = _text(raw, part, file, path, required=False)
        if names[part] and f"{names[part]}.j2" not in templates:
            raise KnowledgeError(file, f"{path}.{part}", f"模板 templates/{names[part]}.j2 不存在")
    sources = _words(raw.get("sources"), file, f"{path}.sources")
    for i, ref in enumerate(sources):
        if ref not in refs:
            raise KnowledgeError(file, f"{path}.sources[{i}]", f"条款“{ref}”不是 clauses.yml 中的标题")
    return RoleAnswer(intent=intent, recommender=names["recommender"], other=names["other"], sources=sources,
                      mention=_flag(raw, "mention", file, path))


def _cues(data: dict[str, Any]) -> Cues:
    lower = _map(data.get("lower"), ROLES_FILE, "lower")
    return Cues(self_words=_words(data.get("self_words"), ROLES_FILE, "self_words"),
                via_words=_words(data.get("via_words"), ROLES_FILE, "via_words"),
                works_after=_words(data.get("works_after"), ROLES_FILE, "works_after"),
                place_after=_words(data.get("place_after"), ROLES_FILE, "place_after"),
                lower_words=_words(lower.get("words"), ROLES_FILE, "lower.words"),
                lower_except=tuple(sorted(_words(lower.get("except"), ROLES_FILE, "lower.except"), key=len,
                                          reverse=True)))


def load_org_data(directory: Path, kb: KnowledgeBase) -> OrgData:
    """Read and validate org_kinds.yml and roles.yml of ``directory`` against the knowledge base ``kb``
    (clause references, the notice's recommending bodies, the answer templates, the intents)."""
    refs = set(kb.clauses)
    clause, kinds = _kinds(directory, refs)
    data = _map(read_yaml(directory / ROLES_FILE), ROLES_FILE, "-")
    raw_roles = _map(data.get("roles"), ROLES_FILE, "roles")
    roles = {str(k): _role(str(k), v) for k, v in raw_roles.items()}
    _check_roles(raw_roles, roles, tuple(kb.variables["recommenders"]))
    templates = set(kb.environment.list_templates())
    answers = {}
    for intent, raw in _map(data.get("answers"), ROLES_FILE, "answers").items():
        if intent not in kb.answers:
            raise KnowledgeError(ROLES_FILE, f"answers.{intent}", "不是 answers.yml 中有回答的意图")
        answers[str(intent)] = _role_answer(str(intent), raw, refs, templates)
    return OrgData(clause=clause, kinds=kinds, roles=roles, answers=answers, cues=_cues(data),
                   kind_index=_index({k: v.words for k, v in kinds.items()}, KINDS_FILE, "kinds"),
                   role_index=_index({k: v.words for k, v in roles.items()}, ROLES_FILE, "roles"))


@functools.cache
def org_data() -> OrgData:
    """The validated kinds and roles of this installation, loaded once per process."""
    return load_org_data(KNOWLEDGE_DIR, knowledge_base())
