"""Conversations and their turns (with the answer record of each assistant turn) in SQLite."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from assistant.domain.records import Answer, Turn
from assistant.store.database import Database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    conversation_id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL REFERENCES conversations(conversation_id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    answer TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (conversation_id, ord)
);
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class ConversationStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        db.executescript(_SCHEMA)

    def create(self) -> str:
        conversation_id = uuid.uuid4().hex
        with self.db.transaction() as conn:
            conn.execute("INSERT INTO conversations VALUES (?, ?)", (conversation_id, _now()))
        return conversation_id

    def exists(self, conversation_id: str) -> bool:
        rows = self.db.query(
            "SELECT 1 FROM conversations WHERE conversation_id = ?", (conversation_id,)
        )
        return bool(rows)

    def history(self, conversation_id: str) -> list[Turn]:
        rows = self.db.query(
            "SELECT role, content FROM turns WHERE conversation_id = ? ORDER BY ord",
            (conversation_id,),
        )
        return [Turn(role=r["role"], content=r["content"]) for r in rows]

    def record(self, conversation_id: str, answer: Answer) -> None:
        """Add a question and its answer as two turns, in one transaction. The passages
        retrieved are not kept here (the audit log has their ids); the citations are."""
        record = answer.model_dump_json(exclude={"passages"})
        now = _now()
        with self.db.transaction() as conn:
            (count,) = conn.execute(
                "SELECT COUNT(*) FROM turns WHERE conversation_id = ?", (conversation_id,)
            ).fetchone()
            conn.executemany(
                "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (conversation_id, count, "user", answer.question, None, now),
                    (conversation_id, count + 1, "assistant", answer.text, record, now),
                ],
            )

    def get(self, conversation_id: str) -> dict[str, object] | None:
        if not self.exists(conversation_id):
            return None
        rows = self.db.query(
            "SELECT role, content, answer, created_at FROM turns WHERE conversation_id = ? ORDER BY ord",
            (conversation_id,),
        )
        return {
            "conversation_id": conversation_id,
            "turns": [
                {
                    "role": r["role"],
                    "content": r["content"],
                    "created_at": r["created_at"],
                    "answer": json.loads(r["answer"]) if r["answer"] else None,
                }
                for r in rows
            ],
        }

    def delete(self, conversation_id: str) -> bool:
        with self.db.transaction() as conn:
            return bool(
                conn.execute(
                    "DELETE FROM conversations WHERE conversation_id = ?", (conversation_id,)
                ).rowcount
            )
