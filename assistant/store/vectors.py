"""The vector half of the store: chunk embeddings in a Chroma collection (embedded or server).

We always embed ourselves (`Embedder`) and hand Chroma finished vectors; the collection is bound
to `LocalEmbeddingFunction` only so Chroma never falls back to its own default embedder, which
would download an ONNX model.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import chromadb
import numpy as np
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.config import Settings as ChromaSettings
from chromadb.utils.embedding_functions import register_embedding_function

from assistant.domain.records import PATH_SEP, Chunk
from assistant.embeddings import Embedder
from assistant.settings import Settings

MAX_BATCH = 1000
_REMEMBERED = 20_000
"""Chunk vectors kept in memory (about 30 MB): every question reranks passages other questions
reranked, and a read from Chroma costs milliseconds."""
PACKAGED_MODEL = "all-MiniLM-L6-v2"


@register_embedding_function
class LocalEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma 1.x embedding-function adapter over our `Embedder`.

    Registered (and given a name and config) so Chroma records it as a "known" function rather
    than "legacy", and can rebuild it when it reopens the collection, without warnings.
    """

    def __init__(self, embedder: Embedder | None = None) -> None:
        self._embedder = embedder or Embedder()

    def __call__(self, input: Documents) -> Embeddings:
        return list(self._embedder.encode(list(input)))

    @staticmethod
    def name() -> str:
        return "inspection-assistant-local"

    def get_config(self) -> dict[str, Any]:
        # The model name, not a path, so a collection stays portable across installs.
        return {"model": self._embedder.name}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> LocalEmbeddingFunction:
        model = config.get("model")
        return LocalEmbeddingFunction(Embedder(None if model == PACKAGED_MODEL else model))

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine"]


class _Gate:
    """Many readers or one writer: queries run side by side; reopening the store waits for them
    and holds them back until it is done."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writing)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writing and self._readers == 0)
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


class VectorStore:
    """Chunk vectors keyed by `chunk_id`, with enough metadata to filter by document/section."""

    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder
        self._batch: int | None = None
        self._generation: int | None = None
        self._gate = _Gate()
        self._sync_lock = threading.Lock()
        self._remembered: OrderedDict[str, np.ndarray] = OrderedDict()
        self._memory_lock = threading.Lock()
        self._open()

    def _open(self) -> None:
        # A fresh ChromaSettings each time: HttpClient writes host/port into the object it gets.
        settings = self.settings
        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if settings.chroma_host:
            self.client = chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
        else:
            settings.chroma_path.mkdir(parents=True, exist_ok=True)
            self.client = chromadb.PersistentClient(
                path=str(settings.chroma_path), settings=chroma_settings
            )
        self.collection = self.client.get_or_create_collection(
            settings.collection,
            configuration={"hnsw": {"space": "cosine"}},
            # Chroma types the parameter as EmbeddingFunction[Embeddable] (texts or images);
            # ours takes texts only, which the invariant generic cannot express.
            embedding_function=LocalEmbeddingFunction(self.embedder),  # type: ignore[arg-type]
        )

    def sync(self, generation: int) -> None:
        """Reopen when the store's generation moved since this process last looked (or wrote):
        another process may have changed it. One thread reopens; the others wait."""
        with self._sync_lock:
            if self._generation is not None and generation != self._generation:
                self.refresh()
            self._generation = generation

    def refresh(self) -> None:
        """Re-read the store after another process changed it. An embedded Chroma keeps its
        index in memory, so a CLI ingest beside a running server is only seen after reopening;
        a Chroma server is shared by every process and needs nothing."""
        self._forget()
        if self.settings.chroma_host:
            return
        with self._gate.writing():
            identifier = getattr(self.client, "_identifier", None)
            if identifier is not None:
                SharedSystemClient._identifier_to_system.pop(identifier, None)
            self._open()

    @property
    def batch_size(self) -> int:
        """Chroma rejects oversized writes; ask the client once (a round trip on a server)."""
        if self._batch is None:
            limit = getattr(self.client, "get_max_batch_size", None)
            self._batch = min(MAX_BATCH, int(limit())) if limit else MAX_BATCH
        return self._batch

    def upsert(self, chunks: list[Chunk], embeddings: np.ndarray, doc_label: str) -> None:
        if len(chunks) != len(embeddings):
            raise ValueError(f"{len(chunks)} chunks but {len(embeddings)} embeddings")
        vectors = np.asarray(embeddings, dtype=np.float32)
        for i in range(0, len(chunks), self.batch_size):
            batch = chunks[i : i + self.batch_size]
            with self._gate.reading():
                self.collection.upsert(
                    ids=[c.chunk_id for c in batch],
                    embeddings=vectors[i : i + len(batch)],
                    documents=[c.text for c in batch],
                    metadatas=[_metadata(c, doc_label) for c in batch],
                )
        self._forget([c.chunk_id for c in chunks])

    def get_embeddings(self, ids: list[str], remember: bool = True) -> dict[str, np.ndarray]:
        """Stored vectors by chunk id, remembered until this store rewrites them or another
        process changes the store (`refresh`). With `remember=False` (an ingest's bulk read)
        they do not displace a question's passages."""
        with self._memory_lock:
            found = {i: self._remembered[i] for i in ids if i in self._remembered}
            for i in found:
                self._remembered.move_to_end(i)
        todo = [i for i in dict.fromkeys(ids) if i not in found]
        if not todo:
            return found
        with self._gate.reading():
            got = self.collection.get(ids=todo, include=["embeddings"])
        vectors = got["embeddings"] if got["embeddings"] is not None else []
        fresh = {
            i: np.asarray(v, dtype=np.float32) for i, v in zip(got["ids"], vectors, strict=True)
        }
        if not remember:
            return {**found, **fresh}
        with self._memory_lock:
            self._remembered.update(fresh)
            while len(self._remembered) > _REMEMBERED:
                self._remembered.popitem(last=False)
        return {**found, **fresh}

    def _forget(self, ids: list[str] | None = None) -> None:
        """Drop remembered vectors (these ids, or all): their chunks are being rewritten. A
        chunk's vector embeds its report's label too, which a re-ingest may change."""
        with self._memory_lock:
            if ids is None:
                self._remembered.clear()
            for i in ids or []:
                self._remembered.pop(i, None)

    def ids_for_doc(self, doc_id: str) -> set[str]:
        with self._gate.reading():
            return set(self.collection.get(where={"doc_id": doc_id}, include=[])["ids"])

    def delete(self, ids: list[str]) -> None:
        self._forget(ids)
        for i in range(0, len(ids), self.batch_size):
            with self._gate.reading():
                self.collection.delete(ids=ids[i : i + self.batch_size])

    def delete_doc(self, doc_id: str) -> None:
        self._forget()
        with self._gate.reading():
            self.collection.delete(where={"doc_id": doc_id})

    def query(
        self, embedding: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """Nearest chunks as (chunk_id, cosine similarity), best first. Chroma returns fewer
        than `k` when it holds fewer, so no count is asked for (a round trip to a server)."""
        if k <= 0:
            return []
        with self._gate.reading():
            res = self.collection.query(
                query_embeddings=np.asarray(embedding, dtype=np.float32).reshape(1, -1),
                n_results=k,
                where=where,
                include=["distances"],
            )
        ids = res["ids"][0]
        distances = res["distances"][0] if res["distances"] else []
        return [(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]

    def count(self) -> int:
        with self._gate.reading():
            return self.collection.count()

    def heartbeat(self) -> bool:
        """True if the client answers (a server can go away after we connected)."""
        try:
            with self._gate.reading():
                self.client.heartbeat()
        except Exception:
            return False
        return True


def _metadata(chunk: Chunk, doc_label: str) -> dict[str, str | int]:
    """Flat metadata for filtering; Chroma cannot store None, so a missing page is omitted."""
    meta: dict[str, str | int] = {
        "doc_id": chunk.doc_id,
        "section_id": chunk.section_id,
        "section_kind": str(chunk.section_kind),
        "order": chunk.order,
        "start": chunk.start,
        "end": chunk.end,
        "doc_label": doc_label,
        "section_path": PATH_SEP.join(chunk.section_path),
    }
    if chunk.page is not None:
        meta["page"] = chunk.page
    return meta
