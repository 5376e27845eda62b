"""Dependencies shared by the routes, as `Annotated` types (the FastAPI full-stack template's
pattern): the assistant, and the caller identified by API key."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request

from assistant.api.errors import ApiError
from assistant.core import Assistant


def get_assistant(request: Request) -> Assistant:
    return request.app.state.assistant


AssistantDep = Annotated[Assistant, Depends(get_assistant)]


@dataclass(frozen=True)
class Caller:
    """Who is calling: a short fingerprint of the key (never the key itself), and whether the
    key may only read."""

    who: str
    readonly: bool


def get_caller(
    assistant: AssistantDep,
    x_api_key: Annotated[
        str | None, Header(description="API key, when keys are configured")
    ] = None,
) -> Caller:
    settings = assistant.settings
    if not settings.api_keys and not settings.readonly_api_keys:
        return Caller(who="anonymous", readonly=False)
    if not x_api_key:
        raise ApiError(401, "missing API key: send it in the X-API-Key header")
    who = "key:" + hashlib.sha256(x_api_key.encode()).hexdigest()[:10]
    if x_api_key in settings.api_keys:
        return Caller(who=who, readonly=False)
    if x_api_key in settings.readonly_api_keys:
        return Caller(who=who, readonly=True)
    raise ApiError(401, "invalid API key")


CallerDep = Annotated[Caller, Depends(get_caller)]


def get_writer(caller: CallerDep) -> Caller:
    if caller.readonly:
        raise ApiError(403, "this API key is read-only: it may not upload, delete or administer")
    return caller


WriterDep = Annotated[Caller, Depends(get_writer)]
