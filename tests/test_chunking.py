"""Chunking by section, on the parsed sample reports. No model is needed here."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from assistant.domain.records import Chunk, SectionKind
from assistant.settings import REPO_ROOT
from ingest.blocks import BlockType
from ingest.chunking import chunk_document
from ingest.loaders import load
from ingest.normalise import normalise
from ingest.structure import ParsedDocument, parse

SAMPLE = REPO_ROOT / "data" / "sample"
FILES = {
    "staffordshire-2021": SAMPLE / "staffordshire-2021-child-protection.txt",
    "staffordshire-2025": SAMPLE / "staffordshire-2025-child-protection.txt",
}


def parse_file(path: Path) -> ParsedDocument:
    return parse(normalise(load(path)), source_file=path.name, sha256="0" * 64)


@pytest.fixture(scope="module")
def parsed() -> dict[str, ParsedDocument]:
    return {doc_id: parse_file(path) for doc_id, path in FILES.items()}


@pytest.fixture(scope="module")
def chunks(parsed: dict[str, ParsedDocument]) -> dict[str, list[Chunk]]:
    return {doc_id: chunk_document(p) for doc_id, p in parsed.items()}


DOCS = list(FILES)


def containing(chunks: list[Chunk], needle: str) -> Chunk:
    found = [c for c in chunks if needle in c.text]
    assert len(found) == 1, f"{needle!r} is in {len(found)} chunks"
    return found[0]


@pytest.mark.parametrize("doc_id", DOCS)
@pytest.mark.parametrize("target", [200, 900])
def test_chunks_never_cross_a_section_boundary(
    parsed: dict[str, ParsedDocument], doc_id: str, target: int
) -> None:
    doc = parsed[doc_id]
    chunks = chunk_document(doc, target)
    assert len(chunks) > 20
    for chunk in chunks:
        section = doc.section(chunk.section_id)
        assert chunk.text == doc.text[chunk.start : chunk.end]
        assert section.start <= chunk.start and chunk.end <= section.end
        # Only a chunk that opens with its own heading line starts where its section does.
        assert (chunk.start == section.start) == (chunk.body_start > 0)
        assert chunk.section_path == section.path and chunk.section_kind is section.kind
        assert chunk.doc_id == doc_id and chunk.page == section.page
        # No other section's heading starts inside the chunk.
        assert not [
            s.heading
            for s in doc.sections
            if s.section_id != section.section_id and chunk.start <= s.start < chunk.end
        ]
    assert [c.order for c in chunks] == list(range(len(chunks)))
    assert [c.start for c in chunks] == sorted(c.start for c in chunks)


@pytest.mark.parametrize("doc_id", DOCS)
def test_every_body_block_is_in_exactly_one_chunk(
    parsed: dict[str, ParsedDocument], chunks: dict[str, list[Chunk]], doc_id: str
) -> None:
    doc = parsed[doc_id]
    for block, section_id in zip(doc.blocks, doc.block_sections, strict=True):
        holders = [c for c in chunks[doc_id] if c.start <= block.start and block.end <= c.end]
        if section_id is None and block.type is BlockType.HEADING:  # only in a chunk it opens
            assert all(c.start == block.start and c.body_start for c in holders), block.text[:60]
        elif section_id is None or doc.section(section_id).kind is SectionKind.CONTENTS:
            assert holders == [], block.text[:60]
        else:
            assert len(holders) == 1, block.text[:60]
            assert holders[0].section_id == section_id


TARGET_CHARS = inspect.signature(chunk_document).parameters["target_chars"].default


@pytest.mark.parametrize("doc_id", DOCS)
def test_chunk_sizes(
    parsed: dict[str, ParsedDocument], chunks: dict[str, list[Chunk]], doc_id: str
) -> None:
    """Chunks are packed up to the target; only an unbreakable unit (a list with its
    introduction, a table) may exceed it."""
    for chunk in chunks[doc_id]:
        if len(chunk.body) > TARGET_CHARS:
            assert "\n- " in chunk.text or "\t" in chunk.text or "\n  - " in chunk.text
    assert sum(len(c.text) for c in chunks[doc_id]) / len(chunks[doc_id]) > 300


def test_list_stays_with_its_introduction(chunks: dict[str, list[Chunk]]) -> None:
    chunk = containing(
        chunks["staffordshire-2021"], "it effectively identifies risk and vulnerability;"
    )
    assert chunk.section_path == ["5. Initial contact", "Recommendations"]
    assert (
        "We recommend that Staffordshire Police immediately improves supervision and processes "
        "within the FCC so that:" in chunk.text
    )
    assert "an audit process is in place to identify concerns and inform learning." in chunk.text


def test_mnemonic_stays_with_its_introduction(chunks: dict[str, list[Chunk]]) -> None:
    chunk = containing(chunks["staffordshire-2025"], "they should use the mnemonic ARTHUR:")
    lines = [
        "A – Are there children present?",
        "R – Review the circumstances to identify and assess risks.",
        "T – Take time to speak with children",
        "H – How do they appear?",
        "U – Understand their wishes, thoughts and feelings.",
        "R – Record (on force systems)",
    ]
    for line in lines:
        assert line in chunk.text
    positions = [chunk.text.index(line) for line in lines]
    assert positions == sorted(positions)


@pytest.mark.parametrize("doc_id", DOCS)
def test_tables_are_whole(
    parsed: dict[str, ParsedDocument], chunks: dict[str, list[Chunk]], doc_id: str
) -> None:
    doc = parsed[doc_id]
    tables = [
        block
        for block, section_id in zip(doc.blocks, doc.block_sections, strict=True)
        if block.type is BlockType.TABLE
        and section_id is not None
        and doc.section(section_id).kind is not SectionKind.CONTENTS
    ]
    assert len(tables) == {"staffordshire-2021": 2, "staffordshire-2025": 1}[doc_id]
    for table in tables:
        holders = [c for c in chunks[doc_id] if c.start <= table.start and table.end <= c.end]
        assert len(holders) == 1
        assert table.text in holders[0].text
    # No chunk holds part of a table without all of it.
    for chunk in chunks[doc_id]:
        for table in tables:
            overlaps = chunk.start < table.end and table.start < chunk.end
            assert not overlaps or (chunk.start <= table.start and table.end <= chunk.end)


def test_graded_table_in_one_chunk_with_its_introduction(chunks: dict[str, list[Chunk]]) -> None:
    chunk = containing(chunks["staffordshire-2025"], "Outstanding\tGood\tAdequate")
    assert chunk.section_path == ["Overall summary", "Our judgments"]
    assert "Our graded judgments are as follows:" in chunk.text
    assert "Investigating child abuse, neglect and exploitation" in chunk.text


def test_contents_is_not_chunked(chunks: dict[str, list[Chunk]]) -> None:
    for doc_chunks in chunks.values():
        assert not [c for c in doc_chunks if c.section_kind is SectionKind.CONTENTS]
        assert not [c for c in doc_chunks if "11. Police detention\t52" in c.text]


@pytest.mark.parametrize("doc_id", DOCS)
def test_chunk_ids_are_stable_and_unique(chunks: dict[str, list[Chunk]], doc_id: str) -> None:
    again = chunk_document(parse_file(FILES[doc_id]))
    ids = [c.chunk_id for c in chunks[doc_id]]
    assert ids == [c.chunk_id for c in again]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith(f"{doc_id}:") for i in ids)
    # Ids depend on content, not on the chunk's position: other sha256 or source names keep them.
    renamed = parse(normalise(load(FILES[doc_id])), source_file="other.txt", sha256="f" * 64)
    assert [c.chunk_id for c in chunk_document(renamed)] == ids


def test_chunk_id_changes_only_with_its_own_text(parsed: dict[str, ParsedDocument]) -> None:
    path = FILES["staffordshire-2021"]
    raw = load(path)
    old = "We examined how effective the police's decisions were"
    assert raw.count(old) == 1
    edited = parse(
        normalise(raw.replace(old, "We looked at how effective the police's decisions were")),
        source_file=path.name,
        sha256="0" * 64,
    )
    before = {c.chunk_id for c in chunk_document(parsed["staffordshire-2021"])}
    after = {c.chunk_id for c in chunk_document(edited)}
    assert len(before - after) == 1 and len(after - before) == 1


def test_embed_text_starts_with_heading_path(chunks: dict[str, list[Chunk]]) -> None:
    for chunk in chunks["staffordshire-2021"]:
        labelled = chunk.embed_text("Staffordshire 2021")
        where = " › ".join(["Staffordshire 2021", *chunk.section_path])
        assert labelled == f"{where}\n{chunk.body}"
        assert chunk.embed_text() == " › ".join(chunk.section_path) + "\n" + chunk.body
    detention = next(c for c in chunks["staffordshire-2021"] if "18 hours" in c.text)
    assert detention.embed_text("Staffordshire 2021").startswith(
        "Staffordshire 2021 › 11. Police detention › "
    )


def test_a_finding_or_caption_heading_opens_its_chunk(chunks: dict[str, list[Chunk]]) -> None:
    """An area for improvement's heading is the finding itself, and a list's caption says what
    its figures count: each opens its first chunk, so a quote of it is in the passage cited. The
    heading is already in the path, so the body alone is embedded and quoted."""
    afi = containing(
        chunks["staffordshire-2025"], "The force doesn't have a crime allocation policy"
    )
    heading = "The force should make sure investigations are allocated to the most appropriate"
    assert afi.text.startswith(heading) and afi.section_path[-1].startswith(heading)
    assert afi.body.startswith("The force doesn't have a crime allocation policy")
    assert afi.body_start == afi.text.index(afi.body)
    assert heading not in afi.embed_text().split("\n", 1)[1]

    total = containing(chunks["staffordshire-2021"], "Total 77 cases assessed by us")
    assert total.text.startswith("Total 77 cases assessed by us\n\n- 19 good")
    assert total.body.startswith("- 19 good")

    # A short label ("Recommendations", "Police response") only names its list: not kept.
    for chunk in [c for doc in chunks.values() for c in doc]:
        if chunk.body_start:
            heading = chunk.section_path[-1]
            assert chunk.section_kind is SectionKind.AREAS_FOR_IMPROVEMENT or (
                len(heading.split()) >= 4
            ), heading
        else:
            assert chunk.body == chunk.text
