"""VectorStore against embedded Chroma and a real `chroma run` server.

Every test here runs with Chroma's DefaultEmbeddingFunction booby-trapped: it downloads an ONNX
model, so constructing or calling it anywhere in the lifecycle is a bug.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pytest
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.utils import embedding_functions

from assistant.domain.records import Chunk, SectionKind
from assistant.embeddings import Embedder
from assistant.settings import Settings
from assistant.store.vectors import LocalEmbeddingFunction, VectorStore

if TYPE_CHECKING:
    from conftest import ChromaServer

TEXTS = {
    # doc "alpha"
    "alpha-0": "Custody suites: detainees were kept safe and their welfare needs were met.",
    "alpha-1": "Emergency 999 calls were answered quickly by the force control room.",
    # doc "beta"
    "beta-0": "Crime recording was inaccurate; many reported crimes were never recorded.",
    "beta-1": "Officers lacked training in protecting vulnerable children from exploitation.",
}
LABELS = {"alpha": "Alpha 2021", "beta": "Beta 2022"}


@pytest.fixture(autouse=True)
def no_default_embedding_function(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("Chroma's DefaultEmbeddingFunction must never be used")

    cls = embedding_functions.DefaultEmbeddingFunction
    monkeypatch.setattr(cls, "__init__", forbidden)
    monkeypatch.setattr(cls, "__call__", forbidden)


def test_trap_is_armed() -> None:
    with pytest.raises(AssertionError):
        embedding_functions.DefaultEmbeddingFunction()


def make_chunks() -> dict[str, list[Chunk]]:
    by_doc: dict[str, list[Chunk]] = {}
    for chunk_id, text in TEXTS.items():
        doc_id, order = chunk_id.split("-")
        by_doc.setdefault(doc_id, []).append(
            Chunk(
                chunk_id=chunk_id,
                doc_id=doc_id,
                section_id=f"{doc_id}-s{order}",
                section_path=["Findings", f"Area {order}"],
                section_kind=SectionKind.MAIN_FINDINGS,
                text=text,
                start=int(order) * 100,
                end=int(order) * 100 + len(text),
                page=None if order == "0" else 3,
                order=int(order),
            )
        )
    return by_doc


def reopen(settings: Settings, embedder: Embedder) -> VectorStore:
    """A genuinely new client: Chroma caches one System per path/host in-process, so drop it."""
    SharedSystemClient.clear_system_cache()
    return VectorStore(settings, embedder)


def exercise_lifecycle(settings: Settings, embedder: Embedder) -> VectorStore:
    """create → upsert → query → reopen → get → delete; shared by the embedded and server tests."""
    store = VectorStore(settings, embedder)
    assert store.heartbeat()
    assert store.count() == 0
    assert store.query(embedder.encode_one("anything"), k=5) == []

    vectors: dict[str, np.ndarray] = {}
    for doc_id, chunks in make_chunks().items():
        emb = embedder.encode([c.embed_text(LABELS[doc_id]) for c in chunks])
        store.upsert(chunks, emb, LABELS[doc_id])
        vectors.update({c.chunk_id: v for c, v in zip(chunks, emb, strict=True)})
    assert store.count() == len(TEXTS)

    # The semantically right chunk comes first; scores are cosine similarities, best first.
    q = embedder.encode_one("How fast does the control room answer emergency calls?")
    hits = store.query(q, k=10)
    assert hits[0][0] == "alpha-1"
    assert len(hits) == len(TEXTS)  # k capped at count
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    for cid, score in hits:
        assert score == pytest.approx(float(vectors[cid] @ q), abs=1e-4)

    filtered = store.query(q, k=10, where={"doc_id": "beta"})
    assert {cid for cid, _ in filtered} == {"beta-0", "beta-1"}

    # Reopen: a new store on the same path/server sees the same data.
    store = reopen(settings, embedder)
    assert store.count() == len(TEXTS)
    assert store.ids_for_doc("alpha") == {"alpha-0", "alpha-1"}
    assert store.query(q, k=1)[0][0] == "alpha-1"

    got = store.get_embeddings(["beta-1", "alpha-0", "missing"])
    assert set(got) == {"beta-1", "alpha-0"}
    for cid, vec in got.items():
        assert vec.dtype == np.float32 and vec.shape == (384,)
        np.testing.assert_allclose(vec, vectors[cid], atol=1e-6)

    meta = store.collection.get(ids=["alpha-1", "alpha-0"], include=["metadatas", "documents"])
    by_id = dict(zip(meta["ids"], meta["metadatas"] or [], strict=True))
    assert by_id["alpha-1"] == {
        "doc_id": "alpha",
        "section_id": "alpha-s1",
        "section_kind": "main_findings",
        "order": 1,
        "start": 100,
        "end": 100 + len(TEXTS["alpha-1"]),
        "page": 3,
        "doc_label": "Alpha 2021",
        "section_path": "Findings › Area 1",
    }
    assert "page" not in by_id["alpha-0"]
    assert set(meta["documents"] or []) == {TEXTS["alpha-1"], TEXTS["alpha-0"]}

    # Deleting one document leaves the other alone.
    store.delete_doc("alpha")
    assert store.ids_for_doc("alpha") == set()
    assert store.ids_for_doc("beta") == {"beta-0", "beta-1"}
    assert {cid for cid, _ in store.query(q, k=10)} == {"beta-0", "beta-1"}
    store.delete(["beta-0"])
    assert store.ids_for_doc("beta") == {"beta-1"}
    store.delete([])
    assert store.count() == 1
    return store


# --- embedded (PersistentClient) ------------------------------------------------------------


def test_embedded_lifecycle(settings_factory: Callable[..., Settings], embedder: Embedder) -> None:
    settings = settings_factory()
    store = exercise_lifecycle(settings, embedder)
    assert settings.chroma_path.is_dir()
    assert (settings.chroma_path / "chroma.sqlite3").exists()
    assert store.count() == 1


def test_collection_is_cosine_and_bound_to_our_embedding_function(
    settings_factory: Callable[..., Settings], embedder: Embedder
) -> None:
    settings = settings_factory()
    # No "legacy embedding function" / unsupported-space warnings on create or on reopen.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        store = VectorStore(settings, embedder)
        reopened = reopen(settings, embedder)
    for s in (store, reopened):
        config = s.collection.configuration_json
        assert config["hnsw"]["space"] == "cosine"
        assert config["embedding_function"] == {
            "type": "known",
            "name": LocalEmbeddingFunction.name(),
            "config": {"model": "all-MiniLM-L6-v2"},
        }
    # Chroma rebuilds the function from the persisted config via our registered class.
    assert isinstance(
        reopened.collection.configuration["embedding_function"], LocalEmbeddingFunction
    )


def test_embedding_function_adapter_encodes_with_our_model(embedder: Embedder) -> None:
    ef = LocalEmbeddingFunction(embedder)
    out = ef(["detainee welfare in custody"])
    assert len(out) == 1
    np.testing.assert_allclose(
        out[0], embedder.encode_one("detainee welfare in custody"), atol=1e-6
    )
    assert not ef.is_legacy()
    rebuilt = LocalEmbeddingFunction.build_from_config(ef.get_config())
    assert rebuilt.get_config() == ef.get_config()


def test_upsert_batches_and_replaces(
    settings_factory: Callable[..., Settings], embedder: Embedder
) -> None:
    store = VectorStore(settings_factory(), embedder)
    store._batch = 2  # force several round trips
    base = make_chunks()["alpha"][0]
    chunks = [base.model_copy(update={"chunk_id": f"c{i}", "order": i}) for i in range(5)]
    rng = np.random.default_rng(0)
    emb = rng.normal(size=(5, 384)).astype(np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    store.upsert(chunks, emb, "Alpha 2021")
    assert store.count() == 5
    store.upsert(chunks[:1], emb[1:2], "Alpha 2021")  # same id: replaced, not duplicated
    assert store.count() == 5
    np.testing.assert_allclose(store.get_embeddings(["c0"])["c0"], emb[1], atol=1e-6)
    store.delete([f"c{i}" for i in range(5)])
    assert store.count() == 0
    with pytest.raises(ValueError):
        store.upsert(chunks, emb[:2], "Alpha 2021")


def test_read_vectors_are_remembered_until_the_store_changes(
    settings_factory: Callable[..., Settings], embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = VectorStore(settings_factory(), embedder)
    chunks = make_chunks()["alpha"]
    ids = [c.chunk_id for c in chunks]
    first = embedder.encode([c.text for c in chunks])
    store.upsert(chunks, first, "Alpha 2021")
    assert set(store.get_embeddings(ids, remember=False)) == set(ids)
    chroma_get = store.collection.get

    def unread(*args: object, **kwargs: object) -> None:
        raise AssertionError("read from Chroma again")

    monkeypatch.setattr(store.collection, "get", unread)
    with pytest.raises(AssertionError):  # a bulk read (an ingest's) is not remembered
        store.get_embeddings(ids)
    monkeypatch.setattr(store.collection, "get", chroma_get)
    store.get_embeddings(ids)
    monkeypatch.setattr(store.collection, "get", unread)
    np.testing.assert_allclose(store.get_embeddings(ids)["alpha-0"], first[0], atol=1e-6)
    monkeypatch.setattr(store.collection, "get", chroma_get)

    store.upsert(chunks[:1], first[1:2], "Alpha 2021")  # our own write replaces it
    np.testing.assert_allclose(store.get_embeddings(["alpha-0"])["alpha-0"], first[1], atol=1e-6)
    store.delete(["alpha-1"])
    assert store.get_embeddings(["alpha-1"]) == {}
    store.collection.upsert(ids=["alpha-0"], embeddings=first[:1])  # another process's write
    store.refresh()
    np.testing.assert_allclose(store.get_embeddings(["alpha-0"])["alpha-0"], first[0], atol=1e-6)
    store.delete_doc("alpha")
    assert store.get_embeddings(["alpha-0"]) == {}


# --- server (HttpClient against `chroma run`) -----------------------------------------------


def test_server_lifecycle(
    chroma_server: tuple[str, int],
    settings_factory: Callable[..., Settings],
    embedder: Embedder,
) -> None:
    host, port = chroma_server
    # The server is shared by the session: a collection of our own starts empty.
    settings = settings_factory(chroma_host=host, chroma_port=port, collection="vectors-lifecycle")
    store = exercise_lifecycle(settings, embedder)
    assert store.collection.configuration_json["hnsw"]["space"] == "cosine"


def test_server_going_away_and_restarting(
    private_chroma_server: ChromaServer,
    settings_factory: Callable[..., Settings],
    embedder: Embedder,
) -> None:
    server = private_chroma_server
    settings = settings_factory(chroma_host=server.host, chroma_port=server.port)
    store = VectorStore(settings, embedder)
    for doc_id, chunks in make_chunks().items():
        emb = embedder.encode([c.embed_text(LABELS[doc_id]) for c in chunks])
        store.upsert(chunks, emb, LABELS[doc_id])
    assert store.ids_for_doc("beta") == {"beta-0", "beta-1"}

    # The server going away is reported, not raised.
    server.stop()
    assert store.heartbeat() is False

    # Data lives in the server's path: a restarted server (new port) still has it.
    server.start()
    again = reopen(settings.model_copy(update={"chroma_port": server.port}), embedder)
    assert again.heartbeat()
    assert again.ids_for_doc("beta") == {"beta-0", "beta-1"}
    assert again.count() == len(TEXTS)
