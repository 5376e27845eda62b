"""Conversations: read one back with its turns and answers, or delete it; only the key that
created a conversation sees it (to any other key it does not exist)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from assistant.api.deps import AssistantDep, CallerDep
from assistant.domain.errors import NotFound

router = APIRouter(prefix="/v1/conversations", tags=["conversations"])


@router.get("/{conversation_id}")
def get_conversation(
    conversation_id: str, assistant: AssistantDep, caller: CallerDep
) -> dict[str, Any]:
    conversation = assistant.conversations.get(conversation_id, owner=caller.who)
    if conversation is None:
        raise NotFound(f"unknown conversation {conversation_id!r}")
    return conversation


@router.delete("/{conversation_id}", status_code=204)
def delete_conversation(
    conversation_id: str, assistant: AssistantDep, caller: CallerDep
) -> Response:
    if not assistant.conversations.delete(conversation_id, owner=caller.who):
        raise NotFound(f"unknown conversation {conversation_id!r}")
    return Response(status_code=204)
