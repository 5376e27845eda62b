"""The quiz records: one question, and what a quiz run produced."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from assistant.domain.records import Citation

QuestionType = Literal["mcq", "true_false", "short"]
QUESTION_TYPES: tuple[QuestionType, ...] = ("mcq", "true_false", "short")


class QuizQuestion(BaseModel):
    """A question with its answer and the exact passage it rests on.

    `answer` is the index of the right option for `mcq` and `true_false` (options "True",
    "False"), and the expected text for `short` (`alternatives` are also accepted). `feedback`
    runs parallel to `options`: why each wrong option is wrong ("" for the right one).
    """

    id: str
    type: QuestionType
    stem: str
    options: list[str] = Field(default_factory=list)
    answer: int | str
    alternatives: list[str] = Field(default_factory=list)
    explanation: str
    feedback: list[str] = Field(default_factory=list)
    citation: Citation
    kind: str = Field("", description="what is asked: figure, grade, timescale, mnemonic, term")
    origin: Literal["rules", "llm"] = "rules"

    @property
    def answer_text(self) -> str:
        return self.options[self.answer] if isinstance(self.answer, int) else self.answer

    @property
    def source(self) -> str:
        """ "Staffordshire 2021 › 11. Police detention › ... (p. 52)"."""
        return self.citation.where


class QuizResult(BaseModel):
    questions: list[QuizQuestion]
    requested: int
    available: int = Field(description="questions the selected passages could give")
    doc_ids: list[str]
    rejected: list[str] = Field(
        default_factory=list, description="LLM questions that failed the checks, and why"
    )

    def summary(self, target: str | None = None) -> str:
        """ "10 questions (7 mcq, 3 true_false) from 2 reports → quiz.gift"."""
        counts: dict[str, int] = {}
        for q in self.questions:
            counts[q.type] = counts.get(q.type, 0) + 1
        parts = ", ".join(f"{n} {t}" for t, n in counts.items())
        reports = len(self.doc_ids)
        line = (
            f"{len(self.questions)} question{'s' * (len(self.questions) != 1)}"
            + (f" ({parts})" if parts else "")
            + f" from {reports} report{'s' * (reports != 1)}"
        )
        if target:
            line += f" → {target}"
        if len(self.questions) < self.requested:
            line += f" (asked for {self.requested}; only {len(self.questions)} available)"
        return line
