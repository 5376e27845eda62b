"""Ranked passages with their section paths."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.api.deps import AssistantDep, CallerDep
from assistant.api.schemas import SearchRequest, SearchResponse

router = APIRouter(prefix="/v1", tags=["search"])


@router.post("/search")
def search(body: SearchRequest, assistant: AssistantDep, caller: CallerDep) -> SearchResponse:
    results = assistant.search(body.query, k=body.k, filters=body.filters)
    assistant.audit.write(caller.who, "search", body.query, results, "", caller.role)
    return SearchResponse(results=results)
