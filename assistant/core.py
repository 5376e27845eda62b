"""The composition root: one `Assistant` owns the store, the model and the components built on
them, so the CLI, the API and the UI are thin faces over the same object."""

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
from assistant.embeddings import Embedder
from assistant.findings import Comparison, FindingQueries, ScoredFinding
from assistant.retrieve.cross_encoder import CrossEncoderReranker
from assistant.retrieve.hybrid import HybridRetriever, RetrievalConfig
from assistant.retrieve.langchain import InspectionRetriever
from assistant.retrieve.sentences import SentenceVectors
from assistant.settings import Settings, get_settings
from assistant.store.conversations import ConversationStore
from assistant.store.database import Database
from assistant.store.feedback import AuditLog, FeedbackStore
from assistant.store.findings import FindingStore
from assistant.store.jobs import JobStore
from assistant.store.vectors import VectorStore
from ingest.pipeline import Ingestor, IngestReport

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
        self._ingest_lock = threading.Lock()

    @cached_property
    def vectors(self) -> VectorStore:
        return VectorStore(self.settings, self.embedder)

    @cached_property
    def sentence_vectors(self) -> SentenceVectors:
        return SentenceVectors(self.embedder, self.db)

    @cached_property
    def retriever(self) -> HybridRetriever:
        reranker = self.settings.reranker_model
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
        from assistant.quiz.builder import QuizBuilder

        return QuizBuilder(self)

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
        )

    @cached_property
    def ingestor(self) -> Ingestor:
        return Ingestor(self.db, self.vectors, self.embedder, self.settings.chunk_chars)

    @cached_property
    def findings(self) -> FindingQueries:
        """Recommendations, areas for improvement, judgments, case studies...: list, compare."""
        return FindingQueries(
            self.db, FindingStore(self.db), self.embedder, self.sentence_vectors, self.retriever
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
        with self._ingest_lock:
            return self.ingestor.run(paths, prune=prune, progress=progress, replace=replace)

    def documents(self) -> list[Document]:
        return self.db.documents()

    def document(self, doc_id: str) -> Document | None:
        return self.db.document(doc_id)

    def sections(self, doc_id: str) -> list[Section]:
        return self.db.sections(doc_id)

    def remove(self, doc_id: str) -> bool:
        with self._ingest_lock:
            return self.ingestor.remove(doc_id)

    # retrieval -----------------------------------------------------------------------

    def search(
        self, query: str, k: int = 5, filters: SearchFilters | None = None
    ) -> list[ScoredChunk]:
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
        """Load the model and encode every stored sentence not yet cached (done once per corpus
        change, in the background when serving), so questions pay only for the question."""
        from assistant.retrieve.sentences import sentence_spans

        texts = [c.text[s:e] for c in self.db.chunks() for s, e in sentence_spans(c.text)]
        batch = 256
        for offset in range(0, len(texts), batch):
            self.sentence_vectors.get(texts[offset : offset + batch])
        return len(texts)

    def close(self) -> None:
        self.db.close()
