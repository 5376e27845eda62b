"""Incremental, atomic ingest: load → normalise → parse → chunk → embed → store.

Per document, everything that can fail (reading, parsing, embedding, Ctrl-C) happens before
anything is written. Then new vectors are added, the SQLite transaction swaps the document's
records in one step (SQLite is the source of truth: retrieval only returns chunks it lists), and
vectors no longer referenced are removed. Unchanged files are recognised by a fingerprint and
cost no model load at all.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from assistant.domain.records import Chunk
from assistant.embeddings import Embedder
from assistant.store.database import Database
from assistant.store.findings import FindingStore
from assistant.store.vectors import VectorStore
from ingest.chunking import chunk_document
from ingest.findings import extract_findings
from ingest.loaders import SUPPORTED_SUFFIXES, LoadError, load
from ingest.normalise import normalise
from ingest.structure import PARSER_VERSION, ParsedDocument, parse

_IGNORED_NAMES = ("readme", "license", "licence", "changelog")


class IngestError(Exception):
    """A document that cannot be ingested; the message names the problem."""


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    replaced: list[tuple[str, str]] = field(default_factory=list)
    """(doc_id, the file it used to come from) for documents replaced by a new file."""
    chunks_embedded: int = 0
    chunks_reused: int = 0
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed and not self.interrupted

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, "
            f"{len(self.pruned)} pruned, {len(self.failed)} failed; "
            f"{self.chunks_embedded} chunks embedded, {self.chunks_reused} reused "
            f"in {self.seconds:.1f} s"
        )


def discover(paths: Iterable[Path]) -> list[Path]:
    """Files to ingest: the files named, and the supported files under the folders named
    (a folder's README or licence describes the corpus and is not part of it)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.suffix.lower() in SUPPORTED_SUFFIXES
                and not p.name.startswith(".")
                and not p.stem.lower().startswith(_IGNORED_NAMES)
            )
        else:
            found.append(path)
    return found


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Ingestor:
    def __init__(
        self,
        db: Database,
        vectors: VectorStore,
        embedder: Embedder,
        chunk_chars: int = 1200,
        echo: Callable[[str], None] | None = None,
    ) -> None:
        self.db = db
        self.vectors = vectors
        self.embedder = embedder
        self.chunk_chars = chunk_chars
        self.echo = echo or (lambda line: print(line, file=sys.stderr))
        self.findings = FindingStore(db)

    def fingerprint(self, sha256: str) -> str:
        return (
            f"{sha256}|parser={PARSER_VERSION}|model={self.embedder.name}|chunk={self.chunk_chars}"
        )

    def prepare(self, path: Path, sha256: str) -> tuple[ParsedDocument, list[Chunk]]:
        """Everything short of writing: raises IngestError naming the problem."""
        try:
            raw = load(path)
        except LoadError as error:
            raise IngestError(str(error)) from error
        except OSError as error:
            raise IngestError(f"cannot read file: {error.strerror or error}") from error
        normalised = normalise(raw)
        if not normalised.text.strip():
            raise IngestError("no text after normalisation (the file is empty)")
        parsed = parse(normalised, source_file=path.name, sha256=sha256)
        chunks = chunk_document(parsed, self.chunk_chars)
        if not chunks:
            raise IngestError("no readable sections found: nothing to index")
        return parsed, chunks

    def embed(self, chunks: list[Chunk], label: str, progress: bool) -> tuple[np.ndarray, int]:
        """Vectors for the chunks, reusing stored ones for unchanged chunk ids. Texts are
        batched by length (as one big `encode` call would), so a batch pads little."""
        known = self.vectors.get_embeddings([c.chunk_id for c in chunks])
        texts = {i: c.embed_text(label) for i, c in enumerate(chunks) if c.chunk_id not in known}
        todo = sorted(texts, key=lambda i: -len(texts[i]))
        fresh: dict[int, np.ndarray] = {}
        batch = self.embedder.batch_size
        bar = tqdm(
            total=len(todo),
            desc=f"embedding {label}",
            unit="chunk",
            disable=not progress or not todo,
            file=sys.stderr,
        )
        with bar:
            for offset in range(0, len(todo), batch):
                ids = todo[offset : offset + batch]
                fresh.update(zip(ids, self.embedder.encode([texts[i] for i in ids]), strict=True))
                bar.update(len(ids))
        rows = [fresh[i] if i in fresh else known[c.chunk_id] for i, c in enumerate(chunks)]
        vectors = np.vstack(rows).astype(np.float32) if rows else np.zeros((0, 0), np.float32)
        return vectors, len(todo)

    def ingest_file(
        self, path: Path, report: IngestReport, progress: bool = True, replace: bool = False
    ) -> None:
        """Ingest one file; with `replace`, a file whose document id is already held under
        another file becomes the new version of that document."""
        source = str(path.resolve())
        if not path.is_file():
            raise IngestError("no such file")
        sha256 = file_sha256(path)
        fingerprint = self.fingerprint(sha256)
        previous = self.db.fingerprint_for(source)
        if previous and previous[1] == fingerprint:
            report.unchanged.append(previous[0])
            return
        duplicate = self.db.find_by(sha256=sha256)
        if duplicate and duplicate[1] != source:
            raise IngestError(
                f"duplicate of {Path(duplicate[1]).name} (already ingested as '{duplicate[0]}')"
            )
        parsed, chunks = self.prepare(path, sha256)
        doc = parsed.document
        try:
            findings = extract_findings(parsed)
        except Exception as error:  # a parser bug fails this file, not the whole run
            raise IngestError(f"findings extraction failed: {error!r}") from error
        clash = self.db.find_by(doc_id=doc.doc_id)
        if clash and clash[1] != source:
            if not replace:
                raise IngestError(
                    f"its document id '{doc.doc_id}' is already used by {Path(clash[1]).name} "
                    "(delete that document first, or ingest with --replace)"
                )
            report.replaced.append((doc.doc_id, clash[1]))
        vectors, embedded = self.embed(chunks, doc.label, progress)

        stale = self.vectors.ids_for_doc(doc.doc_id)
        if previous and previous[0] != doc.doc_id:
            stale |= self.vectors.ids_for_doc(previous[0])
        self.vectors.upsert(chunks, vectors, doc.label)
        self.db.replace_document(
            doc,
            parsed.text,
            parsed.sections,
            chunks,
            source,
            fingerprint,
            extra=lambda conn: self.findings.write(conn, doc.doc_id, findings),
        )
        self.vectors.delete(sorted(stale - {c.chunk_id for c in chunks}))

        report.chunks_embedded += embedded
        report.chunks_reused += len(chunks) - embedded
        (report.updated if previous or clash else report.added).append(doc.doc_id)

    def run(
        self,
        paths: Iterable[Path],
        prune: bool = False,
        progress: bool = True,
        replace: bool = False,
    ) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        for path in discover(paths):
            try:
                self.ingest_file(path, report, progress, replace)
            except IngestError as error:
                report.failed.append((str(path), str(error)))
                self.echo(f"error: {path}: {error}")
            except KeyboardInterrupt:
                report.interrupted = True
                self.echo(f"interrupted while ingesting {path}: that document was left as it was")
                break
        if prune and not report.interrupted:
            for doc_id, source in self.db.source_paths().items():
                if not Path(source).exists():
                    self.remove(doc_id)
                    report.pruned.append(doc_id)
        report.seconds = time.perf_counter() - started
        return report

    def remove(self, doc_id: str) -> bool:
        """Remove a document: its records first (so it stops being served), then its vectors."""
        removed = self.db.delete_document(doc_id)
        self.vectors.delete_doc(doc_id)
        return removed
