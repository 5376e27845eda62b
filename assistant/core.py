"""The composition root: one `Assistant` builds the stores, the model and the services on them,
each service given only the collaborators it needs. The CLI, the API and the UI are thin faces
that call these services (`library`, `asker`, `findings`, `quiz`, the conversation, feedback and
audit stores) and nothing below them."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.answer.extractive import ExtractiveAnswerer
from assistant.answer.llm import LLMAnswerer
from assistant.answer.pipeline import AskPipeline
from assistant.domain.records import Answer, Document, ScoredChunk, SearchFilters, Section, Turn
from assistant.domain.text import clean_input
from assistant.embeddings import Embedder
from assistant.retrieve.cross_encoder import CrossEncoderReranker
from assistant.retrieve.derived import DocumentIndexer
from assistant.retrieve.hybrid import HybridRetriever, RetrievalConfig
from assistant.retrieve.langchain import InspectionRetriever
from assistant.retrieve.sentences import SentenceVectors
from assistant.services.findings import (
    Comparison,
    FindingQueries,
    ScoredFinding,
    finding_composites,
    finding_texts,
)
from assistant.services.library import IngestReport, Library
from assistant.settings import Settings, get_settings
from assistant.store.conversations import ConversationStore
from assistant.store.database import Database
from assistant.store.feedback import AuditLog, FeedbackStore
from assistant.store.findings import FindingStore
from assistant.store.jobs import JobStore
from assistant.store.vectors import VectorStore

if TYPE_CHECKING:
    from assistant.quiz.builder import QuizBuilder


class Assistant:
    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None) -> None:
        self.settings = settings or get_settings()
        self.embedder = embedder or Embedder(
            self.settings.embedding_model,
            self.settings.embedding_batch_size,
            self.settings.torch_threads,
        )
        self.db = Database(self.settings.sqlite_path)
        self._warming: threading.Thread | None = None

    @cached_property
    def vectors(self) -> VectorStore:
        return VectorStore(self.settings, self.embedder)

    @cached_property
    def sentence_vectors(self) -> SentenceVectors:
        return SentenceVectors(self.embedder, self.db)

    @cached_property
    def indexer(self) -> DocumentIndexer:
        """Sentence vectors and abbreviations, stored at ingest with each document."""
        return DocumentIndexer(
            self.db, self.embedder, self.sentence_vectors, finding_texts, finding_composites
        )

    @cached_property
    def retriever(self) -> HybridRetriever:
        reranker = self.settings.reranker_model
        self._index_old_documents()
        return HybridRetriever(
            self.db,
            self.vectors,
            self.embedder,
            self.sentence_vectors,
            RetrievalConfig(),
            CrossEncoderReranker(reranker) if reranker else None,
        )

    def langchain_retriever(
        self, k: int = 6, filters: SearchFilters | None = None
    ) -> InspectionRetriever:
        """The same retrieval as a LangChain `BaseRetriever`, for use in any LangChain chain."""
        return InspectionRetriever(hybrid=self.retriever, k=k, filters=filters)

    @cached_property
    def conversations(self) -> ConversationStore:
        return ConversationStore(self.db)

    @cached_property
    def feedback(self) -> FeedbackStore:
        return FeedbackStore(self.db)

    @cached_property
    def jobs(self) -> JobStore:
        return JobStore(self.db)

    @cached_property
    def audit(self) -> AuditLog:
        return AuditLog(self.db)

    @cached_property
    def quiz(self) -> QuizBuilder:
        """Quizzes for trainers, built from the reports' own statements."""
        from assistant.answer.llm import chat_model
        from assistant.quiz.builder import QuizBuilder

        settings = self.settings
        return QuizBuilder(
            self.db,
            FindingStore(self.db),
            lambda topic, k, filters: self.retriever.run(topic, k=k, filters=filters),
            (lambda: chat_model(settings)) if settings.llm_base_url else None,
        )

    @cached_property
    def llm(self) -> LLMAnswerer | None:
        """The LLM answerer when one is configured (IA_LLM_BASE_URL), else None."""
        if not self.settings.llm_base_url:
            return None
        return LLMAnswerer(self.settings, self.embedder, self.sentence_vectors)

    @cached_property
    def asker(self) -> AskPipeline:
        return AskPipeline(
            self.retriever,
            ExtractiveAnswerer(self.sentence_vectors),
            self.conversations,
            llm=self.llm,
            default_answerer=self.settings.answerer,
            max_question_chars=self.settings.max_question_chars,
            findings=self.findings,
        )

    @cached_property
    def library(self) -> Library:
        """Ingest, upload, replace, remove and read documents: one path for every face."""
        return Library(
            self.db,
            self.vectors,
            self.embedder,
            FindingStore(self.db),
            self.jobs,
            self.indexer,
            self.settings.data_dir / "uploads",
            self.settings.chunk_chars,
            self.settings.max_upload_mb,
            max_chunks=self.settings.max_chunks_per_document,
        )

    @cached_property
    def findings(self) -> FindingQueries:
        """Recommendations, areas for improvement, judgments, case studies...: list, compare."""
        return FindingQueries(
            self.db,
            FindingStore(self.db),
            self.embedder,
            self.sentence_vectors,
            self.retriever,
            self.settings.max_question_chars,
        )

    # documents -----------------------------------------------------------------------

    def ingest(
        self,
        paths: Iterable[Path],
        prune: bool = False,
        progress: bool = True,
        replace: bool = False,
    ) -> IngestReport:
        """Ingest files or folders; one ingest at a time (uploads arrive concurrently)."""
        return self.library.ingest(paths, prune=prune, progress=progress, replace=replace)

    def documents(self) -> list[Document]:
        return self.library.documents()

    def document(self, doc_id: str) -> Document:
        """The document; raises `NotFound` naming the known ones."""
        return self.library.document(doc_id)

    def sections(self, doc_id: str) -> list[Section]:
        return self.library.sections(doc_id)

    def remove(self, doc_id: str) -> None:
        self.library.remove(doc_id)

    # retrieval -----------------------------------------------------------------------

    def search(
        self, query: str, k: int = 5, filters: SearchFilters | None = None
    ) -> list[ScoredChunk]:
        query = clean_input(query, "query", self.settings.max_question_chars)
        return self.retriever.run(query, k=k, filters=filters)

    def ask(
        self,
        question: str,
        conversation_id: str | None = None,
        history: list[Turn] | None = None,
        filters: SearchFilters | None = None,
        answerer: str | None = None,
    ) -> Answer:
        return self.asker.run(question, conversation_id, history, filters, answerer)

    def list_findings(
        self,
        doc_ids: list[str] | None = None,
        types: list[str] | None = None,
        topic: str | None = None,
        k: int | None = None,
    ) -> list[ScoredFinding]:
        return self.findings.list_findings(doc_ids, types, topic, k)

    def compare(self, topic: str, doc_a: str, doc_b: str) -> Comparison:
        return self.findings.compare(topic, doc_a, doc_b)

    def warm(self, progress: bool = False) -> int:
        """Load the model and index any document stored before ingest kept sentence vectors
        (once, ever); on a current store this costs nothing that grows with the corpus. The
        findings of every report are then read in the background, so the first question about
        findings across the store does not wait for them. Returns how many documents were
        indexed."""
        self.embedder.encode_one("warm up")
        indexed = self._index_old_documents()
        if self._warming is None or not self._warming.is_alive():
            self._warming = threading.Thread(
                target=self.findings.index, daemon=True, name="findings-warm"
            )
            self._warming.start()
        return indexed

    def _index_old_documents(self) -> int:
        store = FindingStore(self.db)
        return self.indexer.backfill(lambda doc_id: store.findings([doc_id]))

    def close(self) -> None:
        if self._warming is not None:
            self._warming.join()  # it reads the database being closed
        self.db.close()
