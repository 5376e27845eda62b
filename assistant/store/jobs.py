"""Background ingest jobs for uploads: their status lives in SQLite so a client can poll it and
a restarted server can tell which jobs a dead process left behind."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime

from assistant.domain.records import Job, JobStatus
from assistant.store.database import Database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY,
    filename TEXT NOT NULL,
    status TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    doc_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    path TEXT NOT NULL DEFAULT ''
);
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class JobStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        db.executescript(_SCHEMA)
        columns = {r["name"] for r in db.query("PRAGMA table_info(jobs)")}
        if "path" not in columns:  # a store made before jobs kept their file
            db.executescript("ALTER TABLE jobs ADD COLUMN path TEXT NOT NULL DEFAULT ''")

    def create(self, filename: str, path: str) -> Job:
        job_id = uuid.uuid4().hex
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO jobs (job_id, filename, status, message, doc_id, created_at, "
                "updated_at, path) VALUES (?, ?, 'queued', '', NULL, ?, ?, ?)",
                (job_id, filename, _now(), _now(), path),
            )
        return Job(job_id=job_id, filename=filename, status="queued", path=path)

    def update(
        self, job_id: str, status: JobStatus, message: str = "", doc_id: str | None = None
    ) -> Job:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE jobs SET status = ?, message = ?, doc_id = ?, updated_at = ? WHERE job_id = ?",
                (status, message, doc_id, _now(), job_id),
            )
        job = self.get(job_id)
        assert job is not None, job_id
        return job

    def get(self, job_id: str) -> Job | None:
        rows = self.db.query("SELECT * FROM jobs WHERE job_id = ?", (job_id,))
        return _job(rows[0]) if rows else None

    def unfinished(self) -> list[Job]:
        rows = self.db.query("SELECT * FROM jobs WHERE status IN ('queued', 'running')")
        return [_job(r) for r in rows]


def _job(row: sqlite3.Row) -> Job:
    return Job.model_validate(dict(row))
