"""Feedback on answers (thumbs up/down and a comment) and the audit log of questions asked,
in SQLite beside the documents."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from assistant.domain.records import Answer, ScoredChunk
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
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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
                (_now(), conversation_id, question, answer, rating, comment),
            )
            return int(cursor.lastrowid or 0)

    def all(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.query("SELECT * FROM feedback ORDER BY id")]


class AuditLog:
    """Who asked what, which passages were retrieved, and what came back."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.executescript(_SCHEMA)

    def record(self, who: str, action: str, answer: Answer) -> None:
        self.write(who, action, answer.question, answer.passages, answer.text)

    def write(
        self, who: str, action: str, question: str, passages: list[ScoredChunk], answer: str
    ) -> None:
        ids = json.dumps(
            [
                {"chunk_id": p.chunk.chunk_id, "doc_id": p.chunk.doc_id, "score": p.score}
                for p in passages
            ]
        )
        now = _now()
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO audit_log (created_at, who, action, question, passages, answer)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (now, who, action, question, ids, answer),
            )

    def all(self) -> list[dict[str, Any]]:
        rows = self.db.query("SELECT * FROM audit_log ORDER BY id")
        return [{**dict(r), "passages": json.loads(r["passages"])} for r in rows]
