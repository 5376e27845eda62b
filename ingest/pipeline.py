"""From a file to records, with no store in sight: load → normalise → parse → chunk → findings.

`prepare` does everything that can fail for a document before anything is written, and raises
`LoadError` (an `InvalidRequest`) naming the problem, so the service that persists the result
never half-writes a document.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from assistant.domain.records import Chunk, Document, Finding
from ingest.chunking import chunk_document
from ingest.findings import extract_findings
from ingest.identity import content_fingerprint, identity_key
from ingest.loaders import SUPPORTED_SUFFIXES, LoadError, load
from ingest.normalise import normalise
from ingest.structure import PARSER_VERSION, ParsedDocument, parse

__all__ = [
    "PARSER_VERSION",
    "PreparedDocument",
    "discover",
    "file_sha256",
    "prepare",
    "with_doc_id",
]

_IGNORED_NAMES = ("readme", "license", "licence", "changelog")


@dataclass(frozen=True)
class PreparedDocument:
    """A parsed document ready to store: its record, text, sections, chunks and findings."""

    parsed: ParsedDocument
    chunks: list[Chunk]
    findings: list[Finding]

    @property
    def document(self) -> Document:
        return self.parsed.document

    @property
    def identity(self) -> str:
        """The same report in any format has the same identity (force, kind, year, title)."""
        return identity_key(self.parsed.document)

    @property
    def content(self) -> str:
        """A fingerprint of the words, the same whatever the file format."""
        return content_fingerprint(self.parsed.text, self.parsed.sections)


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


def prepare(path: Path, sha256: str, chunk_chars: int) -> PreparedDocument:
    """Parse one file into records; raises `LoadError` naming the file's problem."""
    try:
        raw = load(path)
    except OSError as error:
        raise LoadError(f"cannot read file: {error.strerror or error}") from error
    normalised = normalise(raw)
    if not normalised.text.strip():
        raise LoadError("no text after cleaning (the file is empty or holds no readable text)")
    return _records(parse(normalised, source_file=path.name, sha256=sha256), chunk_chars)


def with_doc_id(prepared: PreparedDocument, doc_id: str, chunk_chars: int) -> PreparedDocument:
    """The same document under another id (a different document already has its natural id):
    chunks and findings are rebuilt, since their ids carry the document's."""
    document = prepared.document.model_copy(update={"doc_id": doc_id})
    return _records(dataclasses.replace(prepared.parsed, document=document), chunk_chars)


def _records(parsed: ParsedDocument, chunk_chars: int) -> PreparedDocument:
    chunks = chunk_document(parsed, chunk_chars)
    if not chunks:
        raise LoadError("no readable sections found: nothing to index")
    try:
        findings = extract_findings(parsed)
    except Exception as error:  # a parser bug fails this file, not the whole run
        raise LoadError(f"findings extraction failed: {error!r}") from error
    return PreparedDocument(parsed, chunks, findings)
