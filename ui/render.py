"""Pure HTML rendering for the web UI: no Gradio, no store, so every helper is unit-tested.

Everything taken from documents or users goes through `html.escape`; the only markup is ours.
Citation markers become `<a class="cite" href="#cite-{turn}-{n}">[n]</a>` links (the href
carries the numbers because the chat's HTML sanitiser drops `data-*` attributes), which the
page's click listener (see `ui/app.py`) turns into a "show this source" event.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

from assistant.domain.errors import AssistantError
from assistant.domain.records import (
    PATH_SEP,
    Answer,
    Citation,
    Document,
    Finding,
    FindingType,
    Job,
    Section,
    place,
)
from assistant.domain.words import GRADES, Grade, timescale_key
from assistant.quiz.exporters import slug
from assistant.quiz.records import QuizQuestion, QuizResult
from assistant.services.findings import Change, Comparison, ComparisonSide, ScoredFinding

_MARKER = re.compile(r"\[(\d+)\]")
_MARKERS = re.compile(r"(?:[ \t]*\[\d+\])+")
_LIST_ITEM = re.compile(r"^\s*(?:([-•*])|(\d{1,2})[.)])\s+")
_MIN_QUOTE = 20


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
    return citation.where


def _warning(citation: Citation) -> str:
    """A warning beside a passage that reads as an instruction or a phishing lure."""
    if not citation.flagged:
        return ""
    return (
        f' <strong class="ia-flag">Warning: this passage {escape(citation.flagged)}; '
        "treat it as document content, not guidance.</strong>"
    )


def number_range(numbers: Sequence[int]) -> str:
    """Citation numbers as a compact label: 1, 2, 3, 5 → "1–3, 5"."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)


def source_groups(citations: Sequence[Citation]) -> list[list[Citation]]:
    """Citations of the same section together, in the order each section is first cited."""
    groups: dict[tuple[str, str], list[Citation]] = {}
    for c in citations:
        groups.setdefault((c.doc_id, c.section_id), []).append(c)
    return list(groups.values())


def render_sources(citations: Sequence[Citation], turn: int) -> str:
    """One line per cited section ("[1–3] Report › Chapter › Heading (p. 42)"); the group's
    link opens the section with every one of its quotes marked."""
    if not citations:
        return ""
    items = []
    for group in source_groups(citations):
        first = group[0]
        label = number_range([c.n for c in group])
        link = (
            f'<a class="cite" href="#cite-{turn}-{first.n}" data-turn="{turn}" '
            f'data-n="{first.n}" title="Show source [{label}]">[{label}]</a>'
        )
        warnings = "".join(_warning(c) for c in group)
        items.append(
            f'<li>{link} <span class="src-where">{escape(where(first))}</span>{warnings}</li>'
        )
    return f'<ol class="ia-sources">{"".join(items)}</ol>'


def _flat(text: str) -> str:
    return " ".join(text.split())


def render_blocks(text: str, inline: Callable[[str], str] = escape) -> str:
    """Plain text as HTML paragraphs and lists: lines starting "- " or "1. " are list items,
    blank lines end a paragraph; each line's text goes through `inline` (escaping, links)."""
    out: list[str] = []
    para: list[str] = []
    items: list[str] = []
    ordered = False

    def flush() -> None:
        nonlocal para, items
        if para:
            out.append(f"<p>{' '.join(inline(line) for line in para)}</p>")
        if items:
            tag = "ol" if ordered else "ul"
            out.append(f"<{tag}>{''.join(f'<li>{inline(i)}</li>' for i in items)}</{tag}>")
        para, items = [], []

    for line in text.split("\n"):
        item = _LIST_ITEM.match(line)
        if not line.strip():
            flush()
        elif item:
            if para:
                flush()
            if not items:
                ordered = item.group(2) is not None
            items.append(line[item.end() :].strip())
        elif items and line[:1].isspace():
            items[-1] += " " + line.strip()  # a list item's wrapped line
        else:
            if items:
                flush()
            para.append(line.strip())
    flush()
    return "".join(out)


def render_answer_text(text: str, turn: int, citations: Sequence[Citation] = ()) -> str:
    """An answer's text as paragraphs and lists with its citation links; a stretch that is
    word for word the passage it cites is shown as a quotation."""
    quotes = {c.n: _flat(c.quote).lower() for c in citations}

    def inline(part: str) -> str:
        return link_citations(part, turn, quotes)

    parts: list[str] = []
    last = 0
    for match in _MARKERS.finditer(text):
        body = text[last : match.start()]
        cited = [int(n) for n in _MARKER.findall(match.group(0))]
        segment = body.rstrip() + " " + match.group(0).strip()
        flat = _flat(body).lower()
        if len(flat) >= _MIN_QUOTE and any(flat in quotes.get(n, "") for n in cited):
            parts.append(
                f'<blockquote class="ia-quote">{render_blocks(segment.strip(), inline)}'
                "</blockquote>"
            )
        elif segment.strip():
            parts.append(render_blocks(segment.strip("\n"), inline))
        last = match.end()
    rest = text[last:]
    if rest.strip():
        parts.append(render_blocks(rest.strip("\n"), inline))
    return "".join(parts)


def render_streaming(text: str, turn: int) -> str:
    """The answer so far, while it streams: the same paragraphs and lists as the final one."""
    return f'<div class="ia-answer ia-streaming">{render_answer_text(text, turn)}</div>'


def render_thinking() -> str:
    return '<span class="ia-thinking" role="status">Searching the reports…</span>'


def render_answer(answer: Answer, turn: int) -> str:
    """The assistant's chat message for a finished answer, as one HTML block (no blank lines,
    so the chat's Markdown renderer passes it through as HTML)."""
    parts = ['<div class="ia-answer">']
    if answer.standalone_question != answer.question:
        parts.append(
            f'<p class="ia-rewrite">Searched for: <em>{escape(answer.standalone_question)}</em></p>'
        )
    if answer.answerer.endswith("(fallback)") and answer.reason:
        parts.append(
            f'<p class="ia-note">The LLM\'s answer was not used ({escape(answer.reason)}); '
            "this answer quotes the reports directly.</p>"
        )
    if answer.refused:
        parts.append('<p class="ia-refused"><strong>The documents don\'t cover this.</strong>')
        if answer.reason:
            parts.append(f" <span>({escape(answer.reason)})</span>")
        parts.append("</p>")
        if answer.citations:
            parts.append('<p class="ia-note">The nearest passages:</p>')
    else:
        parts.append(
            f'<div class="ia-text">{render_answer_text(answer.text, turn, answer.citations)}</div>'
        )
        if answer.citations:
            parts.append('<p class="ia-note">Sources (click to read the passage):</p>')
    parts.append(render_sources(answer.citations, turn))
    parts.append("</div>")
    return "".join(parts)


def render_error(message: str) -> str:
    return f'<div class="ia-error"><strong>Could not answer:</strong> {escape(message)}</div>'


def highlight(text: str, start: int, end: int) -> str:
    """Escape `text`, wrapping text[start:end] (clamped to the text) in `<mark>`."""
    return highlight_spans(text, [(start, end)])


def highlight_spans(text: str, spans: Sequence[tuple[int, int]], current: int = -1) -> str:
    """Escape `text`, wrapping each span (clamped, overlaps merged) in `<mark>`; the span at
    index `current` (the one clicked) is `<mark class="current">`."""
    clamped = []
    for i, (start, end) in enumerate(spans):
        start = max(0, min(start, len(text)))
        end = max(start, min(end, len(text)))
        if start < end:
            clamped.append((start, end, i == current))
    clamped.sort()
    merged: list[list] = []
    for start, end, is_current in clamped:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2] = merged[-1][2] or is_current
        else:
            merged.append([start, end, is_current])
    out, last = [], 0
    for start, end, is_current in merged:
        mark = '<mark class="current">' if is_current else "<mark>"
        out.append(f"{escape(text[last:start])}{mark}{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    return "".join(out)


def find_section(sections: Iterable[Section], section_id: str) -> Section | None:
    return next((s for s in sections if s.section_id == section_id), None)


def render_source(
    citation: Citation,
    section: Section | None,
    doc_text: str | None,
    others: Sequence[Citation] = (),
) -> str:
    """The side panel for one citation: where it is, then the whole section with the quote
    marked (and the answer's other quotes from the same section, more lightly). Without the
    section (or the text), the quote alone is shown."""
    page = f"page {citation.page}" if citation.page is not None else "page unknown"
    cited = [citation, *(o for o in others if o.n != citation.n)]
    numbers = number_range([c.n for c in cited])
    head = (
        '<div class="src-head">'
        f'<div class="src-label">[{numbers}] {escape(citation.doc_label)}'
        f' <span class="src-page">{page}</span></div>'
        f'<div class="src-path">{escape(PATH_SEP.join(citation.section_path))}</div>'
        f'<div class="src-title">{escape(citation.doc_title)}</div>'
        "</div>"
    )
    if section is None or doc_text is None:
        body = f'<mark class="current">{escape(citation.quote)}</mark>'
    else:
        start = min(section.start, *(c.start for c in cited))
        end = max(section.end, *(c.end for c in cited))
        spans = [(c.start - start, c.end - start) for c in cited]
        body = highlight_spans(doc_text[start:end], spans, current=0)
    return f'<div class="ia-source">{head}<div class="src-body" tabindex="0" role="region" aria-label="Passage">{body}</div></div>'


def render_placeholder(message: str) -> str:
    return f'<div class="ia-placeholder">{escape(message)}</div>'


def grade_badge(grade: str | None) -> str:
    if not grade:
        return ""
    slug = re.sub(r"[^a-z]+", "-", grade.lower()).strip("-")
    return f'<span class="grade grade-{slug}">{escape(grade)}</span>'


def render_tree(sections: Sequence[Section], current: str | None = None) -> str:
    """The section tree: one button per section (opening it), indented by level, with grade
    and page; the open one is marked `aria-current`."""
    if not sections:
        return render_placeholder("This document has no sections.")
    rows = []
    for s in sections:
        page = f'<span class="tree-page">p. {s.page}</span>' if s.page is not None else ""
        here = ' aria-current="true"' if s.section_id == current else ""
        rows.append(
            f'<li class="tree-row level-{s.level}" style="padding-left:{(s.level - 1) * 1.25}rem">'
            f'<button type="button" class="tree-link" value="{escape(s.section_id)}"{here}>'
            f'<span class="tree-heading">{escape(s.heading)}</span>'
            f"{grade_badge(s.grade)}{page}</button></li>"
        )
    return f'<ul class="ia-tree" aria-label="Sections">{"".join(rows)}</ul>'


def render_section_text(section: Section, doc_text: str) -> str:
    page = f" · page {section.page}" if section.page is not None else ""
    return (
        '<div class="ia-source"><div class="src-head">'
        f'<div class="src-path">{escape(PATH_SEP.join(section.path))}{page}</div>'
        f"</div>"
        f'<div class="src-body" tabindex="0" role="region" aria-label="Passage">{escape(doc_text[section.start : section.end])}</div></div>'
    )


def grades_summary(document: Document) -> str:
    if not document.judgments:
        return "—"
    return "; ".join(f"{j.area}: {j.grade}" for j in document.judgments)


DOCUMENT_HEADERS = [
    "Report id",
    "Title",
    "Inspection period",
    "Published",
    "Sections",
    "Chunks",
    "Grades",
]


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


def render_cards(headers: Sequence[str], rows: Sequence[Sequence[object]], label: str) -> str:
    """A table as a list of cards (each row a card of "header: value" lines), which reads on a
    phone where a wide table cannot; the first column is the card's title."""
    if not rows:
        return ""
    cards = []
    for row in rows:
        fields = "".join(
            f"<div><dt>{escape(h)}</dt><dd>{_cell(v)}</dd></div>"
            for h, v in zip(headers[1:], row[1:], strict=True)
            if str(v).strip() not in ("", "—")
        )
        cards.append(
            f'<li class="ia-card"><div class="card-title">{_cell(row[0])}</div><dl>{fields}</dl></li>'
        )
    return f'<ul class="ia-cards" aria-label="{escape(label)}">{"".join(cards)}</ul>'


def _cell(value: object) -> str:
    return render_blocks(str(value)) if "\n" in str(value) else escape(str(value))


def job_summary(job: Job) -> str:
    """A Markdown line on what happened to an uploaded file."""
    if job.status == "failed":
        return render_error_md(f"{job.filename} was not added: {job.message}")
    if job.doc_id:
        return f"**{job.filename}** stored as `{job.doc_id}` ({job.message})."
    return f"**{job.filename}**: {job.status}."


def render_error_md(message: str) -> str:
    """An error for a Markdown component, styled and announced as one, not just text."""
    return f'<div class="ia-error" role="alert"><strong>Failed:</strong> {escape(message)}</div>'


def error_message(error: BaseException) -> str:
    """What the UI shows for an error: the domain error's own words, never a traceback."""
    if isinstance(error, AssistantError):
        return str(error)
    return f"something went wrong ({type(error).__name__}). Please try again."


# --- findings (the Findings tab) --------------------------------------------------------------

FINDING_TYPE_LABELS = {
    FindingType.RECOMMENDATION: "Recommendation",
    FindingType.AREA_FOR_IMPROVEMENT: "Area for improvement",
    FindingType.JUDGMENT: "Judgment",
    FindingType.CASE_STUDY: "Case study",
    FindingType.INNOVATIVE_PRACTICE: "Innovative practice",
    FindingType.HEADLINE_FIGURE: "Headline figure",
}
FINDING_HEADERS = ["Type", "Report", "Timescale / grade / practice", "Title", "Section", "Page"]


def finding_type_label(kind: FindingType | str) -> str:
    return FINDING_TYPE_LABELS.get(FindingType(kind), str(kind))


def finding_detail(finding: Finding) -> str:
    """What a lead scans for: a recommendation's timescale, a judgment's grade, a case study's
    practice (and incidents), a headline figure's counts."""
    kind = finding.type
    if kind is FindingType.RECOMMENDATION:
        return finding.timescale or "—"
    if kind is FindingType.JUDGMENT:
        return finding.grade or "—"
    if kind is FindingType.CASE_STUDY:
        detail = f"{finding.practice} practice" if finding.practice else "—"
        if finding.incidents:
            detail += f" ({finding.incidents} incident{'s' * (finding.incidents != 1)})"
        return detail
    if kind is FindingType.HEADLINE_FIGURE and finding.sub_points:
        return "; ".join(" ".join(p.split()) for p in finding.sub_points)
    return "—"


def finding_title(finding: Finding) -> str:
    """A finding's title, with a recommendation's sub-points as a list under it (a
    recommendation ending "making sure:" means nothing without them)."""
    title = " ".join(finding.title.split())
    if finding.type is not FindingType.RECOMMENDATION or not finding.sub_points:
        return title
    points = "\n".join(f"- {' '.join(p.split())}" for p in finding.sub_points)
    return f"{title}\n{points}"


def finding_rows(found: Sequence[ScoredFinding]) -> list[list[str]]:
    """One table row per finding, in FINDING_HEADERS order."""
    return [
        [
            finding_type_label(s.finding.type),
            s.doc_label or s.finding.doc_id,
            finding_detail(s.finding),
            finding_title(s.finding),
            PATH_SEP.join(s.finding.section_path),
            str(s.finding.page) if s.finding.page is not None else "—",
        ]
        for s in found
    ]


def findings_summary(found: Sequence[ScoredFinding], topic: str = "") -> str:
    """A Markdown line above the table: how many findings, of which types, in which reports."""
    if not found:
        about = f' about "{topic}"' if topic else ""
        return f"**No findings{about}** match these filters. Try a broader topic or another type."
    reports: dict[str, int] = {}
    for s in found:
        label = s.doc_label or s.finding.doc_id
        reports[label] = reports.get(label, 0) + 1
    per_report = "; ".join(f"{label}: {n}" for label, n in reports.items())
    about = f' about "{topic}", best match first' if topic else ""
    total = len(found)
    return f"**{total} finding{'s' * (total != 1)}**{about} ({per_report})."


# --- charts: small inline SVGs, drawn here (no script, nothing fetched) -----------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    """Shown after the bar (a count, a grade)."""
    color: str


GRADE_SCALE = [g.value for g in reversed(GRADES)]
GRADE_COLORS = {
    Grade.OUTSTANDING: "#15803d",
    Grade.GOOD: "#22c55e",
    Grade.ADEQUATE: "#eab308",
    Grade.REQUIRES_IMPROVEMENT: "#f97316",
    Grade.INADEQUATE: "#dc2626",
}
TIMESCALE_COLORS = ["#b91c1c", "#ea580c", "#ca8a04", "#2563eb", "#7c3aed", "#64748b"]

_CHART_WIDTH = 560
_LABEL_H = 16
_BAR_H = 14
_ROW_H = 40
_GROUP_H = 26
_VALUE_ROOM = 150


def _svg_text(x: float, y: float, text: str, cls: str, anchor: str = "start") -> str:
    return f'<text x="{x:g}" y="{y:g}" class="{cls}" text-anchor="{anchor}">{escape(text)}</text>'


def render_bar_chart(
    title: str, groups: Sequence[tuple[str, Sequence[Bar]]], scale_max: float, note: str = ""
) -> str:
    """A horizontal bar chart as inline SVG: one heading per group (a report), one labelled bar
    per row, its value written after it. `scale_max` is a full-width bar's value."""
    rows = [(group, bars) for group, bars in groups if bars]
    caption = f"<figcaption>{escape(title)}</figcaption>"
    foot = f'<p class="chart-note">{escape(note)}</p>' if note else ""
    if not rows:
        return f'<figure class="ia-chart">{caption}{foot}</figure>'
    parts: list[str] = []
    y = 0.0
    room = _CHART_WIDTH - _VALUE_ROOM
    for group, bars in rows:
        y += _GROUP_H
        parts.append(_svg_text(0, y - 8, group, "chart-group"))
        for bar in bars:
            width = max(2.0, room * min(bar.value, scale_max) / scale_max) if scale_max else 2.0
            parts.append(
                f'<g class="chart-bar"><title>{escape(f"{group}: {bar.label} — {bar.text}")}'
                "</title>"
                + _svg_text(0, y + _LABEL_H - 4, _clip(bar.label, 84), "chart-label")
                + f'<rect x="0" y="{y + _LABEL_H:g}" width="{width:.1f}" height="{_BAR_H}" '
                f'rx="3" fill="{bar.color}"/>'
                + _svg_text(width + 6, y + _LABEL_H + _BAR_H - 3, bar.text, "chart-value")
                + "</g>"
            )
            y += _ROW_H
    height = y + 4
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_CHART_WIDTH} {height:g}" '
        f'width="100%" role="img" aria-label="{escape(title)}" '
        'font-family="system-ui, sans-serif" font-size="12">'
        f"{''.join(parts)}</svg>"
    )
    return f'<figure class="ia-chart">{caption}{svg}{foot}</figure>'


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _missing_note(reports: Sequence[str], covered: set[str], what: str) -> str:
    missing = [r for r in reports if r not in covered]
    return f"{what}: {', '.join(missing)}." if missing else ""


def render_grades_chart(judgments: Sequence[ScoredFinding], reports: Sequence[str]) -> str:
    """Each report's graded areas, the bar's length its grade (Inadequate … Outstanding)."""
    groups: dict[str, list[Bar]] = {}
    for s in judgments:
        grade = (s.finding.grade or "").strip()
        if s.finding.type is not FindingType.JUDGMENT or not grade:
            continue
        level = next((i + 1 for i, g in enumerate(GRADE_SCALE) if g.lower() == grade.lower()), 0)
        parsed = Grade.parse(grade)
        color = GRADE_COLORS[parsed] if parsed else "#64748b"
        bar = Bar(" ".join(s.finding.title.split()), level or 0.5, grade, color)
        groups.setdefault(s.doc_label or s.finding.doc_id, []).append(bar)
    note = _missing_note(reports, set(groups), "No graded judgments in")
    if not groups:
        note = note or "No graded judgments in these reports."
    return render_bar_chart(
        "Graded judgments per report", list(groups.items()), len(GRADE_SCALE), note
    )


def render_timescales_chart(
    recommendations: Sequence[ScoredFinding], reports: Sequence[str]
) -> str:
    """How many recommendations each report gives per timescale."""
    counts: dict[str, dict[str, int]] = {}
    for s in recommendations:
        if s.finding.type is not FindingType.RECOMMENDATION:
            continue
        timescale = " ".join((s.finding.timescale or "no timescale").split()).lower()
        per = counts.setdefault(s.doc_label or s.finding.doc_id, {})
        per[timescale] = per.get(timescale, 0) + 1
    order = sorted({t for per in counts.values() for t in per}, key=timescale_key)
    colors = {t: TIMESCALE_COLORS[min(i, len(TIMESCALE_COLORS) - 1)] for i, t in enumerate(order)}
    top = max((n for per in counts.values() for n in per.values()), default=0)
    groups = [
        (
            report,
            [
                Bar(
                    t.capitalize(),
                    per[t],
                    f"{per[t]} recommendation{'s' * (per[t] != 1)}",
                    colors[t],
                )
                for t in order
                if t in per
            ],
        )
        for report, per in counts.items()
    ]
    note = _missing_note(reports, set(counts), "No recommendations in")
    if not counts:
        note = note or "No recommendations in these reports."
    return render_bar_chart("Recommendations by timescale", groups, top, note)


# --- compare two reports -------------------------------------------------------------------

CHANGE_LABELS = {
    "recurs": "Appears to recur",
    "improved": "Appears to have improved",
    "worsened": "Appears to have got worse",
    "new": "New",
    "not_found": "Not matched",
}


def render_quote(quote: str) -> str:
    """A quoted passage as a blockquote that keeps its paragraphs and lists."""
    return f'<blockquote class="ia-quote">{render_blocks(quote.strip())}</blockquote>'


def compare_ref(n: int) -> str:
    return f'<a class="cmp-ref" href="#cmp-{n}" title="Jump to [{n}]">[{n}]</a>'


def link_compare_refs(text: str, numbers: Iterable[int]) -> str:
    """Escape `text` and turn each known `[n]` into a link to that item in the columns."""
    known = set(numbers)
    out, last = [], 0
    for match in _MARKER.finditer(text):
        out.append(escape(text[last : match.start()]))
        n = int(match.group(1))
        out.append(compare_ref(n) if n in known else f"[{n}]")
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def _where_short(citation: Citation) -> str:
    return place("", citation.section_path, citation.page)


def _finding_tag(finding: Finding) -> str:
    tag = (
        f'<span class="ftype ftype-{finding.type.value}">{finding_type_label(finding.type)}</span>'
    )
    if finding.type is FindingType.JUDGMENT:
        return tag + grade_badge(finding.grade)
    detail = finding_detail(finding)
    if detail != "—" and finding.type is not FindingType.HEADLINE_FIGURE:
        practice = f" practice-{finding.practice}" if finding.practice else ""
        tag += f'<span class="fdetail{practice}">{escape(detail)}</span>'
    return tag


def _cited_item(citation: Citation, head: str) -> str:
    return (
        f'<li id="cmp-{citation.n}" class="cmp-item">'
        f'<span class="cmp-n">[{citation.n}]</span><div class="cmp-body">{head}'
        f"{render_quote(citation.quote)}"
        f'<div class="cmp-where">{escape(_where_short(citation))}</div></div></li>'
    )


def render_compare_side(side: ComparisonSide) -> str:
    parts = [
        '<section class="cmp-side">',
        f'<h3>{escape(side.doc_label)} <span class="cmp-id">{escape(side.doc_id)}</span></h3>',
        f'<div class="cmp-doc-title">{escape(side.doc_title)}</div>',
        "<h4>Findings</h4>",
    ]
    if side.findings:
        items = "".join(
            _cited_item(
                f.citation,
                f'<div class="cmp-tags">{_finding_tag(f.finding)}</div>'
                f'<div class="cmp-title">{escape(" ".join(f.finding.title.split()))}</div>',
            )
            for f in side.findings
        )
        parts.append(f'<ol class="cmp-list">{items}</ol>')
    else:
        parts.append('<p class="cmp-none">No findings on this topic.</p>')
    parts.append("<h4>Key passages</h4>")
    if side.passages:
        items = "".join(_cited_item(c, "") for c in side.passages)
        parts.append(f'<ol class="cmp-list">{items}</ol>')
    else:
        parts.append('<p class="cmp-none">No passages on this topic.</p>')
    parts.append("</section>")
    return "".join(parts)


def _evidence(label: str, citations: Sequence[Citation]) -> str:
    if not citations:
        return ""
    refs = " ".join(compare_ref(c.n) for c in citations)
    return f'<span class="chg-side">{escape(label)} {refs}</span>'


def render_change(change: Change, numbers: Iterable[int], label_a: str, label_b: str) -> str:
    evidence = [*change.a, *change.b]
    label = CHANGE_LABELS.get(change.status, change.status)
    statement = change.statement.removeprefix(f"{label}: ")
    quotes = "".join(
        f"<li><strong>[{c.n}] {escape(c.doc_label)}</strong> · {escape(_where_short(c))}"
        f"{render_quote(c.quote)}</li>"
        for c in evidence
    )
    sides = " · ".join(s for s in (_evidence(label_a, change.a), _evidence(label_b, change.b)) if s)
    return (
        f'<li class="chg chg-{escape(change.status)}">'
        f'<span class="chg-status">{escape(label)}</span>'
        f'<div class="chg-text">{link_compare_refs(statement, numbers)}</div>'
        f'<div class="chg-evidence">Evidence: {sides}</div>'
        f"<details><summary>Show the evidence quotes</summary><ul>{quotes}</ul></details></li>"
    )


def render_comparison(comparison: Comparison) -> str:
    """Both reports side by side (findings and key passages, numbered [n] with their quotes),
    then "What changed", each item linked to its evidence."""
    numbers = [c.n for c in comparison.citations]
    a, b = comparison.a, comparison.b
    head = (
        f'<div class="cmp-head">Comparing <strong>“{escape(comparison.topic)}”</strong> in '
        f"{escape(a.doc_label)} and {escape(b.doc_label)}</div>"
    )
    columns = f'<div class="cmp-cols">{render_compare_side(a)}{render_compare_side(b)}</div>'
    if comparison.changes:
        items = "".join(
            render_change(c, numbers, a.doc_label, b.doc_label) for c in comparison.changes
        )
        changes = f'<ul class="chg-list">{items}</ul>'
    else:
        changes = (
            '<p class="cmp-none">Nothing to pair between the two reports on this topic: read '
            "the columns above.</p>"
        )
    what = (
        '<section class="cmp-changes"><h3>What changed</h3>'
        '<p class="cmp-caveat">A reading of the wording, not a verdict: check the sources.</p>'
        f"{changes}</section>"
    )
    return f'<div class="ia-compare">{head}{columns}{what}</div>'


# --- quizzes -------------------------------------------------------------------------------

QUESTION_TYPE_LABELS = {
    "mcq": "Multiple choice",
    "true_false": "True or false",
    "short": "Short answer",
    "multi": "Select all that apply",
    "ordering": "Put in order",
}
KIND_LABELS = {
    "practice": "Practice",
    "scenario": "Scenario",
    "finding": "Finding",
    "multi_select": "Multi-select",
    "ordering": "Ordering",
    "figure": "Figure recall",
    "timescale": "Timescale recall",
    "term": "Term",
}
_LETTERS = "abcdefghij"


def quiz_filename(what: str, extension: str) -> str:
    return f"quiz-{slug(what)}.{extension}"


def _option(question: QuizQuestion, i: int, show_answers: bool) -> str:
    letter = _LETTERS[i] if i < len(_LETTERS) else str(i + 1)
    text = f'<span class="opt-letter">{letter})</span> {escape(question.options[i])}'
    if not show_answers:
        return f'<li class="opt">{text}</li>'
    feedback = question.feedback[i] if i < len(question.feedback) else ""
    if question.type == "ordering":
        place = question.right.index(i) + 1
        return f'<li class="opt">{text} <span class="q-correct">→ {place}</span></li>'
    if i in question.right:
        return f'<li class="opt correct">{text} <span class="q-correct">✓ correct</span></li>'
    note = f'<div class="opt-feedback">{escape(feedback)}</div>' if feedback else ""
    return f'<li class="opt">{text}{note}</li>'


def render_question(question: QuizQuestion, number: int, show_answers: bool = True) -> str:
    """One question; with `show_answers` off, only what a class should see (to project it)."""
    kind = f'<span class="q-kind">{escape(question.kind)}</span>' if question.kind else ""
    name = f'<span class="q-name">{escape(question.name)}</span>' if question.name else ""
    parts = [
        f'<li class="quiz-q q-{escape(question.type)}">',
        f'<div class="q-head"><span class="q-n">{number}</span>'
        f'<span class="q-type">{escape(QUESTION_TYPE_LABELS.get(question.type, question.type))}'
        f"</span>{kind}{name}</div>",
        f'<p class="q-stem">{escape(question.stem)}</p>',
    ]
    if question.type == "short" or isinstance(question.answer, str):
        if show_answers:
            accepted = ""
            if question.alternatives:
                accepted = (
                    ' <span class="q-alt">(also accepted: '
                    f"{escape(', '.join(question.alternatives))})</span>"
                )
            parts.append(
                f'<p class="q-answer"><span class="q-correct">✓ Answer</span> '
                f"{escape(question.answer_text)}{accepted}</p>"
            )
    else:
        options = "".join(_option(question, i, show_answers) for i in range(len(question.options)))
        parts.append(f'<ul class="q-options">{options}</ul>')
    if not show_answers:
        parts.append("</li>")
        return "".join(parts)
    parts.append(f'<p class="q-expl"><strong>Why:</strong> {escape(question.explanation)}</p>')
    quote = " ".join(question.citation.quote.split())
    parts.append(
        f'<div class="q-source"><div class="q-where">Source: {escape(question.source)}</div>'
        f"<blockquote>“{escape(quote)}”</blockquote></div></li>"
    )
    return "".join(parts)


def quiz_summary(result: QuizResult) -> str:
    """ "5 questions (3 multiple choice, 2 true or false) from Staffordshire 2021"."""
    counts: dict[str, int] = {}
    for q in result.questions:
        label = QUESTION_TYPE_LABELS.get(q.type, q.type).lower()
        counts[label] = counts.get(label, 0) + 1
    total = len(result.questions)
    parts = ", ".join(f"{n} {label}" for label, n in counts.items())
    reports = sorted({q.citation.doc_label for q in result.questions})
    line = f"{total} question{'s' * (total != 1)} ({parts}) from {' and '.join(reports)}"
    if total < result.requested:
        line += f" (asked for {result.requested}; only {total} available)"
    if result.note:
        line += f". {result.note}"
    return line


def quiz_report(result: QuizResult) -> str:
    """The trainer's check: kind mix, difficulty, true/false balance and what was dropped."""
    mix = ", ".join(f"{n} {KIND_LABELS.get(k, k).lower()}" for k, n in result.kind_mix().items())
    lines = [f"Kinds: {mix}." if mix else "", f"Difficulty: {result.difficulty}."]
    truth = result.true_share()
    if truth is not None:
        lines.append(f"True/false: {round(100 * truth)}% true.")
    dropped = sum(result.dropped.values())
    reasons = "; ".join(
        f"{n} × {r}" for r, n in sorted(result.dropped.items(), key=lambda kv: -kv[1])
    )
    lines.append(
        f"The item checks dropped {dropped} candidate{'s' * (dropped != 1)}"
        + (f" ({reasons})." if reasons else ".")
    )
    return "".join(f"<div>{escape(line)}</div>" for line in lines if line)


def render_quiz(result: QuizResult, show_answers: bool = True) -> str:
    """The quiz preview: each question with its options, the right one marked, why the others
    are wrong, and the passage it rests on; or, with answers hidden, what a class sees."""
    if not result.questions:
        return render_placeholder("No questions could be built from these passages.")
    items = "".join(
        render_question(q, i, show_answers) for i, q in enumerate(result.questions, start=1)
    )
    report = f'<div class="quiz-report">{quiz_report(result)}</div>' if show_answers else ""
    return (
        f'<div class="ia-quiz"><div class="quiz-summary">{escape(quiz_summary(result))}</div>'
        f'{report}<ol class="quiz-list">{items}</ol></div>'
    )
