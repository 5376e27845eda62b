"""Plain text and Markdown loaders.

Text files arrive in whatever encoding the author's editor used, so decoding is strict: UTF-8
(with or without BOM), then cp1252 for old Windows exports, and anything else is refused rather
than silently turned into mojibake. Markdown is reduced to the raw text convention.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import LoadError

_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_MD_BULLET = re.compile(r"^([ \t]*)[*+-][ \t]+")
_THEMATIC_BREAK = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")


def decode_text(data: bytes) -> str:
    """Decode bytes that should be text: UTF-8 (BOM allowed), UTF-16 with a BOM, or cp1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise LoadError(f"binary file, not text (bad UTF-16 at offset {exc.start})") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    nul = data.find(b"\x00")
    if nul >= 0:
        raise LoadError(f"binary file, not text (NUL byte at offset {nul})")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise LoadError(
            f"binary file, not text (undecodable bytes at offset {utf8_error.start})"
        ) from utf8_error


def read_text(path: Path) -> str:
    """The decoded text of a file, with newlines unified; refuses empty and binary files."""
    data = path.read_bytes()
    if not data.strip():
        raise LoadError("file is empty" if not data else "file is empty (only whitespace)")
    text = decode_text(data)
    if "\x00" in text:
        raise LoadError(f"binary file, not text (NUL byte at offset {text.index(chr(0))})")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise LoadError("file is empty (only whitespace)")
    return text


def markdown_to_raw(text: str) -> str:
    """`#` headings become plain heading lines (own block), `*`/`+` bullets become "- "."""
    out: list[str] = []
    for line in text.split("\n"):
        heading = _ATX_HEADING.match(line)
        if heading:
            out.extend(["", heading.group(1) or "", ""])
        elif _SETEXT_UNDERLINE.match(line) and out and out[-1].strip():
            out[-1:] = ["", out[-1].strip(), ""]
        elif _THEMATIC_BREAK.match(line):
            out.append("")
        else:
            out.append(_MD_BULLET.sub(lambda m: m.group(1) + "- ", line))
    raw = re.sub(r"\n{3,}", "\n\n", "\n".join(out))
    return raw.strip("\n") + "\n"


def load_text(path: Path) -> str:
    """A `.txt` file, which is expected to be in the raw text convention already."""
    return read_text(path)


def load_markdown(path: Path) -> str:
    """A `.md` file reduced to the raw text convention."""
    return markdown_to_raw(read_text(path))
