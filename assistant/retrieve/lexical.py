"""BM25 over the same chunks that are embedded (heading path plus text)."""

from __future__ import annotations

from rank_bm25 import BM25Okapi

from assistant.domain.records import Chunk
from assistant.domain.text import tokens


class BM25Retriever:
    def __init__(self, chunks: list[Chunk], labels: dict[str, str]) -> None:
        self.ids = [c.chunk_id for c in chunks]
        corpus = [tokens(c.embed_text(labels.get(c.doc_id, ""))) for c in chunks]
        self._index = BM25Okapi(corpus) if corpus else None

    def run(self, query: str, k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """Chunk ids with BM25 scores, best first; only ids in `allowed` when given."""
        terms = tokens(query)
        if self._index is None or not terms:
            return []
        scores = self._index.get_scores(terms)
        ranked = sorted(
            ((cid, float(s)) for cid, s in zip(self.ids, scores, strict=True) if s > 0),
            key=lambda item: -item[1],
        )
        if allowed is not None:
            ranked = [item for item in ranked if item[0] in allowed]
        return ranked[:k]
