"""Fixtures of the security suite. The sample corpus is ingested once per session through the
CLI into a template store; each server gets a private copy of it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from served import FULL, READONLY, ROOT, Served, env_for


@pytest.fixture(scope="session")
def corpus_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the sample corpus, ingested once through the CLI."""
    store = tmp_path_factory.mktemp("security-template") / "store"
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "ingest", str(ROOT / "data" / "sample")],
        cwd=ROOT,
        env=env_for(store),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return store


@pytest.fixture(scope="session")
def fresh_store(corpus_template: Path, tmp_path_factory: pytest.TempPathFactory):
    """A factory of private copies of the template store."""

    def make(name: str) -> Path:
        target = tmp_path_factory.mktemp(name) / "store"
        shutil.copytree(corpus_template, target)
        return target

    return make


@pytest.fixture(scope="session")
def server(fresh_store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The shared server for every probe that leaves the sample corpus as it found it (tests
    add and delete only documents of their own)."""
    served = Served(fresh_store("shared"), tmp_path_factory.mktemp("logs") / "shared.log")
    served.start()
    try:
        yield served
    finally:
        served.stop()


@pytest.fixture(scope="session")
def full(server: Served) -> Iterator[httpx.Client]:
    with server.client(FULL) as client:
        yield client


@pytest.fixture(scope="session")
def readonly(server: Served) -> Iterator[httpx.Client]:
    with server.client(READONLY) as client:
        yield client


@pytest.fixture(scope="session")
def anonymous(server: Served) -> Iterator[httpx.Client]:
    with server.client(None) as client:
        yield client
