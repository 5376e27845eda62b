"""Background ingest jobs for uploads: their status lives in SQLite so a client can poll it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from assistant.store.database import Database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY,
    filename TEXT NOT NULL,
    status TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    doc_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class JobStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        db.executescript(_SCHEMA)

    def create(self, filename: str) -> str:
        job_id = uuid.uuid4().hex
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO jobs VALUES (?, ?, 'queued', '', NULL, ?, ?)",
                (job_id, filename, _now(), _now()),
            )
        return job_id

    def update(
        self, job_id: str, status: str, message: str = "", doc_id: str | None = None
    ) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE jobs SET status = ?, message = ?, doc_id = ?, updated_at = ? WHERE job_id = ?",
                (status, message, doc_id, _now(), job_id),
            )

    def get(self, job_id: str) -> dict[str, Any] | None:
        rows = self.db.query("SELECT * FROM jobs WHERE job_id = ?", (job_id,))
        return dict(rows[0]) if rows else None
