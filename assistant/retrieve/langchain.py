"""The hybrid retriever behind LangChain's `BaseRetriever` interface, so it plugs into any
LangChain chain (each Document carries its citation metadata)."""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

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
    """`retriever.invoke("question")` → the top `k` passages as LangChain Documents."""

    hybrid: HybridRetriever
    k: int = 6
    filters: SearchFilters | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [to_document(hit) for hit in self.hybrid.run(query, k=self.k, filters=self.filters)]
