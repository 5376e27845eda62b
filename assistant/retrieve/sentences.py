"""Sentence spans inside a chunk, and a cache of their embeddings."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache

import numpy as np

from assistant.domain.records import Chunk
from assistant.embeddings import Embedder
from assistant.store.database import Database

_BOUNDARY = re.compile(r"(?<=[.!?])[\"')]?\s+(?=[A-Z0-9\"'(])|\n+")
_MARKER = re.compile(r"-\s+|\d{1,2}\.\s+(?=[a-z])")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "No.", "Mr.", "Mrs.", "Dr.", "St.")


@lru_cache(maxsize=32768)
def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each sentence or list line in `text`, trimmed of list markers' spaces
    (remembered: every question splits the same passages again)."""
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
    return tuple(spans)


def body_sentence_spans(chunk: Chunk) -> list[tuple[int, int]]:
    """`sentence_spans` of a chunk's text below its own heading line: what may be quoted."""
    return [s for s in sentence_spans(chunk.text) if s[0] >= chunk.body_start]


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
    """Embeddings of sentences, by text, kept in SQLite beside the documents. Ingest stores the
    vectors of every sentence a document holds (`prepare`, written in the document's own
    transaction), so nothing is encoded at start-up or per question; a question reads only the
    vectors of its candidate passages, through a bounded in-memory cache."""

    def __init__(self, embedder: Embedder, db: Database, capacity: int = 50_000) -> None:
        self.embedder = embedder
        self.db = db
        self.capacity = capacity
        self._lock = threading.Lock()
        db.executescript(_SCHEMA)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def get(self, texts: list[str], remember: bool = True) -> np.ndarray:
        """One row per text; reads stored vectors, encodes (and stores) any never seen. With
        `remember=False` (a bulk read) they do not displace the cache's recent sentences."""
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        keys = [_key(t) for t in texts]
        found = self._cached(keys)
        stored = self._stored([k for k in dict.fromkeys(keys) if k not in found])
        found.update(stored)
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
        if missing:
            encoded = self.embedder.encode(list(missing.values()))
            fresh = dict(zip(missing, encoded, strict=True))
            with self.db.transaction() as conn:
                self._write(conn, fresh)
            found.update(fresh)
        if remember:
            self._remember({**stored, **{k: found[k] for k in missing}})
        return np.vstack([found[k] for k in keys])

    def prepare(
        self, texts: list[str], known: Mapping[str, np.ndarray]
    ) -> Callable[[sqlite3.Connection], None]:
        """Encode the texts neither `known` (vectors already in hand) nor stored, now (before
        any write); returns the writer, to call inside the document's transaction, that stores
        the known and the new."""
        unique = {_key(t): t for t in texts}
        fresh = {_key(t): v for t, v in known.items() if _key(t) in unique}
        stored = self._stored_keys([k for k in unique if k not in fresh])
        todo = {k: t for k, t in unique.items() if k not in stored and k not in fresh}
        if todo:
            fresh.update(zip(todo, self.embedder.encode(list(todo.values())), strict=True))
        return lambda conn: self._write(conn, fresh)

    def stored(self, texts: list[str]) -> dict[str, np.ndarray]:
        """The stored vectors of those texts that have one, by text."""
        keys = {_key(t): t for t in texts}
        return {keys[k]: v for k, v in self._stored(list(keys)).items()}

    def _write(self, conn: sqlite3.Connection, vectors: dict[str, np.ndarray]) -> None:
        conn.executemany(
            "INSERT OR REPLACE INTO sentence_vectors VALUES (?, ?, ?)",
            [
                (k, self.embedder.name, np.asarray(v, np.float32).tobytes())
                for k, v in vectors.items()
            ],
        )

    def _cached(self, keys: list[str]) -> dict[str, np.ndarray]:
        with self._lock:
            found = {k: self._cache[k] for k in keys if k in self._cache}
            for k in found:
                self._cache.move_to_end(k)
        return found

    def _remember(self, vectors: dict[str, np.ndarray]) -> None:
        with self._lock:
            self._cache.update(vectors)
            while len(self._cache) > self.capacity:
                self._cache.popitem(last=False)

    def _rows(self, keys: list[str], columns: str) -> Iterator[sqlite3.Row]:
        """Stored rows for these keys (this model's), in batches under SQLite's variable limit."""
        for offset in range(0, len(keys), _KEY_BATCH):
            batch = keys[offset : offset + _KEY_BATCH]
            yield from self.db.query(
                f"SELECT {columns} FROM sentence_vectors WHERE model = ? AND key IN "
                f"({', '.join('?' * len(batch))})",
                (self.embedder.name, *batch),
            )

    def _stored(self, keys: list[str]) -> dict[str, np.ndarray]:
        return {
            r["key"]: np.frombuffer(r["vector"], dtype=np.float32)
            for r in self._rows(keys, "key, vector")
        }

    def _stored_keys(self, keys: list[str]) -> set[str]:
        return {r["key"] for r in self._rows(keys, "key")}

    def __len__(self) -> int:
        with self._lock:
            return len(self._cache)


def chunk_sentences(chunks: Iterable[Chunk]) -> list[str]:
    """Every sentence the reranker and the answerer will ask a vector for."""
    return [c.text[s:e] for c in chunks for s, e in sentence_spans(c.text)]


def _key(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


_KEY_BATCH = 500
_SCHEMA = """
CREATE TABLE IF NOT EXISTS sentence_vectors (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    vector BLOB NOT NULL
);
"""
