"""CSV cells that spreadsheet programs show as text, never run as formulas: OWASP's CSV-injection rule. A cell
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, unless it is a
plain number ("-5", "+1.5"), which no spreadsheet reads as a formula."""

from __future__ import annotations

import re

__all__ = ["safe_cell"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?\Z")


def safe_cell(value: object) -> object:
    """``value`` as a CSV writer should get it: text that a spreadsheet would run is neutralised."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value
