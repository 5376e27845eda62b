"""The JSON API under /v1 over one `Assistant` (the UI is mounted beside it by
`assistant.server`; this package never imports it), behind the access gate that guards the
whole app, with its OpenAPI docs served from local assets (no CDN)."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from assistant.api.access import AccessGate, AccessPolicy
from assistant.api.errors import UniformNotFound, install_error_handlers
from assistant.api.limits import BodyLimit, InputGuard
from assistant.api.routes import admin, ask, conversations, documents, feedback, health, search
from assistant.api.routes import findings as findings_routes
from assistant.api.routes import quiz as quiz_routes
from assistant.core import Assistant

log = logging.getLogger("assistant.api")
_JSON_LIMIT = 1 * 1024 * 1024
_UI_JSON_LIMIT = 5 * 1024 * 1024
_PRUNE_EVERY_S = 6 * 3600
_DOC_ASSETS = Path(fastapi_offline.__file__).parent / "static"


def _warm(assistant: Assistant) -> None:
    """Load the model and cache sentence vectors off the request path, so the first questions
    are as quick as the rest; /readyz turns ready once the model is in."""
    try:
        assistant.embedder.encode_one("warm up")
        assistant.warm()
    except Exception:
        log.exception("warm-up failed; questions will load what they need")


def prune(assistant: Assistant) -> dict[str, int]:
    """Drop conversations, feedback and audit rows older than the retention period."""
    days = assistant.settings.retention_days
    return {
        "conversations": assistant.conversations.prune(days),
        "feedback": assistant.feedback.prune(days),
        "audit": assistant.audit.prune(days),
    }


def _prune_regularly(assistant: Assistant, stop: threading.Event) -> None:
    while True:
        try:
            prune(assistant)
        except Exception:
            log.exception("pruning old records failed; will try again")
        if stop.wait(_PRUNE_EVERY_S):
            return


def _add_offline_docs(app: FastAPI) -> None:
    """Swagger UI and ReDoc from the assets the `fastapi-offline` package ships."""
    app.mount("/docs-static", StaticFiles(directory=_DOC_ASSETS), name="docs-static")
    title = f"{app.title}: API"

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title=title,
            swagger_js_url="/docs-static/swagger-ui-bundle.js",
            swagger_css_url="/docs-static/swagger-ui.css",
            swagger_favicon_url="/docs-static/favicon.png",
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url="/openapi.json",
            title=title,
            redoc_js_url="/docs-static/redoc.standalone.js",
            redoc_favicon_url="/docs-static/favicon.png",
            with_google_fonts=False,
        )


def create_app(assistant: Assistant | None = None, warm: bool = True) -> FastAPI:
    assistant = assistant or Assistant()
    stop = threading.Event()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if warm:
            threading.Thread(target=_warm, args=(assistant,), daemon=True, name="warm-up").start()
        threading.Thread(
            target=_prune_regularly, args=(assistant, stop), daemon=True, name="retention"
        ).start()
        yield
        stop.set()

    app = FastAPI(
        title="Inspection Assistant",
        version="0.1.0",
        description="Answers questions over inspection reports with citations to the report section.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.assistant = assistant
    app.state.access = AccessPolicy(assistant.settings, assistant.audit)
    install_error_handlers(app)
    _add_offline_docs(app)

    upload_limit = assistant.settings.max_upload_mb * 1024 * 1024 + 65536

    def body_limit(path: str) -> int | None:
        if not path.startswith("/v1/"):
            return None
        return upload_limit if path.rstrip("/") == "/v1/documents" else _JSON_LIMIT

    # the last added runs first: the gate, then the size limit, then the Unicode check
    app.add_middleware(InputGuard, limit=_UI_JSON_LIMIT)
    app.add_middleware(BodyLimit, limit_for=body_limit)
    app.add_middleware(UniformNotFound)
    app.add_middleware(AccessGate, policy=app.state.access)

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
