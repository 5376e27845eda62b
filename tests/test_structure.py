"""The structure parser and the normaliser, on the raw sample reports, a guidance-style fixture
and small strings. No model is needed here."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from assistant.domain.records import Judgment, Section, SectionKind
from assistant.settings import REPO_ROOT
from ingest.blocks import Block, BlockType, split_blocks
from ingest.chunking import chunk_document
from ingest.loaders import load
from ingest.normalise import normalise, normalise_fragment, normalise_line
from ingest.structure import ParsedDocument, _judgments_from_table, parse

K = SectionKind
SAMPLE = REPO_ROOT / "data" / "sample"
R2021 = SAMPLE / "staffordshire-2021-child-protection.txt"
R2025 = SAMPLE / "staffordshire-2025-child-protection.txt"
GUIDANCE = Path(__file__).parent / "fixtures" / "guidance_sample.txt"


def parse_file(path: Path) -> ParsedDocument:
    return parse(normalise(load(path)), source_file=path.name, sha256="0" * 64)


@pytest.fixture(scope="module")
def doc2021() -> ParsedDocument:
    return parse_file(R2021)


@pytest.fixture(scope="module")
def doc2025() -> ParsedDocument:
    return parse_file(R2025)


@pytest.fixture(scope="module")
def guidance() -> ParsedDocument:
    return parse_file(GUIDANCE)


def by_heading(parsed: ParsedDocument, heading: str) -> list[Section]:
    return [s for s in parsed.sections if s.heading == heading]


def one(parsed: ParsedDocument, heading: str) -> Section:
    found = by_heading(parsed, heading)
    assert len(found) == 1, f"{heading!r}: {len(found)} sections"
    return found[0]


def children(parsed: ParsedDocument, section: Section) -> list[Section]:
    return [s for s in parsed.sections if s.parent_id == section.section_id]


def raw_headings_starting(path: Path, prefix: str) -> list[str]:
    """Lines of the raw file that start with `prefix` and are a block of their own."""
    return [
        normalise_line(line)
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith(prefix) and "\t" not in line
    ]


# --- the 2021 report (ungraded, numbered chapters) ------------------------------------------

CHAPTERS_2021 = [
    "1. Introduction",
    "2. Context for the force",
    "3. Leadership, management and governance",
    "4. Case file analysis",
    "5. Initial contact",
    "6. Assessment and help",
    "7. Investigation",
    "8. Decision making",
    "9. Trusted adult",
    "10. Managing those who pose a risk to children",
    "11. Police detention",
]


def test_2021_top_level_headings(doc2021: ParsedDocument) -> None:
    top = [s.heading for s in doc2021.sections if s.level == 1]
    assert top == [
        "Foreword",
        "Contents",
        "Summary",
        *CHAPTERS_2021,
        "Conclusion",
        "Next steps",
        "Annex A – Child protection inspection methodology",
    ]
    assert all(s.parent_id is None for s in doc2021.sections if s.level == 1)
    kinds = {s.heading: s.kind for s in doc2021.sections if s.level == 1}
    assert kinds["Foreword"] is K.FOREWORD
    assert kinds["Contents"] is K.CONTENTS
    assert kinds["1. Introduction"] is K.INTRODUCTION
    assert kinds["7. Investigation"] is K.CHAPTER
    assert kinds["Annex A – Child protection inspection methodology"] is K.ANNEX


def test_2021_summary_children(doc2021: ParsedDocument) -> None:
    summary = one(doc2021, "Summary")
    kids = children(doc2021, summary)
    assert [s.heading for s in kids] == ["Main findings from the inspection", "Conclusion"]
    assert all(s.level == 2 for s in kids)
    # Two sections are called "Conclusion": the Summary's own and the top-level one.
    conclusions = by_heading(doc2021, "Conclusion")
    assert sorted(s.level for s in conclusions) == [1, 2]
    assert [s.path for s in conclusions if s.level == 2] == [["Summary", "Conclusion"]]


@pytest.mark.parametrize(
    ("chapter", "heading"),
    [
        ("3. Leadership, management and governance", "Recommendations"),
        ("5. Initial contact", "Recommendations"),
        ("6. Assessment and help", "Recommendations"),
        ("7. Investigation", "Recommendations"),
        ("8. Decision making", "Recommendation"),
        ("10. Managing those who pose a risk to children", "Recommendation"),
        ("11. Police detention", "Recommendation"),
    ],
)
def test_2021_chapter_recommendations(doc2021: ParsedDocument, chapter: str, heading: str) -> None:
    kids = children(doc2021, one(doc2021, chapter))
    recs = [s for s in kids if s.heading == heading]
    assert len(recs) == 1
    assert recs[0].kind is K.RECOMMENDATIONS and recs[0].level == 2
    assert recs[0].path == [chapter, heading]


def test_2021_chapters_without_recommendations(doc2021: ParsedDocument) -> None:
    for chapter in ("1. Introduction", "2. Context for the force", "9. Trusted adult"):
        kinds = {s.kind for s in children(doc2021, one(doc2021, chapter))}
        assert K.RECOMMENDATIONS not in kinds


def test_2021_case_studies(doc2021: ParsedDocument) -> None:
    expected = raw_headings_starting(R2021, "Case stud")
    assert len(expected) == 14
    studies = [s for s in doc2021.sections if s.heading.startswith("Case stud")]
    assert [s.heading for s in studies] == expected
    for study in studies:
        assert study.kind is K.CASE_STUDY
        parent = doc2021.section(study.parent_id or "")
        # At their own level: directly under the sub-heading they illustrate, never nested in
        # another case study.
        assert study.level == parent.level + 1 == 3
        assert parent.kind is not K.CASE_STUDY
    # The parts of a two-incident case study sit under it, inheriting its kind.
    pair = next(s for s in studies if s.heading.startswith("Case studies:"))
    parts = children(doc2021, pair)
    assert [s.heading for s in parts] == [
        "Summary of the concern for safety incident",
        "Police response",
    ] * 2
    assert all(s.kind is K.CASE_STUDY and s.level == 4 for s in parts)


def test_2021_pages_from_contents(doc2021: ParsedDocument) -> None:
    pages = {s.heading: s.page for s in doc2021.sections if s.level == 1}
    assert pages["Foreword"] is None  # roman-numbered front matter
    assert pages["Summary"] == 1
    assert pages["1. Introduction"] == 4
    assert pages["7. Investigation"] == 33
    assert pages["11. Police detention"] == 52
    assert pages["Conclusion"] == 56
    assert pages["Annex A – Child protection inspection methodology"] == 57
    # A sub-section inherits the page of the chapter heading before it.
    detained = one(
        doc2021, "The force doesn't always give support to detained children quickly enough"
    )
    assert detained.page == 52
    assert dict(doc2021.contents)["9. Trusted adult"] == 45


def test_2021_metadata(doc2021: ParsedDocument) -> None:
    doc = doc2021.document
    assert doc.doc_id == "staffordshire-2021"
    assert doc.force == "Staffordshire Police"
    assert doc.inspection_period == "13–24 September 2021"
    assert doc.published == "April 2022"
    assert doc.publisher == "HMICFRS"
    assert doc.year == 2021
    assert doc.kind == "inspection_report"
    assert doc.label == "Staffordshire 2021"
    assert doc.judgments == []
    assert ("Working together to safeguard children", "2018") in {
        (g.title, g.edition) for g in doc.guidance
    }
    assert "voice of the child (VoC)" in doc.glossary_terms


def test_2021_no_paragraph_mistaken_for_heading(doc2021: ParsedDocument) -> None:
    """A paragraph broken across a page before a number ("... provide reports for" / "100
    percent of the conferences.") is one paragraph, not a heading."""
    assert all(len(s.heading.split()) <= 30 for s in doc2021.sections)
    assert not [s for s in doc2021.sections if re.search(r"[a-z]\. [A-Z]", s.heading)]
    assert "They told us they provide reports for 100 percent of the conferences." in doc2021.text


def test_2021_section_spans(doc2021: ParsedDocument) -> None:
    text = doc2021.text
    for section in doc2021.sections:
        assert text[section.start :].startswith(section.heading)
        assert section.start < section.end <= len(text)
        if section.parent_id:
            parent = doc2021.section(section.parent_id)
            assert parent.start < section.start and section.end <= parent.end
            assert section.path == [*parent.path, section.heading]
    tops = [s for s in doc2021.sections if s.level == 1]
    for before, after in itertools.pairwise(tops):
        assert before.end <= after.start


# --- the 2025 report (graded) ---------------------------------------------------------------

GRADES_2025 = [
    ("Leadership of child protection arrangements", "Adequate"),
    ("Working with safeguarding partners", "Good"),
    ("Responding to children at risk of harm", "Requires improvement"),
    ("Assessing risk to children and making appropriate referrals", "Adequate"),
    (
        "Investigating reports of abuse, neglect and exploitation of children",
        "Requires improvement",
    ),
]


def test_2025_judgment_areas(doc2025: ParsedDocument) -> None:
    areas = [s for s in doc2025.sections if s.kind is K.JUDGMENT_AREA]
    assert [(s.heading, s.grade) for s in areas] == GRADES_2025
    assert all(s.level == 1 for s in areas)
    judgments = doc2025.document.judgments
    assert [(j.area, j.grade) for j in judgments] == GRADES_2025
    assert [j.section_id for j in judgments] == [s.section_id for s in areas]
    # The grade line is the area's body, not a heading or section of its own.
    assert not [s for s in doc2025.sections if s.heading in {g for _, g in GRADES_2025}]


def test_2025_graded_table(doc2025: ParsedDocument) -> None:
    ours = one(doc2025, "Our judgments")
    assert ours.path == ["Overall summary", "Our judgments"]
    tables = [
        b
        for b, sid in zip(doc2025.blocks, doc2025.block_sections, strict=True)
        if b.type is BlockType.TABLE and sid == ours.section_id
    ]
    assert len(tables) == 1
    from_table = _judgments_from_table(tables[0])
    assert [(j.area, j.grade) for j in from_table] == [
        ("Working with safeguarding partners", "Good"),
        ("Leadership of child protection arrangements", "Adequate"),
        ("Responding to children at risk of harm", "Requires improvement"),
        ("Risk assessment and referrals", "Adequate"),
        ("Investigating child abuse, neglect and exploitation", "Requires improvement"),
    ]
    # Short forms in the table, the same grades as the sections.
    assert sorted(j.grade for j in from_table) == sorted(g for _, g in GRADES_2025)


def test_judgments_from_table_needs_a_grade_header() -> None:
    block = Block(0, 0, "Judgment\tGrade\nOverall effectiveness\tGood", BlockType.TABLE)
    assert _judgments_from_table(block) == []
    graded = Block(0, 0, "Good\tAdequate\tInadequate\nArea one\t\tArea two", BlockType.TABLE)
    assert _judgments_from_table(graded) == [
        Judgment(area="Area one", grade="Good"),
        Judgment(area="Area two", grade="Inadequate"),
    ]


@pytest.mark.parametrize(("area", "_grade"), GRADES_2025)
def test_2025_area_children(doc2025: ParsedDocument, area: str, _grade: str) -> None:
    kids = children(doc2025, one(doc2025, area))
    by_kind = {s.kind: s for s in kids}
    assert K.MAIN_FINDINGS in by_kind
    assert by_kind[K.MAIN_FINDINGS].heading == "Main findings"
    if area == "Working with safeguarding partners":
        assert by_kind[K.INNOVATIVE_PRACTICE].heading == "Innovative practice"
        assert K.AREAS_FOR_IMPROVEMENT not in by_kind
    else:
        expected = (
            "Area for improvement" if area.startswith("Assessing") else "Areas for improvement"
        )
        assert by_kind[K.AREAS_FOR_IMPROVEMENT].heading == expected
    assert all(s.level == 2 for s in kids)
    # The findings under a container are its children, one level down, with its kind.
    findings = children(doc2025, by_kind[K.MAIN_FINDINGS])
    assert findings and all(s.level == 3 and s.kind is K.MAIN_FINDINGS for s in findings)


def test_2025_case_studies_and_metadata(doc2025: ParsedDocument) -> None:
    studies = [s for s in doc2025.sections if s.kind is K.CASE_STUDY]
    assert len(studies) == 5
    assert [s.heading for s in studies] == raw_headings_starting(R2025, "Case stud")
    for study in studies:
        parent = doc2025.section(study.parent_id or "")
        assert parent.kind is K.MAIN_FINDINGS and study.level == parent.level + 1
    doc = doc2025.document
    assert doc.doc_id == "staffordshire-2025"
    assert doc.published == "December 2025"
    assert doc.inspection_period == "12–23 May 2025"
    assert doc.year == 2025 and doc.kind == "inspection_report"
    assert ("Working together to safeguard children", "2023") in {
        (g.title, g.edition) for g in doc.guidance
    }
    top = [s.heading for s in doc2025.sections if s.level == 1]
    assert top == [
        "Contents",
        "Overall summary",
        "Introduction",
        *[a for a, _ in GRADES_2025],
        "Next steps",
    ]
    assert one(doc2025, "Next steps").page == 28


# --- a guidance-style document --------------------------------------------------------------


def test_guidance_chapters(guidance: ParsedDocument) -> None:
    doc = guidance.document
    assert doc.kind == "guidance"
    assert doc.title == "Safeguarding children in custody: statutory guidance for police forces"
    assert doc.force is None and doc.judgments == []
    assert doc.published == "March 2024" and doc.year == 2024
    assert doc.inspection_period is None  # a publication date is not an inspection period
    top = [(s.heading, s.kind, s.page) for s in guidance.sections if s.level == 1]
    assert top == [
        ("Contents", K.CONTENTS, None),
        ("Chapter 1: Introduction", K.INTRODUCTION, 3),
        ("Chapter 2: Multi-agency working", K.CHAPTER, 5),
        ("Chapter 3: Children in detention", K.CHAPTER, 8),
        ("Annex A: Glossary", K.ANNEX, 11),
    ]
    intro = one(guidance, "Chapter 1: Introduction")
    assert [s.heading for s in children(guidance, intro)] == [
        "Purpose of this guidance",
        "Who this guidance is for",
    ]


def _section_of(parsed: ParsedDocument, prefix: str) -> list[str]:
    """The path of the section that holds the block starting with `prefix`."""
    for block, section_id in zip(parsed.blocks, parsed.block_sections, strict=True):
        if block.text.startswith(prefix):
            assert section_id is not None, prefix
            return parsed.section(section_id).path
    raise AssertionError(f"no block starts with {prefix!r}")


def test_guidance_paragraphs_in_their_sections(guidance: ParsedDocument) -> None:
    intro = "Chapter 1: Introduction"
    assert _section_of(guidance, "1.1 ") == [intro, "Purpose of this guidance"]
    assert _section_of(guidance, "1.2 ") == [intro, "Purpose of this guidance"]
    assert _section_of(guidance, "1.3 ") == [intro, "Who this guidance is for"]
    for number in ("2.1 ", "2.2 ", "- information is shared", "2.3 "):
        assert _section_of(guidance, number) == ["Chapter 2: Multi-agency working"]
    assert _section_of(guidance, "3.2 ") == ["Chapter 3: Children in detention"]
    assert _section_of(guidance, "Referral: ") == ["Annex A: Glossary"]
    types = {b.text[:4]: b.type for b in guidance.blocks}
    assert types["1.1 "] is BlockType.PARAGRAPH
    assert types["- in"] is BlockType.LIST


@pytest.mark.parametrize("target", [60, 150, 900])
def test_guidance_chunks_never_cross_chapters(guidance: ParsedDocument, target: int) -> None:
    chunks = chunk_document(guidance, target)
    assert chunks
    tops = [s for s in guidance.sections if s.level == 1]
    for chunk in chunks:
        holders = [s for s in tops if s.start <= chunk.start and chunk.end <= s.end]
        assert len(holders) == 1
        assert chunk.section_path[0] == holders[0].heading
        assert chunk.text == guidance.text[chunk.start : chunk.end]
    # The list stays with the sentence that introduces it.
    listed = next(c for c in chunks if "- information is shared promptly" in c.text)
    assert "understand the following principles:" in listed.text
    assert "the child's views are sought and recorded." in listed.text
    # The Contents is not indexed.
    assert not [c for c in chunks if c.section_kind is K.CONTENTS]


# --- the normaliser -------------------------------------------------------------------------


def test_glossary_link_unwrapped_and_recorded() -> None:
    nt = normalise("We saw the [voice of the child \\(VoC\\)](#) recorded.\n")
    assert nt.text == "We saw the voice of the child (VoC) recorded."
    assert nt.glossary_terms == ["voice of the child (VoC)"]
    assert normalise_line("See [*Working together*](#) now") == "See Working together now"
    linked = normalise("[a](https://example.org/x) and [a](#) and [b](#)")
    assert linked.text == "a and a and b" and linked.glossary_terms == ["a", "b"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("an *italic* word", "an italic word"),
        ("an <i>x</i> word", "an x word"),
        ("a **bold** word", "a bold word"),
        ("***both***", "both"),
        ("<em>em</em> and <strong>strong</strong>", "em and strong"),
        ("the force³ was told¹²", "the force was told"),
        ("‘single’ and “double” quotes", "'single' and \"double\" quotes"),
        ("children’s", "children's"),
        ("non\u00a0breaking  and   runs", "non breaking and runs"),
        ("• a bullet", "- a bullet"),
        (" - a sub item", "  - a sub item"),
    ],
)
def test_inline_rules(raw: str, expected: str) -> None:
    assert normalise_line(raw) == expected


def test_footnote_markers_removed_from_sample(doc2021: ParsedDocument) -> None:
    assert not re.search("[⁰¹²³⁴⁵⁶⁷⁸⁹]", doc2021.text)
    assert "This is a 29 percent reduction.\n\n" in doc2021.text
    assert "Applied Learning Technologies.\n\n" in doc2021.text
    assert "\n\nThe impact of the COVID-19 pandemic" in doc2021.text  # the footnote itself
    assert "\n\nCollege Learn has now replaced" in doc2021.text


def test_tabs_kept() -> None:
    nt = normalise("Judgment\tGrade\nOverall  effectiveness\t*Good*\n")
    assert nt.text == "Judgment\tGrade\nOverall effectiveness\tGood"
    assert [b.type for b in split_blocks(nt.text)] == [BlockType.TABLE]


def test_page_break_paragraph_joined() -> None:
    raw = (
        "Heading\n\nThe force told us that it had started to review the way it records\f"
        "missing children and their risk.\n\nNext paragraph.\n"
    )
    nt = normalise(raw)
    assert nt.text == (
        "Heading\n\nThe force told us that it had started to review the way it records missing "
        "children and their risk.\n\nNext paragraph."
    )
    # Pages are still known: the joined paragraph starts on page 1, the next on page 2.
    assert nt.page_at(0) == 1
    assert nt.page_at(nt.text.index("Next paragraph")) == 2


@pytest.mark.parametrize(
    ("raw", "joined"),
    [
        # closing punctuation: a new paragraph
        ("This is a complete sentence with enough words to count.\n\nmore text here.", False),
        # a short heading-like line is not a broken paragraph
        ("Police response\n\nofficers attended.", False),
        # the next block starts with a capital: not a continuation
        ("The force told us that it had started to review its\n\nRecords are poor.", False),
        ("The force told us that it had started to review its\n\nrecords, and more.", True),
        # a number continues a broken paragraph only when the block is clearly prose
        ("Cases assessed involving children detained in police custody\n\n12 cases.", False),
        ("It has a team. They told us they provide reports for\n\n100 percent of them.", True),
    ],
)
def test_continuation_rule(raw: str, joined: bool) -> None:
    text = normalise(raw).text
    assert ("\n\n" not in text) is joined


def test_multi_sentence_line_is_not_a_heading() -> None:
    blocks = split_blocks("It has a team. They told us they provide reports for\n\nShort heading")
    assert [b.type for b in blocks] == [BlockType.PARAGRAPH, BlockType.HEADING]


def _gold_path() -> Path:
    shared = Path("/work/shared/eval/dev_gold.jsonl")
    return shared if shared.exists() else REPO_ROOT.parent / "shared" / "eval" / "dev_gold.jsonl"


def test_gold_quotes_found_in_normalised_text() -> None:
    path = _gold_path()
    assert path.exists(), f"gold set not found at {path}"
    texts = {
        "staffordshire-2021": normalise(load(R2021)).text,
        "staffordshire-2025": normalise(load(R2025)).text,
    }
    quotes = [
        (row["id"], source["doc_id"], source["quote"])
        for row in map(json.loads, path.read_text(encoding="utf-8").splitlines())
        for source in row["sources"]
    ]
    assert len(quotes) >= 30
    missing = [(qid, q) for qid, doc_id, q in quotes if normalise_fragment(q) not in texts[doc_id]]
    assert missing == []
