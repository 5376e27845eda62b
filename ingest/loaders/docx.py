"""Word (.docx) loader (python-docx).

Paragraph styles carry the structure: "Heading N"/"Title" are headings, "List ..." styles and
numbered paragraphs are list items. The body is walked element by element so tables stay where
they are in the document rather than being appended at the end.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .errors import LoadError

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _clean(text: str) -> str:
    """One line: line breaks and tabs inside a paragraph or cell become spaces."""
    return " ".join(text.split())


def _paragraph_text(paragraph: Paragraph) -> str:
    """The paragraph's text, with superscript footnote markers as superscript digits (which
    normalise drops) rather than digits glued to the word before them."""
    parts = []
    for item in paragraph.iter_inner_content():
        text = item.text
        if isinstance(item, Run) and item.font.superscript and text.strip().isdigit():
            text = text.strip().translate(_SUPERSCRIPT)
        parts.append(text)
    return "".join(parts)


def _style_name(paragraph: Paragraph) -> str:
    try:
        style = paragraph.style
        return (style.name or "") if style is not None else ""
    except (KeyError, AttributeError, ValueError):
        return ""


def _list_level(paragraph: Paragraph, style: str) -> int | None:
    """The nesting level if the paragraph is a list item, else None."""
    p_pr = paragraph._p.pPr
    num_pr: Any = p_pr.numPr if p_pr is not None else None  # python-docx types it loosely
    if num_pr is not None and num_pr.numId is not None and num_pr.numId.val != 0:
        return int(num_pr.ilvl.val) if num_pr.ilvl is not None else 0
    if style.startswith("List"):
        # "List Bullet 2" / "List Number 3" are the second / third level.
        last = style.rsplit(" ", 1)[-1]
        return int(last) - 1 if last.isdigit() else 0
    return None


def _table_rows(table: Table) -> list[str]:
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is repeated once per grid column
                continue
            seen.add(id(cell._tc))
            cells.append(_clean(cell.text))
        if any(cells):
            rows.append("\t".join(cells))
    return rows


def load_docx(path: Path) -> str:
    """A .docx as raw text: headings, paragraphs, list blocks and table blocks."""
    try:
        document = Document(str(path))
    except Exception as exc:
        raise LoadError(f"not a valid DOCX (Word) file: {exc}") from exc
    blocks: list[list[str]] = []
    in_list = False
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "tbl":
            rows = _table_rows(Table(child, document))
            if rows:
                blocks.append(rows)
            in_list = False
        elif tag == "p":
            paragraph = Paragraph(child, document)
            full = _paragraph_text(paragraph)
            text = _clean(full)
            if not text:
                continue
            style = _style_name(paragraph)
            level = (
                None if style.startswith(("Heading", "Title")) else _list_level(paragraph, style)
            )
            if level is not None:
                item = "  " * min(level, 1) + "- " + text
                if in_list:
                    blocks[-1].append(item)
                else:
                    blocks.append([item])
                in_list = True
            else:
                blocks.append([text])
                in_list = False
    if not blocks:
        raise LoadError("document has no text")
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"
