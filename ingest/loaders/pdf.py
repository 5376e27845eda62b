"""PDF loader (pdfplumber for text, fonts, positions and ruled tables; pypdf to open and
decrypt), rebuilding paragraphs from layout.

A PDF holds positioned words, not paragraphs. We rebuild lines from the words' positions, then
blocks from layout cues: the baseline of each line (a gap wider than normal line spacing starts
a new block), the font size (larger than body text means a heading), bold fonts (a short all-bold
line is a heading), and a short line followed by another (a list drawn without bullet text, as a
browser prints one) keeps its line. Tables drawn with ruling lines become tab-separated rows,
contents lines with dot leaders become "heading<TAB>page" rows, small raised digits (footnote
markers) become superscripts, and running headers, footers and page numbers are dropped.
Pages are joined with "\\f".
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from statistics import median
from typing import Any

import pdfplumber
from pypdf import PdfReader

from .errors import LoadError

_BULLET = re.compile(r"^(?:[•●▪■◦‣∙·–]\s*|[-*]\s+)(?=\S)")
_STRONG_BULLETS = "•●▪■◦‣∙"  # never start a wrapped line of prose, unlike "–" or "-"
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.I)
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)
_DOT_LEADER = re.compile(
    r"^(?P<title>.*?\S)\s*(?:\.\s*){4,}\s*(?P<page>\d{1,4}|[ivxlc]{1,6})$", re.I
)
_TERMINAL = tuple(".,;:!?")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st"})


@dataclass
class _Line:
    text: str
    x: float = 0.0
    y: float = 0.0
    size: float = 0.0
    bold: bool = False
    placed: bool = False  # got a position from the page
    right: float = 0.0
    rows: bool = False  # table or contents rows: "\t"-separated cells, never joined


def _word_text(word: dict[str, Any], line_size: float) -> tuple[str, bool]:
    """A word's text, and whether it is a footnote marker (small digits) to glue on."""
    text = str(word["text"]).translate(_LIGATURES)
    if text.isdigit() and float(word["size"]) < 0.8 * line_size:
        return text.translate(_SUPERSCRIPT), True
    return text, False


def _line_from_words(words: list[dict[str, Any]], height: float) -> _Line:
    words = sorted(words, key=lambda w: float(w["x0"]))
    size = (
        max(float(w["size"]) for w in words if w["fontname"] != "bullet")
        if any(w["fontname"] != "bullet" for w in words)
        else float(words[0]["size"])
    )
    parts: list[str] = []
    for word in words:
        text, glued = _word_text(word, size)
        if glued and parts:
            parts[-1] += text
        else:
            parts.append(text)
    body = [w for w in words if float(w["size"]) >= 0.8 * size and w["fontname"] != "bullet"]
    body = body or words
    bold = all(_BOLD_FONT.search(str(w.get("fontname", ""))) for w in body)
    line = _Line(
        " ".join(parts),
        x=float(words[0]["x0"]),
        y=height - max(float(w["bottom"]) for w in body),
        size=size,
        bold=bold,
        placed=True,
        right=float(words[-1]["x1"]),
    )
    leader = _DOT_LEADER.match(line.text)
    if leader:
        line.text, line.rows = f"{leader.group('title')}\t{leader.group('page')}", True
    return line


def _group_lines(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Words on one baseline (within a third of their size) make a line, top to bottom."""
    lines: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (round(float(w["bottom"])), float(w["x0"]))):
        if lines:
            last = lines[-1]
            bottom = max(float(w["bottom"]) for w in last)
            size = max(float(w["size"]) for w in last)
            if abs(float(word["bottom"]) - bottom) <= size / 3 or (
                float(word["size"]) < 0.8 * size
                and float(word["top"]) < bottom
                and float(word["bottom"]) > bottom - size
            ):
                last.append(word)
                continue
        lines.append([word])
    return lines


def _drawn_bullets(page: Any, keep: Any) -> list[dict[str, Any]]:
    """List bullets a browser draws as small discs or squares (not text), as "•" words."""
    bullets = []
    for shape in [*page.curves, *page.rects]:
        width, height = shape["x1"] - shape["x0"], shape["bottom"] - shape["top"]
        if 2 <= width <= 7 and 2 <= height <= 7 and abs(width - height) < 1 and keep(shape):
            middle = (shape["top"] + shape["bottom"]) / 2
            size = 3 * height
            bullets.append(
                {
                    "text": "•",
                    "x0": shape["x0"],
                    "x1": shape["x1"],
                    "top": middle - size / 2,
                    "bottom": middle + size / 3,
                    "size": size,
                    "fontname": "bullet",
                }
            )
    return bullets


def _table_line(table: Any, height: float) -> _Line | None:
    """A ruled table as one rows line; None for a frame around a single cell or column."""
    rows = [
        [" ".join((cell or "").split()).translate(_LIGATURES) for cell in row]
        for row in table.extract()
    ]
    rows = [row for row in rows if any(row)]
    if len(rows) < 2 or max(len(row) for row in rows) < 2:
        return None
    x0, top, x1, _ = table.bbox
    text = "\n".join("\t".join(row) for row in rows)
    return _Line(text, x=x0, y=height - top, size=0.0, placed=True, right=x1, rows=True)


def _page_lines(page: Any) -> list[_Line]:
    """The page's lines, each with position, size and boldness; tables as rows lines."""
    # Ruled tables need at least a frame of lines or rectangles; looking costs time, so only then.
    ruled = len(page.lines) + len(page.rects) >= 4
    tables = [t for t in page.find_tables() if t.bbox[2] - t.bbox[0] > 0] if ruled else []
    table_lines = [(t.bbox, _table_line(t, page.height)) for t in tables]
    boxes = [bbox for bbox, line in table_lines if line is not None]

    def outside(obj: dict[str, Any]) -> bool:
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    words = page.filter(outside).extract_words(
        extra_attrs=["size", "fontname"], use_text_flow=False
    )
    words.extend(_drawn_bullets(page, outside))
    lines = [_line_from_words(group, page.height) for group in _group_lines(words)]
    lines.extend(line for _, line in table_lines if line is not None)
    lines.sort(key=lambda line: -line.y)
    out = [line for line in lines if line.text.strip()]
    # Running page numbers add nothing and would become one-word blocks.
    while out and _PAGE_NUMBER.match(out[-1].text):
        out.pop()
    while out and _PAGE_NUMBER.match(out[0].text):
        out.pop(0)
    return out


def _drop_running_lines(pages: list[list[_Line]]) -> None:
    """Remove running headers/footers: a first or last line repeated (digits aside) on at least
    half of the pages of a document of three or more pages."""
    if len(pages) < 3:
        return
    for position in (0, -1, 0, -1):  # twice: a header may be two lines (date, then title)
        keys = Counter(re.sub(r"\d+", "#", lines[position].text) for lines in pages if lines)
        running = {key for key, count in keys.items() if count >= max(3, len(pages) / 2)}
        for lines in pages:
            if lines and re.sub(r"\d+", "#", lines[position].text) in running:
                lines.pop(position)


def _join(previous: str, following: str) -> str:
    """Join two visual lines of one paragraph; keep "well-" + "being" as "well-being"."""
    if re.search(r"[A-Za-z]-$", previous) and following[:1].islower():
        return previous + following
    return previous + " " + following


class _Layout:
    """Document-wide norms: body font size and normal line spacing."""

    def __init__(self, pages: list[list[_Line]]) -> None:
        sizes: Counter[float] = Counter()
        rights: list[float] = []
        for lines in pages:
            for line in lines:
                if not line.rows:
                    sizes[round(line.size, 1)] += len(line.text)
                    rights.append(line.right)
        self.body = sizes.most_common(1)[0][0] if sizes else 0.0
        self.right = sorted(rights)[int(0.9 * len(rights))] if rights else 0.0
        self.left = min((line.x for lines in pages for line in lines if line.placed), default=0.0)
        gaps = [
            before.y - after.y
            for lines in pages
            for before, after in pairwise(lines)
            if before.placed
            and after.placed
            and before.y > after.y
            and self.is_body(before)
            and self.is_body(after)
        ]
        self.spacing = median(gaps) if gaps else 0.0

    def is_body(self, line: _Line) -> bool:
        return abs(line.size - self.body) <= 0.1 * self.body

    def is_short(self, line: _Line) -> bool:
        """A line ending well short of the text's right edge: not a wrapped line of prose."""
        width = self.right - self.left
        return bool(line.placed and width > 0 and line.right < self.left + 0.6 * width)

    def is_heading(self, line: _Line) -> bool:
        if line.rows:
            return False
        if self.body and line.size > 1.15 * self.body:
            return True
        short = len(line.text.split()) <= 15 and not line.text.endswith(_TERMINAL)
        return line.bold and short and not _BULLET.match(line.text)

    def gap(self, before: _Line, after: _Line) -> float | None:
        """The vertical gap between two lines in units of normal line spacing, if known."""
        if not (before.placed and after.placed and self.spacing):
            return None
        normal = self.spacing * max(before.size, after.size) / (self.body or 1.0)
        return (before.y - after.y) / normal

    def gap_breaks(self, before: _Line, after: _Line) -> bool:
        """A vertical gap wider than normal spacing (or a jump up: a new column) ends a block."""
        gap = self.gap(before, after)
        return gap is not None and (gap <= 0 or gap > 1.35)


def _page_blocks(
    lines: list[_Line], layout: _Layout, carry: float | None = None
) -> tuple[list[list[str]], float | None]:
    """The page's blocks, and the x of the list still open at its end. `carry` is the list
    open at the end of the previous page: a list going on over the page break keeps its
    nesting (a sub-point at the top of a page stays a sub-point)."""
    blocks: list[list[str]] = []
    previous: _Line | None = None
    item_x: float | None = None  # x of the first bullet in the current list block
    first = lines[0] if lines else None
    if first is not None and carry is not None and not layout.is_heading(first):
        bullet = _BULLET.match(first.text)
        if bullet:
            text = "- " + first.text[bullet.end() :]
            blocks.append([("  " + text) if first.x > carry + 5 else text])
        elif first.x > carry + 1:  # the rest of an item wrapped over the page break
            blocks.append([first.text])
        if blocks:
            previous, item_x, lines = first, carry, lines[1:]
    for line in lines:
        if line.rows:
            if previous is not None and previous.rows and not layout.gap_breaks(previous, line):
                blocks[-1].append(line.text)
            else:
                blocks.append([line.text])
            previous, item_x = line, None
            continue
        if previous is not None and previous.rows:
            previous = None
        heading = layout.is_heading(line)
        new_block = (
            previous is None
            or layout.gap_breaks(previous, line)
            or heading != layout.is_heading(previous)
            or (heading and abs(line.size - previous.size) > 0.5)
        )
        bullet = _BULLET.match(line.text)
        weak = bullet and line.text[0] not in _STRONG_BULLETS
        if weak and previous is not None and not new_block and item_x is None:
            # "police forces\n– working together": a dash only starts an item after a lead-in.
            bullet = bullet if previous.text.endswith((":", ";", ".")) else None
        if bullet and not heading:
            text = "- " + line.text[bullet.end() :]
            gap = layout.gap(previous, line) if previous is not None else None
            if item_x is not None and new_block and gap is not None and 0 < gap <= 2.5:
                new_block = abs(line.x - item_x) > 5  # a spaced-out list is still one list
            if new_block or item_x is None:
                item_x = line.x
                blocks.append([text])
            elif line.x < item_x - 5:  # back out to a shallower list level
                item_x = line.x
                blocks[-1].append(text)
            elif line.x > item_x + 5:
                blocks[-1].append("  " + text)
            else:
                blocks[-1].append(text)
        elif new_block:
            item_x = None
            blocks.append([line.text])
        elif item_x is not None and line.placed and line.x <= item_x + 1:
            # Back at the bullets' margin without a bullet: the list has ended.
            item_x = None
            blocks.append([line.text])
        elif previous is not None and layout.is_short(previous) and layout.is_short(line):
            blocks[-1].append(line.text)  # a run of short lines (a list without bullet text)
        else:
            blocks[-1][-1] = _join(blocks[-1][-1], line.text)
        previous = line
    return blocks, item_x


def load_pdf(path: Path) -> str:
    """A PDF as raw text: blocks separated by blank lines, pages by "\\f"."""
    with path.open("rb") as handle:
        if b"%PDF" not in handle.read(1024):
            raise LoadError("not a valid PDF: the file has no PDF header")
    try:
        reader = PdfReader(path)
        encrypted = reader.is_encrypted
    except Exception as exc:
        raise LoadError(f"not a valid PDF: {exc}") from exc
    if encrypted:
        try:
            opened = bool(reader.decrypt(""))
        except Exception:
            opened = False
        if not opened:
            raise LoadError(
                "encrypted PDF (password protected): save an unprotected copy "
                "(e.g. print it to a new PDF) and upload that"
            )
    try:
        with pdfplumber.open(path, password="" if encrypted else None) as pdf:
            pages = [_page_lines(page) for page in pdf.pages]
    except Exception as exc:
        raise LoadError(f"not a valid PDF: cannot read its pages ({exc})") from exc
    if not any(pages):
        raise LoadError(
            "PDF has no extractable text (scanned images?): it has no text layer; run OCR on it "
            "(e.g. ocrmypdf) and upload the result"
        )
    _drop_running_lines(pages)
    layout = _Layout(pages)
    texts, carry = [], None
    for lines in pages:
        blocks, carry = _page_blocks(lines, layout, carry)
        texts.append("\n\n".join("\n".join(b) for b in blocks))
    return "\f".join(texts) + "\n"
