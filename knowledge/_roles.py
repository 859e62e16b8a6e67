"""Who the user speaks for (roles.yml): the recommending bodies of 三、申请材料（一）, bodies that are not, and
applicants; how a message tells that the user speaks for a body rather than of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from knowledge._words import (
    WordIndex,
    as_map,
    checked_key,
    clause_around,
    flag_of,
    has_any,
    text_of,
    word_index,
    words_of,
)
from knowledge.errors import KnowledgeError

FILE = "roles.yml"


@dataclass(frozen=True)
class Role:
    """A body the user may speak for. A recommender named with one of ``lower_words`` (县, 市级…) is its
    ``lower_role`` instead, which is not a recommender."""

    key: str
    name: str
    you: str
    words: tuple[str, ...]
    recommender: bool
    applicant: bool = False
    lower_role: str = ""
    lower_words: tuple[str, ...] = ()
    caveat: str = ""
    hint: str = ""


@dataclass(frozen=True)
class RoleAnswer:
    """The templates that answer ``intent`` for a recommending body and for another body (``""``: as usual);
    ``mention``: a body asked about is answered for too."""

    intent: str
    recommender: str
    other: str
    sources: tuple[str, ...]
    mention: bool = False


@dataclass(frozen=True)
class RoleFound:
    """A body named in a message; ``stated``: the user says they speak for it ("我们是拉萨市经信局"); ``via``:
    named as the one to go through ("找经信局推荐")."""

    role: Role
    word: str
    stated: bool
    via: bool = False


@dataclass(frozen=True)
class Cues:
    """The words around a body's name that tell who speaks (see roles.yml)."""

    self_words: tuple[str, ...]
    via_words: tuple[str, ...]
    self_after: tuple[str, ...]
    place_after: tuple[str, ...]
    lower_except: tuple[str, ...]


@dataclass(frozen=True)
class RoleData:
    roles: dict[str, Role]
    answers: dict[str, RoleAnswer]
    cues: Cues
    index: WordIndex

    def find(self, text: str) -> RoleFound | None:
        """The body named in ``text`` (its lower-level counterpart when so qualified), or None when the name
        is only where the user is ("高新区的企业")."""
        found = self.index.longest(text)
        if found is None:
            return None
        word, start, key = found
        after = text[start + len(word):]
        if after.startswith(self.cues.place_after):
            return None
        before, rest = clause_around(text, start, start + len(word))
        role = self.roles[key]
        if role.lower_role and _has_lower(before + "|" + rest, role.lower_words, self.cues.lower_except):
            role = self.roles[role.lower_role]
        says_self = after.startswith(self.cues.self_after)  # "我在…经信局工作", "那曲市工信局这边"
        via = has_any(before, self.cues.via_words) and not says_self
        return RoleFound(role, word, says_self or (has_any(before, self.cues.self_words) and not via), via)


def _has_lower(clause: str, words: tuple[str, ...], exceptions: tuple[str, ...]) -> bool:
    for word in exceptions:
        clause = clause.replace(word, "")
    return has_any(clause, words)


def _role(key: str, raw: Any) -> Role:
    path = f"roles.{key}"
    raw = as_map(raw, FILE, path)
    recommender = flag_of(raw, "recommender", FILE, path)
    lower_role = text_of(raw, "lower_role", FILE, path, required=False)
    return Role(key=key, name=text_of(raw, "name", FILE, path), you=text_of(raw, "you", FILE, path),
                words=words_of(raw.get("words"), FILE, f"{path}.words"), recommender=recommender,
                applicant=flag_of(raw, "applicant", FILE, path), lower_role=lower_role,
                lower_words=words_of(raw.get("lower_words"), FILE, f"{path}.lower_words") if lower_role else (),
                caveat=text_of(raw, "caveat", FILE, path, required=False),
                hint=text_of(raw, "hint", FILE, path, required=not recommender and not raw.get("applicant")))


def _check_roles(raw: dict[str, Any], roles: dict[str, Role], recommenders: tuple[str, ...]) -> None:
    """Each recommender names a body of the notice (every one of them) and a lower role that is not one."""
    named = []
    for key, role in roles.items():
        if not role.recommender:
            continue
        notice_name = text_of(raw[key], "notice_name", FILE, f"roles.{key}")
        if notice_name not in recommenders:
            raise KnowledgeError(FILE, f"roles.{key}.notice_name", "不是 clauses.yml document.recommenders 中的单位")
        named.append(notice_name)
        lower = roles.get(role.lower_role)
        if role.lower_role and (lower is None or lower.recommender):
            raise KnowledgeError(FILE, f"roles.{key}.lower_role", f"“{role.lower_role}”不是本文件中的非推荐单位")
    for name in recommenders:
        if name not in named:
            raise KnowledgeError(FILE, "roles", f"缺少推荐单位“{name}”")


def _role_answer(intent: str, raw: Any, refs: set[str], templates: set[str]) -> RoleAnswer:
    path = f"answers.{intent}"
    raw = as_map(raw, FILE, path)
    names = {}
    for part in ("recommender", "other"):
        names[part] = text_of(raw, part, FILE, path, required=False)
        if names[part] and f"{names[part]}.j2" not in templates:
            raise KnowledgeError(FILE, f"{path}.{part}", f"模板 templates/{names[part]}.j2 不存在")
    sources = words_of(raw.get("sources"), FILE, f"{path}.sources")
    for i, ref in enumerate(sources):
        if ref not in refs:
            raise KnowledgeError(FILE, f"{path}.sources[{i}]", f"条款“{ref}”不是 clauses.yml 中的标题")
    return RoleAnswer(intent=intent, recommender=names["recommender"], other=names["other"], sources=sources,
                      mention=flag_of(raw, "mention", FILE, path))


def _cues(data: dict[str, Any]) -> Cues:
    return Cues(self_words=words_of(data.get("self_words"), FILE, "self_words"),
                via_words=words_of(data.get("via_words"), FILE, "via_words"),
                self_after=words_of(data.get("self_after"), FILE, "self_after"),
                place_after=words_of(data.get("place_after"), FILE, "place_after"),
                lower_except=tuple(sorted(words_of(data.get("lower_except"), FILE, "lower_except"), key=len,
                                          reverse=True)))


def load_roles(data: Any, refs: set[str], recommenders: tuple[str, ...], templates: set[str],
               answered: set[str]) -> RoleData:
    """roles.yml (``data``), checked against the clauses, the notice's recommenders, the templates and the
    intents that have answers."""
    data = as_map(data, FILE, "-")
    raw_roles = as_map(data.get("roles"), FILE, "roles")
    roles = {checked_key(k, FILE, f"roles.{k}"): _role(k, v) for k, v in raw_roles.items()}
    _check_roles(raw_roles, roles, recommenders)
    answers = {}
    for intent, raw in as_map(data.get("answers"), FILE, "answers").items():
        if intent not in answered:
            raise KnowledgeError(FILE, f"answers.{intent}", "不是 answers.yml 中有回答的意图")
        answers[str(intent)] = _role_answer(str(intent), raw, refs, templates)
    return RoleData(roles=roles, answers=answers, cues=_cues(data),
                    index=word_index({k: v.words for k, v in roles.items()}, FILE, "roles"))
