"""The quiz records: one question, and what a quiz run produced."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from assistant.domain.records import Citation

QuestionType = Literal["mcq", "true_false", "short", "multi", "ordering"]
QUESTION_TYPES: tuple[QuestionType, ...] = ("mcq", "true_false", "short", "multi", "ordering")
DEFAULT_TYPES: tuple[QuestionType, ...] = ("mcq", "true_false", "multi", "ordering")

Kind = Literal[
    "practice", "scenario", "finding", "multi_select", "ordering", "figure", "timescale", "term"
]
KINDS: tuple[Kind, ...] = (
    "practice",
    "scenario",
    "finding",
    "multi_select",
    "ordering",
    "figure",
    "timescale",
    "term",
)
TEACHING_KINDS = frozenset({"practice", "scenario", "finding", "multi_select", "ordering"})
"""What a trainer opens the tool for: what to do, what went wrong, what good looks like."""
RECALL_KINDS = frozenset({"figure", "timescale"})
"""Figure and timescale recall: at most a quarter of a quiz."""

Difficulty = Literal["easy", "hard"]


class QuizQuestion(BaseModel):
    """A question with its answer and the exact passage it rests on.

    `answer` is the index of the right option for `mcq` and `true_false` (options "True",
    "False"); the sorted indices of every right option for `multi`; the option indices in the
    right order for `ordering`; the expected text for `short` (`alternatives` are also
    accepted). `feedback` runs parallel to `options`: why each wrong option is wrong ("" for a
    right one; for `ordering`, where each item belongs).
    """

    id: str
    name: str = Field(
        "", description="readable export name: topic and number, 'missing-children-03'"
    )
    type: QuestionType
    stem: str
    options: list[str] = Field(default_factory=list)
    answer: int | str | list[int]
    alternatives: list[str] = Field(default_factory=list)
    explanation: str
    feedback: list[str] = Field(default_factory=list)
    citation: Citation
    kind: str = Field("", description="what is asked: " + ", ".join(KINDS))
    changed: str = Field(
        "", description="a false true/false statement: the one element changed, and how"
    )
    origin: Literal["rules", "llm"] = "rules"

    @property
    def answer_text(self) -> str:
        if isinstance(self.answer, list):
            sep = " → " if self.type == "ordering" else "; "
            return sep.join(self.options[i] for i in self.answer)
        return self.options[self.answer] if isinstance(self.answer, int) else self.answer

    @property
    def right(self) -> list[int]:
        """Indices of the right options (every option, for ordering)."""
        if isinstance(self.answer, list):
            return list(self.answer)
        return [self.answer] if isinstance(self.answer, int) else []

    @property
    def source(self) -> str:
        """ "Staffordshire 2021 › 11. Police detention › ... (p. 52)"."""
        return self.citation.where

    @property
    def label(self) -> str:
        """The name when the builder gave one, else the id."""
        return self.name or self.id


class QuizResult(BaseModel):
    questions: list[QuizQuestion]
    requested: int
    available: int = Field(description="questions the selected passages could give")
    doc_ids: list[str]
    difficulty: Difficulty = "easy"
    dropped: dict[str, int] = Field(
        default_factory=dict, description="candidate questions the item checks dropped, by reason"
    )
    rejected: list[str] = Field(
        default_factory=list, description="LLM questions that failed the checks, and why"
    )
    note: str = Field(
        "", description="why the quiz is shorter than asked for, and how to get more questions"
    )

    def kind_mix(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for q in self.questions:
            counts[q.kind] = counts.get(q.kind, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def type_mix(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for q in self.questions:
            counts[q.type] = counts.get(q.type, 0) + 1
        return counts

    def share(self, kinds: frozenset[str]) -> float:
        """The fraction of questions of these kinds."""
        total = len(self.questions)
        return sum(q.kind in kinds for q in self.questions) / total if total else 0.0

    def true_share(self) -> float | None:
        """Of the true/false questions, the fraction whose answer is True (None when none)."""
        tf = [q for q in self.questions if q.type == "true_false"]
        return sum(q.answer == 0 for q in tf) / len(tf) if tf else None

    def summary(self, target: str | None = None) -> str:
        """ "10 questions (7 mcq, 3 true_false) from 2 reports → quiz.gift"."""
        parts = ", ".join(f"{n} {t}" for t, n in self.type_mix().items())
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

    def report(self) -> str:
        """The trainer's check on a quiz: the kind mix, the difficulty, the true/false balance
        and how many candidates the item checks dropped, and why."""
        total = len(self.questions)
        lines = [self.summary()]
        mix = ", ".join(f"{n} {k}" for k, n in self.kind_mix().items()) or "none"
        lines.append(f"kinds: {mix}")
        lines.append(
            f"teaching (practice, scenario, finding, multi-select, ordering): "
            f"{round(100 * self.share(TEACHING_KINDS))}%; figure or timescale recall: "
            f"{round(100 * self.share(RECALL_KINDS))}%"
        )
        truth = self.true_share()
        if truth is not None:
            tf = sum(q.type == "true_false" for q in self.questions)
            lines.append(f"true/false: {round(100 * truth)}% true of {tf}")
        lines.append(f"difficulty: {self.difficulty}")
        dropped = sum(self.dropped.values())
        lines.append(f"dropped by the item checks: {dropped} candidate{'s' * (dropped != 1)}")
        lines += [
            f"  {n} × {reason}" for reason, n in sorted(self.dropped.items(), key=lambda kv: -kv[1])
        ]
        if not total:
            lines.append("no questions")
        if self.note:
            lines.append(f"note: {self.note}")
        return "\n".join(lines)
