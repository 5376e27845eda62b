"""Ingest end to end with the real model: PDF/DOCX round trips, incremental and atomic ingest,
pruning, the Chroma server path and the CLI."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from cli_runner import run_cli
from fixtures_builders import Section, build_docx, build_pdf, pdf_safe
from pypdf import PdfReader, PdfWriter

from assistant.core import Assistant
from assistant.domain.records import SectionKind
from assistant.embeddings import Embedder
from assistant.retrieve.derived import chunk_parts, pooled
from assistant.settings import REPO_ROOT, Settings
from assistant.store.database import Database
from ingest.blocks import BlockType, split_blocks
from ingest.chunking import chunk_document
from ingest.loaders import load
from ingest.normalise import normalise
from ingest.structure import parse

SAMPLE = REPO_ROOT / "data" / "sample"
R2021 = SAMPLE / "staffordshire-2021-child-protection.txt"
R2025 = SAMPLE / "staffordshire-2025-child-protection.txt"
GUIDANCE = Path(__file__).parent / "fixtures" / "guidance_sample.txt"
DETENTION_QUERY = "how long did the detained 16-year-old girl wait for an appropriate adult"


@pytest.fixture
def assistant(settings_factory: Callable[..., Settings], embedder: Embedder) -> Iterator[Assistant]:
    """A fresh, writable Assistant over this test's tmp store (the session's model)."""
    built = Assistant(settings_factory(), embedder=embedder)
    try:
        yield built
    finally:
        built.close()


def snapshot(assistant: Assistant, doc_id: str) -> dict[str, Any]:
    """Everything stored for a document: SQLite rows and the Chroma ids."""
    db = assistant.db
    return {
        "document": db.document(doc_id),
        "text": db.text(doc_id),
        "sections": db.sections(doc_id),
        "chunks": db.chunks(doc_id),
        "row": [
            tuple(r)
            for r in db.query(
                "SELECT source_path, sha256, fingerprint FROM documents WHERE doc_id = ?", (doc_id,)
            )
        ],
        "vector_ids": assistant.vectors.ids_for_doc(doc_id),
    }


def consistent(assistant: Assistant, doc_id: str) -> set[str]:
    """The document's chunk ids, asserting Chroma holds exactly those (no orphans)."""
    ids = {c.chunk_id for c in assistant.db.chunks(doc_id)}
    assert ids and assistant.vectors.ids_for_doc(doc_id) == ids
    return ids


def small_doc(path: Path, title: str, paragraphs: int = 3, extra: str = "") -> Path:
    """A short guidance-style text file with two chapters; `title` decides its doc_id."""
    body = [title, "Chapter 1: Introduction"]
    body += [
        f"1.{i} Paragraph {i} of {title} explains what officers should do when a child is at risk."
        for i in range(1, paragraphs + 1)
    ]
    body += ["Chapter 2: Detention", f"2.1 Children in custody need an appropriate adult.{extra}"]
    path.write_text("\n\n".join(body) + "\n", encoding="utf-8")
    return path


# --- PDF and DOCX round trips ---------------------------------------------------------------


def sample_sections(first: str, stop: str) -> list[Section]:
    """The 2021 report from heading `first` up to heading `stop`, as builder sections: each
    heading with the paragraphs (and "- " list items) that follow it."""
    blocks = split_blocks(normalise(load(R2021)).text)
    start = next(i for i, b in enumerate(blocks) if b.text == first)
    sections: list[Section] = []
    for block in blocks[start:]:
        if block.text == stop:
            break
        if block.type is BlockType.HEADING:
            sections.append((block.text, []))
        elif block.type is BlockType.LIST:
            items = [line.strip().removeprefix("- ") for line in block.text.split("\n")]
            sections[-1][1].extend(f"- {pdf_safe(item)}" for item in items)
        else:
            sections[-1][1].append(pdf_safe(block.text))
    return sections


@pytest.fixture(scope="module")
def round_trip_sections() -> list[Section]:
    sections = sample_sections("9. Trusted adult", "10. Managing those who pose a risk to children")
    sections += sample_sections("11. Police detention", "Conclusion")
    assert len(sections) == 10
    return sections


def pdf_page_of(reader: PdfReader, text: str) -> int:
    """The 1-based page of the PDF whose extracted text holds `text` (spacing ignored)."""
    needle = "".join(text.split())
    pages = [
        n for n, p in enumerate(reader.pages, 1) if needle in "".join(p.extract_text().split())
    ]
    assert len(pages) == 1, f"{text!r} found on pages {pages}"
    return pages[0]


def check_round_trip(assistant: Assistant, doc_id: str, sections: list[Section]) -> None:
    stored = assistant.sections(doc_id)
    headings = [s.heading for s in stored]
    assert headings == [pdf_safe(h) for h, _ in sections]
    levels = {s.heading: s.level for s in stored}
    assert levels["9. Trusted adult"] == levels["11. Police detention"] == 1
    assert [s.heading for s in stored if s.level == 1] == [
        "9. Trusted adult",
        "11. Police detention",
    ]
    study = next(s for s in stored if s.heading.startswith("Case study"))
    assert study.kind is SectionKind.CASE_STUDY and study.level == 3
    assert study.path[0] == "11. Police detention"
    rec = next(s for s in stored if s.heading == "Recommendation")
    assert rec.kind is SectionKind.RECOMMENDATIONS and rec.path == [
        "11. Police detention",
        rec.heading,
    ]
    chunks = assistant.db.chunks(doc_id)
    assert chunks
    consistent(assistant, doc_id)
    detention = [c for c in chunks if "18 hours" in c.text]
    assert detention and detention[0].section_path[-1] == study.heading


def test_pdf_round_trip(
    assistant: Assistant, tmp_path: Path, round_trip_sections: list[Section]
) -> None:
    pdf = build_pdf(round_trip_sections, tmp_path / "trusted-adult-detention.pdf")
    report = assistant.ingest([pdf], progress=False)
    assert report.ok and report.added == ["trusted-adult-detention-pdf"]
    doc_id = report.added[0]
    check_round_trip(assistant, doc_id, round_trip_sections)

    reader = PdfReader(pdf)
    assert len(reader.pages) >= 5
    sections = assistant.sections(doc_id)
    for section in sections:
        assert section.page is not None and section.page >= 1
        assert section.page == pdf_page_of(reader, section.heading[:60]), section.heading
    assert len({s.page for s in sections}) >= 5
    text = assistant.db.text(doc_id) or ""
    for chunk in assistant.db.chunks(doc_id):
        assert chunk.page is not None and chunk.page >= 1
        assert chunk.text == text[chunk.start : chunk.end]
        opening = " ".join(chunk.text.split()[:8])
        assert chunk.page == pdf_page_of(reader, opening), opening


def test_docx_round_trip(
    assistant: Assistant, tmp_path: Path, round_trip_sections: list[Section]
) -> None:
    docx = build_docx(round_trip_sections, tmp_path / "trusted-adult-detention.docx")
    report = assistant.ingest([docx], progress=False)
    assert report.ok and report.added == ["trusted-adult-detention-docx"]
    doc_id = report.added[0]
    check_round_trip(assistant, doc_id, round_trip_sections)
    assert all(s.page is None for s in assistant.sections(doc_id))
    assert all(c.page is None for c in assistant.db.chunks(doc_id))


# --- incremental ingest ---------------------------------------------------------------------


def test_reingest_unchanged_sample_costs_no_model_load(sample_assistant: Assistant) -> None:
    """The sample was ingested once by the session fixture; a second run on the same data dir,
    with a fresh (unloaded) model, recognises both files and writes nothing."""
    settings = Settings(data_dir=sample_assistant.settings.data_dir)
    before = {d.doc_id: snapshot(sample_assistant, d.doc_id) for d in sample_assistant.documents()}
    fresh = Embedder()
    again = Assistant(settings, embedder=fresh)
    try:
        report = again.ingest([settings.sample_dir], progress=False)
    finally:
        again.close()
    assert sorted(report.unchanged) == ["staffordshire-2021", "staffordshire-2025"]
    assert report.added == report.updated == report.failed == []
    assert report.chunks_embedded == 0 and report.chunks_reused == 0
    assert fresh.loaded is False
    after = {d.doc_id: snapshot(sample_assistant, d.doc_id) for d in sample_assistant.documents()}
    assert after == before


def test_changed_file_reembeds_only_changed_chunks(assistant: Assistant, tmp_path: Path) -> None:
    path = tmp_path / R2025.name
    shutil.copy(R2025, path)
    first = assistant.ingest([path], progress=False)
    assert first.added == ["staffordshire-2025"] and first.ok
    doc_id = "staffordshire-2025"
    old_ids = consistent(assistant, doc_id)
    assert first.chunks_embedded == len(old_ids)

    raw = path.read_text(encoding="utf-8")
    old = "I am pleased with some aspects of the performance of Staffordshire Police"
    assert raw.count(old) == 1
    edited = raw.replace(
        old, "I am satisfied with some aspects of the performance of Staffordshire Police"
    )
    path.write_text(edited, encoding="utf-8")
    expected = chunk_document(parse(normalise(edited), path.name, "0" * 64))

    second = assistant.ingest([path], progress=False)
    assert second.updated == [doc_id] and second.added == [] and second.ok
    new_ids = consistent(assistant, doc_id)
    assert len(new_ids) == len(expected) == len(old_ids)
    assert new_ids == {c.chunk_id for c in expected}
    changed = new_ids - old_ids
    assert len(changed) == 1
    assert second.chunks_embedded == 1
    assert second.chunks_reused == len(new_ids) - 1
    gone = old_ids - new_ids
    assert len(gone) == 1
    assert not gone & assistant.vectors.ids_for_doc(doc_id)
    rows = assistant.db.query("SELECT chunk_id FROM chunks WHERE chunk_id IN (?)", (gone.pop(),))
    assert rows == []
    new_chunk = next(c for c in assistant.db.chunks(doc_id) if c.chunk_id in changed)
    assert "I am satisfied with some aspects" in new_chunk.text
    assert "I am satisfied" in (assistant.db.text(doc_id) or "")


def test_ingest_encodes_each_sentence_once_and_pools_chunk_vectors(
    assistant: Assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / R2025.name
    shutil.copy(R2025, path)
    encoded: list[str] = []
    real = assistant.embedder.encode

    def counting(texts: list[str], progress: bool = False) -> Any:
        encoded.extend(texts)
        return real(texts)

    monkeypatch.setattr(assistant.embedder, "encode", counting)
    assert assistant.ingest([path], progress=False).ok
    monkeypatch.undo()

    doc_id = "staffordshire-2025"
    label = assistant.library.document(doc_id).label
    chunks = assistant.db.chunks(doc_id)
    assert len(encoded) == len(set(encoded)), "a text was encoded twice"
    assert not {c.embed_text(label) for c in chunks} & set(encoded), "a chunk was encoded whole"
    stored = assistant.vectors.get_embeddings([c.chunk_id for c in chunks])
    sentences = assistant.sentence_vectors
    for chunk in chunks[:20]:
        _, heading, parts = chunk_parts(chunk, label)
        assert set(sentences.stored(parts)) == set(parts)
        assert heading in sentences.stored([heading]), "answers weigh headings: stored at ingest"
        expected = pooled(real([heading])[0], sentences.get(parts), [len(part) for part in parts])
        assert float(np.dot(stored[chunk.chunk_id], expected)) > 0.999
    # dense retrieval alone, on pooled vectors, finds a passage asked for in other words
    question = assistant.embedder.encode_one("a girl with autism went missing from a care home")
    top = assistant.vectors.query(question, 3)
    paths = {c.chunk_id: c.section_path[-1] for c in chunks}
    assert any("locate a high-risk missing child" in paths[i] for i, _ in top)


def test_pooled_vector_weights_sentences_by_length_and_is_unit() -> None:
    heading = np.array([1.0, 0.0, 0.0])
    parts = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    vector = pooled(heading, parts, [100, 25])
    assert np.isclose(np.linalg.norm(vector), 1.0)
    assert vector[1] == pytest.approx(2 * vector[2], rel=1e-5)  # sqrt(100) : sqrt(25)
    assert 0 < vector[0] < vector[2]  # the heading counts, but less than the text


# --- atomicity ------------------------------------------------------------------------------


def test_bad_files_fail_alone(assistant: Assistant, tmp_path: Path) -> None:
    good = small_doc(tmp_path / "first.txt", "Custody guidance alpha")
    first = assistant.ingest([good], progress=False)
    assert first.added == ["custody-guidance-alpha"] and first.ok
    before = snapshot(assistant, "custody-guidance-alpha")

    bad = tmp_path / "bad"
    bad.mkdir()
    corrupt = bad / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage, no xref, no trailer\n")
    plain = build_pdf([("Locked report", ["Some text in a locked file."])], tmp_path / "p.pdf")
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt("secret")
    encrypted = bad / "encrypted.pdf"
    writer.write(encrypted)
    binary = bad / "binary.txt"
    binary.write_bytes(b"\x81\x8d\x8f\x90\x9d" * 20)
    empty = bad / "empty.txt"
    empty.write_bytes(b"")
    second = small_doc(tmp_path / "second.txt", "Custody guidance beta")

    report = assistant.ingest([corrupt, encrypted, binary, empty, second], progress=False)
    assert report.added == ["custody-guidance-beta"]
    failed = dict(report.failed)
    assert set(failed) == {str(corrupt), str(encrypted), str(binary), str(empty)}
    assert "not a valid PDF" in failed[str(corrupt)]
    assert "encrypted" in failed[str(encrypted)]
    assert "binary" in failed[str(binary)]
    assert "empty" in failed[str(empty)]
    assert not report.ok and not report.interrupted

    assert snapshot(assistant, "custody-guidance-alpha") == before
    consistent(assistant, "custody-guidance-beta")
    assert {d.doc_id for d in assistant.documents()} == {
        "custody-guidance-alpha",
        "custody-guidance-beta",
    }


def test_ctrl_c_while_embedding_leaves_document_as_it_was(
    assistant: Assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = small_doc(tmp_path / "doc.txt", "Custody guidance gamma")
    assert assistant.ingest([path], progress=False).added == ["custody-guidance-gamma"]
    before = snapshot(assistant, "custody-guidance-gamma")
    small_doc(path, "Custody guidance gamma", extra=" A new sentence changes this chunk.")

    calls: list[int] = []

    def interrupted(texts: list[str], progress: bool = False) -> Any:
        calls.append(len(texts))
        raise KeyboardInterrupt

    monkeypatch.setattr(assistant.embedder, "encode", interrupted)
    report = assistant.ingest([path], progress=False)
    assert calls, "the changed chunk was never sent to the model"
    assert report.interrupted and not report.ok
    assert report.updated == report.added == []
    assert snapshot(assistant, "custody-guidance-gamma") == before

    monkeypatch.undo()
    report = assistant.ingest([path], progress=False)
    assert report.updated == ["custody-guidance-gamma"] and report.chunks_embedded == 1
    consistent(assistant, "custody-guidance-gamma")


def test_failure_between_chroma_and_sqlite_leaves_no_orphans(
    assistant: Assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc_id = "custody-guidance-delta"
    path = small_doc(tmp_path / "doc.txt", "Custody guidance delta")
    assert assistant.ingest([path], progress=False).added == [doc_id]
    before = snapshot(assistant, doc_id)

    small_doc(path, "Custody guidance delta", extra=" Version B.")

    def broken(self: Database, *args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Database, "replace_document", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        assistant.ingest([path], progress=False)
    monkeypatch.undo()
    after_failure = snapshot(assistant, doc_id)
    for key in ("document", "text", "sections", "chunks", "row"):
        assert after_failure[key] == before[key], key
    # Version B's vectors reached Chroma but are not served: SQLite does not list them.
    orphans = after_failure["vector_ids"] - before["vector_ids"]
    assert len(orphans) == 1
    assert {c.chunk_id for c in assistant.db.chunks(doc_id)} == before["vector_ids"]

    small_doc(path, "Custody guidance delta", extra=" Version C.")
    report = assistant.ingest([path], progress=False)
    assert report.updated == [doc_id] and report.ok
    ids = consistent(assistant, doc_id)
    assert not ids & orphans
    assert "Version C." in (assistant.db.text(doc_id) or "")


def test_duplicate_upload_is_refused(assistant: Assistant, tmp_path: Path) -> None:
    original = small_doc(tmp_path / "original.txt", "Custody guidance epsilon")
    copy = tmp_path / "renamed.txt"
    shutil.copy(original, copy)
    report = assistant.ingest([original, copy], progress=False)
    assert report.added == ["custody-guidance-epsilon"]
    assert len(report.failed) == 1
    path, message = report.failed[0]
    assert path == str(copy)
    # The file is named, not its server path (messages reach API clients too).
    assert message.startswith(f"duplicate of {original.name} ")
    assert str(original.parent) not in message
    assert assistant.db.source_paths() == {"custody-guidance-epsilon": str(original.resolve())}


def test_prune_removes_documents_whose_files_are_gone(assistant: Assistant, tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    keep = small_doc(folder / "keep.txt", "Custody guidance zeta")
    drop = small_doc(folder / "drop.txt", "Custody guidance eta")
    report = assistant.ingest([folder], progress=False)
    assert sorted(report.added) == ["custody-guidance-eta", "custody-guidance-zeta"]
    assert assistant.vectors.ids_for_doc("custody-guidance-eta")
    drop.unlink()

    without = assistant.ingest([folder], progress=False)  # no prune: nothing is dropped
    assert without.pruned == [] and assistant.document("custody-guidance-eta").doc_id

    report = assistant.ingest([folder], prune=True, progress=False)
    assert report.pruned == ["custody-guidance-eta"]
    assert report.unchanged == ["custody-guidance-zeta"]
    assert "custody-guidance-eta" not in {d.doc_id for d in assistant.documents()}
    assert assistant.db.chunks("custody-guidance-eta") == []
    assert assistant.db.sections("custody-guidance-eta") == []
    assert assistant.vectors.ids_for_doc("custody-guidance-eta") == set()
    consistent(assistant, "custody-guidance-zeta")
    assert keep.exists()


# --- a Chroma server ------------------------------------------------------------------------


def is_detention_passage(hit: Any) -> bool:
    return hit.chunk.section_path[0] == "11. Police detention" and "18 hours" in hit.chunk.text


def test_chroma_server_ingest_and_search(
    chroma_server: tuple[str, int], tmp_path: Path, embedder: Embedder
) -> None:
    host, port = chroma_server
    settings = Settings(
        data_dir=tmp_path / "store", chroma_host=host, chroma_port=port, collection="ingest-sample"
    )
    server_assistant = Assistant(settings, embedder=embedder)
    try:
        report = server_assistant.ingest([settings.sample_dir], progress=False)
        assert report.ok and sorted(report.added) == ["staffordshire-2021", "staffordshire-2025"]
        assert not settings.chroma_path.exists()  # vectors live on the server, not on disk here
        assert server_assistant.vectors.count() == report.chunks_embedded
        for doc_id in report.added:
            consistent(server_assistant, doc_id)
        hits = server_assistant.search(DETENTION_QUERY, k=3)
        assert any(is_detention_passage(h) for h in hits)
        assert any(h.chunk.section_path[0] == "11. Police detention" for h in hits)
    finally:
        server_assistant.close()

    fresh = Embedder()
    again = Assistant(settings, embedder=fresh)
    try:
        report = again.ingest([settings.sample_dir], progress=False)
        assert len(report.unchanged) == 2 and report.chunks_embedded == 0
        assert fresh.loaded is False
    finally:
        again.close()


# --- the Done-when check --------------------------------------------------------------------


def test_sample_search_finds_the_detention_delay(sample_assistant: Assistant) -> None:
    hits = sample_assistant.search(DETENTION_QUERY, k=3)
    assert len(hits) == 3
    match = [h for h in hits if is_detention_passage(h)]
    assert match, [h.chunk.section_path for h in hits]
    chunk = match[0].chunk
    assert chunk.doc_id == "staffordshire-2021" and chunk.page == 52
    assert "16-year-old girl" in chunk.text and "appropriate adult" in chunk.text


# --- the CLI --------------------------------------------------------------------------------


def test_cli_docs_show_and_errors(sample_assistant: Assistant, tmp_path: Path) -> None:
    """Commands that need no model: listing, the section tree, an unknown --doc filter."""
    data_dir = sample_assistant.settings.data_dir
    docs = run_cli(data_dir, "docs", cwd=tmp_path)
    assert docs.returncode == 0, docs.stderr
    assert "staffordshire-2021  National Child Protection Inspections: Staffordshire Police" in (
        docs.stdout
    )
    assert "staffordshire-2025" in docs.stdout
    assert "Responding to children at risk of harm: Requires improvement" in docs.stdout
    assert "guidance: Working together to safeguard children 2018" in docs.stdout

    show = run_cli(data_dir, "show", "staffordshire-2025", cwd=tmp_path)
    assert show.returncode == 0, show.stderr
    line = next(x for x in show.stdout.splitlines() if "Working with safeguarding partners" in x)
    assert "judgment_area" in line and "grade: Good" in line
    assert show.stdout.count("grade: ") == 5

    nope = run_cli(data_dir, "search", "appropriate adult", "--doc", "nope", cwd=tmp_path)
    assert nope.returncode == 2
    assert "unknown document 'nope'" in nope.stderr
    assert nope.stdout == ""

    missing = run_cli(data_dir, "show", "nope", cwd=tmp_path)
    assert missing.returncode == 3 and "unknown document 'nope'" in missing.stderr


def test_cli_search_json(sample_assistant: Assistant, tmp_path: Path) -> None:
    result = run_cli(
        sample_assistant.settings.data_dir,
        "search",
        DETENTION_QUERY,
        "-k",
        "3",
        "--json",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert isinstance(hits, list) and len(hits) == 3
    for hit in hits:
        assert isinstance(hit["chunk"]["section_path"], list) and hit["chunk"]["section_path"]
        assert isinstance(hit["score"], float)
    assert any(
        h["chunk"]["section_path"][0] == "11. Police detention" and "18 hours" in h["chunk"]["text"]
        for h in hits
    )
    assert re.fullmatch(r"staffordshire-20(21|25):[0-9a-f]{16}", hits[0]["chunk"]["chunk_id"])
