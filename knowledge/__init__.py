"""The notice as data: clauses, thresholds, materials, process, deadlines and answer templates.

``from knowledge import load_file`` reads one YAML file of this package (cached);
the typed views over the data live in private modules and are re-exported here.
"""

from knowledge._age import AgeBasis, age_basis, age_in_years, years_between
from knowledge._answers import Answer, compose, has_answer
from knowledge._figures import FigureCheck
from knowledge._kb import AnswerSpec, Clause, KnowledgeBase, Material, Threshold, knowledge_base
from knowledge._loader import KNOWLEDGE_DIR, load_file, read_yaml
from knowledge._org_answers import ask_answer, can_apply_answer, role_answer, step_answer
from knowledge._orgs import (
    Judgement,
    OrgData,
    OrgKind,
    Role,
    RoleAsk,
    RoleFound,
    bare,
    load_org_data,
    org_data,
    owned,
)
from knowledge._settings import env_number
from knowledge._templates import format_number, render
from knowledge._validation import Summary, load_knowledge, validate
from knowledge.errors import (
    ConfigError,
    KnowledgeError,
    NluUnavailableError,
    ShenbaoError,
    StorageBusyError,
    StorageUnavailableError,
    UserInputError,
)

__all__ = [
    "KNOWLEDGE_DIR",
    "AgeBasis",
    "Answer",
    "AnswerSpec",
    "Clause",
    "ConfigError",
    "FigureCheck",
    "Judgement",
    "KnowledgeBase",
    "KnowledgeError",
    "Material",
    "NluUnavailableError",
    "OrgData",
    "OrgKind",
    "Role",
    "RoleAsk",
    "RoleFound",
    "ShenbaoError",
    "StorageBusyError",
    "StorageUnavailableError",
    "Summary",
    "Threshold",
    "UserInputError",
    "age_basis",
    "age_in_years",
    "ask_answer",
    "bare",
    "can_apply_answer",
    "compose",
    "env_number",
    "format_number",
    "has_answer",
    "knowledge_base",
    "load_file",
    "load_knowledge",
    "load_org_data",
    "org_data",
    "owned",
    "read_yaml",
    "render",
    "role_answer",
    "step_answer",
    "validate",
    "years_between",
]
