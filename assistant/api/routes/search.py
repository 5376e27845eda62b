"""Ranked passages with their section paths."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.api.deps import AssistantDep, CallerDep
from assistant.api.errors import ApiError
from assistant.api.schemas import SearchRequest, SearchResponse

router = APIRouter(prefix="/v1", tags=["search"])


@router.post("/search")
def search(body: SearchRequest, assistant: AssistantDep, caller: CallerDep) -> SearchResponse:
    query = " ".join(body.query.split())
    if not query:
        raise ApiError(400, "the query is empty")
    if len(query) > assistant.settings.max_question_chars:
        raise ApiError(
            413, f"the query is too long (limit {assistant.settings.max_question_chars} characters)"
        )
    results = assistant.search(query, k=body.k, filters=body.filters)
    assistant.audit.write(caller.who, "search", query, results, "")
    return SearchResponse(results=results)
