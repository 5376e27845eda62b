"""Which documents a question is about, read from its words: a named year or force narrows the
search; "compare", "changed", "between 2021 and 2025" asks for each report in turn."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.records import Document

_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_COMPARISON = re.compile(
    r"\b(?:compare[sd]?|comparison|changed?|changes|differ(?:ence|ent)?|improv\w*|better|worse|"
    r"since|between|both|progress|still|any longer|anymore|now)\b",
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
    years = {int(y) for y in _YEAR.findall(question)}
    named = [d for d in documents if years & _doc_years(d)]
    lowered = question.lower()
    forces = [
        d
        for d in documents
        if d.force and d.force.lower().removesuffix(" police").strip() in lowered
    ]
    if forces and not named and len({d.force for d in forces}) < len({d.force for d in documents}):
        named = forces
    distinct = {d.doc_id for d in named}
    comparison = len(distinct) >= 2 or (
        bool(_COMPARISON.search(question))
        and len(years) != 1
        and len(documents) >= 2
        and bool(re.search(r"\b(?:changed?|compare|between|since|improv\w*|progress)\b", lowered))
    )
    return Scope(tuple(sorted(distinct)), comparison)
