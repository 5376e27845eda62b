"""Every error leaves the API as JSON `{"error": {"status", "message"}}` with the right status,
never a stack trace."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.domain.errors import (
    AssistantError,
    Conflict,
    Forbidden,
    InvalidRequest,
    NotFound,
    TooLarge,
    Unavailable,
    Unsupported,
    most_specific,
)

log = logging.getLogger("assistant.api")

STATUS: dict[type[AssistantError], int] = {
    InvalidRequest: 400,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    TooLarge: 413,
    Unsupported: 415,
    Unavailable: 503,
}
"""The one table from domain error to HTTP status (the most specific class wins)."""


class ApiError(Exception):
    """An HTTP-only refusal (authentication, an unsupported media type): everything else is a
    domain error mapped through `STATUS`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)


def status_for(error: AssistantError) -> int:
    return most_specific(error, STATUS, 400)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api(_: Request, error: ApiError) -> JSONResponse:
        return error_response(error.status, error.message)

    @app.exception_handler(AssistantError)
    async def _domain(_: Request, error: AssistantError) -> JSONResponse:
        return error_response(status_for(error), str(error))

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            f"{'.'.join(str(p) for p in e['loc'] if p != 'body') or 'body'}: {e['msg']}"
            for e in error.errors()
        ]
        return error_response(422, "invalid request: " + "; ".join(problems))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, error: StarletteHTTPException) -> JSONResponse:
        message = error.detail if isinstance(error.detail, str) else "request failed"
        if error.status_code == 404 and message == "Not Found":
            message = "no such route"
        return error_response(error.status_code, message)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=error)
        return error_response(500, "internal error; the details are in the server log")


class UniformNotFound:
    """ASGI middleware: a JSON 404 from anywhere in the app (the UI's framework included) that is
    not already in the API's error format is rewritten to it, so clients parse one shape."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        held: Message | None = None
        body = b""

        async def uniform(message: Message) -> None:
            nonlocal held, body
            if message["type"] == "http.response.start" and message["status"] == 404:
                content_type = dict(message.get("headers", [])).get(b"content-type", b"")
                if content_type.startswith(b"application/json"):
                    held = message
                    return
            if held is None:
                await send(message)
                return
            body += message.get("body", b"")
            if message.get("more_body"):
                return
            if b'"error"' in body[:20]:
                await send(held)
                await send({"type": "http.response.body", "body": body})
                return
            response = error_response(404, "no such route")
            await send(
                {"type": "http.response.start", "status": 404, "headers": response.raw_headers}
            )
            await send({"type": "http.response.body", "body": response.body})

        await self.app(scope, receive, uniform)
