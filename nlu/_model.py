"""The trained intent model: vocabulary, idf, linear weights and the calibrated out-of-scope rule.

``train_model`` fits on all of ``nlu.yml`` and calibrates the out-of-scope rule on out-of-fold predictions
(k-fold cross-validation on the training data; the evaluation file is never looked at). Models are cached in
the user cache directory, keyed by the hash of the training data and of the code that featurises.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import operator
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from nlu._classifier import FloatArray, IntArray, LinearModel, Sparse, fit_dual, gram, primal_weights, softmax
from nlu._extract import extract_entities
from nlu._features import Featurizer, cache_dir
from nlu._training_data import OUT_OF_SCOPE_INTENT, TrainingData

__all__ = ["Calibration", "IntentModel", "Prediction", "load_or_train", "train_model"]

_log = logging.getLogger(__name__)
_FOLDS = 5
_LATIN = re.compile(r"[a-z]")
_CJK = re.compile(r"[\u3400-\u9fff]")
# English words that carry no topic (questions of every intent and out of scope share them)
_FUNCTION_WORDS = frozenset((
    "a", "an", "the", "and", "or", "but", "if", "so", "to", "of", "in", "on", "at", "by", "for", "from", "with",
    "about", "as", "into", "than", "then", "there", "here", "this", "that", "these", "those", "it", "its", "is",
    "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "done", "have", "has", "had",
    "having", "can", "could", "will", "would", "shall", "should", "may", "might", "must", "i", "me", "my", "we",
    "us", "our", "ours", "you", "your", "he", "she", "they", "them", "their", "what", "which", "who", "whom",
    "whose", "when", "where", "why", "how", "not", "no", "yes", "any", "some", "all", "each", "every", "much",
    "many", "more", "most", "very", "just", "also", "too", "please", "pls", "ok", "okay", "hi", "hey", "tell",
    "know", "want", "need", "get", "got", "let", "lets", "dont", "doesnt", "im", "ive", "whats", "thats",
))
_CODE_FILES = ("_model.py", "_features.py", "_classifier.py", "_entities.py", "_numerals.py", "_loose.py",
               "_entities_en.py", "_extract.py", "_language.py", "_reldates.py", "_normalize.py")


@dataclass(frozen=True)
class Calibration:
    """Fall back when the best intent's probability is below ``threshold`` or when more than ``max_unknown``
    of the question's character bigrams never occur in the training data."""

    threshold: float
    max_unknown: float


@dataclass(frozen=True)
class Prediction:
    probabilities: FloatArray
    unknown: float


@dataclass(frozen=True)
class IntentModel:
    labels: tuple[str, ...]
    vocab: dict[str, int]
    idf: FloatArray
    linear: LinearModel
    calibration: Calibration

    def predict(self, features: Sequence[str], content: str) -> Prediction:
        known = self.vocab.keys() & features  # each known feature once
        indices = np.array(sorted(map(self.vocab.__getitem__, known)), dtype=np.int64)
        data = self.idf[indices]
        norm = float(np.sqrt(np.add.reduce(data * data))) or 1.0
        return Prediction(self.linear.scores(indices, data / norm), _unknown_ratio(content, self.vocab))

    def is_out_of_scope(self, prediction: Prediction) -> bool:
        top = int(prediction.probabilities.argmax())
        return (self.labels[top] == OUT_OF_SCOPE_INTENT
                or float(prediction.probabilities[top]) < self.calibration.threshold
                or prediction.unknown > self.calibration.max_unknown)


def _unknown_ratio(content: str, vocab: dict[str, int]) -> float:
    """The share of the question's character bigrams never seen in training; for English (Latin letters, no
    CJK: ``Featurizer.content`` keeps its words apart) the share of its words other than function words, since
    almost every pair of Latin letters occurs somewhere in the training data and "what can i …" says nothing
    about the topic."""
    if _LATIN.search(content) is not None and _CJK.search(content) is None:
        words = [w for w in content.split(" ") if w not in _FUNCTION_WORDS] or content.split(" ")
        return sum(1 for w in words if "w:" + w not in vocab) / len(words)
    grams = list(map(operator.add, content, content[1:])) or list(content)
    if not grams:
        return 1.0
    known = sum(map(vocab.__contains__, grams))
    return (len(grams) - known) / len(grams)


# Chosen by 5-fold cross-validation on nlu.yml (λ ∈ {0.02, 0.05, 0.1, 0.3, 1}, out-of-scope weight ∈ {1, 3, 6}):
# out-of-fold accuracy 0.885–0.89 at λ=0.05 with out_of_scope weighing 3 intents, against 0.85 at λ=1 unweighted.
# Out of scope is one broad class of unrelated questions, so it gets more weight than a single intent.
_L2 = 0.05
_OUT_OF_SCOPE_WEIGHT = 3.0
_TEMPERATURES = tuple(float(t) for t in range(1, 61))


@dataclass(frozen=True)
class _Design:
    vocab: dict[str, int]
    idf: FloatArray
    x: Sparse
    labels: IntArray


def _design(rows: Sequence[Sequence[str]], labels: Sequence[str], intents: tuple[str, ...]) -> _Design:
    df = Counter(f for row in rows for f in set(row))
    names = sorted(df)
    vocab = {f: i for i, f in enumerate(names)}
    n = len(rows)
    idf = np.array([math.log((1 + n) / (1 + df[f])) + 1.0 for f in names], dtype=np.float32)
    x = Sparse.from_rows([sorted({vocab[f] for f in row}) for row in rows], idf)
    index = {name: i for i, name in enumerate(intents)}
    return _Design(vocab, idf, x, np.array([index[label] for label in labels], dtype=np.int64))


def _featurize(data: TrainingData, featurizer: Featurizer) -> tuple[list[list[str]], list[str]]:
    contents = [featurizer.content(text, extract_entities(text)) for text, _ in data.examples]
    return [featurizer.features(c) for c in contents], contents


def _folds(labels: IntArray) -> list[IntArray]:
    """Stratified, deterministic: the examples of each intent are dealt to the folds in turn."""
    order = np.lexsort((np.arange(len(labels)), labels))
    fold_of = np.empty(len(labels), dtype=np.int64)
    fold_of[order] = np.arange(len(labels)) % _FOLDS
    return [np.flatnonzero(fold_of == f) for f in range(_FOLDS)]


def _oof_scores(kernel: FloatArray, labels: IntArray, n_classes: int, boost: dict[int, float],
                folds: list[IntArray]) -> npt.NDArray[np.float64]:
    scores = np.zeros((len(labels), n_classes))
    for test in folds:
        train = np.setdiff1d(np.arange(len(labels)), test)
        dual = fit_dual(kernel[np.ix_(train, train)], labels[train], n_classes, _L2, boost)
        scores[test] = kernel[np.ix_(test, train)] @ dual
    return scores


def _oof_unknown(rows: list[list[str]], contents: list[str], folds: list[IntArray]) -> list[float]:
    unknown = [0.0] * len(rows)
    for test in folds:
        held = set(test.tolist())
        vocab = dict.fromkeys((f for i, row in enumerate(rows) if i not in held for f in row), 0)
        for i in held:
            unknown[i] = _unknown_ratio(contents[i], vocab)
    return unknown


def _temperature(scores: npt.NDArray[np.float64], labels: IntArray) -> float:
    """The softmax temperature with the lowest out-of-fold negative log-likelihood."""
    def nll(t: float) -> float:
        probs = softmax(t * scores)
        return float(-np.mean(np.log(probs[np.arange(len(labels)), labels] + 1e-9)))
    return min(_TEMPERATURES, key=nll)


def calibrate(results: Sequence[tuple[str, str, float, float]]) -> tuple[Calibration, float]:
    """The (threshold, max_unknown) pair with the best out-of-fold accuracy, out of scope counted as a class."""
    def accuracy(cal: Calibration) -> float:
        hits = 0
        for gold, top, prob, unknown in results:
            fallback = top == OUT_OF_SCOPE_INTENT or prob < cal.threshold or unknown > cal.max_unknown
            hits += (gold == OUT_OF_SCOPE_INTENT) if fallback else (gold == top)
        return hits / len(results)

    grid = [Calibration(t / 100, u / 100) for t in range(0, 91, 2) for u in (50, 60, 70, 80, 90, 101)]
    scored = [(accuracy(c), c) for c in grid]
    best = max(score for score, _ in scored)
    winners = sorted((c for score, c in scored if score == best), key=lambda c: (c.threshold, -c.max_unknown))
    return winners[len(winners) // 2], best


def train_model(data: TrainingData, featurizer: Featurizer) -> tuple[IntentModel, float]:
    """Fit on all examples; fit the softmax temperature and the out-of-scope rule on out-of-fold predictions
    (5-fold cross-validation on the training data). Returns the model and the out-of-fold accuracy."""
    rows, contents = _featurize(data, featurizer)
    intents = data.intents
    design = _design(rows, [intent for _, intent in data.examples], intents)
    kernel = gram(design.x)
    folds = _folds(design.labels)
    boost = {intents.index(OUT_OF_SCOPE_INTENT): _OUT_OF_SCOPE_WEIGHT} if OUT_OF_SCOPE_INTENT in intents else {}
    scores = _oof_scores(kernel, design.labels, len(intents), boost, folds)
    temperature = _temperature(scores, design.labels)
    probs = softmax(temperature * scores)
    unknown = _oof_unknown(rows, contents, folds)
    tops = probs.argmax(axis=1)
    results = [(intents[int(design.labels[i])], intents[int(tops[i])], float(probs[i, tops[i]]), unknown[i])
               for i in range(len(rows))]
    calibration, cv_accuracy = calibrate(results)
    dual = fit_dual(kernel, design.labels, len(intents), _L2, boost)
    weights = primal_weights(design.x, dual, len(design.vocab))
    return IntentModel(intents, design.vocab, design.idf, LinearModel(weights, temperature), calibration), cv_accuracy


def model_key(data: TrainingData) -> str:
    digest = hashlib.sha256(data.digest.encode())
    here = Path(__file__).resolve().parent
    for name in _CODE_FILES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:24]


def _save(model: IntentModel, path: Path) -> None:
    meta = {"labels": model.labels, "threshold": model.calibration.threshold,
            "max_unknown": model.calibration.max_unknown, "temperature": model.linear.temperature}
    vocab = np.array(sorted(model.vocab, key=model.vocab.__getitem__))
    tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
    np.savez(tmp, weights=model.linear.weights, idf=model.idf, vocab=vocab,
             meta=np.array(json.dumps(meta)))
    os.replace(tmp, path)


def _load(path: Path) -> IntentModel:
    with np.load(path, allow_pickle=False) as npz:
        meta = json.loads(str(npz["meta"]))
        vocab = {str(f): i for i, f in enumerate(npz["vocab"].tolist())}
        linear = LinearModel(npz["weights"], float(meta["temperature"]))
        return IntentModel(tuple(meta["labels"]), vocab, npz["idf"], linear,
                           Calibration(float(meta["threshold"]), float(meta["max_unknown"])))


def load_or_train(data: TrainingData, featurizer: Featurizer) -> IntentModel:
    """The cached model for this data and code, trained (and cached) when there is none."""
    path = cache_dir() / f"intent-model-{model_key(data)}.npz"
    if path.exists():
        try:
            return _load(path)
        except (OSError, ValueError, KeyError) as exc:
            _log.warning("cached NLU model %s unreadable (%s); retraining", path, exc)
    model, cv_accuracy = train_model(data, featurizer)
    _log.info("NLU model trained: %d intents, %d features, CV accuracy %.3f, threshold %.2f",
              len(model.labels), len(model.vocab), cv_accuracy, model.calibration.threshold)
    try:
        _save(model, path)
        _prune(path)
    except OSError as exc:
        _log.warning("cannot cache the NLU model in %s: %s", path, exc)
    return model


def _prune(keep: Path, spare: int = 3) -> None:
    """Models of older data or code are dropped, except the ``spare`` most recent (other checkouts)."""
    others = sorted((p for p in keep.parent.glob("intent-model-*.npz") if p != keep),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in others[spare:]:
        stale.unlink(missing_ok=True)
