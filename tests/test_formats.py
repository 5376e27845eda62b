"""A report parses the same whatever format it is published in (issue 9).

Both sample reports are rendered, once per session, as Markdown, an HTML publication page, a
PDF printed from that page by headless Chromium (running date/title header, URL and page
footer), a PDF with larger bold heading fonts, a dot-leader contents page and a running
header/footer (fpdf2), and a Word file with heading styles. Each goes through the pure ingest
(load → normalise → parse → findings → chunks) and must give what the text gives.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from formats_kit import FORMATS, ingest_pure, render_all, summary
from pypdf import PdfReader, PdfWriter

from assistant.core import Assistant
from assistant.domain.errors import InvalidRequest
from assistant.embeddings import Embedder
from assistant.settings import Settings
from ingest.identity import content_fingerprint, doc_id, identity_key, suffixed
from ingest.loaders import LoadError, load
from ingest.pipeline import prepare

SAMPLES = sorted((Path(__file__).parent.parent / "data" / "sample").glob("*.txt"))
IDS = {"2021": "staffordshire-2021", "2025": "staffordshire-2025"}


@pytest.fixture(scope="session")
def renditions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """Every format of each sample report, keyed by report stem then format."""
    out = tmp_path_factory.mktemp("renditions")
    return {text.stem: render_all(text, out / text.stem) for text in SAMPLES}


@pytest.fixture(scope="session")
def parsed(renditions: dict[str, dict[str, Path]]) -> Callable[[str, str], object]:
    cache: dict[tuple[str, str], object] = {}

    def get(stem: str, fmt: str) -> object:
        if (stem, fmt) not in cache:
            cache[(stem, fmt)] = ingest_pure(renditions[stem][fmt])
        return cache[(stem, fmt)]

    return get


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "txt"])
@pytest.mark.parametrize("text", SAMPLES, ids=lambda p: p.stem[:18])
def test_every_format_parses_like_the_text(text: Path, fmt: str, parsed) -> None:
    expected, got = summary(parsed(text.stem, "txt")), summary(parsed(text.stem, fmt))
    for key in ("doc_id", "title", "force", "kind", "period", "published", "year"):
        assert got[key] == expected[key], key
    assert got["sections"] == expected["sections"]
    assert got["grades"] == expected["grades"]
    assert got["findings"] == expected["findings"]
    assert got["timescales"] == expected["timescales"]
    assert got["practice"] == expected["practice"]
    assert got["headline_figures"] == expected["headline_figures"]


@pytest.mark.parametrize("text", SAMPLES, ids=lambda p: p.stem[:18])
def test_sample_figures_hold_in_every_format(text: Path, parsed) -> None:
    """The issue's table: one row per format, all equal, with the text's known numbers."""
    year = text.stem.split("-")[1]
    for fmt in FORMATS:
        row = summary(parsed(text.stem, fmt))
        assert row["doc_id"] == IDS[year], fmt
        if year == "2021":
            assert len(row["sections"]) == 119, fmt
            assert row["timescales"] == {
                "immediately": 7,
                "within six months": 2,
                "within three months": 6,
            }, fmt
            assert row["findings"]["headline_figure"] == 14, fmt
        else:
            assert len(row["sections"]) == 60, fmt
            assert len(row["grades"]) == 5, fmt


@pytest.mark.parametrize("fmt", ["pdf-browser", "pdf-fonts"])
@pytest.mark.parametrize("text", SAMPLES, ids=lambda p: p.stem[:18])
def test_pdf_pages_are_the_files_real_pages(text: Path, fmt: str, renditions, parsed) -> None:
    """Each section's page is the PDF page its heading is printed on."""
    pages = [
        " ".join(p.extract_text().split()) for p in PdfReader(renditions[text.stem][fmt]).pages
    ]
    result = parsed(text.stem, fmt)
    for section in result.parsed.sections:
        words = " ".join(section.heading.split()[:4])
        assert section.page is not None
        assert words in pages[section.page - 1], (section.heading, section.page)
    assert any(c.page and c.page > 1 for c in [f for f in result.findings])


@pytest.mark.parametrize("fmt", ["html", "pdf-browser", "pdf-fonts", "docx"])
@pytest.mark.parametrize("text", SAMPLES, ids=lambda p: p.stem[:18])
def test_same_report_in_another_format_is_recognised(text: Path, fmt: str, parsed) -> None:
    ours, theirs = parsed(text.stem, "txt").parsed, parsed(text.stem, fmt).parsed
    assert identity_key(theirs.document) == identity_key(ours.document)
    assert content_fingerprint(theirs.text, theirs.sections) == content_fingerprint(
        ours.text, ours.sections
    )


def test_the_two_reports_are_told_apart(parsed) -> None:
    a, b = (parsed(t.stem, "pdf-browser").parsed for t in SAMPLES)
    assert identity_key(a.document) != identity_key(b.document)
    assert content_fingerprint(a.text, a.sections) != content_fingerprint(b.text, b.sections)


def test_running_headers_footers_and_contents_stay_out_of_the_text(renditions) -> None:
    raw = load(renditions[SAMPLES[1].stem]["pdf-browser"])
    assert "file://" not in raw and "HMICFRS\n" not in raw
    assert "/" not in raw.split("\f")[1].splitlines()[-1]  # no "3/30" page footer
    fonts = load(renditions[SAMPLES[1].stem]["pdf-fonts"])
    assert "Page 3" not in fonts
    assert "Overall summary\t1" in fonts  # the dot-leader contents is rows


def test_footnote_markers_are_dropped_and_footnotes_kept(parsed) -> None:
    text = SAMPLES[0]
    for fmt in ("html", "pdf-browser", "pdf-fonts", "docx"):
        body = parsed(text.stem, fmt).parsed.text
        assert "29 percent reduction.\n" in body + "\n" or "29 percent reduction.\n\n" in body, fmt
        assert "reduction.1" not in body and "reduction. 1" not in body, fmt
        assert "The impact of the COVID-19 pandemic is likely" in body, fmt


# --- document ids ----------------------------------------------------------------------------


def test_doc_ids_are_cut_at_a_word_boundary_never_mid_year() -> None:
    long_name = "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services"
    built = doc_id(long_name, 2021, title="National child protection inspections")
    assert built.endswith("-2021") and len(built) <= 60
    assert built.removesuffix("-2021").split("-")[-1] in long_name.lower().split()
    assert doc_id("Staffordshire", 2025) == "staffordshire-2025"
    assert doc_id(None, 2023, title="Working Together to Safeguard Children 2023") == (
        "working-together-to-safeguard-children-2023"
    )
    assert doc_id("Avon and Somerset", 2023, title="PEEL 2023: an inspection") == (
        "avon-and-somerset-peel-2023"
    )
    assert doc_id(None, None, fallback="abc123") == "abc123"
    assert suffixed("staffordshire-2025", {"staffordshire-2025"}) == "staffordshire-2025-2"
    assert suffixed("x", set()) == "x"


# --- upload errors ---------------------------------------------------------------------------


def _scanned_pdf(path: Path) -> Path:
    """A page that is only an image (a scan without OCR)."""
    from fpdf import FPDF
    from PIL import Image

    pdf = FPDF()
    pdf.add_page()
    pdf.image(Image.new("L", (400, 560), 200), x=10, y=10, w=190)
    pdf.output(str(path))
    return path


def _encrypted_pdf(source: Path, path: Path) -> Path:
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt("secret", algorithm="AES-128")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


@pytest.fixture
def bad_files(tmp_path: Path, renditions) -> dict[str, Path]:
    empty_md = tmp_path / "blank-after-cleaning.md"
    empty_md.write_text("***\n\n---\n\n[](#)\n", encoding="utf-8")
    return {
        "scanned": _scanned_pdf(tmp_path / "scanned.pdf"),
        "encrypted": _encrypted_pdf(
            renditions[SAMPLES[1].stem]["pdf-fonts"], tmp_path / "locked.pdf"
        ),
        "empty": empty_md,
    }


REASONS = {
    "scanned": r"no extractable text .*OCR",
    "encrypted": r"encrypted PDF .*unprotected copy",
    "empty": r"no text after cleaning",
}


@pytest.mark.parametrize("case", sorted(REASONS))
def test_unreadable_uploads_are_invalid_requests_saying_why(
    case: str, bad_files: dict[str, Path]
) -> None:
    with pytest.raises(LoadError, match=REASONS[case]) as caught:
        prepare(bad_files[case], "0" * 64, 1200)
    assert isinstance(caught.value, InvalidRequest)


def test_ingest_names_each_bad_file_and_writes_nothing(
    bad_files: dict[str, Path], tmp_path: Path, embedder: Embedder
) -> None:
    assistant = Assistant(Settings(data_dir=tmp_path / "store"), embedder=embedder)
    try:
        report = assistant.ingest(list(bad_files.values()), progress=False)
        failed = dict(report.failed)
        for case, path in bad_files.items():
            assert any(path.name in name for name in failed), case
            reason = next(r for name, r in failed.items() if path.name in name)
            assert reason and "Traceback" not in reason
        assert not report.added and assistant.documents() == []
    finally:
        assistant.close()


# --- other kinds of document (synthetic fixtures) ---------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures"


def test_peel_report_grades_causes_of_concern_and_their_recommendations() -> None:
    result = ingest_pure(FIXTURES / "peel_sample.html")
    doc = result.parsed.document
    assert (doc.doc_id, doc.kind, doc.force, doc.year) == (
        "wessex-peel-2024",
        "inspection_report",
        "Wessex Constabulary",
        2024,
    )
    assert sorted((j.area, j.grade) for j in doc.judgments) == [
        ("Investigating crime", "Requires improvement"),
        ("Protecting vulnerable people", "Good"),
    ]
    by_type = {}
    for finding in result.findings:
        by_type.setdefault(finding.type.value, []).append(finding)
    assert [f.text[:38] for f in by_type["cause_of_concern"]] == [
        "The force doesn't make sure that inves"
    ]
    assert [f.timescale for f in by_type["recommendation"]] == [
        "within three months",
        "within six months",
    ]
    assert len(by_type["area_for_improvement"]) == 2
    assert set(by_type) == {
        "judgment",
        "cause_of_concern",
        "recommendation",
        "area_for_improvement",
    }


def test_joint_letter_has_no_grades_and_no_invented_findings() -> None:
    result = ingest_pure(FIXTURES / "joint_letter_sample.html")
    doc = result.parsed.document
    assert doc.kind == "letter" and doc.judgments == [] and doc.year == 2024
    assert result.findings == []
    headings = [s.heading for s in result.parsed.sections]
    assert "What needs to improve" in headings
    assert not [h for h in headings if h.startswith(("Dear", "Yours", "Jane Doe"))]


def test_guidance_paragraph_numbers_are_citable_locations() -> None:
    from ingest.chunking import chunk_document

    result = ingest_pure(FIXTURES / "working_together_sample.html")
    doc = result.parsed.document
    assert (doc.doc_id, doc.kind, doc.year) == (
        "working-together-to-safeguard-children-2023",
        "guidance",
        2023,
    )
    chunk = next(c for c in chunk_document(result.parsed) if "3.12 Strategy" in c.text)
    assert chunk.section_path[0] == "Chapter 3: Providing help, support and protection"
    assert chunk.section_path[-1] == "para 3.12"
    assert chunk.text.startswith("3.12 Strategy discussions") and "3.13" not in chunk.text
    assert result.findings == []
