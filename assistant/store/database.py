"""App state that is not vectors — documents, sections, chunks (the source of truth for text and
spans) — in one SQLite file, written in transactions so a document is never half-stored."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from assistant.domain.records import Chunk, Document, Section
from assistant.store import lexical

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    source_path TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    record TEXT NOT NULL,
    text TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sections (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    section_id TEXT NOT NULL,
    ord INTEGER NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (doc_id, section_id)
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_by_doc ON chunks(doc_id, ord);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('generation', 0);
"""
_BUMP = "UPDATE meta SET value = value + 1 WHERE key = 'generation'"


class Database:
    """A thread-safe handle on the SQLite file. Other features add their tables through
    `executescript` on the same connection, so there is one database and one lock."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self.executescript(_SCHEMA)
        with self._lock:
            lexical.migrate(self._conn)
        self.executescript(lexical.SCHEMA)

    @property
    def generation(self) -> int:
        """Bumped in the same transaction as every document write, by whichever process makes
        it, so caches built from the chunks (here or in another server on the same store) know
        to rebuild before their next query."""
        return int(self.query("SELECT value FROM meta WHERE key = 'generation'")[0]["value"])

    def executescript(self, script: str) -> None:
        with self._lock:
            self._conn.executescript(script)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """Several reads that see one state of the store (a read transaction: no write lock)."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                self._conn.execute("COMMIT")

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # documents ---------------------------------------------------------------------------

    def replace_document(
        self,
        document: Document,
        text: str,
        sections: list[Section],
        chunks: list[Chunk],
        source_path: str,
        fingerprint: str,
        extra: Callable[[sqlite3.Connection], None] | None = None,
    ) -> None:
        """Store a document with its sections and chunks, replacing any earlier version, in one
        transaction. `extra` writes records of other stores (a document's findings) inside that
        same transaction, so they are replaced, or kept, together with the document."""
        with self.transaction() as conn:
            replaced = (document.doc_id, source_path)
            lexical.delete(conn, "doc_id = ? OR source_path = ?", replaced)
            conn.execute("DELETE FROM documents WHERE doc_id = ? OR source_path = ?", replaced)
            conn.execute(
                "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    document.doc_id,
                    source_path,
                    document.sha256,
                    fingerprint,
                    document.model_dump_json(),
                    text,
                    datetime.now(UTC).isoformat(timespec="seconds"),
                ),
            )
            conn.executemany(
                "INSERT INTO sections VALUES (?, ?, ?, ?)",
                [
                    (document.doc_id, s.section_id, i, s.model_dump_json())
                    for i, s in enumerate(sections)
                ],
            )
            conn.executemany(
                "INSERT INTO chunks VALUES (?, ?, ?, ?)",
                [(c.chunk_id, c.doc_id, c.order, c.model_dump_json()) for c in chunks],
            )
            lexical.write(conn, chunks, document.label)
            if extra is not None:
                extra(conn)
            conn.execute(_BUMP)

    def reindex(
        self,
        doc_id: str,
        label: str,
        chunks: list[Chunk],
        extra: Callable[[sqlite3.Connection], None],
    ) -> None:
        """Rewrite a stored document's lexical rows and derived records (`extra`) in one
        transaction; for a store made before they existed."""
        with self.transaction() as conn:
            lexical.delete(conn, "doc_id = ?", (doc_id,))
            lexical.write(conn, chunks, label)
            extra(conn)
            conn.execute(_BUMP)

    def delete_document(self, doc_id: str) -> bool:
        with self.transaction() as conn:
            lexical.delete(conn, "doc_id = ?", (doc_id,))
            deleted = conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,)).rowcount
            conn.execute(_BUMP)
        return bool(deleted)

    def fingerprint_for(self, source_path: str) -> tuple[str, str] | None:
        """(doc_id, fingerprint) of the document ingested from this path, if any."""
        rows = self.query(
            "SELECT doc_id, fingerprint FROM documents WHERE source_path = ?", (source_path,)
        )
        return (rows[0]["doc_id"], rows[0]["fingerprint"]) if rows else None

    def find_by(
        self, *, doc_id: str | None = None, sha256: str | None = None
    ) -> tuple[str, str] | None:
        """(doc_id, source_path) of a stored document with this id or these exact bytes."""
        rows = self.query(
            "SELECT doc_id, source_path FROM documents WHERE doc_id = ? OR sha256 = ?",
            (doc_id, sha256),
        )
        return (rows[0]["doc_id"], rows[0]["source_path"]) if rows else None

    def stamps(self) -> dict[str, str]:
        """Each document's version (fingerprint and time written): changes when it is re-stored."""
        rows = self.query(
            "SELECT doc_id, fingerprint || '@' || ingested_at AS stamp FROM documents"
        )
        return {r["doc_id"]: r["stamp"] for r in rows}

    def source_paths(self) -> dict[str, str]:
        return {
            r["doc_id"]: r["source_path"]
            for r in self.query("SELECT doc_id, source_path FROM documents")
        }

    def documents(self) -> list[Document]:
        rows = self.query("SELECT record FROM documents ORDER BY doc_id")
        return [Document.model_validate_json(r["record"]) for r in rows]

    def document(self, doc_id: str) -> Document | None:
        rows = self.query("SELECT record FROM documents WHERE doc_id = ?", (doc_id,))
        return Document.model_validate_json(rows[0]["record"]) if rows else None

    def text(self, doc_id: str) -> str | None:
        rows = self.query("SELECT text FROM documents WHERE doc_id = ?", (doc_id,))
        return rows[0]["text"] if rows else None

    def sections(self, doc_id: str) -> list[Section]:
        rows = self.query("SELECT record FROM sections WHERE doc_id = ? ORDER BY ord", (doc_id,))
        return [Section.model_validate_json(r["record"]) for r in rows]

    def chunks(self, doc_id: str | None = None) -> list[Chunk]:
        if doc_id is None:
            rows = self.query("SELECT record FROM chunks ORDER BY doc_id, ord")
        else:
            rows = self.query("SELECT record FROM chunks WHERE doc_id = ? ORDER BY ord", (doc_id,))
        return [Chunk.model_validate_json(r["record"]) for r in rows]

    def chunk_counts(self) -> dict[str, int]:
        rows = self.query("SELECT doc_id, COUNT(*) AS n FROM chunks GROUP BY doc_id")
        return {r["doc_id"]: r["n"] for r in rows}
