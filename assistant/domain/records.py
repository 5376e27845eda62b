"""The core records, defined once and shared by every layer (ingest, store, retrieval, answers,
API, UI, eval).

Spans (`start`, `end`) are character offsets into a document's *normalised* text, the text that
`ingest.normalise` produces and that the store keeps, so a citation can always be located and
highlighted again.
"""

from __future__ import annotations

from typing import Literal, TypedDict

from pydantic import BaseModel, ConfigDict, Field

from assistant.domain.words import FindingType, SectionKind

__all__ = [
    "Answer",
    "Chunk",
    "Citation",
    "Document",
    "DocumentKind",
    "Finding",
    "FindingType",
    "GuidanceRef",
    "Job",
    "JobStatus",
    "Judgment",
    "Practice",
    "ScoredChunk",
    "SearchFilters",
    "Section",
    "SectionKind",
    "Turn",
    "place",
]

DocumentKind = Literal["inspection_report", "guidance", "letter", "other"]
PATH_SEP = " › "


def place(doc_label: str, section_path: list[str], page: int | None = None) -> str:
    """Where a passage is, as people read it: "Staffordshire 2021 › 11. Police detention (p. 52)"."""
    where = PATH_SEP.join([p for p in (doc_label, *section_path) if p])
    return f"{where} (p. {page})" if page is not None else where


class Turn(TypedDict):
    """One turn of a conversation, as the chat faces and the follow-up rewrite see it."""

    role: str
    content: str


class GuidanceRef(BaseModel):
    """Statutory guidance a document cites, with the edition it was judged against."""

    title: str
    edition: str | None = None


class Judgment(BaseModel):
    """A graded judgment: an inspected area and the grade the report gives it."""

    area: str
    grade: str
    section_id: str | None = None


class Document(BaseModel):
    doc_id: str
    title: str
    publisher: str | None = None
    force: str | None = None
    kind: DocumentKind = "other"
    inspection_period: str | None = None
    published: str | None = None
    year: int | None = None
    source_file: str
    sha256: str
    guidance: list[GuidanceRef] = Field(default_factory=list)
    judgments: list[Judgment] = Field(default_factory=list)
    glossary_terms: list[str] = Field(default_factory=list)

    @property
    def label(self) -> str:
        """Short human label, e.g. "Staffordshire 2021"."""
        who = (self.force or self.title).removesuffix(" Police").strip()
        return f"{who} {self.year}" if self.year else who


class Section(BaseModel):
    section_id: str
    heading: str
    level: int
    kind: SectionKind
    path: list[str]
    parent_id: str | None = None
    grade: str | None = None
    start: int
    end: int
    page: int | None = None


Practice = Literal["good", "poor", "mixed"]


class Finding(BaseModel):
    """A recommendation, area for improvement, judgment, case study, innovative practice or
    headline figure, extracted from a report's structure. `text` is exactly the document's
    normalised text at `start:end`; `title` is a one-line label (a heading or lead sentence)."""

    finding_id: str
    doc_id: str
    type: FindingType
    title: str
    text: str
    section_id: str
    section_path: list[str]
    start: int
    end: int
    page: int | None = None
    order: int = 0
    timescale: str | None = None
    """Recommendations: "immediately", "within three months", "by 31 March 2023"..."""
    sub_points: list[str] = Field(default_factory=list)
    grade: str | None = None
    """Judgments: the grade given."""
    practice: Practice | None = None
    """Case studies: whether the wording describes good, poor or mixed practice."""
    incidents: int | None = None
    """Case studies: how many incidents the case study describes."""


class Chunk(BaseModel):
    chunk_id: str
    doc_id: str
    section_id: str
    section_path: list[str]
    section_kind: SectionKind
    text: str
    start: int
    end: int
    page: int | None = None
    order: int

    @property
    def body_start(self) -> int:
        """Where the body begins in `text`: past the chunk's own heading line when it opens with
        one (an area for improvement's heading, a table's caption). The heading is shown and
        embedded with the path, so answers quote the body."""
        heading = self.section_path[-1] if self.section_path else ""
        if not heading or not self.text.startswith(heading + "\n"):
            return 0
        return len(self.text) - len(self.text[len(heading) :].lstrip())

    @property
    def body(self) -> str:
        """The text below the chunk's own heading line (all of it when it has none)."""
        return self.text[self.body_start :]

    def embed_text(self, doc_label: str = "") -> str:
        """What is embedded: where the chunk lives (document, heading path) plus its body."""
        return f"{place(doc_label, self.section_path)}\n{self.body}"


class SearchFilters(BaseModel):
    """Restrict retrieval; an empty list means no restriction. Unknown values are an error."""

    model_config = ConfigDict(extra="forbid")

    doc_ids: list[str] = Field(default_factory=list)
    years: list[int] = Field(default_factory=list)
    forces: list[str] = Field(default_factory=list)
    section_kinds: list[SectionKind] = Field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.doc_ids or self.years or self.forces or self.section_kinds)


class ScoredChunk(BaseModel):
    """A chunk returned by retrieval with its score (higher is better)."""

    chunk: Chunk
    score: float
    doc_label: str = ""


class Citation(BaseModel):
    n: int
    doc_id: str
    doc_title: str
    doc_label: str
    section_id: str
    section_path: list[str]
    page: int | None = None
    chunk_id: str
    quote: str
    start: int
    end: int
    flagged: str | None = None
    """Why the passage looks like an instruction or a phishing lure rather than report
    content (a warning is shown beside it), or None."""

    @property
    def where(self) -> str:
        return place(self.doc_label, self.section_path, self.page)


class Answer(BaseModel):
    question: str
    standalone_question: str
    text: str
    citations: list[Citation] = Field(default_factory=list)
    grounded: bool
    refused: bool = False
    reason: str | None = None
    answerer: str
    passages: list[ScoredChunk] = Field(default_factory=list)
    timings_ms: dict[str, float] = Field(default_factory=dict)


JobStatus = Literal["queued", "running", "done", "failed"]


class Job(BaseModel):
    job_id: str
    filename: str
    status: JobStatus
    message: str = ""
    doc_id: str | None = None
    path: str = ""
    """Where the uploaded file is kept (server-side only; never shown to clients)."""
