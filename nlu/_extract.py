"""Entity extraction by language: English messages go to ``nlu._entities_en``, all others to the Chinese
extractor of ``nlu._entities``, which is unchanged. ``from nlu import extract_entities`` is this function."""

from __future__ import annotations

import datetime

from nlu._entities import extract_entities as extract_entities_zh
from nlu._entities_en import extract_entities_en
from nlu._language import detect_language
from nlu._types import Entity

__all__ = ["extract_entities"]


def extract_entities(text: str, *, today: datetime.date | None = None, norm: str | None = None,
                     lang: str | None = None) -> tuple[Entity, ...]:
    """All entities of ``text`` in order of appearance. ``lang`` is ``detect_language(text)`` when the caller
    has it already; ``today`` resolves relative Chinese dates (去年3月); ``norm`` is ``normalize(text[:4096])``."""
    if not isinstance(text, str):
        return ()
    if (lang or detect_language(text)) == "en":
        return extract_entities_en(text, norm=norm)
    return extract_entities_zh(text, today=today, norm=norm)
