"""Who each stored document is, beyond its id: the identity key (the same report in any format)
and a content fingerprint (the same words), so a re-upload in another format is recognised."""

from __future__ import annotations

import sqlite3

from assistant.store.database import Database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS identities (
    doc_id TEXT PRIMARY KEY REFERENCES documents(doc_id) ON DELETE CASCADE,
    identity TEXT NOT NULL,
    content TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS identities_by_identity ON identities(identity);
CREATE INDEX IF NOT EXISTS identities_by_content ON identities(content);
"""


class IdentityStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        db.executescript(_SCHEMA)

    def write(self, conn: sqlite3.Connection, doc_id: str, identity: str, content: str) -> None:
        """Inside the document's own write transaction (see `Database.replace_document`)."""
        conn.execute(
            "INSERT OR REPLACE INTO identities VALUES (?, ?, ?)", (doc_id, identity, content)
        )

    def with_content(self, content: str) -> str | None:
        """The id of a stored document with exactly these words, if any."""
        rows = self.db.query("SELECT doc_id FROM identities WHERE content = ?", (content,))
        return rows[0]["doc_id"] if rows else None

    def with_identity(self, identity: str) -> str | None:
        """The id of a stored document that is the same report (perhaps another version)."""
        rows = self.db.query("SELECT doc_id FROM identities WHERE identity = ?", (identity,))
        return rows[0]["doc_id"] if rows else None

    def identity_of(self, doc_id: str) -> str | None:
        rows = self.db.query("SELECT identity FROM identities WHERE doc_id = ?", (doc_id,))
        return rows[0]["identity"] if rows else None
