"""Who a document is: its id, the key that says two files are the same report, and a content
fingerprint that says whether they hold the same text, whatever the file format.

Pure functions; the library (assistant/services/library.py) uses them to tell an accidental id
collision (a different document: suffix the new id) from the same report again (in another
format: unchanged, or a new version that needs an explicit replace).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from assistant.domain.records import Document, Section, SectionKind

_ID_CHARS = 60
_SERIES = (
    (re.compile(r"\bPEEL\b"), "peel"),
    (re.compile(r"\bjoint (?:targeted area )?inspection\b", re.I), "joint"),
)
_WORD = re.compile(r"[a-z]+")


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _cut(slug: str, limit: int) -> str:
    """A slug no longer than `limit`, cut at a word (hyphen) boundary, never mid-word."""
    if len(slug) <= limit:
        return slug
    cut = slug[: limit + 1].rsplit("-", 1)[0]
    return cut if cut else slug[:limit]


def series(title: str, kind: str) -> str:
    """A short tag for a report series other than the default one (child protection), so one
    force's reports of different kinds in one year get different ids: "peel", "joint", "letter"."""
    for pattern, tag in _SERIES:
        if pattern.search(title):
            return tag
    return "letter" if kind == "letter" else ""


def doc_id(
    who: str | None, year: int | None, title: str = "", kind: str = "other", fallback: str = ""
) -> str:
    """ "staffordshire-2025": who (force, publisher or subject), series, then year; the name is
    cut at a word boundary so the year is never cut; `fallback` (e.g. a hash) if nothing
    else is known."""
    subject = who or re.split(r"[:|–]| - ", title)[0]
    if year:
        subject = re.sub(rf"\b{year}\b", " ", subject)
    name = slugify(subject)
    tag = series(title, kind)
    tag = "" if tag in name.split("-") else tag  # "joint-inspection-of-..." needs no "-joint"
    tail = "-".join(part for part in (tag, str(year) if year else "") if part)
    room = _ID_CHARS - len(tail) - (1 if tail and name else 0)
    built = "-".join(part for part in (_cut(name, room), tail) if part)
    return built or fallback


def who(document: Document) -> str | None:
    """Whom or what the document is about: the force (without "Police"/"Constabulary"), else
    the subject of guidance (its title), else its publisher."""
    if document.force:
        return document.force.removesuffix(" Police").removesuffix(" Constabulary")
    return None


def identity_key(document: Document) -> str:
    """Two files with the same key are the same report (force or subject, kind, series, year,
    and title), whatever their format."""
    subject = slugify(document.force or document.title.split(":")[0])
    title = slugify(document.title)
    return "|".join(
        [
            subject,
            document.kind,
            series(document.title, document.kind),
            str(document.year or ""),
            title,
        ]
    )


def content_fingerprint(text: str, sections: Sequence[Section]) -> str:
    """A hash of the document's words outside its contents page (letters only: page numbers,
    footnote markers and layout differ between formats, the words do not)."""
    for section in sections:
        if section.kind is SectionKind.CONTENTS:
            text = text[: section.start] + " " * (section.end - section.start) + text[section.end :]
    words = _WORD.findall(text.lower())
    return hashlib.sha256(" ".join(words).encode()).hexdigest()


def suffixed(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`... : the first not in `taken` (a different document that
    would otherwise collide)."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
