"""Resource limits checked on a file before any parser sees it, so a small file that expands to
gigabytes (a DOCX "zip bomb", millions of empty paragraphs, a PDF of endless pages, a huge HTML
tree) is refused with `TooLarge` in milliseconds, holding no memory and no ingest lock."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from assistant.domain.errors import TooLarge

_DOCX_BODY = "word/document.xml"
_PARAGRAPH = re.compile(rb"<w:p[\s>/]")
_TAG = re.compile(rb"<[A-Za-z]")
_READ = 1 << 20


@dataclass(frozen=True)
class FileLimits:
    """What one document may hold. The defaults are far above a real inspection report (a
    large one is ~5 MB of DOCX XML, ~10k paragraphs, ~300 pages)."""

    max_uncompressed_mb: int = 200
    max_zip_entries: int = 5_000
    max_paragraphs: int = 100_000
    max_pages: int = 3_000
    max_html_mb: int = 20
    max_html_elements: int = 500_000
    max_chunks: int = 10_000
    chunk_chars: int = 1200

    @property
    def max_text_bytes(self) -> int:
        """Plain text over this would cut into more than `max_chunks` chunks (with room for
        multi-byte characters and short sections)."""
        return self.max_chunks * self.chunk_chars * 2


def _count(stream: IO[bytes], pattern: re.Pattern[bytes], limit: int) -> int:
    """Occurrences of `pattern` in a stream, read a block at a time; stops past `limit`."""
    count, tail = 0, b""
    while block := stream.read(_READ):
        data = tail + block
        count += len(pattern.findall(data)) - len(pattern.findall(tail))
        if count > limit:
            break
        tail = data[-16:]
    return count


def check_docx(path: Path, limits: FileLimits) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # not a zip: the loader says so in its own words
    with archive:
        entries = archive.infolist()
        if len(entries) > limits.max_zip_entries:
            raise TooLarge(f"the DOCX holds {len(entries)} parts (limit {limits.max_zip_entries})")
        total = sum(e.file_size for e in entries)
        if total > limits.max_uncompressed_mb * 1024 * 1024:
            raise TooLarge(
                f"the DOCX expands to {total // (1024 * 1024)} MB "
                f"(limit {limits.max_uncompressed_mb} MB uncompressed)"
            )
        if _DOCX_BODY not in archive.namelist():
            return
        with archive.open(_DOCX_BODY) as body:
            paragraphs = _count(body, _PARAGRAPH, limits.max_paragraphs)
        if paragraphs > limits.max_paragraphs:
            raise TooLarge(f"the DOCX has over {limits.max_paragraphs} paragraphs")


def check_pdf(path: Path, limits: FileLimits) -> None:
    from pypdf import PdfReader

    try:
        pages = len(PdfReader(path, strict=False).pages)
    except Exception:  # unreadable or encrypted: the loader refuses it with a clear message
        return
    if pages > limits.max_pages:
        raise TooLarge(f"the PDF has {pages} pages (limit {limits.max_pages})")


def check_html(path: Path, limits: FileLimits) -> None:
    size = path.stat().st_size
    if size > limits.max_html_mb * 1024 * 1024:
        raise TooLarge(
            f"the HTML file is {size // (1024 * 1024)} MB (limit {limits.max_html_mb} MB)"
        )
    elements = len(_TAG.findall(path.read_bytes()))
    if elements > limits.max_html_elements:
        raise TooLarge(f"the HTML has {elements} elements (limit {limits.max_html_elements})")


def check_text(path: Path, limits: FileLimits) -> None:
    size = path.stat().st_size
    if size > limits.max_text_bytes:
        raise TooLarge(
            f"the text file is {size // 1024} KB: it would make more than {limits.max_chunks} "
            "chunks; split it into smaller documents"
        )


_CHECKS = {
    ".docx": check_docx,
    ".pdf": check_pdf,
    ".html": check_html,
    ".htm": check_html,
    ".txt": check_text,
    ".md": check_text,
}


def check_file(path: Path, limits: FileLimits) -> None:
    """Refuse a file over a limit (`TooLarge`, naming it) before it is parsed."""
    check = _CHECKS.get(path.suffix.lower())
    if check is not None:
        check(path, limits)
