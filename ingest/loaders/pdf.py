"""PDF loader (pypdf), rebuilding paragraphs from layout.

pypdf gives one line of text per visual line, so a paragraph wrapped over five lines would become
five "paragraphs". We recover blocks from layout cues pypdf reports through `visitor_text`: the
baseline y of each line (a gap wider than normal line spacing starts a new block), the font size
(larger than body text means a heading) and bold fonts (a short all-bold line is a heading).
Pages are joined with "\\f".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from statistics import median
from typing import Any

from pypdf import PdfReader

from .errors import LoadError

_BULLET = re.compile(r"^(?:[•●▪■◦‣∙·–]\s*|[-*]\s+)(?=\S)")
_STRONG_BULLETS = "•●▪■◦‣∙"  # never start a wrapped line of prose, unlike "–" or "-"
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.I)
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?$", re.I)
_TERMINAL = tuple(".,;:!?")


@dataclass
class _Line:
    text: str
    x: float = 0.0
    y: float = 0.0
    size: float = 0.0
    bold: bool = False
    placed: bool = False  # got a position from a text fragment


def _multiply(tm: list[float], cm: list[float]) -> list[float]:
    a, b, c, d, e, f = tm
    a2, b2, c2, d2, e2, f2 = cm
    return [
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    ]


def _page_lines(page: Any) -> list[_Line]:
    """The page's lines as pypdf extracts them, each with position, size and boldness."""
    lines = [_Line("")]

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        for index, piece in enumerate(text.split("\n")):
            if index:
                lines.append(_Line(""))
            line = lines[-1]
            line.text += piece
            if not piece.strip():
                continue
            m = _multiply([float(v) for v in tm], [float(v) for v in cm])
            scaled = float(size or 0) * (math.hypot(m[2], m[3]) or 1.0)
            bold = bool(font and _BOLD_FONT.search(str(font.get("/BaseFont", ""))))
            if not line.placed:
                line.x, line.y, line.size, line.bold, line.placed = m[4], m[5], scaled, bold, True
            else:
                line.size = max(line.size, scaled)
                line.bold = line.bold and bold

    page.extract_text(visitor_text=visit)
    out = []
    for line in lines:
        line.text = " ".join(line.text.replace("\t", " ").split())
        if line.text:
            out.append(line)
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
    for position in (0, -1):
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
        for lines in pages:
            for line in lines:
                sizes[round(line.size, 1)] += len(line.text)
        self.body = sizes.most_common(1)[0][0] if sizes else 0.0
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

    def is_heading(self, line: _Line) -> bool:
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


def _page_blocks(lines: list[_Line], layout: _Layout) -> list[list[str]]:
    blocks: list[list[str]] = []
    previous: _Line | None = None
    item_x: float | None = None  # x of the first bullet in the current list block
    for line in lines:
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
        else:
            blocks[-1][-1] = _join(blocks[-1][-1], line.text)
        previous = line
    return blocks


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
            raise LoadError("encrypted PDF (password protected)")
    try:
        pages = [_page_lines(page) for page in reader.pages]
    except Exception as exc:
        raise LoadError(f"not a valid PDF: cannot read its pages ({exc})") from exc
    if not any(pages):
        raise LoadError("PDF has no extractable text (scanned images?)")
    _drop_running_lines(pages)
    layout = _Layout(pages)
    texts = ["\n\n".join("\n".join(b) for b in _page_blocks(lines, layout)) for lines in pages]
    return "\f".join(texts) + "\n"
