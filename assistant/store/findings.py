"""Findings in SQLite, beside their document: written in the document's own transaction (so an
ingest that fails leaves the old findings as they were) and deleted with it (ON DELETE CASCADE)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from assistant.domain.records import Finding
from assistant.store.database import Database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS findings (
    finding_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    ord INTEGER NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_by_doc ON findings(doc_id, ord);
"""


class FindingStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        db.executescript(_SCHEMA)

    @staticmethod
    def write(conn: sqlite3.Connection, doc_id: str, findings: Iterable[Finding]) -> None:
        """Replace a document's findings; call inside the transaction that writes the document
        (`Database.replace_document(..., extra=...)`)."""
        conn.execute("DELETE FROM findings WHERE doc_id = ?", (doc_id,))
        conn.executemany(
            "INSERT INTO findings VALUES (?, ?, ?, ?, ?)",
            [(f.finding_id, doc_id, f.type.value, f.order, f.model_dump_json()) for f in findings],
        )

    def findings(
        self, doc_ids: Iterable[str] | None = None, types: Iterable[str] | None = None
    ) -> list[Finding]:
        """Findings in document order, optionally only of these documents and types (an empty
        list is no restriction)."""
        sql = "SELECT record FROM findings"
        clauses: list[str] = []
        params: list[object] = []
        for column, values in (("doc_id", doc_ids), ("type", types)):
            wanted = [str(v) for v in values or []]
            if wanted:  # none given: no restriction
                clauses.append(f"{column} IN ({', '.join('?' * len(wanted))})")
                params.extend(wanted)
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        rows = self.db.query(sql + " ORDER BY doc_id, ord", tuple(params))
        return [Finding.model_validate_json(r["record"]) for r in rows]

    def counts(self) -> dict[str, int]:
        rows = self.db.query("SELECT doc_id, COUNT(*) AS n FROM findings GROUP BY doc_id")
        return {r["doc_id"]: r["n"] for r in rows}
