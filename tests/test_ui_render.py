"""The UI's pure HTML helpers: escaping, citation links, highlighting, the section tree."""

from __future__ import annotations

import re

from assistant.domain.records import (
    Answer,
    Citation,
    Document,
    Finding,
    FindingType,
    Job,
    Judgment,
    Section,
    SectionKind,
)
from assistant.quiz.records import QuizQuestion, QuizResult
from assistant.services.findings import (
    Change,
    CitedFinding,
    Comparison,
    ComparisonSide,
    ScoredFinding,
)
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
        [citation(1), citation(2, section_id="s002")],
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
    assert '<mark class="current">recorded the voice</mark>' in out
    assert "&lt;officers&gt;" in out
    assert "HEADER" not in out and "Next section" not in out
    assert "Force 2025" in out and "page 14" in out
    assert "Findings › Voice &amp; child" in out and "Inspection of &lt;Force&gt;" in out


def test_render_source_without_the_section_shows_the_quote() -> None:
    out = render.render_source(citation(quote="q <1>"), None, None)
    assert '<mark class="current">q &lt;1&gt;</mark>' in out


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


def test_render_tree_entries_are_buttons_that_name_their_section() -> None:
    tree = render.render_tree([section("s1"), section("s<2>")], current="s<2>")
    assert '<button type="button" class="tree-link" value="s1">' in tree
    assert 'value="s&lt;2&gt;" aria-current="true">' in tree
    assert tree.count("aria-current") == 1


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


def test_job_summary() -> None:
    done = Job(job_id="j", filename="a.txt", status="done", message="1 added", doc_id="a")
    assert "stored as `a`" in render.job_summary(done)
    failed = render.job_summary(
        Job(job_id="j", filename="x.pdf", status="failed", message="encrypted PDF")
    )
    assert failed.startswith('<div class="ia-error" role="alert"><strong>Failed:</strong>')
    assert "was not added: encrypted PDF" in failed
    assert "&lt;b&gt;" in render.render_error_md("<b>")


def test_section_text() -> None:
    sec = section(start=2, end=7, level=3)
    assert "&lt;b&gt;" in render.render_section_text(sec, "xx<b>yyzz")


# --- findings, charts, compare, quiz -------------------------------------------------------


def finding(kind: FindingType = FindingType.RECOMMENDATION, **kw: object) -> Finding:
    fields: dict[str, object] = {
        "finding_id": "f1",
        "doc_id": "force-2021",
        "type": kind,
        "title": "We recommend <that> the force improves",
        "text": "We recommend <that> the force improves.",
        "section_id": "s001",
        "section_path": ["5. Initial contact", "Recommendations"],
        "start": 0,
        "end": 40,
        "page": 18,
    }
    fields.update(kw)
    return Finding.model_validate(fields)


def scored(f: Finding, label: str = "Force 2021") -> ScoredFinding:
    return ScoredFinding(finding=f, doc_label=label)


def test_finding_detail_per_type() -> None:
    assert render.finding_detail(finding(timescale="within three months")) == "within three months"
    assert render.finding_detail(finding()) == "—"
    judgment = finding(FindingType.JUDGMENT, grade="Requires improvement")
    assert render.finding_detail(judgment) == "Requires improvement"
    case = finding(FindingType.CASE_STUDY, practice="poor", incidents=2)
    assert render.finding_detail(case) == "poor practice (2 incidents)"
    figure = finding(FindingType.HEADLINE_FIGURE, sub_points=["2 good", "5  inadequate"])
    assert render.finding_detail(figure) == "2 good; 5 inadequate"
    assert render.finding_detail(finding(FindingType.INNOVATIVE_PRACTICE)) == "—"


def test_finding_rows_match_the_headers() -> None:
    rows = render.finding_rows([scored(finding(timescale="immediately"))])
    assert rows == [
        [
            "Recommendation",
            "Force 2021",
            "immediately",
            "We recommend <that> the force improves",
            "5. Initial contact › Recommendations",
            "18",
        ]
    ]
    assert len(rows[0]) == len(render.FINDING_HEADERS)
    assert render.finding_rows([scored(finding(page=None))])[0][-1] == "—"


def test_findings_summary_counts_and_empty_state() -> None:
    found = [scored(finding()), scored(finding()), scored(finding(), "Force 2025")]
    line = render.findings_summary(found)
    assert line.startswith("**3 findings**") and "Force 2021: 2; Force 2025: 1" in line
    assert 'about "detention"' in render.findings_summary(found[:1], "detention")
    assert "1 finding**" in render.findings_summary(found[:1])
    empty = render.findings_summary([], "moon landings")
    assert 'No findings about "moon landings"' in empty


def test_timescale_order() -> None:
    timescales = ["by 31 March 2023", "within six months", "immediately", "within 3 months"]
    assert sorted(timescales, key=render.timescale_key) == [
        "immediately",
        "within 3 months",
        "within six months",
        "by 31 March 2023",
    ]


def _bars(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect x="0" y="[\d.]+" width="([\d.]+)"', svg)]


def test_timescales_chart_counts_per_report() -> None:
    recs = [
        scored(finding(timescale="immediately")),
        scored(finding(timescale="Immediately")),
        scored(finding(timescale="within three months")),
        scored(finding(timescale=None)),
        scored(finding(FindingType.AREA_FOR_IMPROVEMENT)),  # not a recommendation: ignored
    ]
    svg = render.render_timescales_chart(recs, ["Force 2021", "Force <2025>"])
    assert svg.count("<svg") == 1 and "<script" not in svg
    assert len(_bars(svg)) == 3
    assert "2 recommendations" in svg and "1 recommendation<" in svg
    labels = re.findall(r'class="chart-label"[^>]*>([^<]+)<', svg)
    assert labels == ["Immediately", "Within three months", "No timescale"]
    widths = _bars(svg)
    assert widths[0] > widths[1] == widths[2]
    assert "No recommendations in: Force &lt;2025&gt;." in svg


def test_grades_chart_bars_follow_the_grade_scale() -> None:
    judgments = [
        scored(finding(FindingType.JUDGMENT, title="Leadership", grade="Good"), "F 2025"),
        scored(finding(FindingType.JUDGMENT, title="A & B", grade="Inadequate"), "F 2025"),
    ]
    svg = render.render_grades_chart(judgments, ["F 2021", "F 2025"])
    good, inadequate = _bars(svg)
    assert good == 4 * inadequate
    assert "A &amp; B" in svg and "Good" in svg and "#dc2626" in svg
    assert "No graded judgments in: F 2021." in svg


def test_charts_empty_states() -> None:
    assert "<svg" not in render.render_grades_chart([], [])
    assert "No graded judgments in these reports." in render.render_grades_chart([], [])
    assert "No recommendations in: X." in render.render_timescales_chart([], ["X"])


def cite(n: int, label: str = "Force 2021", quote: str = "a <quote>") -> Citation:
    return citation(n, doc_label=label, quote=quote)


def comparison(changes: list[Change]) -> Comparison:
    side_a = ComparisonSide(
        doc_id="force-2021",
        doc_label="Force 2021",
        doc_title="Inspection <2021>",
        findings=[
            CitedFinding(
                finding=finding(FindingType.CASE_STUDY, title="Poor <response>", practice="poor"),
                score=0.8,
                citation=cite(1),
            )
        ],
        passages=[cite(2, quote="missing & found")],
    )
    side_b = ComparisonSide(
        doc_id="force-2025",
        doc_label="Force 2025",
        doc_title="Inspection 2025",
        findings=[
            CitedFinding(
                finding=finding(FindingType.JUDGMENT, title="Responding", grade="Good"),
                score=0.7,
                citation=cite(3, "Force 2025"),
            )
        ],
    )
    return Comparison(
        topic="missing <children>",
        a=side_a,
        b=side_b,
        changes=changes,
        citations=[cite(1), cite(2), cite(3, "Force 2025")],
    )


def test_render_comparison_columns_changes_and_evidence() -> None:
    change = Change(
        status="improved",
        statement='Appears to have improved: Force 2021 raised "Poor <response>" [1]; '
        'Force 2025 reports "Responding" [3]; see [9].',
        a=[cite(1)],
        b=[cite(3, "Force 2025")],
    )
    out = render.render_comparison(comparison([change]))
    assert "missing &lt;children&gt;" in out and "<children>" not in out
    assert out.count('class="cmp-side"') == 2
    assert 'id="cmp-1"' in out and 'id="cmp-2"' in out and 'id="cmp-3"' in out
    assert "Poor &lt;response&gt;" in out
    assert '<blockquote class="ia-quote"><p>missing &amp; found</p></blockquote>' in out
    assert "poor practice" in out and "grade-good" in out
    assert "No passages on this topic." in out  # report B has none
    assert "What changed" in out and "Appears to have improved" in out
    assert 'class="chg-text">Force 2021 raised' in out  # the label is not repeated
    assert out.count('href="#cmp-1"') == 2 and out.count('href="#cmp-3"') == 2
    assert "[9]" in out and "#cmp-9" not in out
    assert "Evidence: " in out and "<p>a &lt;quote&gt;</p></blockquote>" in out


def test_render_comparison_without_changes() -> None:
    out = render.render_comparison(comparison([]))
    assert "What changed" in out and "Nothing to pair" in out


def test_slug_and_quiz_filename() -> None:
    assert render.slug("Police detention!") == "police-detention"
    assert render.slug("  ") == "quiz"
    assert render.slug("x" * 80) == "x" * 48
    assert render.quiz_filename("Voice of the child", "gift") == "quiz-voice-of-the-child.gift"
    assert render.quiz_filename("s012", "xml") == "quiz-s012.xml"


def question(**kw: object) -> QuizQuestion:
    fields: dict[str, object] = {
        "id": "q1",
        "type": "mcq",
        "stem": "Which <timescale>?",
        "options": ["immediately", "within three months", "within six months"],
        "answer": 1,
        "explanation": "The report says so.",
        "feedback": ["Not <this> one.", "", "Nor this."],
        "citation": citation(quote="We recommend that within three months…"),
        "kind": "timescale",
    }
    fields.update(kw)
    return QuizQuestion.model_validate(fields)


def test_render_question_marks_the_answer_with_feedback_and_source() -> None:
    out = render.render_question(question(), 1)
    assert "Which &lt;timescale&gt;?" in out
    correct = re.findall(r'<li class="opt correct">(.*?)</li>', out)
    assert len(correct) == 1 and "within three months" in correct[0] and "✓ correct" in correct[0]
    assert "Not &lt;this&gt; one." in out and "Nor this." in out
    assert "Source: Force 2025 › Findings › Voice &amp; child (p. 14)" in out
    assert "“We recommend that within three months…”" in out
    assert "Multiple choice" in out and ">timescale<" in out


def test_render_question_true_false_and_short() -> None:
    tf = render.render_question(
        question(type="true_false", options=["True", "False"], answer=1, feedback=["No.", ""]), 2
    )
    assert "True or false" in tf and re.search(r'class="opt correct">.*False', tf)
    short = render.render_question(
        question(type="short", options=[], answer="24 hours", alternatives=["24"], feedback=[]), 3
    )
    assert "✓ Answer</span> 24 hours" in short and "also accepted: 24" in short


def test_render_quiz_summary_and_empty_state() -> None:
    result = QuizResult(
        questions=[question(), question(id="q2")], requested=2, available=4, doc_ids=["force-2025"]
    )
    out = render.render_quiz(result)
    assert out.count('class="quiz-q') == 2
    assert "2 questions (2 multiple choice) from Force 2025" in out
    short = result.model_copy(update={"requested": 5})
    assert render.quiz_summary(short).endswith("(asked for 5; only 2 available)")
    empty = QuizResult(questions=[], requested=2, available=0, doc_ids=[])
    assert "No questions" in render.render_quiz(empty)


# --- answers that read well: lists, quotations, grouped sources ------------------------------


def test_render_blocks_keeps_paragraphs_and_lists() -> None:
    out = render.render_blocks(
        "Explaining:\n- the <scenario>;\n- the attitude.\n\nNext.\n1. one\n2. two"
    )
    assert out == (
        "<p>Explaining:</p><ul><li>the &lt;scenario&gt;;</li><li>the attitude.</li></ul>"
        "<p>Next.</p><ol><li>one</li><li>two</li></ol>"
    )


def test_a_streamed_answer_and_the_final_one_both_keep_their_list() -> None:
    text = "They explain:\n- the scenario;\n- the parents' attitude. [1]"
    quote = "They explain:\n\n- the scenario;\n- the parents' attitude."
    final = render.render_answer(answer(text, [citation(quote=quote)]), turn=0)
    streamed = render.render_streaming(text, turn=0)
    for out in (final, streamed):
        assert "<li>the scenario;</li>" in out and "- the scenario" not in out
        assert "\n" not in out


def test_word_for_word_stretches_are_quotations_and_the_rest_is_not() -> None:
    text = "Officers rarely record these details. [1] In short, it varies a great deal. [2]"
    cites = [
        citation(1, quote="However, officers rarely   record these details. Nor do they."),
        citation(2, quote="Something else entirely, said differently."),
    ]
    out = render.render_answer_text(text, 0, cites)
    assert out.startswith('<blockquote class="ia-quote"><p>Officers rarely record these details.')
    assert 'href="#cite-0-1"' in out.split("</blockquote>")[0]
    assert "<p>In short, it varies a great deal." in out.split("</blockquote>")[1]
    assert out.count("<blockquote") == 1


def test_number_range() -> None:
    assert render.number_range([3, 1, 2]) == "1–3"
    assert render.number_range([1, 2, 5]) == "1, 2, 5"
    assert render.number_range([1, 2, 3, 5, 7, 8, 9]) == "1–3, 5, 7–9"


def test_sources_of_the_same_section_are_one_line() -> None:
    cites = [
        citation(1),
        citation(2),
        citation(3, section_id="s009", section_path=["Other"]),
        citation(4),
    ]
    out = render.render_sources(cites, turn=2)
    items = re.findall(r"<li>(.*?)</li>", out)
    assert len(items) == 2
    assert ">[1, 2, 4]</a>" in items[0] and 'href="#cite-2-1"' in items[0]
    assert items[0].count("Voice &amp; child") == 1
    assert ">[3]</a>" in items[1] and "Other" in items[1]


def test_the_source_panel_marks_every_quote_of_the_section_and_the_clicked_one_most() -> None:
    text = "One two three four five six seven eight."
    first = citation(1, start=4, end=13)  # "two three"
    second = citation(2, start=19, end=28)  # "five six "
    out = render.render_source(second, section(start=0, end=len(text)), text, [first, second])
    assert "<mark>two three</mark>" in out
    assert '<mark class="current">five six </mark>' in out
    assert "[1, 2] Force 2025" in out


def test_highlight_spans_merges_overlaps() -> None:
    out = render.highlight_spans("abcdefgh", [(1, 4), (3, 6), (7, 99)], current=1)
    assert out == 'a<mark class="current">bcdef</mark>g<mark>h</mark>'


def test_tables_as_cards() -> None:
    out = render.render_cards(["Id", "Title", "Grades"], [["a<1>", "T", "—"]], "Reports")
    assert out.startswith('<ul class="ia-cards" aria-label="Reports">')
    assert '<div class="card-title">a&lt;1&gt;</div>' in out
    assert "<dt>Title</dt><dd>T</dd>" in out and "Grades" not in out  # empty fields left out
    assert render.render_cards(["Id"], [], "Reports") == ""


def test_recommendations_keep_their_sub_points_in_the_table_and_cards() -> None:
    rec = Finding(
        finding_id="f1",
        doc_id="force-2025",
        type=FindingType.RECOMMENDATION,
        title="We recommend that the force improves, so that:",
        text="We recommend that the force improves, so that:\n- a happens;\n- b happens.",
        sub_points=["a happens;", "b  happens."],
        section_id="s1",
        section_path=["Recommendations"],
        start=0,
        end=70,
    )
    row = render.finding_rows([ScoredFinding(finding=rec, doc_label="Force 2025")])[0]
    assert row[3] == "We recommend that the force improves, so that:\n- a happens;\n- b happens."
    cards = render.render_cards(render.FINDING_HEADERS, [row], "Findings")
    assert "<ul><li>a happens;</li><li>b happens.</li></ul>" in cards
