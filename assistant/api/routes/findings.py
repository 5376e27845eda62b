"""Findings for leads: list them (by document, type and topic) and compare two reports on one
topic, side by side, with citations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from assistant.api.deps import AssistantDep, CallerDep
from assistant.services.findings import FINDING_TYPES, Comparison, ScoredFinding

router = APIRouter(prefix="/v1", tags=["findings"])


class FindingsResponse(BaseModel):
    findings: list[ScoredFinding]


class CompareRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    topic: str = Field(description='what to compare, in plain words (e.g. "missing children")')
    doc_a: str = Field(description="the earlier report's document id")
    doc_b: str = Field(description="the later report's document id")


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
    return FindingsResponse(findings=assistant.findings.list_findings(doc_id, type, topic, k))


@router.post("/compare")
def compare(body: CompareRequest, assistant: AssistantDep, _: CallerDep) -> Comparison:
    """One topic in two reports: each report's findings and key passages, cited, and what
    appears to have changed (recurs, improved, got worse, new, not matched) with evidence."""
    return assistant.findings.compare(body.topic, body.doc_a, body.doc_b)
