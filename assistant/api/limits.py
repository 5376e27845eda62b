"""Limits at the edge: request sizes enforced on the bytes actually received (so a chunked body
without a Content-Length is held to the same limit as one with it), and JSON bodies checked for
invalid Unicode before any handler sees them."""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.api.errors import error_response


class BodyLimit:
    """ASGI middleware: refuse a body over `limit_for(path)` bytes with 413."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int | None]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limit_for(scope["path"]) if scope["type"] == "http" else None
        if limit is None:
            await self.app(scope, receive, send)
            return
        message = f"request body too large (limit {limit // 1024} KiB)"
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > limit:
            await error_response(413, message)(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            event = await receive()
            if event["type"] == "http.request":
                received += len(event.get("body", b""))
                if received > limit:  # raised inside the app: the error handlers answer 413
                    raise HTTPException(413, message)
            return event

        await self.app(scope, limited, send)


def has_lone_surrogate(value: object) -> bool:
    """Whether any string in a decoded JSON value (keys included) holds a lone surrogate: the
    JSON escape `\\udfff` decodes to one, and it is not text any encoder or store can take."""
    if isinstance(value, str):
        return any("\ud800" <= ch <= "\udfff" for ch in value)
    if isinstance(value, dict):
        return any(has_lone_surrogate(k) or has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_lone_surrogate(v) for v in value)
    return False


class InputGuard:
    """ASGI middleware: a JSON body (API or UI) is checked at the edge, before any handler or
    batch sees it; invalid Unicode is refused with 400 naming the problem. The body is read
    once (at most `limit` bytes) and replayed to the app."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", [])) if scope["type"] == "http" else {}
        if scope.get("method") not in ("POST", "PUT", "PATCH") or b"json" not in headers.get(
            b"content-type", b""
        ):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                event = await receive()
                chunks.append(event.get("body", b""))
                size += len(chunks[-1])
                if size > self.limit:
                    raise HTTPException(
                        413, f"request body too large (limit {self.limit // 1024} KiB)"
                    )
                if not event.get("more_body"):
                    break
        except HTTPException as error:
            await error_response(error.status_code, str(error.detail))(scope, receive, send)
            return
        body = b"".join(chunks)
        try:
            data = json.loads(body)
        except ValueError:  # not JSON (or not UTF-8): the app answers that itself
            data = None
        if has_lone_surrogate(data):
            response = error_response(
                400, "the request is not valid Unicode text (it holds a lone surrogate)"
            )
            await response(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
