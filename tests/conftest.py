"""Fixtures shared by the whole suite."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from chromadb.api.shared_system_client import SharedSystemClient
from live_server import wait_until_up

from assistant.core import Assistant
from assistant.embeddings import Embedder
from assistant.settings import Settings


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """One embedder per test session, so the model is loaded (lazily) at most once."""
    return Embedder()


@pytest.fixture
def settings_factory(tmp_path: Path) -> Callable[..., Settings]:
    """Settings whose data lives under this test's tmp_path; keyword overrides pass through."""

    def make(**kw: Any) -> Settings:
        kw.setdefault("data_dir", tmp_path / "store")
        return Settings(**kw)

    return make


# --- the bundled sample corpus, ingested once -----------------------------------------------


@pytest.fixture(scope="session")
def sample_assistant(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder
) -> Iterator[Assistant]:
    """An `Assistant` over a session temp store holding the bundled sample corpus (data/sample),
    ingested once for the whole session.

    READ-ONLY BY CONVENTION: many suites (structure checks, retrieval, answers, eval, API) share
    this one instance, so tests must not ingest into it, remove documents, or otherwise change its
    store or settings. A test that needs to write builds its own `Assistant` (for example
    `Assistant(settings_factory(), embedder=embedder)`).
    """
    settings = Settings(data_dir=tmp_path_factory.mktemp("sample-store"))
    assistant = Assistant(settings, embedder=embedder)
    report = assistant.ingest([settings.sample_dir], progress=False)
    assert report.ok and len(report.added) == 2, report.summary()
    try:
        yield assistant
    finally:
        assistant.close()


# --- a real Chroma server (`chroma run`) ----------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ChromaServer:
    """A `chroma run` subprocess on 127.0.0.1; the binary ships with chromadb in this venv."""

    binary = Path(sys.executable).parent / "chroma"
    host = "127.0.0.1"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = path.parent / f"{path.name}.log"

    def start(self, timeout_s: float = 30.0) -> None:
        if not self.binary.exists():
            pytest.fail(f"chroma CLI not found at {self.binary}; is chromadb installed?")
        self.port = free_port()
        cmd = [str(self.binary), "run", "--path", str(self.path)]
        cmd += ["--host", self.host, "--port", str(self.port)]
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://{self.host}:{self.port}/api/v2/heartbeat"
        try:
            wait_until_up(url, self.proc, timeout_s, "chroma run", self.tail, every_s=0.1)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """(host, port) of one `chroma run` server shared by the session. Tests sharing it must use
    their own collection name (`Settings(collection=...)`) and must not stop it."""
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server") / "data")
    server.start()
    try:
        yield server.host, server.port
    finally:
        server.stop()
        SharedSystemClient.clear_system_cache()


@pytest.fixture
def private_chroma_server(tmp_path: Path) -> Iterator[ChromaServer]:
    """A server of this test's own, which the test may stop and restart."""
    server = ChromaServer(tmp_path / "chroma-server")
    server.start()
    try:
        yield server
    finally:
        server.stop()
        SharedSystemClient.clear_system_cache()
