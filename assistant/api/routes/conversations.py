"""Conversations: read one back with its turns and answers, or delete it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from assistant.api.deps import AssistantDep, CallerDep
from assistant.domain.errors import NotFound

router = APIRouter(prefix="/v1/conversations", tags=["conversations"])


@router.get("/{conversation_id}")
def get_conversation(conversation_id: str, assistant: AssistantDep, _: CallerDep) -> dict[str, Any]:
    conversation = assistant.conversations.get(conversation_id)
    if conversation is None:
        raise NotFound(f"unknown conversation {conversation_id!r}")
    return conversation


@router.delete("/{conversation_id}", status_code=204)
def delete_conversation(conversation_id: str, assistant: AssistantDep, _: CallerDep) -> Response:
    if not assistant.conversations.delete(conversation_id):
        raise NotFound(f"unknown conversation {conversation_id!r}")
    return Response(status_code=204)
