"""Request and response bodies of the HTTP API (the records themselves come from
`assistant.records`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from assistant.records import Answer, Document, ScoredChunk, SearchFilters, Section


class AskRequest(BaseModel):
    question: str = Field(description="the question, in plain words")
    conversation_id: str | None = Field(None, description="continue this conversation")
    filters: SearchFilters | None = None
    answerer: Literal["extractive", "llm"] | None = None
    stream: bool = Field(False, description="stream Server-Sent Events instead of one JSON body")


class AskResponse(BaseModel):
    conversation_id: str
    answer: Answer


class SearchRequest(BaseModel):
    query: str
    k: int = Field(5, ge=1, le=50)
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


class FeedbackRequest(BaseModel):
    question: str = Field(min_length=1, max_length=5000)
    answer: str = Field(min_length=1, max_length=50_000)
    rating: Literal["up", "down"]
    comment: str = Field("", max_length=5000)
    conversation_id: str | None = None


class FeedbackResponse(BaseModel):
    id: int
