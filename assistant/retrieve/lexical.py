"""BM25 over the same chunks that are embedded (heading path plus text), answered by the SQLite
FTS5 index the store keeps (`assistant/store/lexical.py`): persistent, updated in each
document's own transaction, shared by every process, and never rebuilt at start-up.

Chosen over `bm25s` by `bench/scale.py`: bm25s answers a query faster (a sparse-matrix sum) but
its index is rebuilt whole on every change, in every worker, and held in memory; FTS5 costs a
few milliseconds per query once the commonest words are left out of the match (below)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.domain.records import Chunk
from assistant.domain.text import tokens
from assistant.retrieve.vocabulary import mine_abbreviations
from assistant.store import lexical
from assistant.store.database import Database

COMMON_SHARE = 0.25
"""Query words in more than this share of chunks are left out of the match: their BM25 weight
is near nothing, and reading their postings would make each query cost grow with the corpus."""
KEEP_RAREST = 3
"""When every query word is that common, the rarest few are still matched."""


@dataclass(frozen=True)
class Words:
    """The corpus's words, read from the index once per store change (cost: the vocabulary,
    not the number of chunks)."""

    total: int
    """Chunks indexed."""
    frequencies: dict[str, int]
    """Chunks each query-side token (`tokens()`) appears in."""
    known: set[str]
    """Every word (and stem) any chunk uses: for spotting names no document mentions."""
    abbreviations: list[dict[str, str]]
    """Each document's own abbreviations, in document order."""

    def idf(self) -> dict[str, float]:
        return lexical.idf(self.frequencies, self.total)


def read_words(db: Database) -> Words:
    with db.snapshot() as conn:  # the four reads see one state of the store
        total = int(conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])
        return Words(
            total,
            lexical.document_frequencies(conn),
            lexical.known_words(conn),
            lexical.abbreviations(conn),
        )


def match_terms(query: str, words: Words) -> list[str]:
    """The query's tokens worth matching: the rarer ones (see `COMMON_SHARE`)."""
    wanted = [t for t in dict.fromkeys(tokens(query)) if t in words.frequencies]
    limit = COMMON_SHARE * words.total
    kept = [t for t in wanted if words.frequencies[t] <= limit]
    if kept:
        return kept
    return sorted(wanted, key=lambda t: words.frequencies[t])[:KEEP_RAREST]


class LexicalIndex:
    def __init__(self, db: Database) -> None:
        self.db = db

    def run(
        self,
        query: str,
        k: int,
        words: Words,
        doc_ids: Sequence[str] | None = None,
        kinds: Iterable[str] = (),
        phrases: Iterable[tuple[str, ...]] = (),
    ) -> list[tuple[str, float]]:
        """Chunk ids with BM25 scores, best first, from `doc_ids` (all when None); a phrase of
        `phrases` (tokens in order) whose words are all too common to search by counts as a
        term of its own, so "police protection" scores although "police" and "protection" do
        not (a phrase with a rarer word is searched by that word already)."""
        limit = COMMON_SHARE * words.total
        terms = match_terms(query, words) + [
            " ".join(p) for p in phrases if all(limit < words.frequencies.get(w, 0) for w in p)
        ]
        if not terms:
            return []
        with self.db.snapshot() as conn:
            return lexical.search(conn, terms, k, list(doc_ids) if doc_ids else None, kinds)

    def mentions(self, phrase: str) -> bool:
        """Whether any document uses this phrase (its content words, in order), singular or
        plural (the stemmer may cut the two differently: "drone", "dron")."""
        phrasings = [tokens(phrase), tokens(phrase + "s"), tokens(phrase + "es")]
        with self.db.snapshot() as conn:
            return lexical.mentions(conn, phrasings)

    def initial_runs(self, letters: str, limit: int) -> list[str]:
        """Chunks (at most `limit`) whose content words run in these initials, in order ("hrh":
        "harm reduction hubs"): where an undefined abbreviation may be written out."""
        with self.db.snapshot() as conn:
            return lexical.initial_runs(conn, letters, limit)


def document_abbreviations(chunks: Sequence[Chunk]) -> dict[str, str]:
    """The abbreviations a document defines, stored with it so start-up never re-reads text."""
    return mine_abbreviations(c.text for c in chunks)
