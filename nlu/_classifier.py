"""A linear intent classifier on sparse features: class-balanced ridge regression solved in the dual.

Examples are lists of feature ids weighted by idf and L2-normalised. Training computes the Gram matrix
``K = X Xᵀ`` from the feature postings, solves one ``n × n`` linear system (n ≈ number of examples) and turns
the dual solution into per-feature weights, so it takes well under a second; cross-validation reuses ``K``.
Parsing one question adds a few dozen weight rows. Scores become probabilities through a softmax whose
temperature is fitted on out-of-fold predictions.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["LinearModel", "Sparse", "fit_dual", "gram", "primal_weights", "softmax"]

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Sparse:
    """CSR rows: ``indices[indptr[i]:indptr[i+1]]`` are the features of row i, with weights ``data``."""

    indptr: IntArray
    indices: IntArray
    data: FloatArray

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[int]], idf: FloatArray) -> Sparse:
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(r) for r in rows])
        indices = np.fromiter((i for r in rows for i in r), dtype=np.int64, count=int(indptr[-1]))
        data = idf[indices].astype(np.float32)
        for start, end in itertools.pairwise(indptr.tolist()):
            norm = float(np.sqrt(np.sum(data[start:end] ** 2))) or 1.0
            data[start:end] /= norm
        return cls(indptr, indices, data)

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1


@dataclass(frozen=True)
class LinearModel:
    """Scores ``x @ weights``; probabilities ``softmax(temperature * scores)``."""

    weights: FloatArray  # (n_features, n_classes)
    temperature: float

    def scores(self, indices: IntArray, data: FloatArray) -> FloatArray:
        """Class probabilities of one example given its feature ids and weights."""
        rows = self.weights[indices]  # a copy: weighted in place
        rows *= data[:, None]
        raw = np.add.reduce(rows, axis=0)  # of no rows: zeros
        # softmax of one row, without the 2-D wrappers (the same operations in the same order)
        logits = self.temperature * raw
        exp = np.exp(logits - np.maximum.reduce(logits))
        probs: FloatArray = (exp / np.add.reduce(exp)).astype(np.float32, copy=False)
        return probs


def softmax(logits: npt.NDArray[np.floating[Any]]) -> FloatArray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    out: FloatArray = (exp / exp.sum(axis=1, keepdims=True)).astype(np.float32)
    return out


def _by_feature(x: Sparse) -> tuple[IntArray, IntArray, FloatArray, IntArray]:
    """The CSC view: (feature of each run start, row ids, values, run starts) sorted by feature."""
    rows = np.repeat(np.arange(x.n_rows), np.diff(x.indptr))
    order = np.argsort(x.indices, kind="stable")
    features = x.indices[order]
    starts = np.concatenate(([0], np.flatnonzero(np.diff(features)) + 1)).astype(np.int64)
    return features[starts], rows[order], x.data[order], starts


def gram(x: Sparse) -> FloatArray:
    """``K = X Xᵀ`` accumulated feature by feature (each feature adds the outer product of its postings)."""
    kernel = np.zeros((x.n_rows, x.n_rows), dtype=np.float32)
    _, rows, values, starts = _by_feature(x)
    ends = np.append(starts[1:], len(rows))
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        r, v = rows[start:end], values[start:end]
        if end - start == 1:
            kernel[r[0], r[0]] += v[0] * v[0]
        elif end - start == x.n_rows:  # in every row (the sentence boundary marks): no fancy-index copies
            kernel += np.outer(v, v)
        else:
            kernel[np.ix_(r, r)] += np.outer(v, v)
    return kernel


def fit_dual(kernel: FloatArray, labels: IntArray, n_classes: int, l2: float,
             class_boost: dict[int, float] | None = None) -> FloatArray:
    """Class-balanced ridge regression on one-hot targets, in the dual: ``A = (K + λ S⁻¹)⁻¹ Y`` where S holds
    the sample weights (each class weighs the same in total, times its ``class_boost``)."""
    n = len(labels)
    targets = np.zeros((n, n_classes), dtype=np.float32)
    targets[np.arange(n), labels] = 1.0
    counts = np.bincount(labels, minlength=n_classes).astype(np.float64)
    boost = np.ones(n_classes)
    for label, factor in (class_boost or {}).items():
        boost[label] = factor
    weights = n * boost[labels] / (n_classes * counts[labels])
    system = kernel.copy()
    system[np.diag_indices(n)] += (l2 / weights).astype(np.float32)
    return np.asarray(np.linalg.solve(system, targets), dtype=np.float32)


def primal_weights(x: Sparse, dual: FloatArray, n_features: int, chunk: int = 8192) -> FloatArray:
    """``W = Xᵀ A``: per-feature weights, so parsing needs no kernel. Done a few thousand features at a time
    to keep the temporary (non-zeros × classes) small."""
    features, rows, values, starts = _by_feature(x)
    weights = np.zeros((n_features, dual.shape[1]), dtype=np.float32)
    bounds = np.append(starts, len(rows))
    for first in range(0, len(features), chunk):
        last = min(first + chunk, len(features))
        lo, hi = int(bounds[first]), int(bounds[last])
        contributions = dual[rows[lo:hi]] * values[lo:hi, None]
        weights[features[first:last]] = np.add.reduceat(contributions, starts[first:last] - lo, axis=0)
    return weights
