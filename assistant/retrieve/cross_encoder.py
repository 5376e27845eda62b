"""An optional cross-encoder reranker, loaded from a local path (none ships offline today, so
the default rerank is sentence-level similarity plus lexical evidence)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np


class PairScorer(Protocol):
    def predict(self, pairs: list[tuple[str, str]], **kwargs: object) -> object: ...


class CrossEncoderReranker:
    """Scores (query, passage) pairs jointly; higher is more relevant, squashed to 0..1."""

    def __init__(self, model: str | PairScorer) -> None:
        if isinstance(model, str):
            from sentence_transformers import CrossEncoder

            self.model: PairScorer = CrossEncoder(model, device="cpu")
        else:
            self.model = model

    def score(self, query: str, passages: Sequence[str]) -> np.ndarray:
        if not passages:
            return np.zeros(0, dtype=np.float32)
        raw = np.asarray(self.model.predict([(query, p) for p in passages]), dtype=np.float32)
        if raw.ndim > 1:  # a head with several labels: take the last ("relevant")
            raw = raw[:, -1]
        return 1.0 / (1.0 + np.exp(-raw))
