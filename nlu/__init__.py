"""Chinese (and English) NLU for shenbao: ``from nlu import parse`` is the contract.

``parse(text)`` returns a :class:`ParseResult` in Rasa's ``/model/parse`` shape, with ``lang`` ("zh" or "en",
from ``detect_language``). The engine is the built-in one unless ``SHENBAO_NLU=rasa`` selects a Rasa server;
internals may move.
"""

from nlu._actdata import topic_intents, vocabulary
from nlu._acts import Act, ActKind, DialogueContext, Understanding, figure_intents, understand
from nlu._api import (
    configured_engine,
    engine_health,
    engine_name,
    engine_status,
    get_engine,
    parse,
    reset_engine,
)
from nlu._extract import extract_entities
from nlu._language import detect_language
from nlu._normalize import normalize
from nlu._types import FALLBACK_INTENT, Entity, IntentScore, ParseResult

__all__ = [
    "FALLBACK_INTENT",
    "Act",
    "ActKind",
    "DialogueContext",
    "Entity",
    "IntentScore",
    "ParseResult",
    "Understanding",
    "configured_engine",
    "detect_language",
    "engine_health",
    "engine_name",
    "engine_status",
    "extract_entities",
    "figure_intents",
    "get_engine",
    "normalize",
    "parse",
    "reset_engine",
    "topic_intents",
    "understand",
    "vocabulary",
]
