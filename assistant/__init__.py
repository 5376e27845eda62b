"""Inspection Assistant: answers questions over inspection reports with cited passages.

The public surface is small: build an `Assistant` (optionally from `Settings`) and call
`ingest`, `search`, `ask`; the records it returns are defined in `assistant.records`.
"""

from assistant.core import Assistant
from assistant.records import Answer, Chunk, Citation, Document, ScoredChunk, SearchFilters, Section
from assistant.settings import Settings, get_settings

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
