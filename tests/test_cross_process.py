"""A server notices what another process changed in its store before its next query: `serve`
and the CLI's `ingest` / `ingest --prune` run as separate processes on one data directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cli_runner import REPO_ROOT, run_cli
from live_server import free_port, wait_until_up

NEW_REPORT = """Harbourshire Constabulary: custody lighthouse review 2030

Published 1 March 2030

Chapter 1: Lighthouse custody visits

1.1 Every child detained at the Lighthouse suite must be offered a marmalade-coloured blanket and a visit from a volunteer named a tidewatcher within forty minutes of arrival.

1.2 The tidewatcher records each visit in the harbour ledger, which the custody inspector reviews every Thursday.
"""
QUESTION = "What must a child detained at the Lighthouse suite be offered, and by whom?"


def _ask(client: httpx.Client) -> dict:
    response = client.post("/v1/ask", json={"question": QUESTION})
    assert response.status_code == 200, response.text
    return response.json()["answer"]


def _cited_docs(answer: dict) -> set[str]:
    return {c["doc_id"] for c in answer["citations"]}


@pytest.fixture
def served_store(tmp_path: Path) -> Iterator[tuple[Path, httpx.Client]]:
    """A store with the sample corpus, served by `inspection-assistant serve` in a subprocess."""
    data_dir = tmp_path / "store"
    ingested = run_cli(data_dir, "ingest", "--quiet", str(REPO_ROOT / "data" / "sample"))
    assert ingested.returncode == 0, ingested.stderr
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IA_")}
    env |= {"IA_DATA_DIR": str(data_dir), "GRADIO_ANALYTICS_ENABLED": "False"}
    server = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--no-ui", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
    try:
        wait_until_up(
            f"http://127.0.0.1:{port}/readyz",
            server,
            90,
            "serve",
            lambda: server.stderr.read() if server.stderr else "",
            every_s=0.3,
        )
        yield data_dir, client
    finally:
        client.close()
        server.terminate()
        server.wait(timeout=30)


def test_serve_sees_cli_ingest_and_prune(
    served_store: tuple[Path, httpx.Client], tmp_path: Path
) -> None:
    data_dir, client = served_store
    before = _ask(client)
    assert "harbourshire-2030" not in _cited_docs(before)

    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "harbourshire-lighthouse.txt").write_text(NEW_REPORT, encoding="utf-8")
    added = run_cli(data_dir, "ingest", "--quiet", str(folder))
    assert added.returncode == 0, added.stderr
    doc_id = added.stdout.split("→")[1].split()[0]

    answer = _ask(client)
    assert doc_id in _cited_docs(answer), answer
    assert "tidewatcher" in answer["text"].lower()
    assert client.get(f"/v1/documents/{doc_id}").status_code == 200

    shutil.rmtree(folder)
    pruned = run_cli(data_dir, "ingest", "--quiet", "--prune", str(REPO_ROOT / "data" / "sample"))
    assert pruned.returncode == 0, pruned.stderr
    assert doc_id in pruned.stdout or "1 pruned" in pruned.stdout

    after = _ask(client)
    assert doc_id not in _cited_docs(after), after
    assert "tidewatcher" not in after["text"].lower()
    assert client.get(f"/v1/documents/{doc_id}").status_code == 404
    search = client.post("/v1/search", json={"query": "tidewatcher harbour ledger", "k": 10})
    assert doc_id not in {r["chunk"]["doc_id"] for r in search.json()["results"]}
