"""Liveness and readiness (store reachable, model loaded)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from assistant.api.deps import AssistantDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(assistant: AssistantDep) -> JSONResponse:
    store = assistant.vectors.heartbeat()
    model = assistant.embedder.loaded
    documents = len(assistant.documents())
    ready = store and model
    body = {"ready": ready, "store": store, "model_loaded": model, "documents": documents}
    return JSONResponse(body, status_code=200 if ready else 503)
