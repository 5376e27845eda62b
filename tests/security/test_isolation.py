"""Probe rows: a lone surrogate in a question (400 everywhere, never another user's failure),
and deleting documents while questions are asked (no 500)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import Future

import httpx
import numpy as np
import pytest
from served import Served, wait_job

from assistant.embeddings import Embedder

BAD = "where is the \udfff appropriate adult"
QUESTIONS = [
    "how long did the detained girl wait for an appropriate adult?",
    "what should officers record when they use police protection powers?",
    "what did inspectors find about the voice of the child?",
    "missing children return interviews",
]


def post(client: httpx.Client, path: str, body: dict) -> httpx.Response:
    """POST JSON as a client in any language may: `\\udfff` escapes included (httpx itself
    refuses to encode a lone surrogate)."""
    return client.post(path, content=json.dumps(body), headers={"content-type": "application/json"})


SURROGATE_PROBES = [
    ("/v1/ask", {"question": BAD}),
    ("/v1/ask", {"question": "ok", "stream": True, "conversation_id": "\udfff"}),
    ("/v1/search", {"query": BAD}),
    ("/v1/compare", {"topic": BAD, "doc_a": "staffordshire-2021", "doc_b": "staffordshire-2025"}),
    ("/v1/quiz", {"topic": BAD, "n": 2}),
    ("/v1/feedback", {"question": BAD, "answer": "a", "rating": "up"}),
    ("/gradio_api/call/ask", {"data": [BAD, [], None, [], [], []]}),
]


@pytest.mark.parametrize(("path", "body"), SURROGATE_PROBES)
def test_invalid_unicode_is_refused_at_the_edge(full: httpx.Client, path: str, body: dict) -> None:
    r = post(full, path, body)
    assert r.status_code == 400, (path, r.status_code, r.text[:300])
    assert "lone surrogate" in r.json()["error"]["message"]


def test_invalid_unicode_in_a_query_string_is_no_500(full: httpx.Client) -> None:
    r = full.get("/v1/findings", params={"topic": "custody %ED%BF%BF"})
    assert r.status_code < 500
    r = full.get("/v1/findings?topic=%ED%BF%BF")
    assert r.status_code < 500


def test_control_characters_are_dropped_from_questions(full: httpx.Client) -> None:
    r = full.post("/v1/ask", json={"question": "appropriate\x00 adult\x1b[31m delays"})
    assert r.status_code == 200
    assert "\x00" not in r.json()["answer"]["question"]


def test_poison_under_load_fails_no_normal_request(server: Served) -> None:
    """Clients sending bad Unicode beside normal clients: every normal request succeeds."""
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    stop = time.monotonic() + 20

    def normal(index: int) -> None:
        with server.client() as client:
            for i in range(4):
                question = QUESTIONS[(index + i) % len(QUESTIONS)]
                endpoint, body = (
                    ("/v1/ask", {"question": question})
                    if i % 2
                    else ("/v1/search", {"query": question})
                )
                r = client.post(endpoint, json=body)
                with lock:
                    outcomes["ok" if r.status_code == 200 else f"normal {r.status_code}"] += 1

    def poison() -> None:
        with server.client() as client:
            while time.monotonic() < stop:
                for body in ({"question": BAD}, {"question": "\x00\x01"}, {"question": "x" * 5000}):
                    r = post(client, "/v1/ask", body)
                    with lock:
                        outcomes[
                            "refused" if 400 <= r.status_code < 500 else f"bad {r.status_code}"
                        ] += 1

    threads = [threading.Thread(target=normal, args=(n,)) for n in range(8)]
    threads += [threading.Thread(target=poison) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads[:8]:
        t.join()
    stop = time.monotonic()
    for t in threads[8:]:
        t.join()
    assert outcomes["ok"] == 32, outcomes
    assert outcomes["refused"] > 0 and not [k for k in outcomes if k not in ("ok", "refused")]


class _Touchy:
    """A stand-in model whose batch fails when it holds one poisoned text."""

    def encode(self, texts: list[str], **_: object) -> np.ndarray:
        if any("POISON" in t for t in texts):
            raise ValueError("cannot encode that")
        time.sleep(0.05)  # long enough for concurrent requests to share a batch
        return np.ones((len(texts), 4), dtype=np.float32)


def test_a_failed_batch_fails_only_the_bad_request() -> None:
    embedder = Embedder("unused")
    embedder._model = _Touchy()  # type: ignore[assignment]
    results: dict[str, Future[object]] = {}

    def ask(text: str) -> None:
        done: Future[object] = Future()
        try:
            done.set_result(embedder.encode_one(text))
        except Exception as error:
            done.set_exception(error)
        results[text] = done

    texts = [f"question {n}" for n in range(12)] + ["POISON"]
    threads = [threading.Thread(target=ask, args=(t,)) for t in texts * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert isinstance(results["POISON"].exception(), ValueError)
    assert all(results[t].exception() is None for t in texts[:-1])


def test_deleting_documents_while_questions_are_asked_never_500s(server: Served) -> None:
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    done = threading.Event()

    def asker(index: int) -> None:
        with server.client() as client:
            i = index
            while not done.is_set():
                q = f"custody detention delays appropriate adult {QUESTIONS[i % len(QUESTIONS)]}"
                endpoint, body = (("/v1/ask", {"question": q}), ("/v1/search", {"query": q}))[i % 2]
                r = client.post(endpoint, json=body)
                with lock:
                    statuses[r.status_code] += 1
                i += 1

    threads = [threading.Thread(target=asker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    deleted = 0
    try:
        with server.client() as writer:
            for round_ in range(6):
                text = (
                    f"Race report {uuid.uuid4().hex}\n\n"
                    + "Custody detention delays for the appropriate adult were long. " * 30
                ).encode()
                job = writer.post("/v1/documents", files={"file": (f"race{round_}.txt", text)})
                job = wait_job(writer, job.json()["job_id"])
                assert job["status"] == "done", job
                time.sleep(0.5)
                assert writer.delete(f"/v1/documents/{job['doc_id']}").status_code == 204
                deleted += 1
    finally:
        done.set()
        for t in threads:
            t.join()
    assert deleted == 6
    assert sum(statuses.values()) > 20 and set(statuses) == {200}, statuses
