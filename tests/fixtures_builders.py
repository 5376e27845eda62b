"""Build PDF and DOCX fixtures at test time, so no binary files are committed.

Both builders take the same input: a list of sections, each a heading and its paragraphs; a
paragraph starting "- " is a bullet item (consecutive items form one list).
"""

from __future__ import annotations

from pathlib import Path

Section = tuple[str, list[str]]


def pdf_safe(text: str) -> str:
    """What a core-font PDF (windows-1252) can carry: other characters become "?"."""
    return text.encode("cp1252", "replace").decode("cp1252")


def _groups(paragraphs: list[str]) -> list[list[str]]:
    """Paragraphs as groups: a plain paragraph alone, consecutive bullet items together."""
    groups: list[list[str]] = []
    for paragraph in paragraphs:
        if paragraph.startswith("- ") and groups and groups[-1][0].startswith("- "):
            groups[-1].append(paragraph)
        else:
            groups.append([paragraph])
    return groups


def build_pdf(sections: list[Section], path: Path, paragraphs_per_page: int = 4) -> Path:
    """A PDF with headings in 16pt bold, wrapped 11pt paragraphs (multi_cell), bullet lists drawn
    with a hanging indent, and a page break after every `paragraphs_per_page` paragraphs."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"  # core fonts can then draw "•", "–" and "’"
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    on_page = 0
    for heading, paragraphs in sections:
        pdf.set_font("Helvetica", "B", 16)
        pdf.multi_cell(0, 9, pdf_safe(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        for group in _groups(paragraphs):
            if on_page >= paragraphs_per_page:
                pdf.add_page()
                on_page = 0
            pdf.set_font("Helvetica", "", 11)
            if group[0].startswith("- "):
                for item in group:
                    pdf.set_x(pdf.l_margin + 4)
                    pdf.cell(5, 6, "•")
                    pdf.multi_cell(0, 6, pdf_safe(item[2:]), new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.multi_cell(0, 6, pdf_safe(group[0]), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
            on_page += 1
    pdf.output(str(path))
    return path


def build_docx(sections: list[Section], path: Path) -> Path:
    """A DOCX with "Heading 1" headings, Normal paragraphs and "List Bullet" items."""
    from docx import Document

    document = Document()
    for heading, paragraphs in sections:
        document.add_heading(heading, level=1)
        for paragraph in paragraphs:
            if paragraph.startswith("- "):
                document.add_paragraph(paragraph[2:], style="List Bullet")
            else:
                document.add_paragraph(paragraph)
    document.save(str(path))
    return path
