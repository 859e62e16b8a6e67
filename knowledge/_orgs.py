"""The kinds of organisation (org_kinds.yml) and the roles (roles.yml) of an installation, validated together
against the rest of knowledge/ and loaded once per process."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from knowledge._kb import KnowledgeBase, knowledge_base
from knowledge._loader import KNOWLEDGE_DIR, read_yaml
from knowledge._org_kinds import Judgement, KindData, OrgKind, bare, load_kinds, owned
from knowledge._roles import Role, RoleAnswer, RoleAsk, RoleData, RoleFound, load_roles
from knowledge.errors import KnowledgeError

__all__ = ["Judgement", "OrgData", "OrgKind", "Role", "RoleAnswer", "RoleAsk", "RoleFound", "bare", "load_org_data",
           "org_data",
           "owned"]


@dataclass(frozen=True)
class OrgData:
    kinds: KindData
    roles: RoleData


def _listed_types(directory: Path) -> dict[str, str]:
    """org_type's choices that the notice lists (key → label), from indicators.yml."""
    basic = read_yaml(directory / "indicators.yml").get("basic") or []
    org = next((item for item in basic if isinstance(item, dict) and item.get("key") == "org_type"), None)
    if org is None:
        raise KnowledgeError("indicators.yml", "org_type", "缺少机构类型")
    listed = set(org["require"]["in"])
    return {key: str(label) for key, label in org["choices"].items() if key in listed}


def load_org_data(directory: Path, kb: KnowledgeBase) -> OrgData:
    """Read and validate org_kinds.yml and roles.yml of ``directory`` against the knowledge base ``kb``
    (clause references, the five types, the notice's recommending bodies, the answer templates, the intents)."""
    refs = set(kb.clauses)
    kinds = load_kinds(directory, refs, _listed_types(directory), kb.variables["en"]["org_types"])
    roles = load_roles(read_yaml(directory / "roles.yml"), refs, tuple(kb.variables["recommenders"]),
                       set(kb.environment.list_templates()), set(kb.answers),
                       len(kb.variables["process"]["recommendation"]["steps"]), set(kb.intents))
    return OrgData(kinds=kinds, roles=roles)


@functools.cache
def org_data() -> OrgData:
    """The validated kinds and roles of this installation, loaded once per process."""
    return load_org_data(KNOWLEDGE_DIR, knowledge_base())
