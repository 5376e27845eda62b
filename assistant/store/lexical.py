"""The lexical index: SQLite FTS5 over the same text that is embedded, written in the document's
own transaction (so it is persistent, incremental and seen by every process on the store), and
the words of the corpus read back from it (document frequencies, the known-word set).

Each chunk's row holds our own `tokens()` (stemmed content words, so ranking matches the words
the rest of retrieval uses) and its raw lower-cased words (for "does any report use this word").
Rows carry their chunk and document ids (unindexed): removing a document scans the index once,
a write-time cost; queries never scan it.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import sqlite3
from collections.abc import Iterable

from assistant.domain.records import Chunk
from assistant.domain.text import TOKENS_VERSION, tokens

SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS lexical USING fts5(
    chunk_id UNINDEXED, doc_id UNINDEXED, kind UNINDEXED, terms, words, doc,
    tokenize = "unicode61 tokenchars ''''"
);
CREATE VIRTUAL TABLE IF NOT EXISTS lexical_vocab USING fts5vocab(lexical, 'col');
CREATE TABLE IF NOT EXISTS doc_terms (
    doc_id TEXT PRIMARY KEY REFERENCES documents(doc_id) ON DELETE CASCADE,
    abbreviations TEXT NOT NULL
);
"""
_LAYOUT = "terms, words, doc,"
"""Marks the current layout of the `lexical` table; a store with another is re-indexed."""
_RAW = re.compile(r"[a-z0-9]+")
_SAFE = re.compile(r"^[a-z0-9_']+$")
"""What `tokens()` yields (a stem may keep an apostrophe: "children'"); quoted in a query."""


def migrate(conn: sqlite3.Connection) -> None:
    """Drop a lexical index of an earlier layout or written by another `tokens()` (and the
    record of what it indexed), so the documents are indexed again
    (`DocumentIndexer.backfill`). Needs the database's `meta` table."""
    row = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'lexical'").fetchone()
    version = conn.execute("SELECT value FROM meta WHERE key = 'lexical_tokens'").fetchone()
    stale = version is None or version[0] != TOKENS_VERSION
    if row and (_LAYOUT not in row[0] or "tokenchars" not in row[0] or stale):
        conn.executescript(
            "DROP TABLE IF EXISTS lexical_vocab; DROP TABLE lexical; DROP TABLE IF EXISTS doc_terms;"
        )
    conn.execute(
        "INSERT OR REPLACE INTO meta(key, value) VALUES ('lexical_tokens', ?)", (TOKENS_VERSION,)
    )


def chunk_terms(chunk: Chunk, label: str) -> str:
    return " ".join(tokens(chunk.embed_text(label)))


def raw_words(text: str) -> set[str]:
    """Every lower-cased word and its stem: what `words` holds."""
    found = set(_RAW.findall(text.lower()))
    return found | set(tokens(" ".join(found)))


def write(conn: sqlite3.Connection, chunks: list[Chunk], label: str) -> None:
    """Index a document's chunks; call in the transaction that inserted them."""
    conn.executemany(
        "INSERT INTO lexical(chunk_id, doc_id, kind, terms, words, doc) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                c.chunk_id,
                c.doc_id,
                str(c.section_kind),
                chunk_terms(c, label),
                " ".join(sorted(raw_words(c.body))),
                doc_key(c.doc_id),
            )
            for c in chunks
        ],
    )


def write_abbreviations(conn: sqlite3.Connection, doc_id: str, found: dict[str, str]) -> None:
    conn.execute("INSERT OR REPLACE INTO doc_terms VALUES (?, ?)", (doc_id, json.dumps(found)))


def delete(conn: sqlite3.Connection, where: str, params: tuple[object, ...]) -> None:
    """Remove the rows of the documents `where` selects (a condition on `documents`)."""
    conn.execute(
        f"DELETE FROM lexical WHERE doc_id IN (SELECT doc_id FROM documents WHERE {where})",
        params,
    )


def doc_key(doc_id: str) -> str:
    """A document as one indexed token, so a search within some documents intersects their
    short postings instead of checking every match's document."""
    return "d" + hashlib.sha1(doc_id.encode()).hexdigest()[:16]


def match_expression(terms: Iterable[str], doc_ids: Iterable[str] | None = None) -> str:
    """An FTS5 OR-query over the `terms` column, within `doc_ids` when given; words are quoted,
    so nothing is syntax (a term of several words is a phrase: its words in order)."""
    safe = [t for t in dict.fromkeys(terms) if t and all(_SAFE.match(w) for w in t.split(" "))]
    if not safe:
        return ""
    expression = "(terms: (" + " OR ".join(f'"{t}"' for t in safe) + "))"
    if doc_ids is not None:
        expression += " AND (doc: (" + " OR ".join(doc_key(d) for d in doc_ids) + "))"
    return expression


def search(
    conn: sqlite3.Connection,
    terms: list[str],
    k: int,
    doc_ids: list[str] | None = None,
    kinds: Iterable[str] = (),
) -> list[tuple[str, float]]:
    """(chunk_id, BM25 score) best first, from the chunks of `doc_ids` (all when None), of
    `kinds` (any when empty). Scores are positive: higher is better."""
    expression = match_expression(terms, doc_ids)
    if not expression or doc_ids == []:
        return []
    sql = (
        "SELECT chunk_id, bm25(lexical, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0) AS score "
        "FROM lexical WHERE lexical MATCH ?"
    )
    params: list[object] = [expression]
    wanted = sorted(set(kinds))
    if wanted:
        sql += f" AND kind IN ({', '.join('?' * len(wanted))})"
        params.extend(wanted)
    sql += " ORDER BY score LIMIT ?"
    params.append(k)
    return [(r[0], -float(r[1])) for r in conn.execute(sql, params).fetchall()]


def initial_runs(conn: sqlite3.Connection, letters: str, limit: int) -> list[str]:
    """Ids of chunks (at most `limit`) with consecutive content words starting with these
    letters, in order: a phrase of prefixes, answered from the index."""
    if not letters.isalpha() or not letters.isascii():
        return []
    expression = "terms: (" + " + ".join(f'"{c}" *' for c in letters.lower()) + ")"
    rows = conn.execute(
        "SELECT chunk_id FROM lexical WHERE lexical MATCH ? LIMIT ?", (expression, limit)
    ).fetchall()
    return [row[0] for row in rows]


def mentions(conn: sqlite3.Connection, phrasings: list[list[str]]) -> bool:
    """Whether any chunk has one of these term sequences in order (phrases over `tokens()`, the
    last word a prefix: "police dog" matches "police dogs", "stop and search" "stop-and-search")."""
    phrases = [" ".join(p) for p in phrasings if p and all(_SAFE.match(t) for t in p)]
    if not phrases:
        return False
    expression = "terms: (" + " OR ".join(f'"{p}" *' for p in dict.fromkeys(phrases)) + ")"
    row = conn.execute(
        "SELECT 1 FROM lexical WHERE lexical MATCH ? LIMIT 1", (expression,)
    ).fetchone()
    return row is not None


def document_frequencies(conn: sqlite3.Connection, column: str = "terms") -> dict[str, int]:
    rows = conn.execute("SELECT term, doc FROM lexical_vocab WHERE col = ?", (column,))
    return {term: int(n) for term, n in rows.fetchall()}


def idf(frequencies: dict[str, int], total: int) -> dict[str, float]:
    """The same idf as `inverse_document_frequencies`, from stored counts."""
    return {t: math.log(1 + (total - n + 0.5) / (n + 0.5)) for t, n in frequencies.items()}


def known_words(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT DISTINCT term FROM lexical_vocab WHERE col = 'words'")
    return {r[0] for r in rows.fetchall()}


def abbreviations(conn: sqlite3.Connection) -> list[dict[str, str]]:
    """Each document's own abbreviations, in document order."""
    rows = conn.execute("SELECT abbreviations FROM doc_terms ORDER BY doc_id").fetchall()
    return [json.loads(r[0]) for r in rows]


def indexed_docs(conn: sqlite3.Connection) -> set[str]:
    """Documents whose lexical rows and abbreviations are stored (older stores lack them)."""
    return {r[0] for r in conn.execute("SELECT doc_id FROM doc_terms").fetchall()}
