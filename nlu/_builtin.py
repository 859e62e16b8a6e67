"""The built-in NLU engine: a linear intent classifier on jieba words and character n-grams with a calibrated
out-of-scope rule, plus rule-based entity extraction, returning Rasa's parse shape. One model per language
(Chinese, English), chosen by ``detect_language``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from nlu._extract import extract_entities
from nlu._features import Featurizer
from nlu._language import detect_language
from nlu._model import IntentModel, Prediction, load_or_train
from nlu._normalize import normalize
from nlu._training_data import OUT_OF_SCOPE_INTENT, load_training_data
from nlu._types import FALLBACK_INTENT, Entity, IntentScore, ParseResult

__all__ = ["BuiltinEngine", "has_meaningful_text"]

MAX_PARSE_CHARS = 4096
RANKING_SIZE = 10
MIN_LANGUAGE_EXAMPLES = 20  # fewer examples in a language than this: no model of its own (5-fold calibration)
# exactly Unicode categories L and N (checked over all code points with Python 3.11)
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


def has_meaningful_text(text: str) -> bool:
    """True when the text has at least one letter or digit (CJK included); emoji, punctuation and control
    characters alone are not a question."""
    return _LETTER_OR_DIGIT.search(text) is not None


class BuiltinEngine:
    """Understands one message: intent with confidence and ranking (top 10), and entities. Chinese and English
    messages each have their own model, trained on the examples of ``nlu.yml`` in that language; a language
    without a model of its own (a training file without English) is read by the Chinese model."""

    name = "builtin"

    def __init__(self, models: Mapping[str, IntentModel], featurizer: Featurizer) -> None:
        self.models = dict(models)
        self.model = self.models["zh"]
        self.featurizer = featurizer
        # the labels as reported: ``out_of_scope`` under Rasa's name ``nlu_fallback``
        self._names = {lang: tuple(FALLBACK_INTENT if name == OUT_OF_SCOPE_INTENT else name for name in m.labels)
                       for lang, m in self.models.items()}

    @classmethod
    def load(cls, path: Path | None = None) -> BuiltinEngine:
        """Train from ``nlu/nlu.yml`` (or ``path``), or load the models cached for that exact data."""
        data = load_training_data(path)
        featurizer = Featurizer(data.synonyms, data.lookups)
        english = data.for_language("en")
        models = {"zh": load_or_train(data.for_language("zh"), featurizer)}
        if len(english.intents) >= 2 and len(english.examples) >= MIN_LANGUAGE_EXAMPLES:
            models["en"] = load_or_train(english, featurizer)
        return cls(models, featurizer)

    def parse(self, text: str) -> ParseResult:
        if not isinstance(text, str):
            text = ""
        lang = detect_language(text)
        if len(text) > MAX_PARSE_CHARS or not has_meaningful_text(text):
            return self._fallback(text, (), 1.0, (), lang)
        model_lang = lang if lang in self.models else "zh"
        norm = normalize(text)  # one normalisation serves the entities and the features
        entities = extract_entities(text, norm=norm, lang=lang)
        content = self.featurizer.content(text, entities, norm, lang)
        model = self.models[model_lang]
        prediction = model.predict(self.featurizer.features(content), content)
        return self._result(text, entities, prediction, lang, model_lang)

    def _result(self, text: str, entities: tuple[Entity, ...], prediction: Prediction, lang: str,
                model_lang: str) -> ParseResult:
        probs = prediction.probabilities
        # the reported ranking has 10 names; with out of scope among them, the next one is needed too
        order = (-probs).argsort()[:RANKING_SIZE + 1].tolist()
        values = probs.tolist()
        names = self._names[model_lang]
        if self.models[model_lang].is_out_of_scope(prediction):
            others = [i for i in order if names[i] != FALLBACK_INTENT][:RANKING_SIZE - 1]
            top_in_scope = values[others[0]] if others else 0.0
            ranking = tuple(IntentScore(names[i], values[i]) for i in others)
            return self._fallback(text, entities, 1.0 - top_in_scope, ranking, lang)
        ranking = tuple(IntentScore(names[i], values[i]) for i in order[:RANKING_SIZE])
        return ParseResult(text=text, intent=ranking[0].name, confidence=ranking[0].confidence, entities=entities,
                           intent_ranking=ranking, engine=self.name, lang=lang)

    def _fallback(self, text: str, entities: tuple[Entity, ...], confidence: float,
                  ranking: tuple[IntentScore, ...], lang: str) -> ParseResult:
        others = tuple(s for s in ranking if s.name != FALLBACK_INTENT)
        head = IntentScore(FALLBACK_INTENT, confidence)
        return ParseResult(text=text, intent=FALLBACK_INTENT, confidence=confidence, entities=entities,
                           intent_ranking=(head, *others)[:RANKING_SIZE], engine=self.name, lang=lang)
