"""The baseline a user would build in an afternoon from LangChain's tutorials: fixed-size
1,000-character splits with 200 overlap, dense-only top 4 from Chroma with the same embedding
model, and the retrieved text as the answer. Scored by the same code as ours."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.embeddings import Embedder
from assistant.store.vectors import LocalEmbeddingFunction


@dataclass(frozen=True)
class BaselineHit:
    doc_id: str
    start: int
    end: int
    text: str


class TutorialBaseline:
    k = 4

    def __init__(self, documents: dict[str, str], embedder: Embedder) -> None:
        splitter = RecursiveCharacterTextSplitter(
            chunk_size=1000, chunk_overlap=200, add_start_index=True
        )
        self.embedder = embedder
        self.hits: list[BaselineHit] = []
        for doc_id, text in documents.items():
            for piece in splitter.create_documents([text]):
                start = int(piece.metadata["start_index"])
                self.hits.append(
                    BaselineHit(doc_id, start, start + len(piece.page_content), piece.page_content)
                )
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        self.collection = client.create_collection(
            f"baseline-{uuid.uuid4().hex[:8]}",
            configuration={"hnsw": {"space": "cosine"}},
            embedding_function=LocalEmbeddingFunction(embedder),  # type: ignore[arg-type]
        )
        vectors = embedder.encode([h.text for h in self.hits])
        self.collection.add(
            ids=[str(i) for i in range(len(self.hits))],
            embeddings=list(vectors),
            documents=[h.text for h in self.hits],
        )

    def run(self, question: str) -> tuple[list[BaselineHit], str]:
        """The top-4 passages and the "answer" (their text, each marked as cited)."""
        result = self.collection.query(
            query_embeddings=[self.embedder.encode_one(question)], n_results=self.k
        )
        hits = [self.hits[int(i)] for i in result["ids"][0]]
        answer = "\n\n".join(f"{hit.text} [{n}]" for n, hit in enumerate(hits, start=1))
        return hits, answer
