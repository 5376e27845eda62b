"""Loaders emit the raw text convention; bad files fail with a LoadError that says why."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from fixtures_builders import Section, build_docx, build_pdf, pdf_safe
from pypdf import PdfReader, PdfWriter

from ingest.loaders import SUPPORTED_SUFFIXES, LoadError, load
from ingest.normalise import normalise, normalise_line

SAMPLE = Path(__file__).resolve().parents[1] / "data/sample/staffordshire-2021-child-protection.txt"


def _sample_sections(headings: list[str], limit: int = 40) -> list[Section]:
    """Sections of the sample report: each heading with up to `limit` following paragraphs
    (list blocks expanded into "- " items), markup removed as the normaliser would."""
    blocks = [b.strip() for b in SAMPLE.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    sections: list[Section] = []
    for heading in headings:
        start = next(i for i, b in enumerate(blocks) if normalise_line(b) == heading)
        paragraphs: list[str] = []
        for block in blocks[start + 1 :]:
            lines = [normalise_line(line) for line in block.split("\n")]
            if (
                len(lines) == 1
                and len(lines[0].split()) <= 12
                and not lines[0].endswith((".", ":"))
            ):
                break  # the next heading
            paragraphs.extend(lines)
            if len(paragraphs) >= limit:
                break
        sections.append((heading, [pdf_safe(p) for p in paragraphs]))
    return sections


SECTIONS = _sample_sections(
    [
        "Foreword",
        "Main findings from the inspection",
        "The police's responsibility to keep children safe",
        "Expectations set out in the Working Together guidance",
    ]
)


def _blocks(raw: str) -> list[str]:
    return normalise(raw).text.split("\n\n")


# --- PDF ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_pdf(SECTIONS, tmp_path_factory.mktemp("pdf") / "report.pdf", paragraphs_per_page=4)


def test_pdf_pages_are_separated_by_form_feeds(report_pdf: Path) -> None:
    raw = load(report_pdf)
    pages = raw.split("\f")
    assert len(pages) >= 3
    assert len(pages) == len(PdfReader(report_pdf).pages)
    assert all(page.strip() for page in pages)


def test_pdf_headings_are_their_own_blocks(report_pdf: Path) -> None:
    blocks = _blocks(load(report_pdf))
    for heading, _ in SECTIONS:
        assert heading in blocks


def test_pdf_wrapped_paragraphs_come_back_as_one_line(report_pdf: Path) -> None:
    raw = load(report_pdf)
    lines = {" ".join(line.split()) for line in raw.replace("\f", "\n").split("\n")}
    paragraphs = [p for _, ps in SECTIONS for p in ps if not p.startswith("- ")]
    longest = max(paragraphs, key=len)
    assert len(longest) > 400  # wraps over several lines in the PDF
    assert " ".join(longest.split()) in lines
    for paragraph in paragraphs:
        assert " ".join(paragraph.split()) in lines


def test_pdf_bullets_become_one_list_block(report_pdf: Path) -> None:
    blocks = _blocks(load(report_pdf))
    items = [p for p in dict(SECTIONS)["Main findings from the inspection"] if p.startswith("- ")]
    assert len(items) >= 3
    assert "\n".join(items) in blocks


def test_pdf_encrypted_is_refused(tmp_path: Path, report_pdf: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(report_pdf))
    writer.encrypt("secret")
    path = tmp_path / "locked.pdf"
    writer.write(path)
    with pytest.raises(LoadError, match="encrypted"):
        load(path)


def test_pdf_encrypted_with_empty_user_password_opens(tmp_path: Path, report_pdf: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(report_pdf))
    writer.encrypt(user_password="", owner_password="owner")
    path = tmp_path / "owner-only.pdf"
    writer.write(path)
    assert load(path) == load(report_pdf)


@pytest.mark.parametrize("cut", ["truncated", "garbage"])
def test_pdf_corrupt_is_refused(tmp_path: Path, report_pdf: Path, cut: str) -> None:
    data = report_pdf.read_bytes()
    path = tmp_path / "broken.pdf"
    path.write_bytes(data[:300] if cut == "truncated" else b"%PDF-1.7\n" + bytes(range(256)) * 8)
    with pytest.raises(LoadError, match="PDF"):
        load(path)


def test_pdf_without_text_is_refused(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(LoadError, match="no extractable text"):
        load(path)


# --- DOCX --------------------------------------------------------------------------------------


def test_docx_headings_paragraphs_lists_and_tables_in_order(tmp_path: Path) -> None:
    document = Document()
    document.add_heading("National Child Protection Inspections", level=0)
    document.add_heading("Summary", level=1)
    document.add_paragraph("The force has\tmade progress.")
    document.add_paragraph("Specific areas for improvement include:")
    document.add_paragraph("improving data management;", style="List Bullet")
    document.add_paragraph("making appropriate referrals.", style="List Bullet")
    document.add_paragraph("early help", style="List Bullet 2")
    table = document.add_table(rows=2, cols=3)
    values = [("Grade", "Cases", "Share"), ("Good", "19", "25%")]
    for row, row_values in zip(table.rows, values, strict=True):
        for cell, value in zip(row.cells, row_values, strict=True):
            cell.text = value
    document.add_paragraph("")
    document.add_heading("Conclusion", level=2)
    document.add_paragraph("First step.", style="List Number")
    path = tmp_path / "report.docx"
    document.save(str(path))

    assert load(path) == (
        "National Child Protection Inspections\n\n"
        "Summary\n\n"
        "The force has made progress.\n\n"
        "Specific areas for improvement include:\n\n"
        "- improving data management;\n- making appropriate referrals.\n  - early help\n\n"
        "Grade\tCases\tShare\nGood\t19\t25%\n\n"
        "Conclusion\n\n"
        "- First step.\n"
    )


def test_build_docx_round_trips_sample_sections(tmp_path: Path) -> None:
    sections = SECTIONS[1:2]
    raw = load(build_docx(sections, tmp_path / "summary.docx"))
    heading, paragraphs = sections[0]
    items = [p for p in paragraphs if p.startswith("- ")]
    blocks = _blocks(raw)
    assert blocks[0] == heading
    assert "\n".join(items) in blocks
    assert paragraphs[0] in blocks


@pytest.mark.parametrize("content", [b"PK\x03\x04 not really a zip", b"just some text"])
def test_docx_corrupt_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(content)
    with pytest.raises(LoadError, match=r"not a valid DOCX|not a DOCX file"):
        load(path)


# --- HTML --------------------------------------------------------------------------------------

HTML = """<!DOCTYPE html>
<html><head><title>Report</title><style>p { color: red }</style></head>
<body>
<header><a href="/">HMICFRS home</a></header>
<nav><ul><li>Menu</li></ul></nav>
<main>
  <h1>National Child Protection   Inspections</h1>
  <p>Read the <a href="#pcc">police and crime commissioner</a> report,<br>in full.</p>
  <script>var tracking = 1;</script>
  <h2>Summary</h2>
  <ul>
    <li>improving <b>data</b> management;</li>
    <li>making referrals:
      <ul><li>to social care</li></ul>
    </li>
  </ul>
  <div>Loose text in a <em>div</em>.<p>And a paragraph.</p></div>
  <table>
    <tr><th>Grade</th><th>Cases</th></tr>
    <tr><td>Good</td><td>19</td></tr>
  </table>
</main>
<footer>© Crown copyright</footer>
</body></html>
"""


def test_html_to_convention(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(HTML, encoding="utf-8")
    assert load(path) == (
        "National Child Protection Inspections\n\n"
        "Read the police and crime commissioner report, in full.\n\n"
        "Summary\n\n"
        "- improving data management;\n- making referrals:\n  - to social care\n\n"
        "Loose text in a div.\n\n"
        "And a paragraph.\n\n"
        "Grade\tCases\nGood\t19\n"
    )


def test_html_undecodable_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "page.htm"
    path.write_bytes(b"<p>caf\x81\x8d\x00</p>")
    with pytest.raises(LoadError, match="binary file"):
        load(path)


# --- text and Markdown -------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"  \n\t\n"])
def test_text_empty_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(LoadError, match="file is empty"):
        load(path)


def test_text_binary_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "blob.txt"
    path.write_bytes(bytes(range(256)))
    with pytest.raises(LoadError, match=r"binary file, not text \(.*offset 0\)"):
        load(path)


def test_text_undecodable_without_nul_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "blob.txt"
    path.write_bytes(b"abc \x81\x8d\x90")  # bytes cp1252 leaves undefined
    with pytest.raises(LoadError, match=r"undecodable bytes at offset 4"):
        load(path)


def test_pdf_named_txt_is_refused(tmp_path: Path, report_pdf: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(report_pdf.read_bytes())
    with pytest.raises(LoadError, match=r"PDF document but is named '\.txt'"):
        load(path)


def test_zip_named_txt_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Document().save(buffer)
    path = tmp_path / "report.txt"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(LoadError, match=r"ZIP archive .* named '\.txt'"):
        load(path)


def test_text_utf8_bom_is_stripped(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffForeword\r\n\r\nAll children – deserve.\r\n".encode())
    assert load(path) == "Foreword\n\nAll children – deserve.\n"


def test_text_cp1252_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "windows.txt"
    path.write_bytes("The force’s response\n".encode("cp1252"))
    assert load(path) == "The force’s response\n"


def test_markdown_headings_and_bullets(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text(
        "# Summary #\nThe force **must** improve:\n* data;\n+ referrals\n  * sub item\n\n"
        "Conclusion\n----------\nDone.\n",
        encoding="utf-8",
    )
    assert load(path) == (
        "Summary\n\nThe force **must** improve:\n- data;\n- referrals\n  - sub item\n\n"
        "Conclusion\n\nDone.\n"
    )


def test_unsupported_and_missing_files(tmp_path: Path) -> None:
    path = tmp_path / "data.xyz"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(LoadError, match=r"unsupported file type '\.xyz'"):
        load(path)
    with pytest.raises(LoadError, match="file not found"):
        load(tmp_path / "missing.pdf")
    assert set(SUPPORTED_SUFFIXES) == {".txt", ".md", ".pdf", ".docx", ".html", ".htm"}
