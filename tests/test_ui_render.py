"""The UI's pure HTML helpers: escaping, citation links, highlighting, the section tree."""

from __future__ import annotations

from assistant.records import Answer, Citation, Document, Judgment, Section, SectionKind
from ui import render


def citation(n: int = 1, start: int = 10, end: int = 20, **kw: object) -> Citation:
    fields: dict[str, object] = {
        "n": n,
        "doc_id": "force-2025",
        "doc_title": "Inspection of <Force>",
        "doc_label": "Force 2025",
        "section_id": "s001",
        "section_path": ["Findings", "Voice & child"],
        "page": 14,
        "chunk_id": "force-2025:abc",
        "quote": "the quote",
        "start": start,
        "end": end,
    }
    fields.update(kw)
    return Citation.model_validate(fields)


def section(section_id: str = "s001", start: int = 0, end: int = 40, **kw: object) -> Section:
    fields: dict[str, object] = {
        "section_id": section_id,
        "heading": "Voice & child",
        "level": 2,
        "kind": SectionKind.MAIN_FINDINGS,
        "path": ["Findings", "Voice & child"],
        "start": start,
        "end": end,
        "page": 14,
    }
    fields.update(kw)
    return Section.model_validate(fields)


def answer(text: str, citations: list[Citation], **kw: object) -> Answer:
    fields: dict[str, object] = {
        "question": "q?",
        "standalone_question": "q?",
        "text": text,
        "citations": citations,
        "grounded": bool(citations),
        "answerer": "extractive",
    }
    fields.update(kw)
    return Answer.model_validate(fields)


def test_highlight_marks_the_span_and_escapes_everything() -> None:
    out = render.highlight("a <b> & the quote </i>", 8, 17)
    assert out == "a &lt;b&gt; &amp; <mark>the quote</mark> &lt;/i&gt;"


def test_highlight_clamps_and_handles_empty_spans() -> None:
    assert render.highlight("abc", -5, 99) == "<mark>abc</mark>"
    assert render.highlight("a<c", 2, 2) == "a&lt;c"
    assert render.highlight("abc", 5, 1) == "abc"


def test_link_citations_links_known_markers_only() -> None:
    out = render.link_citations("Found <x> [1] and [7].", turn=3, numbers=[1])
    assert "&lt;x&gt;" in out
    assert 'href="#cite-3-1"' in out and ">[1]</a>" in out
    assert "[7]" in out and "#cite-3-7" not in out


def test_render_answer_links_citations_and_lists_sources() -> None:
    out = render.render_answer(answer("Officers did X. [1]", [citation()]), turn=0)
    assert out.count('href="#cite-0-1"') == 2  # in the text and in the sources list
    assert "Force 2025 › Findings › Voice &amp; child (p. 14)" in out
    assert "Searched for" not in out
    assert "\n\n" not in out


def test_render_answer_shows_a_rewritten_question() -> None:
    rewritten = answer("x [1]", [citation()], question="and 2021?", standalone_question="a <b>")
    out = render.render_answer(rewritten, turn=2)
    assert "Searched for: <em>a &lt;b&gt;</em>" in out


def test_refused_answer_says_so_and_lists_nearest_passages() -> None:
    refused = answer(
        "The documents don't cover this (no passage). The nearest passages are listed below.",
        [citation(1), citation(2)],
        refused=True,
        reason="no passage answers the question closely enough",
    )
    out = render.render_answer(refused, turn=1)
    assert "The documents don't cover this." in out
    assert "nearest passages" in out
    assert 'href="#cite-1-1"' in out and 'href="#cite-1-2"' in out


def test_render_source_shows_where_and_marks_the_quote_in_the_section() -> None:
    text = "HEADER. Findings: <officers> recorded the voice. Next section."
    start = text.index("recorded")
    cite = citation(start=start, end=start + len("recorded the voice"))
    sec = section(start=8, end=text.index(" Next"))
    out = render.render_source(cite, sec, text)
    assert "<mark>recorded the voice</mark>" in out
    assert "&lt;officers&gt;" in out
    assert "HEADER" not in out and "Next section" not in out
    assert "Force 2025" in out and "page 14" in out
    assert "Findings › Voice &amp; child" in out and "Inspection of &lt;Force&gt;" in out


def test_render_source_without_the_section_shows_the_quote() -> None:
    out = render.render_source(citation(quote="q <1>"), None, None)
    assert "<mark>q &lt;1&gt;</mark>" in out


def test_find_section() -> None:
    sections = [section("s001"), section("s002")]
    assert render.find_section(sections, "s002") is sections[1]
    assert render.find_section(sections, "nope") is None


def test_render_tree_indents_by_level_with_grade_and_page() -> None:
    tree = render.render_tree(
        [
            section("s1", heading="Leadership", level=1, grade="Requires improvement"),
            section("s2", heading="A <sub>", level=3, page=None),
        ]
    )
    assert 'class="tree-row level-1" style="padding-left:0.0rem"' in tree
    assert 'class="tree-row level-3" style="padding-left:2.5rem"' in tree
    assert '<span class="grade grade-requires-improvement">Requires improvement</span>' in tree
    assert "p. 14" in tree and "A &lt;sub&gt;" in tree
    assert "no sections" in render.render_tree([])


def test_document_rows_and_grades_summary() -> None:
    doc = Document(
        doc_id="force-2025",
        title="Inspection",
        inspection_period="May 2025",
        published="December 2025",
        year=2025,
        source_file="f.txt",
        sha256="0",
        judgments=[Judgment(area="Leadership", grade="Good")],
    )
    rows = render.document_rows([doc], {"force-2025": 12}, {"force-2025": 30})
    assert rows == [
        ["force-2025", "Inspection", "May 2025", "December 2025", 12, 30, "Leadership: Good"]
    ]
    assert len(rows[0]) == len(render.DOCUMENT_HEADERS)
    assert render.grades_summary(doc.model_copy(update={"judgments": []})) == "—"


def test_ingest_summary() -> None:
    assert "added as `a`" in render.ingest_summary("a.txt", ["a"], [], [], [])
    failed = render.ingest_summary("x.pdf", [], [], [], [("x.pdf", "encrypted PDF")])
    assert "was not added: encrypted PDF" in failed
    assert "already in the library" in render.ingest_summary("a.txt", [], [], ["a"], [])


def test_section_text_and_choice() -> None:
    sec = section(start=2, end=7, level=3)
    assert "&lt;b&gt;" in render.render_section_text(sec, "xx<b>yyzz")
    assert render.section_choice(sec) == "\u2003\u2003Voice & child  (p. 14)"
