"""Answer units: the pieces of a passage an extractive answer may quote. A sentence, or a
sentence that introduces a list together with the whole list (a recommendation's bullets, the
ARTHUR mnemonic), so lists come back whole."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from assistant.retrieve.sentences import sentence_spans
from ingest.blocks import graded_cells

_MARKER = re.compile(r"^-\s+")
_NUMBERED = re.compile(r"\d{1,2}\.\s")
_CONTINUATION = re.compile(
    r"(?:But|However|This|These|They|Their|It|Its|Only|And|So|Also|Nor|Instead|Despite this|"
    r"As a result|Of these|Of those|In these|In this|Those|Both|Neither|"
    r"(?:All|Most|Some|Many|None|Each|One|Two|Three) of (?:these|those|them)|"
    r"(?:The|In the|A|Over the) (?:previous|preceding|prior|following|same) (?:year|period|"
    r"12 months|month|quarter)|(?:The|A) (?:year|month) (?:before|earlier|later)|"
    r"(?:By|In) comparison|Compared (?:with|to)|In the other|The other|The rest|The remaining)\b"
)
_PRONOUN_START = re.compile(r"(?:They|These|This|It|Those|He|She|Their|Its)\b")
_ITEM_LINE = re.compile(r"^\s*(?:-|\d{1,2}\.)\s+|^[A-Z] [–-] ")


@dataclass(frozen=True)
class Unit:
    start: int
    end: int
    lead_end: int
    """End of the lead sentence; equals `end` for a plain sentence."""

    @property
    def is_list(self) -> bool:
        return self.lead_end != self.end


def _is_table_row(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    return "\t" in text[line_start : line_end if line_end >= 0 else len(text)]


def _depth(text: str, start: int) -> int:
    """0 for a paragraph line, 1 for a list item (or mnemonic line), 2 for a nested item."""
    line = text[text.rfind("\n", 0, start) + 1 : start + 8]
    if _is_table_row(text, start):
        return 1
    if _ITEM_LINE.match(line):
        return 2 if line.startswith(" ") else 1
    return 0


def _leans_back(text: str, start: int, previous: Unit) -> bool:
    """A list's lead sentence that opens with a pronoun, in the same paragraph as the sentence
    before it."""
    same_paragraph = "\n" not in text[previous.end : start]
    return same_paragraph and not previous.is_list and bool(_PRONOUN_START.match(text, start))


def answer_units(text: str, max_list_chars: int = 1600) -> list[Unit]:
    """Split a passage into units; a sentence ending in ':' absorbs the list items after it."""
    spans = sentence_spans(text)
    units: list[Unit] = []
    i = 0
    while i < len(spans):
        start, end = spans[i]
        j = i + 1
        if _is_table_row(text, start):
            while j < len(spans) and _is_table_row(text, spans[j][0]):
                j += 1
        elif text[start:end].rstrip().endswith(":"):
            depth = _depth(text, start)
            while (
                j < len(spans)
                and _depth(text, spans[j][0]) > depth
                and spans[j][1] - start <= max_list_chars
            ):
                j += 1
        if j > i + 1 and units and _leans_back(text, start, units[-1]):
            # "They say why ..., explaining:" needs the sentence before it to make sense.
            previous = units.pop()
            start = previous.start
        unit = Unit(start, spans[j - 1][1], end)
        if units and _continues(text, units[-1], unit, max_list_chars // 4):
            # "But we checked force records and saw only 56 percent..." completes the sentence
            # before it; quote them together.
            previous = units.pop()
            unit = Unit(previous.start, unit.end, unit.end if not unit.is_list else unit.lead_end)
        units.append(unit)
        i = j
    return units


def _continues(text: str, previous: Unit, unit: Unit, max_chars: int) -> bool:
    """A sentence opening with a connective or pronoun, in the same paragraph as a plain
    sentence before it, and short enough together."""
    return (
        not previous.is_list
        and not unit.is_list
        and "\n" not in text[previous.end : unit.start]
        and unit.end - previous.start <= max_chars
        and bool(_CONTINUATION.match(text, unit.start))
    )


def item_lines(text: str, unit: Unit) -> list[tuple[int, int]]:
    """(start, end) of each non-blank item line of a list unit, as offsets into `text`."""
    lines, offset = [], unit.lead_end
    for line in text[unit.lead_end : unit.end].split("\n"):
        if line.strip():
            lines.append((offset, offset + len(line)))
        offset += len(line) + 1
    return lines


_LETTER_ITEM = re.compile(r"^\s*(?:-\s+)?([A-Z])\s*[–—:-]\s")


def is_mnemonic(text: str, unit: Unit) -> bool:
    """A list whose items open with the letters of a word ("A – Are there children present?",
    "R – Review...": ARTHUR): a whole to be quoted whole, whichever letter the question is near."""
    lines = item_lines(text, unit) if unit.is_list else []
    return len(lines) >= 3 and all(_LETTER_ITEM.match(text[a:b]) for a, b in lines)


def render_unit(text: str, unit: Unit, keep: Collection[int] | None = None) -> str:
    """The unit as answer text: the lead sentence, then its items one per line (only the
    items at the indexes in `keep`, when given, with "…" where items were left out)."""
    lead = _flat(text[unit.start : unit.lead_end])
    if not unit.is_list:
        return lead
    pairs = graded_cells([text[a:b].split("\t") for a, b in item_lines(text, unit)])
    if pairs:  # a grade table reads as "area — grade", each area under its column's grade
        return lead + "\n" + "\n".join(f"- {_flat(area)} — {grade}" for area, grade in pairs)
    items: list[str] = []
    for index, (start, end) in enumerate(item_lines(text, unit)):
        if keep is not None and index not in keep:
            if items[-1:] != ["…"]:
                items.append("…")
            continue
        line = text[start:end]
        body = _flat(_MARKER.sub("", line.strip(), count=1))
        bullet = "" if _NUMBERED.match(body) else "- "
        items.append(("  " if line.startswith("  ") else "") + bullet + body)
    return lead + "\n" + "\n".join(items)


def _flat(text: str) -> str:
    """One line: table cells separated by " | ", runs of white space folded."""
    return " | ".join(" ".join(cell.split()) for cell in text.split("\t") if cell.strip())
