"""Sentence spans inside a chunk, and a cache of their embeddings."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

import numpy as np

from assistant.embeddings import Embedder

_BOUNDARY = re.compile(r"(?<=[.!?])[\"')]?\s+(?=[A-Z0-9\"'(])|\n+")
_MARKER = re.compile(r"-\s+|\d{1,2}\.\s+(?=[a-z])")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "No.", "Mr.", "Mrs.", "Dr.", "St.")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence or list line in `text`, trimmed of list markers' spaces."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.start()
        piece = text[start:end]
        if (
            match.group(0).strip() == ""
            and "\n" not in match.group(0)
            and piece.endswith(_ABBREVIATIONS)
        ):
            continue
        _add(text, start, end, spans)
        start = match.end()
    _add(text, start, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    marker = _MARKER.match(text, start, end)
    if marker:
        start = marker.end()
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


class SentenceVectors:
    """Embeddings of sentences, cached by text: the same passages recur across questions."""

    def __init__(self, embedder: Embedder, capacity: int = 50_000) -> None:
        self.embedder = embedder
        self.capacity = capacity
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            encoded = self.embedder.encode(missing)
            with self._lock:
                for text, vector in zip(missing, encoded, strict=True):
                    self._cache[text] = vector
                while len(self._cache) > self.capacity:
                    self._cache.popitem(last=False)
        with self._lock:
            if not texts:
                return np.zeros((0, 1), dtype=np.float32)
            return np.vstack([self._cache[t] for t in texts])
