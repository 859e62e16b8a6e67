"""Jinja2 templates of replies, by key. User text is only ever passed as a variable, never as source."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape

from knowledge._loader import KNOWLEDGE_DIR

TEMPLATES_DIR = KNOWLEDGE_DIR / "templates"


@functools.cache
def environment() -> Environment:
    return make_environment(TEMPLATES_DIR)


def make_environment(templates_dir: Path) -> Environment:
    """The reply environment over one templates folder (``kb check`` validates copies of the data too)."""
    env = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,  # templates are data shipped with the code: no stat() per render
    )
    env.filters["num"] = format_number
    return env


def compile_templates() -> int:
    """Compile every reply template now (``shenbao serve`` does it at start, so that no turn pays for a template's
    first use); returns how many there are."""
    env = environment()
    names = env.list_templates(extensions=("j2", "html"))
    for name in names:
        env.get_template(name)
    return len(names)


def format_number(value: Any) -> str:
    """120.0 -> "120", 1.5 -> "1.5", 1200000 -> "1200000" (no exponent, no trailing zeros)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")


@functools.cache
def _template(key: str) -> Template:
    """The compiled template of a key: the environment's own, looked up once (its cache is a least-recently-used
    list, reordered on every lookup; with ``auto_reload`` off it always gives the same template)."""
    name = key if "." in key.rsplit("/", 1)[-1] else f"{key}.j2"
    return environment().get_template(name)


def render(key: str, **variables: Any) -> str:
    """Render ``knowledge/templates/<key>.j2`` (or ``<key>`` when it has an extension)."""
    return _template(key).render(**variables).strip()
