"""The hybrid retriever behind LangChain's `BaseRetriever` interface, so it plugs into any
LangChain chain (each Document carries its citation metadata). It passes LangChain's standard
retriever tests (`tests/test_langchain_retriever.py`)."""

from __future__ import annotations

from langchain_core.callbacks import (
    AsyncCallbackManagerForRetrieverRun,
    CallbackManagerForRetrieverRun,
)
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables.config import run_in_executor
from pydantic import Field

from assistant.domain.errors import InvalidRequest
from assistant.domain.records import ScoredChunk, SearchFilters
from assistant.retrieve.hybrid import HybridRetriever


def to_document(hit: ScoredChunk) -> Document:
    chunk = hit.chunk
    return Document(
        page_content=chunk.text,
        id=chunk.chunk_id,
        metadata={
            "chunk_id": chunk.chunk_id,
            "doc_id": chunk.doc_id,
            "doc_label": hit.doc_label,
            "section_id": chunk.section_id,
            "section_path": chunk.section_path,
            "section_kind": str(chunk.section_kind),
            "page": chunk.page,
            "start": chunk.start,
            "end": chunk.end,
            "score": hit.score,
        },
    )


class InspectionRetriever(BaseRetriever):
    """`retriever.invoke("question")` → the top `k` passages as LangChain Documents.

    `k` and `filters` set at construction are defaults; `invoke(query, k=1, filters=...)` overrides
    them for one call, as LangChain's standard retriever tests expect."""

    hybrid: HybridRetriever
    k: int = Field(6, ge=1)
    filters: SearchFilters | None = None

    def _search(self, query: str, k: int | None, filters: SearchFilters | None) -> list[Document]:
        k = self.k if k is None else k
        if k < 1:
            raise InvalidRequest(f"k must be at least 1 (got {k})")
        hits = self.hybrid.run(query, k=k, filters=filters or self.filters)
        return [to_document(hit) for hit in hits]

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        filters: SearchFilters | None = None,
    ) -> list[Document]:
        return self._search(query, k, filters)

    async def _aget_relevant_documents(
        self,
        query: str,
        *,
        run_manager: AsyncCallbackManagerForRetrieverRun,
        k: int | None = None,
        filters: SearchFilters | None = None,
    ) -> list[Document]:
        """The same search on an executor thread (LangChain's default would drop `k`)."""
        return await run_in_executor(None, self._search, query, k, filters)
