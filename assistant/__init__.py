"""Inspection Assistant: answers questions over inspection reports with cited passages.

The public surface is small: build an `Assistant` (optionally from `Settings`) and call
`ingest`, `search`, `ask`; the records it returns are defined in `assistant.domain.records`.
Names are imported on first use, so importing a submodule (say `assistant.domain.records` from the
ingest code) never drags in the whole stack.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.core import Assistant
    from assistant.domain.records import (
        Answer,
        Chunk,
        Citation,
        Document,
        ScoredChunk,
        SearchFilters,
        Section,
    )
    from assistant.settings import Settings, get_settings

_WHERE = {
    "Assistant": "assistant.core",
    "Settings": "assistant.settings",
    "get_settings": "assistant.settings",
    **{
        name: "assistant.domain.records"
        for name in (
            "Answer",
            "Chunk",
            "Citation",
            "Document",
            "ScoredChunk",
            "SearchFilters",
            "Section",
        )
    },
}

__all__ = [
    "Answer",
    "Assistant",
    "Chunk",
    "Citation",
    "Document",
    "ScoredChunk",
    "SearchFilters",
    "Section",
    "Settings",
    "get_settings",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
