"""Chunking by section: a chunk never crosses a section boundary, a list stays with the sentence
that introduces it, a table stays whole, and chunk ids are derived from content (stable)."""

from __future__ import annotations

import hashlib
import re

from assistant.domain.records import Chunk, SectionKind
from ingest.blocks import Block, BlockType
from ingest.structure import ParsedDocument

_SKIPPED_KINDS = {SectionKind.CONTENTS, SectionKind.FRONT_MATTER}
_PARAGRAPH_NUMBER = re.compile(r"(\d{1,2}\.\d{1,3}) +[A-Z]")
"""A guidance paragraph number ("3.12 Strategy discussions ..."): each numbered paragraph is a
chunk of its own whose path ends "para 3.12", so it is cited as guidance is ("ch. 3, para 3.12")."""
_CAPTION_WORDS = 4
"""A heading of a list or table this long says what its items are ("Total 77 cases assessed by
us"); a shorter one ("Recommendations", "Methods") only labels them."""
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")


def _units(blocks: list[Block]) -> list[tuple[int, int]]:
    """Group a section's body blocks into unbreakable units (start, end): a paragraph with the
    lists, tables and mnemonic lines that follow it when it introduces them."""
    units: list[tuple[int, int]] = []
    previous: Block | None = None
    for block in blocks:
        attaches = previous is not None and (
            (
                block.type in (BlockType.LIST, BlockType.TABLE)
                and previous.text.rstrip().endswith(":")
            )
            or (block.type is BlockType.LIST and previous.type is BlockType.LIST)
            or (
                block.is_mnemonic_item
                and (previous.is_mnemonic_item or previous.text.rstrip().endswith(":"))
            )
        )
        if attaches and units:
            units[-1] = (units[-1][0], block.end)
        else:
            units.append((block.start, block.end))
        previous = block
    return units


def _split_long(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Split an over-long plain paragraph at sentence ends into pieces of about `limit`."""
    piece = text[start:end]
    if len(piece) <= 2 * limit or "\n" in piece:
        return [(start, end)]
    spans: list[tuple[int, int]] = []
    span_start = start
    for match in _SENTENCE_END.finditer(piece):
        if start + match.start() - span_start >= limit:
            spans.append((span_start, start + match.start()))
            span_start = start + match.end()
    spans.append((span_start, end))
    return spans


def _heads(text: str, heading_start: int, body_start: int) -> bool:
    """Whether the section's heading line sits directly above its first body text, so the first
    chunk can begin at the heading: an area for improvement's heading is its finding, and a
    table's caption ("Total 77 cases assessed by us") says what its figures count."""
    line_end = text.find("\n", heading_start)
    return 0 <= line_end < body_start and not text[line_end:body_start].strip()


def chunk_id(doc_id: str, section_path: list[str], text: str, occurrence: int) -> str:
    digest = hashlib.sha256(
        "\x1f".join([doc_id, *section_path, text, str(occurrence)]).encode()
    ).hexdigest()
    return f"{doc_id}:{digest[:16]}"


def chunk_document(parsed: ParsedDocument, target_chars: int = 1200) -> list[Chunk]:
    """Pack each section's units into chunks of about `target_chars` (a unit is never split,
    except an over-long plain paragraph, which is split at sentence ends)."""
    text = parsed.text
    by_section: dict[str, list[Block]] = {}
    for block, section_id in zip(parsed.blocks, parsed.block_sections, strict=True):
        if section_id is not None:
            by_section.setdefault(section_id, []).append(block)

    chunks: list[Chunk] = []
    seen: dict[tuple[str, str], int] = {}
    doc_id = parsed.document.doc_id
    for section in parsed.sections:
        if section.kind in _SKIPPED_KINDS or section.section_id not in by_section:
            continue
        spans: list[tuple[int, int]] = []
        for start, end in _units(by_section[section.section_id]):
            spans.extend(_split_long(text, start, end, target_chars))
        packed: list[tuple[int, int]] = []
        for start, end in spans:
            numbered = _PARAGRAPH_NUMBER.match(text, start)
            if packed and end - packed[-1][0] <= target_chars and not numbered:
                packed[-1] = (packed[-1][0], end)
            else:
                packed.append((start, end))
        body_blocks = by_section[section.section_id]
        labelled = section.kind is SectionKind.AREAS_FOR_IMPROVEMENT or (
            body_blocks[0].type in (BlockType.LIST, BlockType.TABLE)
            and len(section.heading.split()) >= _CAPTION_WORDS
        )
        if packed and labelled and _heads(text, section.start, packed[0][0]):
            packed[0] = (section.start, packed[0][1])
        for start, end in packed:
            body = text[start:end]
            numbered = _PARAGRAPH_NUMBER.match(body)
            path = [*section.path, f"para {numbered.group(1)}"] if numbered else section.path
            key = (section.section_id, body)
            seen[key] = seen.get(key, 0) + 1
            chunks.append(
                Chunk(
                    chunk_id=chunk_id(doc_id, path, body, seen[key]),
                    doc_id=doc_id,
                    section_id=section.section_id,
                    section_path=path,
                    section_kind=section.kind,
                    text=body,
                    start=start,
                    end=end,
                    page=parsed.page_at(start) if parsed.page_starts else section.page,
                    order=len(chunks),
                )
            )
    return chunks
