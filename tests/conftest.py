"""Fixtures shared by the whole suite."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

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
