"""The document library: ingest files and folders, upload, replace and remove documents, and
read them back. The one code path that CLI, API and UI use to change what is stored.

Per document, everything that can fail (reading, parsing, embedding, Ctrl-C) happens before
anything is written. Then new vectors are added, the SQLite transaction swaps the document's
records in one step (SQLite is the source of truth: retrieval only returns chunks it lists), and
vectors no longer referenced are removed. Unchanged files are recognised by a fingerprint and
cost no model load at all. Uploaded files are kept under `<data dir>/uploads`, so a document
can always be re-ingested, and `--prune` never loses an upload.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from assistant.domain.errors import (
    AssistantError,
    Conflict,
    InvalidRequest,
    NotFound,
    TooLarge,
    Unsupported,
)
from assistant.domain.records import Chunk, Document, Job, Section
from assistant.embeddings import Embedder
from assistant.retrieve.derived import DocumentIndexer
from assistant.services.limits import FileLimits, check_file
from assistant.store.database import Database
from assistant.store.findings import FindingStore
from assistant.store.identities import IdentityStore
from assistant.store.jobs import JobStore
from assistant.store.vectors import VectorStore
from ingest.identity import suffixed
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.pipeline import (
    PARSER_VERSION,
    PreparedDocument,
    discover,
    file_sha256,
    prepare,
    with_doc_id,
)

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_ID_BATCH = 1000  # ids per vector-store lookup, well under SQLite's variable limit


class Cancelled(Exception):
    """The ingest was cancelled (the server is stopping); raised at a chunk-batch boundary,
    before the document is written, so it is left as it was."""


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    replaced: list[tuple[str, str]] = field(default_factory=list)
    """(doc_id, the file it used to come from) for documents replaced by a new file."""
    chose: list[tuple[str, str]] = field(default_factory=list)
    """(file, doc_id) for every file read, in order: which id each file was stored under."""
    same_as: list[tuple[str, str]] = field(default_factory=list)
    """(file, doc_id): the file holds the same report as a stored document (another format)."""
    renamed: list[tuple[str, str]] = field(default_factory=list)
    """(natural id, id given): a different document already had the natural id."""
    chunks_embedded: int = 0
    chunks_reused: int = 0
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed and not self.interrupted

    @property
    def doc_ids(self) -> list[str]:
        return self.added + self.updated + self.unchanged

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, "
            f"{len(self.pruned)} pruned, {len(self.failed)} failed; "
            f"{self.chunks_embedded} chunks embedded, {self.chunks_reused} reused "
            f"in {self.seconds:.1f} s"
        )


def base_name(name: str | None) -> str:
    """The last path component of a client's file name (either kind of slash)."""
    return re.split(r"[\\/]", name or "")[-1]


def safe_filename(name: str | None) -> str:
    """A file name that cannot escape the upload folder or surprise a shell: the last path
    component only, unusual characters replaced, no leading dots; the suffix survives."""
    base = base_name(name)
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    cleaned = _UNSAFE.sub("_", stem).strip("._")[:100] or "upload"
    suffix = _UNSAFE.sub("", suffix)[:10]
    return f"{cleaned}.{suffix}" if suffix else cleaned


@dataclass(frozen=True)
class Embedded:
    """A document's chunk vectors, how many had to be encoded, and the texts (sentences,
    places) encoded on the way, by text."""

    vectors: np.ndarray
    encoded: int
    texts: dict[str, np.ndarray]


class Library:
    """Documents in, documents out. Writes are serialised in this process by a lock and across
    processes by SQLite's write transaction."""

    def __init__(
        self,
        db: Database,
        vectors: VectorStore,
        embedder: Embedder,
        findings: FindingStore,
        jobs: JobStore,
        indexer: DocumentIndexer,
        uploads_dir: Path,
        chunk_chars: int = 1200,
        max_upload_mb: int = 50,
        echo: Callable[[str], None] | None = None,
        max_chunks: int = 10_000,
    ) -> None:
        self.db = db
        self.indexer = indexer
        """Encodes the chunks (from their sentences) and a document's derived records (sentence
        vectors, abbreviations) before the write; its writer runs in the document's
        transaction."""
        self.vectors = vectors
        self.embedder = embedder
        self.findings = findings
        self.identities = IdentityStore(db)
        self.jobs = jobs
        self.uploads_dir = uploads_dir
        self.chunk_chars = chunk_chars
        self.max_upload_mb = max_upload_mb
        self.echo = echo or (lambda line: print(line, file=sys.stderr))
        self.limits = FileLimits(max_chunks=max_chunks, chunk_chars=chunk_chars)
        self._lock = threading.Lock()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Stop a running ingest at the next chunk batch, and refuse new ones (shutdown)."""
        self._cancel.set()

    def _check_cancelled(self) -> None:
        if self._cancel.is_set():
            raise Cancelled("the server is shutting down")

    # reading -----------------------------------------------------------------------------

    def documents(self) -> list[Document]:
        return self.db.documents()

    def document(self, doc_id: str) -> Document:
        document = self.db.document(doc_id)
        if document is None:
            known = ", ".join(d.doc_id for d in self.db.documents()) or "none"
            raise NotFound(f"unknown document {doc_id!r} (known: {known})")
        return document

    def sections(self, doc_id: str) -> list[Section]:
        self.document(doc_id)
        return self.db.sections(doc_id)

    def section(self, doc_id: str, section_id: str) -> tuple[Section, str]:
        """A section and its text."""
        section = next((s for s in self.sections(doc_id) if s.section_id == section_id), None)
        if section is None:
            raise NotFound(f"unknown section {section_id!r} in {doc_id!r}")
        text = self.db.text(doc_id) or ""
        return section, text[section.start : section.end]

    def text(self, doc_id: str) -> str:
        self.document(doc_id)
        return self.db.text(doc_id) or ""

    def chunk_counts(self) -> dict[str, int]:
        return self.db.chunk_counts()

    def chunks(self, doc_id: str | None = None) -> list[Chunk]:
        return self.db.chunks(doc_id)

    # ingesting ---------------------------------------------------------------------------

    def fingerprint(self, sha256: str) -> str:
        return (
            f"{sha256}|parser={PARSER_VERSION}|model={self.embedder.name}|chunk={self.chunk_chars}"
        )

    def ingest(
        self,
        paths: Iterable[Path],
        prune: bool = False,
        progress: bool = True,
        replace: bool = False,
    ) -> IngestReport:
        """Ingest files or folders (one ingest at a time); with `prune`, remove documents whose
        file is gone. A bad file is reported and skipped; the rest go on."""
        with self._lock:
            started = time.perf_counter()
            report = IngestReport()
            self.vectors.sync(self.db.generation)
            for path in discover(paths):
                try:
                    self._ingest_file(path, report, progress, replace)
                except AssistantError as error:
                    report.failed.append((str(path), str(error)))
                    self.echo(f"error: {path}: {error}")
                except (KeyboardInterrupt, Cancelled):
                    report.interrupted = True
                    self.echo(
                        f"interrupted while ingesting {path}: that document was left as it was"
                    )
                    break
            if prune and not report.interrupted:
                for doc_id, source in self.db.source_paths().items():
                    if not Path(source).exists():
                        self._remove(doc_id)
                        report.pruned.append(doc_id)
            report.seconds = time.perf_counter() - started
            return report

    def _ingest_file(self, path: Path, report: IngestReport, progress: bool, replace: bool) -> None:
        """Ingest one file; with `replace`, a file whose document id is already held under
        another file becomes the new version of that document."""
        source = str(path.resolve())
        if not path.is_file():
            raise InvalidRequest("no such file")
        sha256 = file_sha256(path)
        fingerprint = self.fingerprint(sha256)
        previous = self.db.fingerprint_for(source)
        if previous and previous[1] == fingerprint:
            report.unchanged.append(previous[0])
            report.chose.append((str(path), previous[0]))
            return
        duplicate = self.db.find_by(sha256=sha256)
        if duplicate and duplicate[1] != source:
            raise Conflict(
                f"duplicate of {Path(duplicate[1]).name} (already ingested as '{duplicate[0]}')"
            )
        self._check_cancelled()
        check_file(path, self.limits)
        prepared = prepare(path, sha256, self.chunk_chars)
        if len(prepared.chunks) > self.limits.max_chunks:
            raise TooLarge(
                f"the document makes {len(prepared.chunks)} chunks (limit "
                f"{self.limits.max_chunks}); split it into smaller documents"
            )
        same = self.identities.with_content(prepared.content)
        if same is not None and (previous is None or previous[0] != same):
            report.unchanged.append(same)
            report.chose.append((str(path), same))
            report.same_as.append((str(path), same))
            return
        doc = prepared.document
        clash = self.db.find_by(doc_id=doc.doc_id)
        if clash and clash[1] != source:
            if self.identities.identity_of(doc.doc_id) not in (None, prepared.identity):
                taken = {d.doc_id for d in self.db.documents()}
                prepared = with_doc_id(prepared, suffixed(doc.doc_id, taken), self.chunk_chars)
                report.renamed.append((doc.doc_id, prepared.document.doc_id))
                doc, clash = prepared.document, None
            elif not replace:
                raise Conflict(
                    f"'{doc.doc_id}' is already held, from {Path(clash[1]).name}, and this file "
                    "is a new version of that report: ingest with --replace to replace it (or "
                    "delete that document first)"
                )
            else:
                report.replaced.append((doc.doc_id, clash[1]))
        embedded = self._store(prepared, source, fingerprint, progress, previous)
        report.chose.append((str(path), doc.doc_id))
        report.chunks_embedded += embedded
        report.chunks_reused += len(prepared.chunks) - embedded
        (report.updated if previous or clash else report.added).append(doc.doc_id)
        if clash and clash[1] != source:
            self._forget_upload(clash[1])

    def _store(
        self,
        prepared: PreparedDocument,
        source: str,
        fingerprint: str,
        progress: bool,
        previous: tuple[str, str] | None,
    ) -> int:
        """Write one prepared document; returns how many chunks had to be embedded."""
        doc, chunks = prepared.document, prepared.chunks
        embedded = self.embed(chunks, doc.label, progress)
        derived = self.indexer.prepare(
            doc.doc_id, doc.label, chunks, prepared.findings, embedded.texts
        )
        self._check_cancelled()
        stale = self.vectors.ids_for_doc(doc.doc_id)
        if previous and previous[0] != doc.doc_id:
            stale |= self.vectors.ids_for_doc(previous[0])
        self.vectors.upsert(chunks, embedded.vectors, doc.label)
        self.db.replace_document(
            doc,
            prepared.parsed.text,
            prepared.parsed.sections,
            chunks,
            source,
            fingerprint,
            extra=lambda conn: self._write_extras(conn, prepared, derived),
        )
        self.vectors.delete(sorted(stale - {c.chunk_id for c in chunks}))
        self.vectors.sync(self.db.generation)
        return embedded.encoded

    def _write_extras(
        self,
        conn: sqlite3.Connection,
        prepared: PreparedDocument,
        derived: Callable[[sqlite3.Connection], None],
    ) -> None:
        """Findings, identity and derived indexes, in the document's own write transaction."""
        doc_id = prepared.document.doc_id
        self.findings.write(conn, doc_id, prepared.findings)
        self.identities.write(conn, doc_id, prepared.identity, prepared.content)
        derived(conn)

    def embed(self, chunks: list[Chunk], label: str, progress: bool) -> Embedded:
        """Vectors for the chunks, reusing stored ones for unchanged chunk ids, and the
        sentence vectors the new ones were pooled from (for the document's write)."""
        ids = [c.chunk_id for c in chunks]
        stored: dict[str, np.ndarray] = {}
        for offset in range(0, len(ids), _ID_BATCH):
            stored.update(
                self.vectors.get_embeddings(ids[offset : offset + _ID_BATCH], remember=False)
            )
        todo = [i for i, c in enumerate(chunks) if c.chunk_id not in stored]
        fresh: dict[int, np.ndarray] = {}
        texts: dict[str, np.ndarray] = {}
        bar = tqdm(
            total=len(todo),
            desc=f"embedding {label}",
            unit="chunk",
            disable=not progress or not todo,
            file=sys.stderr,
        )
        with bar:
            for offset in range(0, len(todo), self.embedder.batch_size):
                self._check_cancelled()
                picked = todo[offset : offset + self.embedder.batch_size]
                vectors = self.indexer.chunk_vectors([chunks[i] for i in picked], label, texts)
                fresh.update(zip(picked, vectors, strict=True))
                bar.update(len(picked))
        rows = [fresh[i] if i in fresh else stored[c.chunk_id] for i, c in enumerate(chunks)]
        vectors = np.vstack(rows).astype(np.float32) if rows else np.zeros((0, 0), np.float32)
        return Embedded(vectors, len(todo), texts)

    # uploads -----------------------------------------------------------------------------

    def check_upload(self, filename: str | None, size: int) -> str:
        """The safe name an upload will be stored under; refuses an unsupported type, an empty
        file or one over the size limit before any byte is kept."""
        name = safe_filename(filename)
        suffix = Path(name).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            raise Unsupported(
                f"unsupported file type {Path(base_name(filename)).suffix or '(none)'!r} for "
                f"{filename or 'the upload'!r}; "
                f"upload one of {', '.join(SUPPORTED_SUFFIXES)}"
            )
        if size > self.max_upload_mb * 1024 * 1024:
            raise TooLarge(f"file too large (limit {self.max_upload_mb} MB)")
        if size == 0:
            raise InvalidRequest(f"the file {name!r} is empty")
        return name

    def upload(self, filename: str | None, data: bytes) -> Job:
        """Keep an uploaded file under the data directory and queue its ingest; `run_job`
        ingests it (the API in the background, the UI while the user waits)."""
        name = self.check_upload(filename, len(data))
        digest = hashlib.sha256(data).hexdigest()
        duplicate = self.db.find_by(sha256=digest)
        if duplicate:
            raise Conflict(f"duplicate upload: this file is already ingested as {duplicate[0]!r}")
        self.uploads_dir.mkdir(parents=True, exist_ok=True)
        path = self.uploads_dir / f"{digest[:12]}-{name}"
        path.write_bytes(data)
        try:
            check_file(path, self.limits)
        except TooLarge:
            path.unlink(missing_ok=True)
            raise
        return self.jobs.create(name, str(path))

    def run_job(self, job_id: str) -> Job:
        """Ingest a queued upload, replacing an earlier version of the same document; the job
        always ends `done` or `failed` with a message a person can act on."""
        job = self.jobs.get(job_id)
        if job is None:
            raise NotFound(f"unknown job {job_id!r}")
        path = Path(job.path)
        self.jobs.update(job_id, "running")
        try:
            report = self.ingest([path], progress=False, replace=True)
        except Exception as error:  # a job must always end in a state a client can read
            path.unlink(missing_ok=True)
            self.echo(f"error: ingest of {job.filename} failed: {error!r}")
            return self.jobs.update(job_id, "failed", "ingest failed: internal error")
        if report.failed or report.interrupted:
            path.unlink(missing_ok=True)
            reason = (
                report.failed[0][1]
                if report.failed
                else "interrupted: the server stopped during ingest; upload it again"
            )
            return self.jobs.update(job_id, "failed", f"{job.filename}: {reason}")
        doc_ids = report.doc_ids
        return self.jobs.update(job_id, "done", report.summary(), doc_ids[0] if doc_ids else None)

    def job(self, job_id: str) -> Job:
        job = self.jobs.get(job_id)
        if job is None:
            raise NotFound(f"unknown job {job_id!r}")
        return job

    def recover_jobs(self) -> list[Job]:
        """Jobs a dead process left queued or running are marked failed and their files
        removed (the store itself is consistent: a document is written in one transaction)."""
        stale = self.jobs.unfinished()
        stored = set(self.db.source_paths().values())
        for job in stale:
            if job.path not in stored:
                Path(job.path).unlink(missing_ok=True)
            self.jobs.update(job.job_id, "failed", "interrupted: the server stopped during ingest")
        return stale

    # removing ----------------------------------------------------------------------------

    def remove(self, doc_id: str) -> None:
        """Remove a document and, when it came from an upload, the uploaded file."""
        self.document(doc_id)
        with self._lock:
            self._remove(doc_id)

    def _remove(self, doc_id: str) -> None:
        source = self.db.source_paths().get(doc_id)
        self.vectors.sync(self.db.generation)
        self.db.delete_document(doc_id)
        self.vectors.delete_doc(doc_id)
        self.vectors.sync(self.db.generation)
        if source:
            self._forget_upload(source)

    def _forget_upload(self, source: str) -> None:
        """Delete a file we saved from an upload (never a file the user ingested from disk)."""
        path = Path(source).resolve()
        if path.parent == self.uploads_dir.resolve():
            path.unlink(missing_ok=True)
