"""Conversations and their turns (with the answer record of each assistant turn) in SQLite.

A conversation belongs to the caller that created it (`owner`, a salted key fingerprint, or
"anonymous" when the server has no keys): another key can neither read nor delete it. Idle
conversations are pruned after the retention period."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from assistant.domain.records import Answer, Turn
from assistant.store.database import Database
from assistant.store.feedback import add_column, cutoff

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
        add_column(db, "conversations", "owner", "TEXT NOT NULL DEFAULT ''")
        add_column(db, "conversations", "updated_at", "TEXT NOT NULL DEFAULT ''")

    def create(self, owner: str = "") -> str:
        conversation_id = uuid.uuid4().hex
        now = _now()
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO conversations (conversation_id, created_at, owner, updated_at)"
                " VALUES (?, ?, ?, ?)",
                (conversation_id, now, owner, now),
            )
        return conversation_id

    def owned_by(self, conversation_id: str, owner: str) -> bool:
        """Whether the conversation exists and belongs to `owner`."""
        rows = self.db.query(
            "SELECT 1 FROM conversations WHERE conversation_id = ? AND owner = ?",
            (conversation_id, owner),
        )
        return bool(rows)

    def prune(self, days: int) -> int:
        """Delete conversations idle for more than `days` (their turns go with them)."""
        with self.db.transaction() as conn:
            return conn.execute(
                "DELETE FROM conversations WHERE max(created_at, updated_at) < ?",
                (cutoff(days),),
            ).rowcount

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
            conn.execute(
                "UPDATE conversations SET updated_at = ? WHERE conversation_id = ?",
                (now, conversation_id),
            )

    def get(self, conversation_id: str, owner: str | None = None) -> dict[str, object] | None:
        """The conversation with its turns; None when unknown or (with `owner`) not theirs."""
        if not (
            self.owned_by(conversation_id, owner)
            if owner is not None
            else self.exists(conversation_id)
        ):
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

    def delete(self, conversation_id: str, owner: str | None = None) -> bool:
        """Delete a conversation (with `owner`, only theirs); whether one was deleted."""
        sql = "DELETE FROM conversations WHERE conversation_id = ?"
        params: tuple[str, ...] = (conversation_id,)
        if owner is not None:
            sql, params = sql + " AND owner = ?", (conversation_id, owner)
        with self.db.transaction() as conn:
            return bool(conn.execute(sql, params).rowcount)
