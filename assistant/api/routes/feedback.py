"""Thumbs up or down, with a comment, on an answer."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.api.deps import AssistantDep, CallerDep
from assistant.api.schemas import FeedbackRequest, FeedbackResponse

router = APIRouter(prefix="/v1", tags=["feedback"])


@router.post("/feedback", status_code=201)
def feedback(body: FeedbackRequest, assistant: AssistantDep, _: CallerDep) -> FeedbackResponse:
    feedback_id = assistant.feedback.add(
        body.question,
        body.answer,
        1 if body.rating == "up" else -1,
        body.comment,
        body.conversation_id,
    )
    return FeedbackResponse(id=feedback_id)
