"""Scores an NLU engine on a held-out file in Rasa's format: accuracy, macro F1, per-intent precision and
recall, the confusions, and out-of-scope precision/recall (expected intent ``nlu_fallback``)."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from knowledge.errors import NluUnavailableError
from nlu._training_data import EVAL_FILE, OUT_OF_SCOPE_INTENT, load_training_data
from nlu._types import FALLBACK_INTENT, ParseResult

__all__ = ["EvaluationReport", "IntentScores", "evaluate"]


class _Parser(Protocol):
    name: str

    def parse(self, text: str) -> ParseResult: ...


@dataclass(frozen=True)
class IntentScores:
    intent: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class EvaluationReport:
    engine: str
    file: str
    total: int
    accuracy: float
    macro_f1: float
    oos_precision: float
    oos_recall: float
    per_intent: tuple[IntentScores, ...]
    confusions: tuple[tuple[str, str, str], ...]  # (text, expected, predicted)
    seconds: float


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _scores(pairs: list[tuple[str, str]]) -> tuple[IntentScores, ...]:
    gold = Counter(g for g, _ in pairs)
    predicted = Counter(p for _, p in pairs)
    hits = Counter(g for g, p in pairs if g == p)
    out = []
    for intent in sorted(set(gold) | set(predicted)):
        precision, recall = _ratio(hits[intent], predicted[intent]), _ratio(hits[intent], gold[intent])
        f1 = _ratio(int(2e6 * precision * recall), int(1e6 * (precision + recall))) if precision + recall else 0.0
        out.append(IntentScores(intent, precision, recall, f1, gold[intent]))
    return tuple(out)


def _reported(intent: str) -> str:
    """An engine trained on nlu.yml may return the training intent out_of_scope; it means nlu_fallback."""
    return FALLBACK_INTENT if intent == OUT_OF_SCOPE_INTENT else intent


def evaluate(engine: _Parser, path: Path | None = None) -> EvaluationReport:
    """Parse every example of the held-out file with ``engine`` and score the predictions."""
    path = path or EVAL_FILE
    data = load_training_data(path, evaluation=True)
    started = time.perf_counter()
    parsed = [(text, gold, engine.parse(text)) for text, gold in data.examples]
    seconds = time.perf_counter() - started
    stand_ins = sum(1 for _, _, result in parsed if result.engine != engine.name)
    if stand_ins:
        raise NluUnavailableError(f"{engine.name} 引擎未能回答 {stand_ins} 句（由其他引擎代答），评估结果无效。")
    results = [(text, gold, _reported(result.intent)) for text, gold, result in parsed]
    pairs = [(g, p) for _, g, p in results]
    per_intent = _scores(pairs)
    with_support = [s for s in per_intent if s.support]
    oos = next((s for s in per_intent if s.intent == FALLBACK_INTENT), IntentScores(FALLBACK_INTENT, 0, 0, 0, 0))
    return EvaluationReport(
        engine=engine.name, file=str(path), total=len(results),
        accuracy=_ratio(sum(1 for g, p in pairs if g == p), len(pairs)),
        macro_f1=sum(s.f1 for s in with_support) / len(with_support) if with_support else 0.0,
        oos_precision=oos.precision, oos_recall=oos.recall, per_intent=per_intent,
        confusions=tuple((t, g, p) for t, g, p in results if g != p), seconds=seconds,
    )
