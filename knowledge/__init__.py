"""The notice as data: clauses, thresholds, materials, process, deadlines and answer templates.

``from knowledge import load_file`` reads one YAML file of this package (cached);
the typed views over the data live in private modules and are re-exported here.
"""

from knowledge._loader import KNOWLEDGE_DIR, load_file, read_yaml
from knowledge._templates import format_number, render
from knowledge.errors import (
    ConfigError,
    KnowledgeError,
    NluUnavailableError,
    ShenbaoError,
    StorageUnavailableError,
    UserInputError,
)

__all__ = [
    "KNOWLEDGE_DIR",
    "ConfigError",
    "KnowledgeError",
    "NluUnavailableError",
    "ShenbaoError",
    "StorageUnavailableError",
    "UserInputError",
    "format_number",
    "load_file",
    "read_yaml",
    "render",
]
