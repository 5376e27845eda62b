"""Render a report in the raw text convention as it is really published (an HTML publication
page, a browser-printed PDF, a PDF with heading fonts and a contents page, a Word file, Markdown)
and summarise a parse, so tests and bench/formats.py can compare every format with the text.

The renditions follow the text's own parse: each block keeps its type (heading, paragraph,
list, table), headings get their tree level, glossary links stay links and footnote markers
become superscripts. Nothing here reads a particular report's wording.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import assistant  # noqa: F401  (first: `ingest` modules import `assistant` records)
from assistant.domain.records import Finding, SectionKind
from ingest.blocks import Block, BlockType, table_rows
from ingest.chunking import chunk_document
from ingest.findings import extract_findings
from ingest.loaders import load
from ingest.normalise import normalise, normalise_line
from ingest.structure import ParsedDocument, parse

FORMATS = ("txt", "md", "html", "pdf-browser", "pdf-fonts", "docx")
_RAW_LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\((?:#|https?://)[^)\s]*\)")
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_SUP_RUN = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_ITEM = re.compile(r"^(\s*)-\s+")


# --- parsing, the way the pipeline does it (no store) -------------------------------------------


@dataclass
class Parsed:
    parsed: ParsedDocument
    findings: list[Finding]
    chunks: int


def ingest_pure(path: Path) -> Parsed:
    """load → normalise → parse → findings → chunks, for one file."""
    parsed = parse(normalise(load(path)), source_file=path.name, sha256="0" * 64)
    return Parsed(parsed, extract_findings(parsed), len(chunk_document(parsed)))


def summary(result: Parsed) -> dict[str, Any]:
    """What must not depend on the format: metadata, the section tree, grades and findings."""
    doc = result.parsed.document
    findings = result.findings
    recs = [f for f in findings if f.type.value == "recommendation"]
    return {
        "doc_id": doc.doc_id,
        "title": doc.title,
        "force": doc.force,
        "kind": doc.kind,
        "period": doc.inspection_period,
        "published": doc.published,
        "year": doc.year,
        "sections": [(s.heading, s.level, s.kind.value, s.grade) for s in result.parsed.sections],
        "grades": sorted((j.area, j.grade) for j in doc.judgments),
        "findings": dict(sorted(Counter(f.type.value for f in findings).items())),
        "timescales": dict(sorted(Counter(r.timescale or "none" for r in recs).items())),
        "practice": [(f.title, f.practice) for f in findings if f.type.value == "case_study"],
        "headline_figures": [f.sub_points for f in findings if f.type.value == "headline_figure"],
    }


# --- the text's blocks, each with its raw markup ---------------------------------------------


@dataclass
class RBlock:
    """A parsed block with its raw lines (markup kept) and, for a heading, its section level."""

    block: Block
    raw: list[str]
    level: int | None = None
    kind: SectionKind | None = None


def _raw_blocks(raw: str) -> list[list[str]]:
    blocks, current = [], []
    for line in raw.split("\n"):
        if normalise_line(line).strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def read_blocks(text_path: Path) -> tuple[ParsedDocument, list[RBlock]]:
    """The text's parse and its blocks in order, each paired with its raw lines."""
    raw = load(text_path)
    parsed = parse(normalise(raw), source_file=text_path.name, sha256="0" * 64)
    raws = iter(_raw_blocks(raw))
    openers = {s.start: s for s in parsed.sections}
    out = []
    for block in parsed.blocks:
        lines = next(raws)
        while (seen := "\n".join(normalise_line(x) for x in lines)) != block.text:
            more = next(raws)
            # A paragraph broken by a page break in the export is one block once normalised.
            lines = [" ".join([*lines, *more])] if block.text.startswith(seen) else more
        section = openers.get(block.start) if block.type is BlockType.HEADING else None
        out.append(
            RBlock(
                block, lines, section.level if section else None, section.kind if section else None
            )
        )
    return parsed, out


def front_count(parsed: ParsedDocument, blocks: list[RBlock]) -> int:
    """How many blocks come before the first section (title page)."""
    first = parsed.sections[0].start if parsed.sections else len(parsed.text)
    return sum(1 for b in blocks if b.block.start < first)


# --- HTML ---------------------------------------------------------------------------------------


def _inline_html(line: str) -> str:
    """Raw markup to HTML: glossary links, <i>, *emphasis*, superscript footnote markers."""
    line = line.replace("<i>", "\x01").replace("</i>", "\x02")
    out = html.escape(line, quote=False)
    out = out.replace("\x01", "<i>").replace("\x02", "</i>")
    out = _RAW_LINK.sub(
        lambda m: f'<a href="/glossary/#{_slug(m.group(1))}">{m.group(1).replace(chr(92), "")}</a>',
        out,
    )
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    out = re.sub(r"\*(.+?)\*", r"<em>\1</em>", out)
    out = out.replace("**", "").replace("\\", "")
    return _SUP_RUN.sub(lambda m: f"<sup>{m.group(0).translate(_SUPERSCRIPT)}</sup>", out)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _list_html(lines: list[str]) -> str:
    out, open_sub = ["<ul>"], False
    for line in lines:
        nested = line.startswith((" ", "\t"))
        item = _inline_html(_ITEM.sub("", line.strip() if nested else line))
        if nested and not open_sub:
            out[-1] = out[-1].removesuffix("</li>")
            out.append("<ul>")
            open_sub = True
        elif not nested and open_sub:
            out.append("</ul></li>")
            open_sub = False
        out.append(f"<li>{item}</li>")
    if open_sub:
        out.append("</ul></li>")
    out.append("</ul>")
    return "\n".join(out)


def _table_html(block: Block, raw: list[str]) -> str:
    rows = [line.split("\t") for line in raw]
    header = sum(1 for c in table_rows(block)[0] if c.strip()) >= 2 and len(rows) > 1
    out = ["<table>"]
    for index, row in enumerate(rows):
        tag = "th" if header and index == 0 else "td"
        cells = "".join(f"<{tag}>{_inline_html(c.strip())}</{tag}>" for c in row)
        out.append(f"<tr>{cells}</tr>")
    out.append("</table>")
    return "\n".join(out)


def render_html(text_path: Path) -> str:
    """A publication page: site chrome, <h1> title, contents as a list of links, h2-h6
    headings by tree level, <table> for tables, footnote markers as <sup>."""
    parsed, blocks = read_blocks(text_path)
    doc = parsed.document
    front = front_count(parsed, blocks)
    body: list[str] = []
    in_contents = False
    for index, rb in enumerate(blocks):
        block, raw = rb.block, rb.raw
        if index == 0:
            body.append(f"<h1>{_inline_html(raw[0])}</h1>")
            if raw[1:]:
                body.append(f"<p>{'<br>'.join(_inline_html(x) for x in raw[1:])}</p>")
        elif index < front:
            body.append(f"<p>{'<br>'.join(_inline_html(x) for x in raw)}</p>")
        elif rb.level is not None:
            in_contents = rb.kind is SectionKind.CONTENTS
            tag = f"h{min(rb.level + 1, 6)}"
            body.append(f'<{tag} id="b{index}">{_inline_html(" ".join(raw))}</{tag}>')
        elif in_contents and block.type is BlockType.TABLE:
            items = "".join(
                f'<li><a href="#{_slug(row[0])}">{html.escape(row[0])}</a></li>'
                for row in table_rows(block)
            )
            body.append(f'<ul class="contents">{items}</ul>')
        elif block.type is BlockType.TABLE:
            body.append(_table_html(block, raw))
        elif block.type is BlockType.LIST:
            body.append(_list_html(raw))
        else:
            body.append(f"<p>{'<br>'.join(_inline_html(x) for x in raw)}</p>")
    title = " ".join(normalise_line(blocks[0].raw[0]).split())
    force = doc.force or ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(force)}: {html.escape(title)} {doc.year} - HMICFRS</title>
<meta name="description" content="{html.escape(title)}: {html.escape(force)}">
<style>
body {{ font-family: "Liberation Sans", Arial, sans-serif; font-size: 11pt; margin: 0 2em; }}
h1 {{ font-size: 24pt; }} h2 {{ font-size: 18pt; }} h3 {{ font-size: 14pt; }}
h4, h5, h6 {{ font-size: 12pt; }}
@media print {{ header, nav, footer {{ display: none; }} }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #999; padding: 4px; }}
</style></head>
<body>
<header><a href="/">HMICFRS</a> <nav><a href="/publications/">Publications</a></nav></header>
<main>
{chr(10).join(body)}
</main>
<footer><p>© HMICFRS {doc.year}. All content is available under the Open Government Licence.</p></footer>
</body></html>
"""


# --- Markdown -----------------------------------------------------------------------------------


def render_markdown(text_path: Path) -> str:
    """`#` headings by tree level, `*` bullets, tables as tab rows."""
    _, blocks = read_blocks(text_path)
    out: list[str] = []
    for index, rb in enumerate(blocks):
        if index == 0:
            out.append("# " + rb.raw[0] + ("\n" + "\n".join(rb.raw[1:]) if rb.raw[1:] else ""))
        elif rb.level is not None:
            out.append("#" * min(rb.level + 1, 6) + " " + " ".join(rb.raw))
        elif rb.block.type is BlockType.LIST:
            out.append("\n".join(re.sub(r"^(\s*)- ", r"\1* ", x) for x in rb.raw))
        else:
            out.append("\n".join(rb.raw))
    return "\n\n".join(out) + "\n"


# --- DOCX ---------------------------------------------------------------------------------------


def _docx_runs(paragraph: Any, line: str) -> None:
    """Plain runs, with glossary links and markup reduced to their text."""
    for index, piece in enumerate(_SUP_RUN.split(line)):
        if index:
            run = paragraph.add_run(_SUP_RUN.findall(line)[index - 1].translate(_SUPERSCRIPT))
            run.font.superscript = True
        paragraph.add_run(normalise_line(piece) if piece.strip() else piece)


def render_docx(text_path: Path, path: Path) -> Path:
    """Title style for the title, "Heading N" by tree level, List Bullet (2) items, tables."""
    from docx import Document

    parsed, blocks = read_blocks(text_path)
    front = front_count(parsed, blocks)
    document = Document()
    for index, rb in enumerate(blocks):
        block, raw = rb.block, rb.raw
        if index == 0:
            document.add_paragraph(normalise_line(raw[0]), style="Title")
            raw = raw[1:]
            if not raw:
                continue
        if (
            index < front
            or block.type is BlockType.PARAGRAPH
            or block.type is BlockType.BOILERPLATE
        ):
            paragraph = document.add_paragraph()
            for n, line in enumerate(raw):
                if n:
                    paragraph.add_run().add_break()
                _docx_runs(paragraph, line)
        elif rb.level is not None:
            document.add_heading(normalise_line(" ".join(raw)), level=min(rb.level, 9))
        elif block.type is BlockType.LIST:
            for line in raw:
                nested = line.startswith((" ", "\t"))
                style = "List Bullet 2" if nested else "List Bullet"
                paragraph = document.add_paragraph(style=style)
                _docx_runs(paragraph, _ITEM.sub("", line.strip() if nested else line))
        elif block.type is BlockType.TABLE:
            rows = table_rows(block)
            table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell.strip()
        else:
            document.add_paragraph(normalise_line(" ".join(raw)))
    document.save(str(path))
    return path


# --- PDF with heading fonts (fpdf2) -------------------------------------------------------------


def render_pdf_fonts(text_path: Path, path: Path) -> Path:
    """Headings larger and bold by level, a contents page with dot leaders and page numbers, a
    running header (report title) and footer ("Page N"), grade and other tables as cells."""
    from fpdf import FPDF

    parsed, blocks = read_blocks(text_path)
    doc = parsed.document
    front = front_count(parsed, blocks)
    sizes = {1: 18, 2: 15, 3: 13, 4: 12}
    running = f"{doc.force or ''} - {' '.join(normalise_line(blocks[0].raw[0]).split())}"

    class Report(FPDF):
        def header(self) -> None:
            if self.page_no() > 1:
                self.set_font("Helvetica", "", 8)
                self.cell(0, 6, running, align="C", new_x="LMARGIN", new_y="NEXT")
                self.ln(4)

        def footer(self) -> None:
            self.set_y(-14)
            self.set_font("Helvetica", "", 8)
            self.cell(0, 6, f"Page {self.page_no()}", align="C")

    pdf = Report(format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_auto_page_break(auto=True, margin=22)
    pdf.set_margins(20, 18, 20)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def para(text: str, size: float = 11, style: str = "", gap: float = 3) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    def runs(line: str) -> None:
        """A paragraph line with footnote markers drawn as superscripts."""
        pdf.set_font("Helvetica", "", 11)
        pieces = _SUP_RUN.split(line)
        marks = _SUP_RUN.findall(line)
        if not marks:
            pdf.multi_cell(0, 5.5, normalise_line(line), new_x="LMARGIN", new_y="NEXT")
            return
        for index, piece in enumerate(pieces):
            if index:
                pdf.char_vpos = "SUP"
                pdf.write(5.5, marks[index - 1].translate(_SUPERSCRIPT))
                pdf.char_vpos = "LINE"
            if piece.strip():
                pdf.write(5.5, normalise_line(piece) + (" " if piece.endswith(" ") else ""))
        pdf.ln(5.5)

    in_contents = False
    for index, rb in enumerate(blocks):
        block, raw = rb.block, rb.raw
        if index == 0:
            pdf.ln(30)
            para(normalise_line(raw[0]), 24, "B", 6)
            for line in raw[1:]:
                para(normalise_line(line), 14, "B", 1)
            pdf.ln(6)
            continue
        if index < front:
            for line in raw:
                para(normalise_line(line), 14 if len(raw) < 4 else 11, "B" if len(raw) < 4 else "")
            continue
        if rb.level is not None:
            in_contents = rb.kind is SectionKind.CONTENTS
            if rb.level == 1 and (in_contents or index > front + 1):
                pdf.add_page()
            pdf.ln(3)
            para(normalise_line(" ".join(raw)), sizes.get(rb.level, 12), "B", 3)
            continue
        if in_contents and block.type is BlockType.TABLE:
            pdf.set_font("Helvetica", "", 11)
            for row in table_rows(block):
                label, page = row[0].strip(), row[-1].strip()
                page_w = pdf.get_string_width(page) + 2
                while pdf.get_string_width(label) > 0.8 * width:  # wrap a long entry
                    cut = label[: int(len(label) * 0.8 * width / pdf.get_string_width(label))]
                    cut = cut.rsplit(" ", 1)[0]
                    pdf.cell(0, 6, cut, new_x="LMARGIN", new_y="NEXT")
                    label = label[len(cut) :].strip()
                label_w = pdf.get_string_width(label) + 2
                dots = "." * max(3, int((width - label_w - page_w) / pdf.get_string_width(".")) - 2)
                pdf.cell(label_w, 6, label)
                pdf.cell(width - label_w - page_w, 6, dots, align="R")
                pdf.cell(page_w, 6, page, align="R", new_x="LMARGIN", new_y="NEXT")
            pdf.add_page()
            in_contents = False
            continue
        if block.type is BlockType.TABLE:
            rows = table_rows(block)
            with pdf.table(first_row_as_headings=len(rows) > 1, text_align="LEFT") as table:
                for row in rows:
                    cells = table.row()
                    for cell in row:
                        cells.cell(cell.strip())
            pdf.ln(3)
            continue
        if block.type is BlockType.LIST:
            pdf.set_font("Helvetica", "", 11)
            for line in raw:
                nested = line.startswith((" ", "\t"))
                indent = 12 if nested else 4
                pdf.set_x(pdf.l_margin + indent)
                pdf.cell(5, 5.5, "-" if nested else "•")
                item = normalise_line(_ITEM.sub("", line.strip() if nested else line))
                pdf.multi_cell(0, 5.5, item, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
            continue
        for line in raw:
            runs(line)
        pdf.ln(3)
    pdf.set_title(" ".join(normalise_line(blocks[0].raw[0]).split()))
    pdf.set_author("HMICFRS")
    pdf.output(str(path))
    return path


# --- PDF printed by a browser (headless Chromium) -----------------------------------------------


def chromium() -> str:
    """The Chromium binary (Debian's); the parity tests need it, as the browser test does."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        raise RuntimeError("chromium is not installed: `make test` installs Debian's chromium")
    return binary


def print_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Print a page to PDF as a browser does, with its date/title header and URL/page footer."""
    subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-extensions",
            "--disable-dev-shm-usage",
            f"--user-data-dir={pdf_path.parent / ('.chromium-' + pdf_path.stem)}",
            f"--print-to-pdf={pdf_path}",
            html_path.resolve().as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return pdf_path


# --- all renditions --------------------------------------------------------------------------


def render_all(text_path: Path, out: Path) -> dict[str, Path]:
    """Every format of one report under `out`, keyed by FORMATS."""
    out.mkdir(parents=True, exist_ok=True)
    stem = text_path.stem
    files: dict[str, Path] = {"txt": text_path}
    md = out / f"{stem}.md"
    md.write_text(render_markdown(text_path), encoding="utf-8")
    files["md"] = md
    page = out / f"{stem}.html"
    page.write_text(render_html(text_path), encoding="utf-8")
    files["html"] = page
    files["pdf-browser"] = print_pdf(page, out / f"{stem}.pdf")
    files["pdf-fonts"] = render_pdf_fonts(text_path, out / f"{stem}-fonts.pdf")
    files["docx"] = render_docx(text_path, out / f"{stem}.docx")
    return files
