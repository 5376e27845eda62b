"""Text normalisation: the one function that turns a loader's raw text into the text we store.

Every span in the system points into this normalised text, and gold quotes are located by passing
them through `normalise_fragment`, which applies exactly the same inline rules.

Raw text conventions (the sample exports, and what every loader emits): blocks separated by blank
lines, one heading or paragraph or list item per line, `[term](#)` glossary links, `*emphasis*`,
tab-separated table rows, superscript footnote markers, and `\\f` between PDF pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\((?:#|https?://)[^)\s]*\)")
_ESCAPE = re.compile(r"\\([\\()\[\]*_#.\-!])")
_TAGS = re.compile(r"</?(?:i|b|em|strong|sup|sub|u)>", re.I)
_EMPHASIS = re.compile(r"\*{1,3}")
_SUPERSCRIPTS = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "\u00a0": " "})
_SPACES = re.compile(r"[ \u2009\u202f]+")
_SUBITEM = re.compile(r"^[ \t]+([-•*]|\d+\.)\s+")
_BULLET = re.compile(r"^[•*]\s+")
_LIST_LINE = re.compile(r"^ *- \S")
_TERMINAL = tuple(".:;!?)\"'")
_SENTENCE_INSIDE = re.compile(r"[a-z]{3,}[.!?] +[A-Z]")


@dataclass
class NormalisedText:
    text: str
    glossary_terms: list[str] = field(default_factory=list)
    page_starts: list[tuple[int, int]] = field(default_factory=list)
    """(offset, page number) for each page start, when the source has pages (PDF)."""

    def page_at(self, offset: int) -> int | None:
        page = None
        for start, number in self.page_starts:
            if start > offset:
                break
            page = number
        return page


def _unlink(match: re.Match[str], terms: list[str] | None) -> str:
    term = _ESCAPE.sub(r"\1", match.group(1))
    term = _EMPHASIS.sub("", _TAGS.sub("", term)).strip()
    if terms is not None:
        terms.append(term)
    return term


def normalise_line(line: str, terms: list[str] | None = None) -> str:
    """Inline rules: glossary links to their text, markup and footnote markers dropped, quote
    marks straightened, runs of spaces folded. Tabs (table cells) are kept."""
    line = _LINK.sub(lambda m: _unlink(m, terms), line)
    line = _ESCAPE.sub(r"\1", line)
    line = _TAGS.sub("", line)
    sub = _SUBITEM.match(line)
    if sub:
        marker = "-" if sub.group(1) in "-•*" else sub.group(1)
        line = f"  {marker} " + line[sub.end() :]
    else:
        line = _BULLET.sub("- ", line)
    line = _EMPHASIS.sub("", line)
    line = _SUPERSCRIPTS.sub("", line).translate(_QUOTES)
    indent = "  " if line.startswith("  - ") or re.match(r"^  \d+\. ", line) else ""
    cells = [_SPACES.sub(" ", cell).strip() for cell in line.split("\t")]
    body = "\t".join(cells) if len(cells) > 1 else cells[0]
    return indent + body if indent else body


def normalise_fragment(fragment: str) -> str:
    """Normalise a quote the way its document was normalised, for locating it."""
    return " ".join(normalise_line(part) for part in fragment.splitlines() if part.strip())


def _continues(previous: str, following: str) -> bool:
    """A paragraph broken by a page break: no closing punctuation, next starts in lower case
    (or with a number, when the broken block already holds a full sentence, so is no heading)."""
    last = previous.rstrip().splitlines()[-1] if previous.strip() else ""
    return (
        len(last.split()) >= 8
        and "\t" not in last
        and not last.endswith(_TERMINAL)
        and bool(following)
        and (
            following[0].islower()
            or (following[0].isdigit() and bool(_SENTENCE_INSIDE.search(last)))
        )
    )


def _list_goes_on(previous: str, following: str) -> bool:
    """A list broken by a page break: the page ended inside a list and the next page starts
    with an item (a sub-point, or an item after one that does not end the list with ".")."""
    last = previous.rstrip().splitlines()[-1] if previous.strip() else ""
    if not _LIST_LINE.match(last) or not _LIST_LINE.match(following):
        return False
    return following.startswith("  ") or not last.endswith(".")


def normalise(raw: str) -> NormalisedText:
    """Normalise a whole document. Blocks are joined by a blank line, lines within a block by a
    newline; a paragraph split by a page break is joined again."""
    terms: list[str] = []
    blocks: list[tuple[list[str], int]] = []  # (lines, page)
    page = 1
    current: list[str] = []
    current_page = 1
    for raw_line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        for piece_index, piece in enumerate(raw_line.split("\f")):
            if piece_index:
                page += 1
                if current:
                    blocks.append((current, current_page))
                    current = []
            line = normalise_line(piece, terms)
            if line.strip():
                if not current:
                    current_page = page
                current.append(line)
            elif current:
                blocks.append((current, current_page))
                current = []
    if current:
        blocks.append((current, current_page))

    merged: list[tuple[str, int]] = []
    for lines, block_page in blocks:
        text = "\n".join(lines)
        if merged and _continues(merged[-1][0], text):
            merged[-1] = (merged[-1][0] + " " + text, merged[-1][1])
        elif merged and merged[-1][1] != block_page and _list_goes_on(merged[-1][0], text):
            merged[-1] = (merged[-1][0] + "\n" + text, merged[-1][1])
        else:
            merged.append((text, block_page))

    out: list[str] = []
    page_starts: list[tuple[int, int]] = []
    offset = 0
    has_pages = "\f" in raw
    for text, block_page in merged:
        if has_pages and (not page_starts or page_starts[-1][1] != block_page):
            page_starts.append((offset, block_page))
        out.append(text)
        offset += len(text) + 2
    unique_terms = list(dict.fromkeys(t for t in terms if t))
    return NormalisedText("\n\n".join(out), unique_terms, page_starts)
