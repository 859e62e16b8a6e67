"""``kb check`` for the reminders' data: deadlines.yml, holidays.yml and material_synonyms.yml (whose keys must be
materials of materials.yml and whose words may name one material only)."""

from __future__ import annotations

from pathlib import Path

from knowledge._deadlines import DEADLINES_FILE, parse_deadlines, read_dates_yaml
from knowledge._loader import read_yaml
from knowledge._workdays import HOLIDAYS_FILE, parse_holidays
from knowledge.errors import KnowledgeError

SYNONYMS_FILE = "material_synonyms.yml"


def check_synonyms(data: object, material_keys: set[str]) -> int:
    if not isinstance(data, dict) or not isinstance(data.get("synonyms"), dict):
        raise KnowledgeError(SYNONYMS_FILE, "synonyms", "应为以材料 key 为键的映射")
    owner: dict[str, str] = {}
    for key, words in data["synonyms"].items():
        if key not in material_keys:
            raise KnowledgeError(SYNONYMS_FILE, f"synonyms.{key}", "不是 materials.yml 中的材料 key")
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
            raise KnowledgeError(SYNONYMS_FILE, f"synonyms.{key}", "应为非空文字的列表")
        for word in words:
            if owner.setdefault(word, key) != key:
                raise KnowledgeError(SYNONYMS_FILE, f"synonyms.{key}", f"“{word}”已用于 {owner[word]}")
    return len(owner)


def check_reminder_data(directory: Path, material_keys: set[str]) -> None:
    """Raise KnowledgeError (file and key) on the first problem in the reminders' three files."""
    parse_deadlines(read_dates_yaml(directory / DEADLINES_FILE), DEADLINES_FILE)
    parse_holidays(read_dates_yaml(directory / HOLIDAYS_FILE), HOLIDAYS_FILE)
    check_synonyms(read_yaml(directory / SYNONYMS_FILE), material_keys)
