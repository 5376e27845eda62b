"""Request and response bodies of the HTTP API (the records themselves come from
`assistant.domain.records`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, field_validator

from assistant.domain.records import Answer, Document, ScoredChunk, SearchFilters, Section
from assistant.domain.text import clean_text


class _Request(BaseModel):
    """Request bodies are strict: unknown fields and loosely typed values are errors; text is
    normalised at the edge (control characters dropped; invalid Unicode never gets this far)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _clean(cls, value: object) -> object:
        return clean_text(value) if isinstance(value, str) else value


class AskRequest(_Request):
    question: str = Field(description="the question, in plain words")
    conversation_id: str | None = Field(None, description="continue this conversation")
    filters: SearchFilters | None = None
    answerer: Literal["extractive", "llm"] | None = None
    stream: StrictBool = Field(
        False, description="stream Server-Sent Events instead of one JSON body"
    )


class AskResponse(BaseModel):
    conversation_id: str
    answer: Answer


class SearchRequest(_Request):
    query: str
    k: StrictInt = Field(5, ge=1, le=50)
    filters: SearchFilters | None = None


class SearchResponse(BaseModel):
    results: list[ScoredChunk]


class DocumentSummary(BaseModel):
    document: Document
    sections: int
    chunks: int


class DocumentDetail(BaseModel):
    document: Document
    sections: list[Section]


class SectionText(BaseModel):
    doc_id: str
    section: Section
    text: str


class Job(BaseModel):
    job_id: str
    filename: str
    status: Literal["queued", "running", "done", "failed"]
    message: str = ""
    doc_id: str | None = None


class FeedbackRequest(_Request):
    question: str = Field(min_length=1, max_length=5000)
    answer: str = Field(min_length=1, max_length=50_000)
    rating: Literal["up", "down"]
    comment: str = Field("", max_length=5000)
    conversation_id: str | None = None


class FeedbackResponse(BaseModel):
    id: int
