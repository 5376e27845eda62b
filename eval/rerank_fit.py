"""Fit the rerank's weights: a linear score over `RERANK_FEATURES` that puts a gold passage first.

Listwise (softmax over each question's candidates, the gold ones sharing the target), with a
little L2 so that a feature the tune split cannot tell apart stays near zero. Pure numpy: a
few hundred questions of thirty candidates fit in seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Candidates:
    """One question's candidate passages: a row of features each, and which hold a gold source."""

    features: np.ndarray
    gold: np.ndarray


def fit_weights(
    questions: Sequence[Candidates],
    l2: float = 5e-5,
    iterations: int = 600,
    sharpness: float = 20.0,
    step: float = 0.5,
) -> np.ndarray:
    """Weights maximising the softmax probability of each question's gold candidates
    (`sharpness` scales the scores inside the softmax: rerank scores differ by hundredths)."""
    usable = [q for q in questions if q.gold.any() and len(q.gold) > 1]
    if not usable:
        raise ValueError("no question has a gold passage among several candidates")
    width = max(len(q.gold) for q in usable)
    features = np.zeros((len(usable), width, usable[0].features.shape[1]))
    present = np.zeros((len(usable), width), dtype=bool)
    target = np.zeros((len(usable), width))
    for i, q in enumerate(usable):
        features[i, : len(q.gold)] = q.features
        present[i, : len(q.gold)] = True
        target[i, : len(q.gold)] = q.gold / q.gold.sum()
    weights = np.zeros(features.shape[2])
    for _ in range(iterations):
        logits = np.where(present, sharpness * (features @ weights), -np.inf)
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        gradient = np.einsum("qcf,qc->f", features, p - target)
        weights -= step * (gradient / len(usable) + l2 * weights)
    return weights


def hit_at_1(questions: Sequence[Candidates], weights: np.ndarray) -> float:
    """Share of questions (with a gold candidate) whose best-scored candidate is gold."""
    usable = [q for q in questions if q.gold.any()]
    if not usable:
        return 0.0
    return float(np.mean([q.gold[int(np.argmax(q.features @ weights))] for q in usable]))


def leave_one_set_out(
    questions: Sequence[Candidates], sets: Sequence[str], columns: Sequence[int]
) -> dict[str, float]:
    """For each question set (`sets[i]` names question i's), hit@1 over its candidates with
    the weights fitted on every other set, using only these feature `columns`: whether a
    feature helps on questions its weights never saw."""
    chosen = [Candidates(q.features[:, list(columns)], q.gold) for q in questions]
    out: dict[str, float] = {}
    for held in sorted(set(sets)):
        train = [q for q, s in zip(chosen, sets, strict=True) if s != held]
        test = [q for q, s in zip(chosen, sets, strict=True) if s == held]
        out[held] = hit_at_1(test, fit_weights(train))
    return out


def fit_shift(
    questions: Sequence[Candidates],
    weights: np.ndarray,
    grouped: Sequence[bool],
    columns: Sequence[int],
) -> np.ndarray:
    """What to add to `weights` for the `grouped` questions (practice questions: "what should
    I record?"), on these feature `columns` only, the others' order left as it is: a fit of
    the present score plus the grouped questions' own columns, read back per unit of that
    score (a zero where a column is not shifted)."""
    picked = list(columns)
    widened = [
        Candidates(
            np.hstack([(q.features @ weights)[:, None], q.features[:, picked] * float(g)]), q.gold
        )
        for q, g in zip(questions, grouped, strict=True)
    ]
    fitted = fit_weights(widened)
    shift = np.zeros(len(weights))
    shift[picked] = fitted[1:] / fitted[0]
    return shift
