"""Sentence spans inside a chunk, and a cache of their embeddings."""

from __future__ import annotations

import hashlib
import re
import threading

import numpy as np

from assistant.embeddings import Embedder
from assistant.store.database import Database

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
    """Embeddings of sentences, by text: the same passages recur across questions, so each
    sentence is encoded once, ever, and kept in SQLite beside the documents."""

    def __init__(self, embedder: Embedder, db: Database) -> None:
        self.embedder = embedder
        self.db = db
        self._lock = threading.Lock()
        db.executescript(_SCHEMA)
        rows = db.query(
            "SELECT key, vector FROM sentence_vectors WHERE model = ?", (embedder.name,)
        )
        self._cache: dict[str, np.ndarray] = {
            r["key"]: np.frombuffer(r["vector"], dtype=np.float32) for r in rows
        }

    def get(self, texts: list[str]) -> np.ndarray:
        keys = [_key(t) for t in texts]
        with self._lock:
            missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._cache}
        if missing:
            encoded = self.embedder.encode(list(missing.values()))
            with self._lock:
                self._cache.update(zip(missing, encoded, strict=True))
            with self.db.transaction() as conn:
                conn.executemany(
                    "INSERT OR REPLACE INTO sentence_vectors VALUES (?, ?, ?)",
                    [
                        (k, self.embedder.name, v.tobytes())
                        for k, v in zip(missing, encoded, strict=True)
                    ],
                )
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        with self._lock:
            return np.vstack([self._cache[k] for k in keys])

    def __len__(self) -> int:
        return len(self._cache)


def _key(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


_SCHEMA = """
CREATE TABLE IF NOT EXISTS sentence_vectors (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    vector BLOB NOT NULL
);
"""
