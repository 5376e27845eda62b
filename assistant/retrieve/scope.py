"""Which documents a question is about, read from its words: a named year or force narrows the
search; "compare", "changed", "between 2021 and 2025" asks for each report in turn."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.domain.records import Document

_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_COMPARISON = re.compile(
    r"\b(?:compare[sd]?|comparison|changed?|changes|differ(?:ence|ent|s)?|improved|improving|"
    r"better|worse|since|between|progress|still|now|any ?more|any longer|again|trend)\b",
    re.I,
)


@dataclass(frozen=True)
class Scope:
    doc_ids: tuple[str, ...] = ()
    """Documents the question names (by year or force); empty when it names none."""
    comparison: bool = False


def _doc_years(document: Document) -> set[int]:
    years = {document.year} if document.year else set()
    if document.published:
        years |= {int(y) for y in _YEAR.findall(document.published)}
    return years


def question_scope(question: str, documents: list[Document]) -> Scope:
    """Named documents (by year, or by force when several forces are held) and whether the
    question compares: two named reports, or a change-word with one or no report named while the
    force has several."""
    years = {int(y) for y in _YEAR.findall(question)}
    named = [d for d in documents if years & _doc_years(d)]
    lowered = question.lower()
    forces = {d.force for d in documents if d.force}
    mentioned = {f for f in forces if f.lower().removesuffix(" police").strip() in lowered}
    if not named and mentioned and len(mentioned) < len(forces):
        named = [d for d in documents if d.force in mentioned]
    distinct = {d.doc_id for d in named}
    if len(distinct) >= 2:
        return Scope(tuple(sorted(distinct)), comparison=True)
    if _COMPARISON.search(question):
        pool = documents
        if distinct:
            force = next(d.force for d in named)
            pool = [d for d in documents if d.force == force]
        if len({d.doc_id for d in pool}) >= 2:
            return Scope(tuple(sorted(d.doc_id for d in pool)), comparison=True)
    return Scope(tuple(sorted(distinct)), comparison=False)
