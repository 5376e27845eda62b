"""Dependencies shared by the routes, as `Annotated` types (the FastAPI full-stack template's
pattern): the assistant, and the caller the access gate identified by API key."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from assistant.api.access import AccessPolicy, Caller
from assistant.api.errors import ApiError
from assistant.core import Assistant


def get_assistant(request: Request) -> Assistant:
    return request.app.state.assistant


AssistantDep = Annotated[Assistant, Depends(get_assistant)]


def get_access(request: Request) -> AccessPolicy:
    return request.app.state.access


AccessDep = Annotated[AccessPolicy, Depends(get_access)]


def get_caller(
    request: Request,
    access: AccessDep,
    x_api_key: Annotated[
        str | None, Header(description="API key, when keys are configured")
    ] = None,
) -> Caller:
    """The caller the gate attached; resolved again from the header when the route is reached
    some other way (the gate refuses a missing or unknown key before any route runs)."""
    caller = getattr(request.state, "caller", None)
    if isinstance(caller, Caller):
        return caller
    caller = access.for_key(x_api_key)
    if caller is None:
        raise ApiError(401, "invalid API key" if x_api_key else "missing API key")
    return caller


CallerDep = Annotated[Caller, Depends(get_caller)]


def get_writer(caller: CallerDep, access: AccessDep, request: Request) -> Caller:
    if caller.readonly:
        access.record(
            caller, "auth_failure", f"{request.method} {request.url.path}", "read-only key"
        )
        raise ApiError(403, "this API key is read-only: it may not upload, delete or administer")
    return caller


WriterDep = Annotated[Caller, Depends(get_writer)]
