"""Feedback on answers (thumbs up/down and a comment) and the audit log of what callers did,
in SQLite beside the documents. Both are pruned after the retention period; text is stored with
control characters removed, so an export never carries terminal escapes or hidden bytes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from assistant.domain.records import Answer, ScoredChunk
from assistant.domain.text import clean_text
from assistant.store.database import Database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    conversation_id TEXT,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    comment TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    question TEXT NOT NULL,
    passages TEXT NOT NULL,
    answer TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_created ON audit_log (created_at);
CREATE INDEX IF NOT EXISTS feedback_created ON feedback (created_at);
"""

AUDIT_FIELDS = ["id", "created_at", "who", "role", "action", "question", "passages", "answer"]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def cutoff(days: int) -> str:
    """The timestamp before which rows are older than `days` (same format as `created_at`)."""
    return (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")


def add_column(db: Database, table: str, column: str, definition: str) -> None:
    """Add a column to a table created by an older version (SQLite has no ADD IF NOT EXISTS)."""
    names = {r["name"] for r in db.query(f"PRAGMA table_info({table})")}
    if column not in names:
        db.executescript(f"ALTER TABLE {table} ADD COLUMN {column} {definition};")


class FeedbackStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        db.executescript(_SCHEMA)

    def add(
        self,
        question: str,
        answer: str,
        rating: int,
        comment: str = "",
        conversation_id: str | None = None,
    ) -> int:
        if rating not in (-1, 1):
            raise ValueError("rating must be 1 (thumbs up) or -1 (thumbs down)")
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO feedback (created_at, conversation_id, question, answer, rating, comment)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    _now(),
                    conversation_id,
                    clean_text(question),
                    clean_text(answer),
                    rating,
                    clean_text(comment),
                ),
            )
            return int(cursor.lastrowid or 0)

    def all(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.query("SELECT * FROM feedback ORDER BY id")]

    def prune(self, days: int) -> int:
        """Delete feedback older than `days`; returns how many rows went."""
        with self.db.transaction() as conn:
            return conn.execute(
                "DELETE FROM feedback WHERE created_at < ?", (cutoff(days),)
            ).rowcount


class AuditLog:
    """Who did what: each question with the passages retrieved and the answer, and each upload,
    delete, replace, export and refused key. `who` is a salted fingerprint, never a key."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.executescript(_SCHEMA)
        add_column(db, "audit_log", "role", "TEXT NOT NULL DEFAULT ''")

    def record(self, who: str, action: str, answer: Answer, role: str = "") -> None:
        self.write(who, action, answer.question, answer.passages, answer.text, role)

    def write(
        self,
        who: str,
        action: str,
        question: str,
        passages: list[ScoredChunk],
        answer: str,
        role: str = "",
    ) -> None:
        ids = [
            {"chunk_id": p.chunk.chunk_id, "doc_id": p.chunk.doc_id, "score": p.score}
            for p in passages
        ]
        self._insert(who, role, action, question, ids, answer)

    def event(self, who: str, role: str, action: str, subject: str, outcome: str = "") -> None:
        """An action other than a question: `subject` is what it acted on (a file name, a
        document id, a route), `outcome` what came of it."""
        self._insert(who, role, action, subject, [], outcome)

    def _insert(
        self, who: str, role: str, action: str, question: str, passages: list[Any], answer: str
    ) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO audit_log (created_at, who, role, action, question, passages, answer)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    _now(),
                    clean_text(who),
                    role,
                    action,
                    clean_text(question),
                    json.dumps(passages),
                    clean_text(answer),
                ),
            )

    def page(self, after: int = 0, limit: int = 500) -> list[dict[str, Any]]:
        """Up to `limit` rows with an id above `after`, oldest first (keyset paging: a page is
        stable while new rows arrive)."""
        rows = self.db.query(
            "SELECT * FROM audit_log WHERE id > ? ORDER BY id LIMIT ?", (after, limit)
        )
        return [{**dict(r), "passages": json.loads(r["passages"])} for r in rows]

    def all(self) -> list[dict[str, Any]]:
        rows = self.db.query("SELECT * FROM audit_log ORDER BY id")
        return [{**dict(r), "passages": json.loads(r["passages"])} for r in rows]

    def prune(self, days: int) -> int:
        """Delete audit rows older than `days`; returns how many went."""
        with self.db.transaction() as conn:
            return conn.execute(
                "DELETE FROM audit_log WHERE created_at < ?", (cutoff(days),)
            ).rowcount
