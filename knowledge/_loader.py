"""Loads the YAML files of knowledge/ once per process."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from knowledge.errors import KnowledgeError

KNOWLEDGE_DIR = Path(__file__).resolve().parent


def read_yaml(path: Path) -> Any:
    """Parse one YAML file; a syntax error becomes a KnowledgeError naming the file."""
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except FileNotFoundError as exc:
        raise KnowledgeError(str(path), "-", "文件不存在") from exc
    except yaml.YAMLError as exc:
        raise KnowledgeError(str(path), "-", f"YAML 语法错误：{exc}") from exc


@functools.cache
def load_file(name: str) -> Any:
    """Load knowledge/<name> (cached: the data is read once per process)."""
    return read_yaml(KNOWLEDGE_DIR / name)
