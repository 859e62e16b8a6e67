"""Which language a message is written in: ``en`` for English, ``zh`` for everything else.

A message is English when it has no CJK character and at least half of its letters are Latin (ASCII or
full-width). Digits and punctuation alone ("85%", "120") are not English: they stay with the Chinese
engine, which reads them as it always did. Cheap enough for every parse (two regex scans).
"""

from __future__ import annotations

import re
from typing import Literal

__all__ = ["Language", "detect_language"]

Language = Literal["en", "zh"]

# CJK ideographs (with extension A and compatibility ideographs) and kana: any of them makes a message Chinese
# for the engine ("资产 1.2 million" is read by the Chinese side). Full-width punctuation alone does not
# ("What is the minimum total assets。" typed with a Chinese input method is English).
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z\uff21-\uff3a\uff41-\uff5a]")
_LETTER = re.compile(r"[^\W\d_]")


def detect_language(text: str) -> Language:
    """``en`` when the text has no CJK and mostly Latin letters, else ``zh`` (the default)."""
    if not isinstance(text, str) or _CJK.search(text) is not None:
        return "zh"
    latin = len(_LATIN.findall(text))
    if latin == 0:
        return "zh"
    return "en" if 2 * latin >= len(_LETTER.findall(text)) else "zh"
