"""The built-in NLU engine: a linear intent classifier on jieba words and character n-grams with a calibrated
out-of-scope rule, plus rule-based entity extraction, returning Rasa's parse shape."""

from __future__ import annotations

import re
from pathlib import Path

from nlu._entities import extract_entities
from nlu._features import Featurizer
from nlu._model import IntentModel, Prediction, load_or_train
from nlu._normalize import normalize
from nlu._training_data import OUT_OF_SCOPE_INTENT, load_training_data
from nlu._types import FALLBACK_INTENT, Entity, IntentScore, ParseResult

__all__ = ["BuiltinEngine", "has_meaningful_text"]

MAX_PARSE_CHARS = 4096
RANKING_SIZE = 10
# exactly Unicode categories L and N (checked over all code points with Python 3.11)
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


def has_meaningful_text(text: str) -> bool:
    """True when the text has at least one letter or digit (CJK included); emoji, punctuation and control
    characters alone are not a question."""
    return _LETTER_OR_DIGIT.search(text) is not None


class BuiltinEngine:
    """Understands one message: intent with confidence and ranking (top 10), and entities."""

    name = "builtin"

    def __init__(self, model: IntentModel, featurizer: Featurizer) -> None:
        self.model = model
        self.featurizer = featurizer
        # the labels as reported: ``out_of_scope`` under Rasa's name ``nlu_fallback``
        self._names = tuple(FALLBACK_INTENT if name == OUT_OF_SCOPE_INTENT else name for name in model.labels)

    @classmethod
    def load(cls, path: Path | None = None) -> BuiltinEngine:
        """Train from ``nlu/nlu.yml`` (or ``path``), or load the model cached for that exact data."""
        data = load_training_data(path)
        featurizer = Featurizer(data.synonyms, data.lookups)
        return cls(load_or_train(data, featurizer), featurizer)

    def parse(self, text: str) -> ParseResult:
        if not isinstance(text, str):
            text = ""
        if len(text) > MAX_PARSE_CHARS or not has_meaningful_text(text):
            return self._fallback(text, (), 1.0, ())
        norm = normalize(text)  # one normalisation serves the entities and the features
        entities = extract_entities(text, norm=norm)
        content = self.featurizer.content(text, entities, norm)
        prediction = self.model.predict(self.featurizer.features(content), content)
        return self._result(text, entities, prediction)

    def _result(self, text: str, entities: tuple[Entity, ...], prediction: Prediction) -> ParseResult:
        probs = prediction.probabilities
        # the reported ranking has 10 names; with out of scope among them, the next one is needed too
        order = (-probs).argsort()[:RANKING_SIZE + 1].tolist()
        values = probs.tolist()
        names = self._names
        if self.model.is_out_of_scope(prediction):
            others = [i for i in order if names[i] != FALLBACK_INTENT][:RANKING_SIZE - 1]
            top_in_scope = values[others[0]] if others else 0.0
            ranking = tuple(IntentScore(names[i], values[i]) for i in others)
            return self._fallback(text, entities, 1.0 - top_in_scope, ranking)
        ranking = tuple(IntentScore(names[i], values[i]) for i in order[:RANKING_SIZE])
        return ParseResult(text=text, intent=ranking[0].name, confidence=ranking[0].confidence, entities=entities,
                           intent_ranking=ranking, engine=self.name)

    def _fallback(self, text: str, entities: tuple[Entity, ...], confidence: float,
                  ranking: tuple[IntentScore, ...]) -> ParseResult:
        others = tuple(s for s in ranking if s.name != FALLBACK_INTENT)
        head = IntentScore(FALLBACK_INTENT, confidence)
        return ParseResult(text=text, intent=FALLBACK_INTENT, confidence=confidence, entities=entities,
                           intent_ranking=(head, *others)[:RANKING_SIZE], engine=self.name)

