"""Liveness and readiness (store reachable, model loaded). Both are public; the document
count is told only to a caller with a key (or when the server has no keys)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse

from assistant.api.deps import AccessDep, AssistantDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(
    assistant: AssistantDep,
    access: AccessDep,
    x_api_key: Annotated[str | None, Header(description="API key, for the document count")] = None,
) -> JSONResponse:
    store = assistant.vectors.heartbeat()
    model = assistant.embedder.loaded
    ready = store and model
    body: dict[str, object] = {"ready": ready, "store": store, "model_loaded": model}
    if access.for_key(x_api_key) is not None:
        body["documents"] = len(assistant.documents())
    return JSONResponse(body, status_code=200 if ready else 503)
