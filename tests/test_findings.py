"""Findings for leads: extraction from the raw sample reports (no model), timescales, practice
wording, the store (atomic with the document, deleted with it), topic queries by meaning, the
comparison of two reports, the CLI and the API."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from cli_runner import run_cli
from live_server import LiveServer
from test_api import assert_error

from assistant.answer.finding_answers import audit_tables
from assistant.api.main import create_app
from assistant.cli import format_comparison
from assistant.core import Assistant
from assistant.domain.errors import InvalidRequest, NotFound
from assistant.domain.records import Citation, Finding, FindingType, Turn
from assistant.domain.text import tokens, word_pairs
from assistant.embeddings import Embedder
from assistant.services.findings import Comparison
from assistant.settings import REPO_ROOT, Settings
from assistant.store.findings import FindingStore
from ingest.findings import classify_practice, extract_findings, parse_timescale, polarity
from ingest.loaders import load
from ingest.normalise import normalise
from ingest.structure import ParsedDocument, parse

T = FindingType
SAMPLE = REPO_ROOT / "data" / "sample"
D2021, D2025 = "staffordshire-2021", "staffordshire-2025"


def parse_file(path: Path) -> ParsedDocument:
    return parse(normalise(load(path)), source_file=path.name, sha256="0" * 64)


@pytest.fixture(scope="module")
def parsed() -> dict[str, ParsedDocument]:
    return {
        D2021: parse_file(SAMPLE / "staffordshire-2021-child-protection.txt"),
        D2025: parse_file(SAMPLE / "staffordshire-2025-child-protection.txt"),
    }


@pytest.fixture(scope="module")
def found(parsed: dict[str, ParsedDocument]) -> dict[str, list[Finding]]:
    return {doc_id: extract_findings(p) for doc_id, p in parsed.items()}


def of(findings: list[Finding], kind: FindingType) -> list[Finding]:
    return [f for f in findings if f.type is kind]


# --- extraction: the counts the reports give --------------------------------------------------


def test_2021_has_15_recommendations_with_their_timescales(
    found: dict[str, list[Finding]],
) -> None:
    recs = of(found[D2021], T.RECOMMENDATION)
    assert len(recs) == 15
    assert Counter(r.timescale for r in recs) == {
        "immediately": 7,
        "within three months": 6,
        "within six months": 2,
    }
    for rec in recs:
        assert rec.title.startswith("We recommend that") and "Staffordshire Police" in rec.title
        assert rec.section_path[-1] in ("Recommendations", "Recommendation")
    fcc = next(r for r in recs if "processes within the FCC" in r.title)
    assert len(fcc.sub_points) == 6
    assert fcc.sub_points[0] == "it effectively identifies risk and vulnerability"
    assert (
        fcc.sub_points[-1]
        == "an audit process is in place to identify concerns and inform learning"
    )
    # a single recommendation written as a paragraph, its points in the list that follows
    protection = next(r for r in recs if "police protection" in r.title)
    assert protection.section_path == ["8. Decision making", "Recommendation"]
    assert protection.timescale == "within three months"
    assert protection.sub_points == [
        "it always holds strategy discussions with CSC",
        "officers accurately record relevant information and decisions",
        "it investigates and records criminal offences",
        "inspectors regularly review and endorse the use of protective powers",
    ]
    assert not of(found[D2025], T.RECOMMENDATION)


def test_2025_has_9_areas_for_improvement_and_5_judgments(
    found: dict[str, list[Finding]], parsed: dict[str, ParsedDocument]
) -> None:
    areas = of(found[D2025], T.AREA_FOR_IMPROVEMENT)
    assert len(areas) == 9
    assert Counter(a.section_path[-2] for a in areas) == {
        "Areas for improvement": 8,
        "Area for improvement": 1,
    }
    missing = next(a for a in areas if "missing children" in a.title)
    assert missing.title == (
        "The force must record missing children correctly to make sure it responds "
        "appropriately to keep them safe"
    )
    assert missing.text.startswith("The force should treat children that go missing")
    assert not of(found[D2021], T.AREA_FOR_IMPROVEMENT)

    judgments = of(found[D2025], T.JUDGMENT)
    assert [(j.title, j.grade) for j in judgments] == [
        ("Leadership of child protection arrangements", "Adequate"),
        ("Working with safeguarding partners", "Good"),
        ("Responding to children at risk of harm", "Requires improvement"),
        ("Assessing risk to children and making appropriate referrals", "Adequate"),
        (
            "Investigating reports of abuse, neglect and exploitation of children",
            "Requires improvement",
        ),
    ]
    assert [(j.title, j.grade) for j in judgments] == [
        (j.area, j.grade) for j in parsed[D2025].document.judgments
    ]
    assert judgments[2].text == (
        "Staffordshire Police requires improvement at responding to children at risk of harm."
    )
    innovative = of(found[D2025], T.INNOVATIVE_PRACTICE)
    assert [i.title for i in innovative] == [
        "The force, with its partners, has invested in specialist training for sudden or "
        "unexpected death in childhood"
    ]


def test_19_case_studies_one_covering_two_incidents(found: dict[str, list[Finding]]) -> None:
    cases = {doc_id: of(findings, T.CASE_STUDY) for doc_id, findings in found.items()}
    assert len(cases[D2021]) == 14 and len(cases[D2025]) == 5
    two = [c for c in cases[D2021] if c.incidents == 2]
    assert [c.title for c in two] == [
        "Two concerns for safety incidents in the FCC where children may have remained at risk"
    ]
    assert "Summary of the concern for safety incident" in two[0].text
    assert sum(c.incidents or 0 for c in cases[D2021]) == 15
    assert all(c.incidents == 1 for c in cases[D2025])


def test_headline_figures_are_the_count_lists(found: dict[str, list[Finding]]) -> None:
    figures = of(found[D2021], T.HEADLINE_FIGURE)
    force = next(f for f in figures if f.title.endswith("Force assessment"))
    assert force.sub_points == ["17 good", "10 require improvement", "6 inadequate"]
    assert force.section_path[-1] == "Cases assessed by both Staffordshire Police and us"
    ours = next(f for f in figures if f.title.endswith("Our assessment"))
    assert ours.sub_points == ["6 good", "12 require improvement", "15 inadequate"]
    audit = [f for f in figures if f.section_path[0] == "4. Case file analysis"]
    assert len(audit) == 12  # force and ours, the 44 more, the 77 in all, 8 areas
    missing = next(f for f in audit if f.title == "Cases assessed involving missing children")
    assert missing.sub_points == ["2 good", "1 requires improvement", "5 inadequate"]
    workforce = next(f for f in figures if "workforce" in f.title)
    assert workforce.sub_points[0] == "1,813 police officers"
    assert not of(found[D2025], T.HEADLINE_FIGURE)


def test_a_case_audit_sample_is_chosen_by_its_size_or_the_force_grading_itself(
    found: dict[str, list[Finding]],
) -> None:
    figures = of(found[D2021], T.HEADLINE_FIGURE)

    def chosen(question: str) -> list[str]:
        return [f.title.rsplit(": ", 1)[-1] for f in audit_tables(question, figures)]

    both = ["Force assessment", "Our assessment"]
    assert chosen("the jobs the force marked itself on - how many did it call good?") == both
    assert chosen("how did its own grading of its sample compare with HMI's?") == both
    assert chosen("on the 33 cases, how many did each side call good?") == both
    assert chosen("the extra 44 cases HMI picked - how did they come out?") == [
        "Additional 44 cases assessed only by us"
    ]
    assert chosen("how many of the 77 cases were inadequate?") == ["Total 77 cases assessed by us"]
    assert chosen("the case of the 12 year old boy missing from a care home") == []
    assert chosen("how many officers are there?") == []


def test_a_case_audit_answer_gives_the_counts_asked_for_with_the_sample_introduced(
    sample_assistant: Assistant,
) -> None:
    answer = sample_assistant.ask(
        "How did the force's own grading of the cases it picked compare with the inspectors' in 2021?"
    )
    assert not answer.refused
    assert "17 good" in answer.text and "6 good" in answer.text
    assert "self-assessed the effectiveness of its work in 33" in answer.citations[0].quote
    later = sample_assistant.ask(
        "and the extra 44 the inspectors chose?",
        history=[
            Turn(role="user", content="How did the force grade its own 33 cases in 2021?"),
            Turn(role="assistant", content="17 good, 10 require improvement, 6 inadequate."),
        ],
    )
    led = later.text.split("Also in the reports")[0]  # the support may quote more
    assert "13 good" in led and "17 good" not in led


def test_a_report_without_grades_gives_its_case_audit_in_its_own_words(
    sample_assistant: Assistant,
) -> None:
    answer = sample_assistant.ask("how were the case files graded in the 2021 inspection?")
    assert "gives no graded judgments" in answer.text
    assert "good in 19 cases" in answer.citations[0].quote  # the summary's sentence first
    assert answer.citations[1].quote.startswith("- 19 good")  # then the table it states


def test_where_the_force_did_best_and_fell_short_is_read_from_its_grades(
    sample_assistant: Assistant,
) -> None:
    answer = sample_assistant.ask(
        "2025 grades: where did staffs do well and where did it fall short?"
    )
    lines = [line for line in answer.text.splitlines() if line.startswith("- ")]
    assert [line.split(" — ")[1].split(" [")[0] for line in lines[:3]] == [
        "Good",
        "Requires improvement",
        "Requires improvement",
    ]


def test_every_finding_is_its_span_with_a_stable_id(
    found: dict[str, list[Finding]], parsed: dict[str, ParsedDocument]
) -> None:
    for doc_id, findings in found.items():
        text = parsed[doc_id].text
        ids = [f.finding_id for f in findings]
        assert len(set(ids)) == len(ids)
        assert [f.order for f in findings] == list(range(len(findings)))
        for finding in findings:
            assert finding.doc_id == doc_id
            assert finding.text and text[finding.start : finding.end] == finding.text
            assert finding.section_path and finding.page
            assert finding.title.strip() == finding.title and finding.title
        again = extract_findings(parsed[doc_id])
        assert [f.finding_id for f in again] == ids


# --- timescales and practice wording --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We recommend that the force immediately improves its systems.", "immediately"),
        ("We recommend that within three months the force reviews ...", "within three months"),
        ("within six months the force should", "within six months"),
        ("The force should, within 3 months, review", "within three months"),
        ("within 18 months", "within 18 months"),
        ("within a month", "within one month"),
        ("Within two weeks the force must", "within two weeks"),
        ("within the next 12 months", "within twelve months"),
        ("by 31 March 2023 the force should", "by 31 March 2023"),
        ("by the end of March 2024", "by the end of March 2024"),
        ("by 2026", "by 2026"),
        ("The force should improve its data.", None),
        ("the force responded within minutes", None),
    ],
)
def test_timescale_parsing(text: str, expected: str | None) -> None:
    assert parse_timescale(text) == expected


CASE_STUDY_PRACTICE = {
    "Effective multi-agency safeguarding partnership work": "good",
    "Two concerns for safety incidents in the FCC where children may have remained at risk": "poor",
    "Responders overlook risks to children": "poor",
    "An ineffective response to a high-risk missing child": "poor",
    "Poor supervision of a high-risk missing child incident": "poor",
    "Failure to investigate child neglect": "poor",
    "Missed opportunities in a child sexual exploitation investigation": "poor",
    "Delays in an online child abuse investigation": "poor",
    "The force responds slowly to safeguarding victims from online abuse": "poor",
    "Officers take children into police protection, but they don't make adequate records": "mixed",
    "Officers act decisively about police protection, but they don't record or investigate "
    "child neglect": "mixed",
    "Effective multi-agency communication reduces risk to children": "good",
    "Failure to record information about a high-risk offender": "poor",
    "A child in custody experiences delays before seeing a health care professional or "
    "appropriate adult": "poor",
    "The force made good use of its resources to locate a high-risk missing child": "good",
    "Officers took 40 hours to locate a child at risk of sexual exploitation": "poor",
    "Daily child exploitation meetings support better multi-agency understanding of risk to "
    "children": "good",
    "The force provided a good service to a child at risk of sexual exploitation": "good",
    "The force failed to recognise online child sexual exploitation risks resulting in a poor "
    "safeguarding response": "poor",
}


def test_practice_of_the_19_case_studies(found: dict[str, list[Finding]]) -> None:
    cases = [f for findings in found.values() for f in of(findings, T.CASE_STUDY)]
    assert {c.title: c.practice for c in cases} == CASE_STUDY_PRACTICE
    for title, practice in CASE_STUDY_PRACTICE.items():  # from the heading alone, too
        assert classify_practice(f"Case study: {title}") == practice, title


def test_practice_wording_is_word_based() -> None:
    assert polarity("an ineffective response") == "poor"  # not "effective"
    assert polarity("staff well-being support is available") == "good"  # not "well"
    assert polarity("The force responded quickly, but didn't record the risk") == "mixed"
    assert polarity("Officers took 3 days to visit") == "poor"
    assert polarity("The meeting is held weekly") is None
    assert classify_practice("Case study: a missing child", "It was effective and good.") == "good"


# --- queries over the ingested sample ---------------------------------------------------------


def test_sample_store_holds_the_findings(sample_assistant: Assistant) -> None:
    store = FindingStore(sample_assistant.db)
    assert store.counts() == {D2021: 43, D2025: 20}
    recs = sample_assistant.list_findings([D2021], ["recommendation"])
    assert len(recs) == 15 and all(r.score is None for r in recs)
    assert [r.finding.order for r in recs] == sorted(r.finding.order for r in recs)
    assert all(r.doc_label == "Staffordshire 2021" for r in recs)
    assert len(sample_assistant.list_findings(types=["case_study"])) == 19
    assert len(sample_assistant.list_findings(types=["case_study"], k=4)) == 4
    with pytest.raises(InvalidRequest, match="unknown finding type 'advice'"):
        sample_assistant.list_findings(types=["advice"])
    with pytest.raises(NotFound, match="unknown document 'nope'"):
        sample_assistant.list_findings(["nope"])


def _is_missing(finding: Finding) -> bool:
    return "missing" in f"{finding.title} {finding.text}".lower()


def test_topic_is_matched_by_meaning(sample_assistant: Assistant) -> None:
    topic = "kids who run away from home"
    top = sample_assistant.list_findings(topic=topic, k=5)
    assert top and all(s.score is not None for s in top)
    assert [s.score for s in top] == sorted((s.score or 0 for s in top), reverse=True)
    about_missing = [s.finding for s in top if _is_missing(s.finding)]
    assert len(about_missing) >= 2, [s.finding.title for s in top]
    # ...though none of the topic's words is in their titles: the match is by meaning
    wanted = set(tokens(topic))
    assert any(not wanted & set(tokens(f.title)) for f in about_missing)
    assert any(
        f.title == "An ineffective response to a high-risk missing child" for f in about_missing
    )

    plain = sample_assistant.list_findings(topic="missing children")
    assert len(plain) >= 5 and all(_is_missing(s.finding) for s in plain)
    only_2025 = sample_assistant.list_findings(
        [D2025], ["area_for_improvement"], "missing children"
    )
    assert only_2025[0].finding.title.startswith("The force must record missing children")
    assert not sample_assistant.list_findings(topic="the price of tea in the harbour canteen")
    # A phrase counts as a phrase: "police protection" is not "child protection" by the police.
    from assistant.services.findings import _keyword_match

    words, phrases = set(tokens("protection")), word_pairs(tokens("police protection"))
    assert _keyword_match(words, phrases, set(tokens("police protection")), phrases) == 1.0
    other = tokens("Staffordshire Police improves child protection conferences")
    assert _keyword_match(words, phrases, set(other), word_pairs(other)) == 0.5
    # Words no finding holds ("s46", "PP") weigh nothing: "protection" decides.
    recs = sample_assistant.list_findings(
        ["staffordshire-2021"], ["recommendation"], "s46 PP protection"
    )
    assert "police protection" in recs[0].finding.text
    # An abbreviation and what it stands for are one word to match: the 2021 rec to check
    # "PPNs" is found by "public protection notices", as the 2025 findings naming them are.
    checks = sample_assistant.list_findings(
        types=["recommendation", "area_for_improvement"],
        topic="check public protection notices before they go out",
    )
    assert "review all its PPNs" in checks[0].finding.text


def assert_cited(assistant: Assistant, citations: list[Citation]) -> None:
    assert [c.n for c in citations] == list(range(1, len(citations) + 1))
    for citation in citations:
        text = assistant.db.text(citation.doc_id)
        assert text is not None and citation.quote.strip()
        assert text[citation.start : citation.end] == citation.quote, citation.n
        assert citation.section_path and citation.chunk_id


def test_compare_missing_children(sample_assistant: Assistant) -> None:
    comparison = sample_assistant.compare("missing children", D2021, D2025)
    assert (comparison.a.doc_id, comparison.b.doc_id) == (D2021, D2025)
    for side in (comparison.a, comparison.b):
        assert side.findings and len(side.passages) == 3
        assert all(c.doc_id == side.doc_id for c in side.passages)
        for cited in side.findings:
            assert cited.citation.doc_id == side.doc_id
            f = cited.finding
            assert f.start <= cited.citation.start < cited.citation.end <= f.end
    assert_cited(sample_assistant, comparison.citations)
    numbered = {c.n: c for c in comparison.citations}
    assert [
        f.finding.title for f in comparison.a.findings if f.finding.type is T.RECOMMENDATION
    ] == [
        "We recommend that Staffordshire Police immediately improves its arrangements and "
        "practices for responding to incidents of missing children."
    ]
    assert any(
        f.finding.title.startswith("The force must record missing children")
        for f in comparison.b.findings
    )

    assert comparison.changes
    for change in comparison.changes:
        assert change.statement.startswith(("Appears to", "New in", "Not matched in"))
        markers = {int(n) for n in re.findall(r"\[(\d+)\]", change.statement)}
        assert markers == {c.n for c in change.a + change.b}
        for citation in change.a + change.b:
            assert numbered[citation.n] == citation
        assert all(c.doc_id == D2021 for c in change.a)
        assert all(c.doc_id == D2025 for c in change.b)
        if change.status in ("recurs", "improved", "worsened"):
            assert change.a and change.b and (change.similarity or 0) >= 0.5
    statuses = {c.status for c in comparison.changes}
    assert {"recurs", "improved"} <= statuses
    improved = next(c for c in comparison.changes if c.status == "improved")
    assert "made good use of its resources to locate a high-risk missing child" in (
        improved.statement
    )
    recurs = next(c for c in comparison.changes if c.status == "recurs")
    assert recurs.b[0].quote.startswith("The force should treat children that go missing")

    again = sample_assistant.compare("missing children", D2021, D2025)
    assert again == comparison  # deterministic

    text = format_comparison(comparison)
    assert text.index("== Staffordshire 2021") < text.index("== Staffordshire 2025")
    assert text.index("== Staffordshire 2025") < text.index("What changed")
    for citation in comparison.citations:
        assert f"[{citation.n}] " in text


def test_compare_rejects_bad_input(sample_assistant: Assistant) -> None:
    with pytest.raises(NotFound, match="unknown document 'nope'"):
        sample_assistant.compare("missing children", D2021, "nope")
    with pytest.raises(InvalidRequest, match="two different documents"):
        sample_assistant.compare("missing children", D2021, D2021)
    with pytest.raises(InvalidRequest, match="empty"):
        sample_assistant.compare("  ", D2021, D2025)


# --- the CLI ----------------------------------------------------------------------------------


def _cli(assistant: Assistant, *args: str) -> str:
    done = run_cli(assistant.settings.data_dir, *args)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_cli_lists_the_15_recommendations(sample_assistant: Assistant) -> None:
    out = _cli(sample_assistant, "findings", "--doc", D2021, "--type", "recommendation")
    assert "Staffordshire 2021 (staffordshire-2021): 15 findings" in out
    rows = [line for line in out.splitlines() if line.strip().startswith("recommendation ")]
    assert len(rows) == 15
    assert Counter(
        next(t for t in ("immediately", "within three months", "within six months") if t in row)
        for row in rows
    ) == {"immediately": 7, "within three months": 6, "within six months": 2}
    assert "Improves its arrangements and practices for responding to" in out
    assert "Works with its safeguarding partners and makes better arrangements" in out
    assert out.count("5. Initial contact › Recommendations (p. 18)") == 3
    assert "8. Decision making › Recommendation (p. 42)" in out


def test_cli_compare_json_is_cited(sample_assistant: Assistant) -> None:
    out = _cli(sample_assistant, "compare", "--topic", "missing children", D2021, D2025, "--json")
    comparison = Comparison.model_validate(json.loads(out))
    assert comparison.a.findings and comparison.b.findings and comparison.changes
    assert_cited(sample_assistant, comparison.citations)


# --- the API ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api(sample_assistant: Assistant) -> Iterator[httpx.Client]:
    with (
        LiveServer(create_app(sample_assistant, warm=False)) as server,
        httpx.Client(base_url=server.url, timeout=120) as client,
    ):
        yield client


def test_api_findings(api: httpx.Client) -> None:
    r = api.get("/v1/findings", params={"doc_id": D2021, "type": "recommendation"})
    assert r.status_code == 200, r.text
    findings = r.json()["findings"]
    assert len(findings) == 15
    assert Counter(f["finding"]["timescale"] for f in findings)["immediately"] == 7

    r = api.get("/v1/findings", params=[("type", "case_study"), ("type", "judgment")])
    assert r.status_code == 200 and len(r.json()["findings"]) == 19 + 5

    r = api.get("/v1/findings", params={"topic": "kids who run away from home", "k": 3})
    assert r.status_code == 200, r.text
    top = r.json()["findings"]
    assert len(top) == 3 and top[0]["score"] >= top[-1]["score"]

    assert_error(api.get("/v1/findings", params={"type": "advice"}), 400, "unknown finding type")
    assert_error(api.get("/v1/findings", params={"doc_id": "nope"}), 404, "unknown document")
    assert_error(api.get("/v1/findings", params={"k": 0}), 422, "k")


def test_api_compare(api: httpx.Client, sample_assistant: Assistant) -> None:
    body = {"topic": "missing children", "doc_a": D2021, "doc_b": D2025}
    r = api.post("/v1/compare", json=body)
    assert r.status_code == 200, r.text
    comparison = Comparison.model_validate(r.json())
    assert comparison.a.doc_label == "Staffordshire 2021"
    assert comparison.b.doc_label == "Staffordshire 2025"
    assert comparison.changes
    assert_cited(sample_assistant, comparison.citations)

    assert_error(api.post("/v1/compare", json={**body, "doc_b": "nope"}), 404, "unknown document")
    assert_error(api.post("/v1/compare", json={**body, "doc_b": D2021}), 400, "two different")
    assert_error(api.post("/v1/compare", json={**body, "topic": " "}), 400, "topic is empty")
    assert_error(api.post("/v1/compare", json={**body, "extra": 1}), 422, "extra")


# --- the store: atomic with the document, deleted with it ----------------------------------------

REPORT = """Inspection of Northshire Police custody suites

Northshire Police
3-7 March 2024

Summary

Inspectors visited the custody suites at Northshire and found that detainees were treated with
respect. The force kept a clear record of every detainee's welfare checks.

Areas for improvement

The force should make sure that interpreters are booked promptly for detainees who need them.

Recommendations

- We recommend that within three months Northshire Police improves its custody records.
- We recommend that Northshire Police immediately reviews how it books interpreters:
  - in every custody suite; and
  - at weekends.
"""


@pytest.fixture
def writable(settings_factory: Callable[..., Settings], embedder: Embedder) -> Iterator[Assistant]:
    built = Assistant(settings_factory(), embedder=embedder)
    try:
        yield built
    finally:
        built.close()


def test_findings_survive_a_failed_reingest_and_go_with_their_document(
    writable: Assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "northshire.txt"
    path.write_text(REPORT, encoding="utf-8")
    assert writable.ingest([path], progress=False).added == ["northshire-2024"]
    store = FindingStore(writable.db)
    before = store.findings(["northshire-2024"])
    assert [(f.type, f.timescale) for f in before] == [
        (T.AREA_FOR_IMPROVEMENT, None),
        (T.RECOMMENDATION, "within three months"),
        (T.RECOMMENDATION, "immediately"),
    ]
    assert before[2].sub_points == ["in every custody suite", "at weekends"]

    path.write_text(REPORT.replace("weekends", "night"), encoding="utf-8")
    write = FindingStore.write

    def broken(conn, doc_id, findings):  # writes the new findings, then fails
        write(conn, doc_id, findings)
        raise RuntimeError("disk full")

    monkeypatch.setattr(FindingStore, "write", staticmethod(broken))
    with pytest.raises(RuntimeError, match="disk full"):
        writable.ingest([path], progress=False)
    monkeypatch.undo()
    assert store.findings(["northshire-2024"]) == before
    assert "weekends" in (writable.db.text("northshire-2024") or "")

    report = writable.ingest([path], progress=False)
    assert report.updated == ["northshire-2024"] and report.ok
    after = store.findings(["northshire-2024"])
    assert after[2].sub_points == ["in every custody suite", "at night"]
    assert after[:2] == before[:2]  # unchanged findings keep their ids

    writable.remove("northshire-2024")
    assert store.findings() == []
    assert writable.db.query("SELECT COUNT(*) AS n FROM findings")[0]["n"] == 0
