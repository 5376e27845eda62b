"""Gold questions: a typed loader and a validator for the JSON Lines format in
`shared/eval/README.md`.

The eval must read any file of that format, so loading is strict about what the format requires
(clear `file:line` errors) and tolerant of anything extra. Validation is separate and pure: it
checks a loaded file against documents' normalised text, so a bad quote or a key fact the
reference answer doesn't contain is caught before it silently skews a metric.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import ErrorDetails

from assistant.domain.records import Turn as DomainTurn
from ingest.normalise import normalise, normalise_fragment

Category = Literal[
    "fact",
    "number",
    "good_practice",
    "finding",
    "recommendation",
    "comparison_2021_2025",
    "case_study",
    "multi_hop",
    "unanswerable",
    "follow_up",
]
CATEGORIES: tuple[str, ...] = get_args(Category)


class GoldFileError(ValueError):
    """A gold file that can't be read as the documented format; the message names file:line."""


class _Model(BaseModel):
    # Unknown keys are ignored so that files with extra annotations still load.
    model_config = ConfigDict(extra="ignore", frozen=True)


class Turn(_Model):
    """One earlier turn of a conversation a follow-up question depends on."""

    role: Literal["user", "assistant"]
    content: str

    def as_turn(self) -> DomainTurn:
        """The conversation record the ask pipeline takes."""
        return DomainTurn(role=self.role, content=self.content)


class GoldSource(_Model):
    """Evidence for an answer: a quote copied verbatim from the raw document file."""

    doc_id: str
    section: str
    subsection: str | None = None
    quote: str


class GoldQuestion(_Model):
    """One gold question, its reference answer, the facts an answer must contain, and evidence."""

    id: str
    question: str
    category: Category
    history: list[Turn] = []
    answer: str
    key_facts: list[str]
    sources: list[GoldSource]

    @property
    def answerable(self) -> bool:
        return self.category != "unanswerable"


def _describe(error: ErrorDetails) -> str:
    """One pydantic error in the words of the file format (key names, not model internals)."""
    where = ".".join(str(part) for part in error["loc"])
    if error["type"] == "missing":
        return f"missing key '{where}'"
    if error["loc"] == ("category",):
        return f"category {error['input']!r} is not one of: {', '.join(CATEGORIES)}"
    return f"'{where}': {error['msg']}"


def parse_gold_line(line: str, where: str) -> GoldQuestion:
    """One JSON line as a question; `where` ("file:line") prefixes any error."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise GoldFileError(f"{where}: invalid JSON ({exc.msg}, column {exc.colno})") from None
    if not isinstance(data, dict):
        raise GoldFileError(f"{where}: expected a JSON object, got {type(data).__name__}")
    try:
        return GoldQuestion.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_describe(e) for e in exc.errors())
        raise GoldFileError(f"{where}: {problems}") from None


def load_gold(path: str | Path) -> list[GoldQuestion]:
    """All questions of a gold file, in file order; blank lines are skipped."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise GoldFileError(f"{path}: cannot read gold file ({exc.strerror or exc})") from None
    return [
        parse_gold_line(line, f"{path}:{number}")
        for number, line in enumerate(lines, start=1)
        if line.strip()
    ]


def locate(quote: str, text: str) -> tuple[int, int] | None:
    """Span of a quote in a document's normalised text, found the way ingest normalised it."""
    fragment = normalise_fragment(quote)
    if not fragment:
        return None
    start = text.find(fragment)
    return None if start < 0 else (start, start + len(fragment))


_SPACE = re.compile(r"\s+")
_QUOTE_MARKS = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"'})


def fold(text: str) -> str:
    """Text for key-fact matching: quote marks straightened, white space folded, case folded."""
    return _SPACE.sub(" ", text.translate(_QUOTE_MARKS)).strip().casefold()


def contains_fact(answer: str, fact: str) -> bool:
    """Whether an answer contains a key fact, by the README's matching rule."""
    return fold(fact) in fold(answer)


def validate_gold(questions: list[GoldQuestion], documents: dict[str, str]) -> list[str]:
    """Problems in a loaded gold set, one line each (empty when the set is sound).

    `documents` maps doc_id to the document's normalised text.
    """
    problems: list[str] = []
    counts = Counter(q.id for q in questions)
    problems += [f"{qid}: duplicate id ({n} questions)" for qid, n in counts.items() if n > 1]
    for q in questions:
        if not q.answerable:
            if q.key_facts or q.sources:
                problems.append(f"{q.id}: unanswerable question must have no key_facts or sources")
            continue
        if not q.sources:
            problems.append(f"{q.id}: answerable question has no sources")
        if q.category == "follow_up" and not q.history:
            problems.append(f"{q.id}: follow_up question has no history")
        for fact in q.key_facts:
            if not contains_fact(q.answer, fact):
                problems.append(f"{q.id}: key fact {fact!r} is not in the reference answer")
        for source in q.sources:
            text = documents.get(source.doc_id)
            if text is None:
                problems.append(f"{q.id}: unknown doc_id {source.doc_id!r}")
            elif locate(source.quote, text) is None:
                problems.append(
                    f"{q.id}: quote not found in {source.doc_id}: {source.quote[:80]!r}"
                )
    return problems


def sample_documents(sample_dir: str | Path) -> dict[str, str]:
    """doc_id -> normalised text for every report in a corpus folder, read as ingest reads it,
    so quotes are checked against exactly the text retrieval spans point into."""
    import assistant  # noqa: F401  (ingest.structure needs the assistant package loaded first)
    from ingest.loaders import SUPPORTED_SUFFIXES, load
    from ingest.structure import parse

    documents: dict[str, str] = {}
    for path in sorted(Path(sample_dir).iterdir()):
        if not path.is_file() or path.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        if path.name.lower() == "readme.md":
            continue
        normalised = normalise(load(path))
        sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        doc_id = parse(normalised, path.name, sha256).document.doc_id
        documents[doc_id] = normalised.text
    return documents
