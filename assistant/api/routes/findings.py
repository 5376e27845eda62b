"""Findings for leads: list them (by document, type and topic) and compare two reports on one
topic, side by side, with citations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from assistant.api.deps import AssistantDep, CallerDep
from assistant.api.errors import ApiError
from assistant.core import Assistant
from assistant.findings import FINDING_TYPES, Comparison, FindingsError, ScoredFinding

router = APIRouter(prefix="/v1", tags=["findings"])


class FindingsResponse(BaseModel):
    findings: list[ScoredFinding]


class CompareRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    topic: str = Field(description='what to compare, in plain words (e.g. "missing children")')
    doc_a: str = Field(description="the earlier report's document id")
    doc_b: str = Field(description="the later report's document id")


def _topic(assistant: Assistant, topic: str | None, required: bool) -> str | None:
    topic = " ".join((topic or "").split())
    if not topic:
        if required:
            raise ApiError(400, "the topic is empty")
        return None
    limit = assistant.settings.max_question_chars
    if len(topic) > limit:
        raise ApiError(413, f"the topic is too long (limit {limit} characters)")
    return topic


def _known_docs(assistant: Assistant, doc_ids: list[str]) -> None:
    known = {d.doc_id for d in assistant.documents()}
    unknown = [d for d in doc_ids if d not in known]
    if unknown:
        raise ApiError(
            404,
            f"unknown document {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(sorted(known)) or 'none'}",
        )


@router.get("/findings")
def list_findings(
    assistant: AssistantDep,
    _: CallerDep,
    doc_id: Annotated[
        list[str] | None, Query(description="only this document (repeatable)")
    ] = None,
    type: Annotated[
        list[str] | None,
        Query(description="only this type (repeatable): " + ", ".join(FINDING_TYPES)),
    ] = None,
    topic: Annotated[str | None, Query(description="only findings about this topic")] = None,
    k: Annotated[int | None, Query(ge=1, le=500, description="at most this many")] = None,
) -> FindingsResponse:
    """Recommendations (with timescales), areas for improvement, judgments, case studies
    (good, poor or mixed practice), innovative practice and headline figures."""
    bad = [t for t in type or [] if t not in FINDING_TYPES]
    if bad:
        raise ApiError(
            422,
            f"unknown finding type {', '.join(map(repr, bad))}; "
            f"use one of: {', '.join(FINDING_TYPES)}",
        )
    _known_docs(assistant, doc_id or [])
    try:
        found = assistant.list_findings(doc_id, type, _topic(assistant, topic, False), k)
    except FindingsError as error:
        raise ApiError(400, str(error)) from error
    return FindingsResponse(findings=found)


@router.post("/compare")
def compare(body: CompareRequest, assistant: AssistantDep, _: CallerDep) -> Comparison:
    """One topic in two reports: each report's findings and key passages, cited, and what
    appears to have changed (recurs, improved, got worse, new, not matched) with evidence."""
    topic = _topic(assistant, body.topic, True)
    _known_docs(assistant, [body.doc_a, body.doc_b])
    if body.doc_a == body.doc_b:
        raise ApiError(400, "compare needs two different documents")
    try:
        return assistant.compare(topic or "", body.doc_a, body.doc_b)
    except FindingsError as error:
        raise ApiError(400, str(error)) from error
