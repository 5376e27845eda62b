"""Pure HTML rendering for the web UI: no Gradio, no store, so every helper is unit-tested.

Everything taken from documents or users goes through `html.escape`; the only markup is ours.
Citation markers become `<a class="cite" href="#cite-{turn}-{n}">[n]</a>` links (the href
carries the numbers because the chat's HTML sanitiser drops `data-*` attributes), which the
page's click listener (see `ui/app.py`) turns into a "show this source" event.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from html import escape

from assistant.records import Answer, Citation, Document, Section

_MARKER = re.compile(r"\[(\d+)\]")
_PATH_SEP = " › "


def cite_link(turn: int, n: int, known: bool = True) -> str:
    """One clickable citation marker; an unknown number stays plain text."""
    if not known:
        return f"[{n}]"
    return (
        f'<a class="cite" href="#cite-{turn}-{n}" data-turn="{turn}" data-n="{n}" '
        f'title="Show source [{n}]">[{n}]</a>'
    )


def link_citations(text: str, turn: int, numbers: Iterable[int]) -> str:
    """Escape `text` and turn each `[n]` whose n is a known citation into a link."""
    known = set(numbers)
    out, last = [], 0
    for match in _MARKER.finditer(text):
        out.append(escape(text[last : match.start()]))
        n = int(match.group(1))
        out.append(cite_link(turn, n, n in known))
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def where(citation: Citation) -> str:
    """Where a citation points, as plain text: `Staffordshire 2025 › Area › Heading (p. 14)`."""
    place = _PATH_SEP.join([citation.doc_label, *citation.section_path])
    return f"{place} (p. {citation.page})" if citation.page is not None else place


def render_sources(citations: Sequence[Citation], turn: int) -> str:
    if not citations:
        return ""
    items = "".join(
        f'<li>{cite_link(turn, c.n)} <span class="src-where">{escape(where(c))}</span></li>'
        for c in citations
    )
    return f'<ol class="ia-sources">{items}</ol>'


def render_answer(answer: Answer, turn: int) -> str:
    """The assistant's chat message for a finished answer, as one HTML block (no blank lines,
    so the chat's Markdown renderer passes it through as HTML)."""
    parts = ['<div class="ia-answer">']
    if answer.standalone_question != answer.question:
        parts.append(
            f'<p class="ia-rewrite">Searched for: <em>{escape(answer.standalone_question)}</em></p>'
        )
    numbers = [c.n for c in answer.citations]
    if answer.refused:
        parts.append('<p class="ia-refused"><strong>The documents don\'t cover this.</strong>')
        if answer.reason:
            parts.append(f" <span>({escape(answer.reason)})</span>")
        parts.append("</p>")
        if answer.citations:
            parts.append('<p class="ia-note">The nearest passages:</p>')
    else:
        parts.append(f'<p class="ia-text">{link_citations(answer.text, turn, numbers)}</p>')
        if answer.citations:
            parts.append('<p class="ia-note">Sources (click to read the passage):</p>')
    parts.append(render_sources(answer.citations, turn))
    parts.append("</div>")
    return "".join(parts)


def render_error(message: str) -> str:
    return f'<div class="ia-error"><strong>Could not answer:</strong> {escape(message)}</div>'


def highlight(text: str, start: int, end: int) -> str:
    """Escape `text`, wrapping text[start:end] (clamped to the text) in `<mark>`."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    if start == end:
        return escape(text)
    return f"{escape(text[:start])}<mark>{escape(text[start:end])}</mark>{escape(text[end:])}"


def find_section(sections: Iterable[Section], section_id: str) -> Section | None:
    return next((s for s in sections if s.section_id == section_id), None)


def render_source(citation: Citation, section: Section | None, doc_text: str | None) -> str:
    """The side panel for one citation: where it is, then the whole section with the quote
    marked. Without the section (or the text), the quote alone is shown."""
    page = f"page {citation.page}" if citation.page is not None else "page unknown"
    head = (
        '<div class="src-head">'
        f'<div class="src-label">[{citation.n}] {escape(citation.doc_label)}'
        f' <span class="src-page">{page}</span></div>'
        f'<div class="src-path">{escape(_PATH_SEP.join(citation.section_path))}</div>'
        f'<div class="src-title">{escape(citation.doc_title)}</div>'
        "</div>"
    )
    if section is None or doc_text is None:
        body = f"<mark>{escape(citation.quote)}</mark>"
    else:
        start = min(section.start, citation.start)
        end = max(section.end, citation.end)
        body = highlight(doc_text[start:end], citation.start - start, citation.end - start)
    return f'<div class="ia-source">{head}<div class="src-body">{body}</div></div>'


def render_placeholder(message: str) -> str:
    return f'<div class="ia-placeholder">{escape(message)}</div>'


def grade_badge(grade: str | None) -> str:
    if not grade:
        return ""
    slug = re.sub(r"[^a-z]+", "-", grade.lower()).strip("-")
    return f'<span class="grade grade-{slug}">{escape(grade)}</span>'


def render_tree(sections: Sequence[Section]) -> str:
    """The section tree: one row per section, indented by level, with grade and page."""
    if not sections:
        return render_placeholder("This document has no sections.")
    rows = []
    for s in sections:
        page = f'<span class="tree-page">p. {s.page}</span>' if s.page is not None else ""
        rows.append(
            f'<li class="tree-row level-{s.level}" style="padding-left:{(s.level - 1) * 1.25}rem">'
            f'<span class="tree-heading">{escape(s.heading)}</span>'
            f"{grade_badge(s.grade)}{page}</li>"
        )
    return f'<ul class="ia-tree">{"".join(rows)}</ul>'


def render_section_text(section: Section, doc_text: str) -> str:
    page = f" · page {section.page}" if section.page is not None else ""
    return (
        '<div class="ia-source"><div class="src-head">'
        f'<div class="src-path">{escape(_PATH_SEP.join(section.path))}{page}</div>'
        f"</div>"
        f'<div class="src-body">{escape(doc_text[section.start : section.end])}</div></div>'
    )


def section_choice(section: Section) -> str:
    """A dropdown label for a section, indented by level."""
    indent = "\u2003" * (section.level - 1)
    page = f"  (p. {section.page})" if section.page is not None else ""
    return f"{indent}{section.heading}{page}"


def grades_summary(document: Document) -> str:
    if not document.judgments:
        return "—"
    return "; ".join(f"{j.area}: {j.grade}" for j in document.judgments)


DOCUMENT_HEADERS = ["doc_id", "title", "period", "published", "sections", "chunks", "grades"]


def document_rows(
    documents: Sequence[Document],
    section_counts: Mapping[str, int],
    chunk_counts: Mapping[str, int],
) -> list[list[object]]:
    return [
        [
            d.doc_id,
            d.title,
            d.inspection_period or "—",
            d.published or "—",
            section_counts.get(d.doc_id, 0),
            chunk_counts.get(d.doc_id, 0),
            grades_summary(d),
        ]
        for d in documents
    ]


def ingest_summary(
    name: str,
    added: Sequence[str],
    updated: Sequence[str],
    unchanged: Sequence[str],
    failed: Sequence[tuple[str, str]],
) -> str:
    """A Markdown line on what happened to an uploaded file."""
    if failed:
        reasons = "; ".join(reason for _, reason in failed)
        return f"**Failed:** {name} was not added: {reasons}"
    if added:
        return f"**{name}** added as `{', '.join(added)}`."
    if updated:
        return f"**{name}** updated `{', '.join(updated)}`."
    if unchanged:
        return f"**{name}** is already in the library (`{', '.join(unchanged)}`), unchanged."
    return f"**{name}**: nothing to ingest."
