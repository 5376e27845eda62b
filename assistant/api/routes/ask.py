"""Questions: one JSON answer, or a stream of Server-Sent Events."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from assistant.answer.pipeline import Event
from assistant.api.access import Caller
from assistant.api.deps import AssistantDep, CallerDep
from assistant.api.schemas import AskRequest, AskResponse
from assistant.core import Assistant
from assistant.domain.errors import AssistantError, NotFound

router = APIRouter(prefix="/v1", tags=["ask"])
log = logging.getLogger("assistant.api")


def _sse(event: str, data: object) -> str:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


def _stream(
    assistant: Assistant, events: Iterator[Event], conversation_id: str, caller: Caller
) -> Iterator[str]:
    yield _sse("conversation", {"conversation_id": conversation_id})
    try:
        for event in events:
            if event.kind == "answer":
                answer = event.data
                assistant.audit.record(caller.who, "ask", answer, caller.role)
                yield _sse("citations", [c.model_dump() for c in answer.citations])
                yield _sse("answer", answer.model_dump(mode="json"))
            elif event.kind in ("token", "replace"):
                yield _sse(event.kind, {"text": event.data})
            else:
                yield _sse(event.kind, {"message": str(event.data)})
    except AssistantError as error:  # a stream has already sent 200: report in-band
        yield _sse("error", {"message": str(error)})
    except Exception:  # ...and never with internals
        log.exception("streaming an answer failed")
        yield _sse("error", {"message": "answering failed; the details are in the server log"})
    yield _sse("done", {})


@router.post(
    "/ask", response_model=AskResponse, responses={200: {"content": {"text/event-stream": {}}}}
)
def ask(
    body: AskRequest, assistant: AssistantDep, caller: CallerDep
) -> AskResponse | StreamingResponse:
    """Answer a question with citations. Without a `conversation_id` a new conversation starts;
    send the returned id with the next question to ask a follow-up (only the key that started a
    conversation may continue it)."""
    asker = assistant.asker
    conversation_id = body.conversation_id
    if conversation_id is not None and not assistant.conversations.owned_by(
        conversation_id, caller.who
    ):
        raise NotFound(f"unknown conversation {conversation_id!r}")
    asker.validate(body.question, body.answerer, conversation_id)
    if conversation_id is None:
        conversation_id = assistant.conversations.create(caller.who)
    if body.stream:
        events = asker.stream(body.question, conversation_id, None, body.filters, body.answerer)
        first = next(events)  # errors in the question surface here, before the stream starts

        def chained() -> Iterator[Event]:
            yield first
            yield from events

        return StreamingResponse(
            _stream(assistant, chained(), conversation_id, caller),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    answer = asker.run(body.question, conversation_id, None, body.filters, body.answerer)
    assistant.audit.record(caller.who, "ask", answer, caller.role)
    return AskResponse(conversation_id=conversation_id, answer=answer)
