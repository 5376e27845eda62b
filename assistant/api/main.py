"""The JSON API under /v1 over one `Assistant` (the UI is mounted beside it by
`assistant.server`; this package never imports it)."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from assistant.api.errors import install_error_handlers
from assistant.api.limits import BodyLimit
from assistant.api.routes import admin, ask, conversations, documents, feedback, health, search
from assistant.api.routes import findings as findings_routes
from assistant.api.routes import quiz as quiz_routes
from assistant.core import Assistant

log = logging.getLogger("assistant.api")
_JSON_LIMIT = 1 * 1024 * 1024


def _warm(assistant: Assistant) -> None:
    """Load the model and cache sentence vectors off the request path, so the first questions
    are as quick as the rest; /readyz turns ready once the model is in."""
    try:
        assistant.embedder.encode_one("warm up")
        assistant.warm()
    except Exception:
        log.exception("warm-up failed; questions will load what they need")


def create_app(assistant: Assistant | None = None, warm: bool = True) -> FastAPI:
    assistant = assistant or Assistant()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if warm:
            threading.Thread(target=_warm, args=(assistant,), daemon=True, name="warm-up").start()
        yield

    app = FastAPI(
        title="Inspection Assistant",
        version="0.1.0",
        description="Answers questions over inspection reports with citations to the report section.",
        lifespan=lifespan,
    )
    app.state.assistant = assistant
    install_error_handlers(app)

    upload_limit = assistant.settings.max_upload_mb * 1024 * 1024 + 65536

    def body_limit(path: str) -> int | None:
        if not path.startswith("/v1/"):
            return None
        return upload_limit if path.rstrip("/") == "/v1/documents" else _JSON_LIMIT

    app.add_middleware(BodyLimit, limit_for=body_limit)

    for module in (
        health,
        ask,
        search,
        conversations,
        documents,
        feedback,
        admin,
        quiz_routes,
        findings_routes,
    ):
        app.include_router(module.router)
    return app
