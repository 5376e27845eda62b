"""Loaders: turn a report file into raw text in the convention `ingest.normalise` expects.

One entry point, `load(path)`, dispatching on the file suffix. Before dispatching, the first
bytes are checked, because a PDF or Word file saved under the wrong name would otherwise be
read as garbage text (or fail with a confusing parser error).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .docx import load_docx
from .errors import LoadError
from .html import load_html
from .pdf import load_pdf
from .text import load_markdown, load_text

__all__ = ["SUPPORTED_SUFFIXES", "LoadError", "load"]

_LOADERS: dict[str, Callable[[Path], str]] = {
    ".txt": load_text,
    ".md": load_markdown,
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".html": load_html,
    ".htm": load_html,
}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(_LOADERS)

_EXPECTED_KIND = {".pdf": "pdf", ".docx": "zip"}  # anything else should be text


def _sniff(head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return "text"


def _check_contents(path: Path, suffix: str) -> None:
    """Refuse empty files, and files whose bytes say they are something their name is not."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if not head:
        raise LoadError("file is empty")
    kind, expected = _sniff(head.lstrip()), _EXPECTED_KIND.get(suffix, "text")
    if kind == expected or (expected == "pdf" and kind == "text"):
        return  # a PDF with junk before "%PDF" is left to the PDF parser to judge
    if kind == "pdf":
        raise LoadError(f"file is a PDF document but is named '{suffix}'; rename it to .pdf")
    if kind == "zip":
        raise LoadError(
            f"file is a ZIP archive (e.g. a Word .docx) but is named '{suffix}'; "
            "if it is a Word document, rename it to .docx"
        )
    raise LoadError(
        f"file named '{suffix}' is not a {suffix[1:].upper()} file (it looks like text)"
    )


def load(path: Path) -> str:
    """Raw text of a supported file; raises LoadError with a plain-words reason otherwise."""
    path = Path(path)
    suffix = path.suffix.lower()
    loader = _LOADERS.get(suffix)
    if loader is None:
        shown = f"'{suffix}'" if suffix else "(no extension)"
        supported = ", ".join(SUPPORTED_SUFFIXES)
        raise LoadError(f"unsupported file type {shown}; supported: {supported}")
    try:
        _check_contents(path, suffix)
        return loader(path)
    except FileNotFoundError as exc:
        raise LoadError(f"file not found: {path}") from exc
    except IsADirectoryError as exc:
        raise LoadError(f"is a directory, not a file: {path}") from exc
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror or exc}") from exc
