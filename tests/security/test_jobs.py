"""Probe rows: SIGTERM during a background ingest (exits in seconds, the document left as it
was), and `kill -9` during one then a restart (the job marked failed, its upload removed)."""

from __future__ import annotations

import signal
import time
import uuid
from pathlib import Path

import httpx
import pytest
from served import Served


def _big_report(marker: str) -> bytes:
    """~2,000 distinct chunks: a minute or more of embedding, well under every limit."""
    paragraphs = [
        f"Paragraph {n} of report {marker}: officers recorded case {n * 7919 % 10007} about "
        f"detention number {n} and the appropriate adult who arrived after {n % 13} hours."
        for n in range(12_000)
    ]
    return (f"Long report {marker}\n\n" + "\n\n".join(paragraphs)).encode()


def _start_ingest(client: httpx.Client, name: str) -> str:
    r = client.post("/v1/documents", files={"file": (name, _big_report(uuid.uuid4().hex))})
    assert r.status_code == 202, r.text
    job_id = r.json()["job_id"]
    deadline = time.monotonic() + 60
    while client.get(f"/v1/jobs/{job_id}").json()["status"] != "running":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    time.sleep(3)  # into the embedding
    return job_id


def _documents(client: httpx.Client) -> set[str]:
    return {d["document"]["doc_id"] for d in client.get("/v1/documents").json()}


@pytest.fixture
def store(fresh_store) -> Path:
    return fresh_store("jobs")


def test_sigterm_and_kill_during_an_ingest(store: Path, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    first = Served(store, log).start()
    with first.client() as client:
        before = _documents(client)
        stopped = _start_ingest(client, "long-a.txt")
    started = time.monotonic()
    first.signal(signal.SIGTERM)
    assert first.process is not None
    first.process.wait(timeout=30)
    took = time.monotonic() - started
    assert took < 15, f"SIGTERM took {took:.1f} s"

    second = Served(store, log).start()
    try:
        with second.client() as client:
            job = client.get(f"/v1/jobs/{stopped}").json()
            assert job["status"] == "failed" and "interrupted" in job["message"], job
            assert _documents(client) == before, "the document was left as it was"
            assert not list((store / "uploads").glob("*long-a.txt"))
            killed = _start_ingest(client, "long-b.txt")
        second.signal(signal.SIGKILL)
        assert second.process is not None
        second.process.wait(timeout=10)
    finally:
        second.stop()

    third = Served(store, log).start()
    try:
        with third.client() as client:
            job = client.get(f"/v1/jobs/{killed}").json()
            assert job["status"] == "failed" and "interrupted" in job["message"], job
            assert _documents(client) == before
            assert not list((store / "uploads").glob("*long-b.txt")), "the orphan was removed"
    finally:
        third.stop()
