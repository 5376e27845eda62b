"""Blocks: the paragraphs, list runs, tables and heading lines of a normalised text, with spans.

Classification works on the shape of a block (one line or several, closing punctuation, list
markers, tabs), never on a particular report's wording, so any report or guidance document in the
raw convention parses the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from assistant.domain.words import GRADES, Grade


class BlockType(StrEnum):
    PARAGRAPH = "paragraph"
    LIST = "list"
    TABLE = "table"
    HEADING = "heading"
    BOILERPLATE = "boilerplate"


_LIST_ITEM = re.compile(r"^\s*(?:-|\d{1,2}\.(?=\s+[a-z(])|[a-z]\))\s+")
_MNEMONIC = re.compile(r"^[A-Z] [–-] \S")
_BOILERPLATE = re.compile(r"©|^(?:www\.|https?://)\S+$|^\S+\.(?:gov|org|co)\.uk\S*$", re.I)
_NO_HEADING_END = tuple(".,:;!?")
_SENTENCE_INSIDE = re.compile(r"[a-z]{3,}[.!?] +[A-Z]")


@dataclass(frozen=True)
class Block:
    start: int
    end: int
    text: str
    type: BlockType

    @property
    def one_line(self) -> str:
        return " ".join(self.text.split())

    @property
    def grade(self) -> str | None:
        """The grade this block states, when the block is nothing but a grade."""
        grade = Grade.parse(self.one_line)
        return grade.value if grade else None

    @property
    def is_mnemonic_item(self) -> bool:
        return bool(_MNEMONIC.match(self.text))


def _classify(text: str) -> BlockType:
    lines = text.split("\n")
    if any("\t" in line for line in lines):
        return BlockType.TABLE
    if _LIST_ITEM.match(lines[0]):
        return BlockType.LIST
    if len(lines) == 1 and _BOILERPLATE.search(text):
        return BlockType.BOILERPLATE
    line = lines[0]
    if (
        len(lines) == 1
        and len(line) <= 250
        and len(line.split()) <= 30
        and not line.endswith(_NO_HEADING_END)
        and not _SENTENCE_INSIDE.search(line)
        and (line[0].isupper() or line[0].isdigit())
    ):
        return BlockType.HEADING
    return BlockType.PARAGRAPH


def split_blocks(text: str) -> list[Block]:
    """Split a normalised text (blocks joined by blank lines) into classified blocks."""
    blocks: list[Block] = []
    offset = 0
    for part in text.split("\n\n"):
        if part.strip():
            block_type = _classify(part)
            blocks.append(Block(offset, offset + len(part), part, block_type))
        offset += len(part) + 2
    return blocks


def table_rows(block: Block) -> list[list[str]]:
    return [line.split("\t") for line in block.text.split("\n")]


def graded_cells(rows: list[list[str]]) -> list[tuple[str, str]]:
    """A grade table's (area, grade) pairs: a header row of grades, each area in its grade's
    column (not its position in the row); empty for any other table."""
    header = [c.strip() for c in rows[0]] if rows else []
    if sum(c in GRADES for c in header) < _GRADED_HEADER:
        return []
    return [
        (cell.strip(), header[i])
        for row in rows[1:]
        for i, cell in enumerate(row)
        if cell.strip() and i < len(header) and header[i] in GRADES
    ]


_GRADED_HEADER = 3
"""Grades a header row names, at least, to be a grade table."""
