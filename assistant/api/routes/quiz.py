"""Quizzes for trainers: questions as JSON, or with `format` the exported file (GIFT, Moodle
XML, CSV, Markdown) as a download."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from assistant.api.deps import AssistantDep, CallerDep
from assistant.quiz.builder import MAX_QUESTIONS
from assistant.quiz.exporters import CONTENT_TYPES, EXTENSIONS, export
from assistant.quiz.records import DEFAULT_TYPES, Difficulty, Kind, QuestionType, QuizResult

router = APIRouter(prefix="/v1", tags=["quiz"])


class QuizRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    topic: str | None = Field(None, description="quiz on the passages a search for this finds")
    section: str | None = Field(None, description="or on a section: its id or part of a heading")
    doc_ids: list[str] = Field(default_factory=list)
    chapters: list[str] = Field(
        default_factory=list, description="chapter headings (or part of one), or section ids"
    )
    n: StrictInt = Field(10, ge=1, le=MAX_QUESTIONS)
    types: list[QuestionType] = Field(default_factory=lambda: list(DEFAULT_TYPES))
    kinds: list[Kind] | None = Field(None, description="the kinds to ask; default: the mix")
    difficulty: Difficulty = "easy"
    seed: StrictInt = 0
    format: Literal["gift", "moodle-xml", "csv", "md"] | None = Field(
        None, description="return the exported file instead of JSON"
    )
    writer: Literal["auto", "rules", "llm"] = "auto"


@router.post("/quiz", response_model=QuizResult)
def quiz(body: QuizRequest, assistant: AssistantDep, _: CallerDep) -> QuizResult | Response:
    """Build a quiz from the reports: every question cites the exact passage it rests on."""
    result = assistant.quiz.run(
        topic=body.topic,
        section=body.section,
        doc_ids=body.doc_ids,
        chapters=body.chapters,
        n=body.n,
        types=body.types,
        kinds=body.kinds,
        difficulty=body.difficulty,
        seed=body.seed,
        writer=body.writer,
    )
    if body.format is None:
        return result
    text = export(
        result.questions,
        body.format,
        f"Quiz: {body.topic or body.section or ', '.join(body.chapters)}",
    )
    filename = f"quiz.{EXTENSIONS[body.format]}"
    return Response(
        text,
        media_type=CONTENT_TYPES[body.format],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Quiz-Summary": result.summary().encode("ascii", "replace").decode(),
        },
    )
