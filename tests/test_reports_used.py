"""The "Reports used" line: only where several forces are held, naming the cited reports and why
those."""

from __future__ import annotations

from assistant.answer.reports_used import reports_used
from assistant.domain.records import Citation, Document


def _doc(doc_id: str, force: str, year: int) -> Document:
    return Document(
        doc_id=doc_id, title=f"{force} {year}", force=force, year=year, source_file="x", sha256="0"
    )


def _cite(n: int, doc: Document) -> Citation:
    return Citation(
        n=n,
        doc_id=doc.doc_id,
        doc_title=doc.title,
        doc_label=doc.label,
        section_id="s",
        section_path=["Summary"],
        chunk_id=f"{doc.doc_id}-c{n}",
        quote="A quote.",
        start=0,
        end=8,
    )


STAFFS = [
    _doc("staffs-2021", "Staffordshire Police", 2021),
    _doc("staffs-2025", "Staffordshire Police", 2025),
]
MANY = [*STAFFS, _doc("cheshire-2021", "Cheshire Constabulary", 2021)]


def test_one_force_store_says_nothing() -> None:
    documents = {d.doc_id: d for d in STAFFS}
    assert reports_used([_cite(1, STAFFS[0])], documents) is None


def test_named_reports_filters_and_best_matches_each_say_why() -> None:
    documents = {d.doc_id: d for d in MANY}
    one = [_cite(1, MANY[1])]
    assert reports_used(one, documents, named=["staffs-2025"]) == (
        "Reports used: Staffordshire 2025 (the report the question names)."
    )
    assert reports_used(one, documents, filtered=True) == (
        "Reports used: Staffordshire 2025 (the report your filters allow)."
    )
    mixed = [_cite(1, MANY[2]), _cite(2, MANY[0]), _cite(3, MANY[2])]
    line = reports_used(mixed, documents)
    assert line is not None
    assert line.startswith("Reports used: Cheshire Constabulary 2021, Staffordshire 2021 (")
    assert "best matches of the 3 reports held" in line


def test_an_answer_citing_nothing_gets_no_line() -> None:
    assert reports_used([], {d.doc_id: d for d in MANY}) is None
