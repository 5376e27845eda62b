"""The session's llama.cpp server (see llama_kit.py), started once on a free loopback port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from llama_kit import LlamaServer


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    server = LlamaServer(tmp_path_factory.mktemp("llama-server"))
    server.start()
    try:
        yield server
    finally:
        server.stop()
