"""Which documents a question is about, read from its words: a named report, force or year
narrows the search (a force and a year together: that force's report of that year);
"compare", "changed", "between 2021 and 2025" asks for each report in turn. In a store of many
forces, a question naming none is answered per force."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.domain.records import Document
from assistant.domain.text import YEAR, dated_years, own_words
from assistant.retrieve.intent import asks_for_change, changed_since_latest

_FORCE_SUFFIX = re.compile(r"\s+(?:police(?: service)?|constabulary)$", re.I)
MAX_COMPARED = 6
"""A comparison retrieves from each report in turn only up to this many reports; past it, one
retrieval over them all, answered per report."""


@dataclass(frozen=True)
class Scope:
    doc_ids: tuple[str, ...] = ()
    """Documents the question names (by report, force or year); empty when it names none."""
    comparison: bool = False
    per_force: bool = False
    """The question names no force and its documents come from several: answer per force."""
    named: tuple[str, ...] = ()
    """In a comparison a change word made with the latest report named ("did the 2025
    inspection find it still..."), that report: if it does not cover the topic, there is
    nothing to compare ("since 2021" names the report compared against, not this one)."""


_NOT_A_YEAR = (
    r"(?![%.,:/-]?\d)(?!\s*(?:percent|per cent|%|days?|hours?|weeks?|months?|years?|minutes?|"
    r"cases?|children|officers|staff|of\b|out\b|incidents|times|yr|year-old))"
)
_SHORT_YEAR = re.compile(
    r"(\b(?:in|from|since|by|until|the|vs|v|and|or|to|between|with)\s+|['’])(\d{2})\b"
    + _NOT_A_YEAR
    + r"|\b(\d{2})(?=\s+(?:report|inspection|vs\.?|v|and|or)\b)",
    re.I,
)


def with_full_years(question: str, years: set[int]) -> str:
    """Two-digit years written out when they are a held document's ("the '21 report", "in 21
    vs 25" -> 2021, 2025); any other two digits stay as they are ("21 days")."""

    def full(match: re.Match[str]) -> str:
        before, short = (match.group(1), match.group(2)) if match.group(2) else ("", match.group(3))
        year = 2000 + int(short)
        return before.rstrip("'’") + str(year) if year in years else match.group(0)

    return _SHORT_YEAR.sub(full, question)


_MEASURED_FROM = re.compile(
    r"\b(?:since|from|than|compared (?:with|to)|versus|vs\.?|v|against|after|relative to)"
    r"\s+(?:(?:the|in|back in)\s+)?$",
    re.I,
)


def followup_year(standalone: str) -> int | None:
    """The one year a rewritten follow-up's own words ask about ("did that improve by 2025?",
    "was it working back in 2021 tho"), not one it measures from ("any better since 2021?"):
    the earlier question gave the other report, so this one's passages lead a comparison.
    None for a question that stands alone, where one year is often the baseline ("is it
    better than it was in 2021?")."""
    own = own_words(standalone)
    years = set(YEAR.findall(own))
    match = YEAR.search(own)
    if own == standalone or len(years) != 1 or match is None:
        return None
    return None if _MEASURED_FROM.search(own[: match.start()]) else int(match.group(0))


def force_names(force: str) -> list[str]:
    """How a question may name a force: "Cheshire Constabulary", "Cheshire"."""
    short = _FORCE_SUFFIX.sub("", force).strip()
    return [force, short] if short and short != force else [force]


def forces_named(question: str, forces: set[str]) -> set[str]:
    """The forces a question names, as whole words."""
    return {
        f
        for f in forces
        if any(re.search(rf"\b{re.escape(n)}\b", question, re.I) for n in force_names(f))
    }


def _doc_years(document: Document) -> set[int]:
    years = {document.year} if document.year else set()
    if document.published:
        years |= {int(y) for y in YEAR.findall(document.published)}
    return years


_REPORT = r"\s+(?:\w+\s+)?(?:inspection|report|visit)s?\b"
_LATEST = re.compile(rf"\b(?:latest|most recent|newest|current|recent|last){_REPORT}", re.I)
_EARLIER = re.compile(rf"\b(?:previous|prior|earlier|older|first|earliest|original){_REPORT}", re.I)


def _latest(document: Document, documents: list[Document]) -> bool:
    """Whether no report of the same force is newer."""
    return all(
        (d.year or 0) <= (document.year or 0) for d in documents if d.force == document.force
    )


def reports_by_age(question: str, documents: list[Document]) -> list[Document]:
    """The reports "the latest inspection" or "the previous report" means: each force's newest,
    or the one before it (its oldest for "the first")."""
    wanted: list[Document] = []
    latest, earlier = _LATEST.search(question), _EARLIER.search(question)
    if not latest and not earlier:
        return wanted
    for force in dict.fromkeys(d.force for d in documents):
        own = sorted(
            (d for d in documents if d.force == force and d.year), key=lambda d: d.year or 0
        )
        if len(own) < 2:
            continue
        if latest:
            wanted.append(own[-1])
        if earlier:
            first = re.search(r"\b(?:first|earliest|original)\b", earlier.group(0), re.I)
            wanted.append(own[0] if first else own[-2])
    return wanted


def question_scope(question: str, documents: list[Document], compares: bool | None = None) -> Scope:
    """Named documents (by id, by force when several forces are held, by year; a force and a
    year together name that force's report of that year) and whether the question compares:
    two named reports, or a change-word with one report named (or none, in a one-force store)
    while the force has several. `compares` overrides the change-word reading."""
    lowered = question.lower()
    by_id = [d for d in documents if d.doc_id.lower() in lowered]
    forces = {d.force for d in documents if d.force}
    mentioned = forces_named(question, forces) if len(forces) > 1 else set()
    pool = [d for d in documents if d.force in mentioned] if mentioned else documents
    years = {int(y) for y in dated_years(question)}
    dated = [d for d in pool if years & _doc_years(d)]
    explicit = by_id or dated or reports_by_age(question, pool)
    named = explicit or (pool if mentioned else [])
    distinct = {d.doc_id for d in named}
    several = len({d.force for d in (named or documents)}) > 1
    per_force = several and not mentioned and not by_id
    if 2 <= len({d.doc_id for d in explicit}) <= MAX_COMPARED and not per_force:
        return Scope(tuple(sorted(distinct)), comparison=True)
    latest_named = bool(explicit) and all(_latest(d, documents) for d in explicit)
    if latest_named and changed_since_latest(question):
        compares = False
    if asks_for_change(question) if compares is None else compares:
        force = {d.force for d in named} if named else forces
        reports = [d.doc_id for d in documents if d.force in force] if len(force) == 1 else []
        if 2 <= len(reports) <= MAX_COMPARED:
            latest = tuple(sorted(distinct)) if latest_named else ()
            return Scope(tuple(sorted(reports)), comparison=True, named=latest)
    return Scope(tuple(sorted(distinct)), comparison=False, per_force=per_force)
