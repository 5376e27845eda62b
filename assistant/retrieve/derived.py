"""What ingest stores besides chunks and chunk vectors, so that neither start-up nor a question
derives anything from the whole corpus: the vector of every sentence a document holds (its
chunks' sentences and its findings' texts) and the abbreviations it defines. Written in the
document's own transaction; a store made before this existed is indexed once, by `backfill`."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from assistant.domain.records import Chunk, Finding
from assistant.retrieve.lexical import document_abbreviations
from assistant.retrieve.sentences import SentenceVectors, chunk_sentences
from assistant.store import lexical
from assistant.store.database import Database

Writer = Callable[[sqlite3.Connection], None]


class DocumentIndexer:
    def __init__(
        self,
        db: Database,
        sentence_vectors: SentenceVectors,
        finding_texts: Callable[[Sequence[Finding]], list[str]],
    ) -> None:
        self.db = db
        self.sentence_vectors = sentence_vectors
        self.finding_texts = finding_texts

    def prepare(self, doc_id: str, chunks: Sequence[Chunk], findings: Sequence[Finding]) -> Writer:
        """Encode what is new now (before anything is written); returns the writer to call in
        the document's transaction."""
        texts = chunk_sentences(chunks) + self.finding_texts(findings)
        write_vectors = self.sentence_vectors.prepare(texts)
        found = document_abbreviations(chunks)

        def write(conn: sqlite3.Connection) -> None:
            write_vectors(conn)
            lexical.write_abbreviations(conn, doc_id, found)

        return write

    def backfill(self, findings: Callable[[str], list[Finding]]) -> int:
        """Index the documents stored before this index existed; returns how many."""
        with self.db.snapshot() as conn:
            done = lexical.indexed_docs(conn)
        todo = [d for d in self.db.documents() if d.doc_id not in done]
        for document in todo:
            chunks = self.db.chunks(document.doc_id)
            writer = self.prepare(document.doc_id, chunks, findings(document.doc_id))
            self.db.reindex(document.doc_id, document.label, chunks, writer)
        return len(todo)
