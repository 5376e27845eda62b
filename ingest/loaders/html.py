"""HTML loader (BeautifulSoup + lxml).

Web pages wrap the report in navigation and scripts; those are dropped, and the remaining
elements map onto the raw text convention: h1-h6 and p are blocks, each list is one block of
"- " items, each table one block of tab-separated rows. Link text is kept as plain text.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, Tag

from .errors import LoadError
from .text import decode_text

_DROP = ("script", "style", "nav", "header", "footer", "noscript", "template", "head", "svg")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = _HEADINGS | set(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "form",
        "hr",
        "html",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    ]
)
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def _decode(data: bytes) -> str:
    """Honour a declared <meta charset>, else UTF-8 / cp1252 as for text files."""
    declared = _META_CHARSET.search(data[:4096])
    if declared and b"\x00" not in data:
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data)


def _text(element: Tag) -> str:
    """The element's text on one line; nested block elements and <br> become a space."""
    parts: list[str] = []
    for node in element.descendants:
        if isinstance(node, Comment | Doctype):
            continue
        if isinstance(node, NavigableString):
            parts.append(str(node))
        elif isinstance(node, Tag) and (node.name in _BLOCKS or node.name == "br"):
            parts.append(" ")
    return " ".join("".join(parts).split())


def _list_items(element: Tag, depth: int = 0) -> list[str]:
    items: list[str] = []
    for li in element.find_all("li", recursive=False):
        nested = [child for child in li.find_all(["ul", "ol"]) if child.find_parent("li") is li]
        for child in nested:
            child.extract()
        text = _text(li)
        if text:
            items.append("  " * min(depth, 1) + "- " + text)
        for child in nested:
            items.extend(_list_items(child, depth + 1))
    return items


def _table_rows(table: Tag) -> list[str]:
    rows = []
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue  # a nested table's rows are part of its cell's text
        cells = [_text(cell) for cell in tr.find_all(["td", "th"], recursive=False)]
        if any(cells):
            rows.append("\t".join(cells))
    return rows


class _Walker:
    """Collects blocks in document order; loose inline text becomes a paragraph of its own."""

    def __init__(self) -> None:
        self.blocks: list[list[str]] = []
        self.inline: list[str] = []

    def flush(self) -> None:
        text = " ".join("".join(self.inline).split())
        if text:
            self.blocks.append([text])
        self.inline.clear()

    def add(self, lines: list[str]) -> None:
        self.flush()
        if lines:
            self.blocks.append(lines)

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Comment | Doctype):
                continue
            if isinstance(child, NavigableString):
                self.inline.append(str(child))
            elif not isinstance(child, Tag):
                continue
            elif child.name == "br":
                self.inline.append(" ")
            elif child.name in _HEADINGS or child.name == "p":
                self.add([_text(child)] if _text(child) else [])
            elif child.name in ("ul", "ol"):
                self.add(_list_items(child))
            elif child.name == "table":
                self.add(_table_rows(child))
            elif child.name in _BLOCKS:
                self.flush()
                self.walk(child)
                self.flush()
            else:
                self.walk(child)


def html_to_raw(markup: str) -> str:
    """HTML markup as raw text in the convention."""
    soup = BeautifulSoup(markup, "lxml")
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for sup in soup.find_all("sup"):
        marker = sup.get_text().strip().strip("[]")
        if marker.isdigit():  # a footnote marker: superscript digits, which normalise drops
            sup.replace_with(marker.translate(_SUPERSCRIPT))
    walker = _Walker()
    walker.walk(soup)
    walker.flush()
    if not walker.blocks:
        raise LoadError("HTML page has no text content")
    return "\n\n".join("\n".join(block) for block in walker.blocks) + "\n"


def load_html(path: Path) -> str:
    """An .html/.htm file as raw text."""
    data = path.read_bytes()
    if not data.strip():
        raise LoadError("file is empty")
    return html_to_raw(_decode(data))
