"""Structure parser: report metadata, the section tree, graded judgments and cited guidance.

Heading levels are not written in a plain-text export, so they are inferred from what a heading
*is*: a top-level heading (a numbered chapter, Summary, Conclusion, Annex, a graded judgment
area...), a container (Main findings, Areas for improvement, Recommendations...), a case study, or
an ordinary sub-heading, which sits one level below the nearest open container or chapter.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from assistant.domain.records import (
    Document,
    DocumentKind,
    GuidanceRef,
    Judgment,
    Section,
    SectionKind,
)
from ingest.blocks import Block, BlockType, graded_cells, split_blocks, table_rows
from ingest.identity import doc_id as make_doc_id
from ingest.normalise import NormalisedText

K = SectionKind

_NUMBERED = re.compile(r"^(?:(?:chapter|part|section)\s+)?(\d{1,2})(?:[.:]|\s[–-])?\s+\S", re.I)
_TOP_NAMES = {
    "foreword": K.FOREWORD,
    "contents": K.CONTENTS,
    "table of contents": K.CONTENTS,
    "summary": K.SUMMARY,
    "overall summary": K.SUMMARY,
    "executive summary": K.SUMMARY,
    "introduction": K.INTRODUCTION,
    "conclusion": K.CONCLUSION,
    "conclusions": K.CONCLUSION,
    "next steps": K.NEXT_STEPS,
    "glossary": K.ANNEX,
    "references": K.ANNEX,
}
_ANNEX = re.compile(r"^(?:annex|appendix)\b", re.I)
_CONTAINERS: list[tuple[re.Pattern[str], SectionKind | None]] = [
    (re.compile(r"^main findings\b", re.I), K.MAIN_FINDINGS),
    (re.compile(r"^(?:specific )?areas? for improvement$", re.I), K.AREAS_FOR_IMPROVEMENT),
    (re.compile(r"^recommendations?$", re.I), K.RECOMMENDATIONS),
    (re.compile(r"^innovative practice$", re.I), K.INNOVATIVE_PRACTICE),
    (re.compile(r"^causes? of concern$", re.I), None),
    (re.compile(r"^(?:our judgments|.*inspector's summary)$", re.I), K.SUMMARY),
]
_CASE_STUDY = re.compile(r"^case stud(?:y|ies)\b", re.I)
_DATE_RANGE = re.compile(
    r"\b\d{1,2}(?:\s+[A-Z][a-z]+)?\s*[–-]\s*\d{1,2}\s+[A-Z][a-z]+\s+(\d{4})\b"
    r"|\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\s+(\d{4})\b"
)
_FORCE = re.compile(
    r"^(?P<force>[A-Z][\w&'’ -]*?\b(?:Police|Constabulary)(?: Service)?)(?=$|\s+\d{1,2}\b)"
)
_PUBLISHED = re.compile(r"^(?P<date>[A-Z][a-z]+ \d{4})\s*\|\s*©\s*(?P<who>[A-Za-z&' ]+?)\s+\d{4}")
_SALUTATION = re.compile(r"^Dear [A-Z]")
_SIGN_OFF = re.compile(r"^Yours (?:sincerely|faithfully)\b", re.I)
_PUBLISHED_IN = re.compile(r"\b(?i:published)\s+(?:on\s+)?((?:\d{1,2}\s+)?[A-Z][a-z]+\s+(\d{4}))")
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_SHORT_CASE_CHILD_WORDS = 8
_CONTENTS_LOOKAHEAD = 3

PARSER_VERSION = "5"
"""Bump when parsing, chunking or findings extraction changes, so a re-ingest rebuilds unchanged
files (3: findings; 4: formats, identity, guidance paragraphs; 5: a finding's or caption's
heading opens its chunk)."""


@dataclass
class ParsedDocument:
    document: Document
    text: str
    sections: list[Section]
    blocks: list[Block]
    block_sections: list[str | None]
    """For each block, the id of the section whose own body it belongs to (None: a heading,
    front matter or boilerplate)."""
    contents: list[tuple[str, int | None]] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)
    page_starts: list[tuple[int, int]] = field(default_factory=list)

    def page_at(self, offset: int) -> int | None:
        return NormalisedText(self.text, page_starts=self.page_starts).page_at(offset)

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.section_id == section_id)


def _document_kind(title: str, blocks: list[Block]) -> DocumentKind:
    """An inspection report, guidance, a letter (a salutation near the top), or other."""
    lowered = title.lower()
    if "guidance" in lowered or "working together" in lowered:
        return "guidance"
    if "letter" in lowered or any(_SALUTATION.match(b.text) for b in blocks[:12]):
        return "letter"
    return "inspection_report" if "inspection" in lowered or "peel" in lowered else "other"


def _key(heading: str) -> str:
    return re.sub(r"\s+", " ", heading).strip().lower()


@dataclass
class _HeadingInfo:
    rank: int
    kind: SectionKind | None
    container: bool = False
    case_study: bool = False


def _top_kind(heading: str) -> SectionKind | None:
    key = _key(heading)
    if key in _TOP_NAMES:
        return _TOP_NAMES[key]
    numbered = _NUMBERED.match(heading)
    if numbered:
        rest = _key(heading[numbered.end() - 1 :])
        return _TOP_NAMES.get(rest, K.CHAPTER)
    if _ANNEX.match(heading):
        return K.ANNEX
    return None


def _container(heading: str) -> tuple[bool, SectionKind | None]:
    """Whether the heading opens a container, and its kind (None: its parent's, as for a
    "Cause of concern" inside a graded area)."""
    return next(
        ((True, kind) for pattern, kind in _CONTAINERS if pattern.match(heading)), (False, None)
    )


def _container_kind(heading: str) -> SectionKind | None:
    return _container(heading)[1]


def _parse_contents(block: Block) -> list[tuple[str, int | None]]:
    """Contents rows "heading<TAB>page" (front-matter pages in roman numerals have no number),
    or a web page's contents list ("- heading", no pages)."""
    entries: list[tuple[str, int | None]] = []
    if block.type is BlockType.LIST:
        items = (line.strip() for line in block.text.split("\n"))
        return [(item[2:].strip(), None) for item in items if item.startswith("- ")]
    for row in table_rows(block):
        if len(row) == 2 and re.fullmatch(r"\d+|[ivxlc]+", row[1].strip(), re.I):
            page = row[1].strip()
            entries.append((row[0].strip(), int(page) if page.isdigit() else None))
    return entries


def _contents(blocks: list[Block]) -> list[tuple[str, int | None]]:
    """The entries of the Contents: the tables or lists right after its heading (a printed
    contents may run over a page break, so over several blocks)."""
    start = next(
        (
            i
            for i, b in enumerate(blocks)
            if b.type is BlockType.HEADING and _top_kind(b.text) is K.CONTENTS
        ),
        None,
    )
    entries: list[tuple[str, int | None]] = []
    for block in blocks[start + 1 :] if start is not None else []:
        found = _parse_contents(block) if block.type in (BlockType.TABLE, BlockType.LIST) else []
        if not found:
            break
        entries.extend(found)
    return entries


def _demote_signatures(blocks: list[Block], top_keys: set[str]) -> list[Block]:
    """A run of two or more heading-like lines with no body, ending right before a top-level
    heading, is a signature or sign-off ("name / title"), not a pair of empty sections."""
    out = list(blocks)
    i = 0
    while i < len(out):
        j = i
        while (
            j < len(out) and out[j].type is BlockType.HEADING and _key(out[j].text) not in top_keys
        ):
            j += 1
        run = j - i
        nxt = out[j] if j < len(out) else None
        if (
            run >= 2
            and nxt is not None
            and nxt.type is BlockType.HEADING
            and (_key(nxt.text) in top_keys or _top_kind(nxt.text))
        ):
            for k in range(i, j):
                out[k] = Block(out[k].start, out[k].end, out[k].text, BlockType.PARAGRAPH)
        i = max(j, i + 1)
    return out


def _demote_letter_lines(blocks: list[Block]) -> list[Block]:
    """A letter's salutation ("Dear ...") and everything from its sign-off ("Yours sincerely")
    on are paragraphs, not sections."""
    out, signed = [], False
    for block in blocks:
        signed = signed or bool(_SIGN_OFF.match(block.text))
        if block.type is BlockType.HEADING and (signed or _SALUTATION.match(block.text)):
            block = Block(block.start, block.end, block.text, BlockType.PARAGRAPH)
        out.append(block)
    return out


@dataclass(frozen=True)
class _Meta:
    """What a document's front matter says about it."""

    title: str
    force: str | None
    period: str | None
    year: int | None
    published: str | None
    publisher: str | None


def _metadata(front: list[Block], blocks: list[Block]) -> _Meta:
    lines = [line.strip() for b in front for line in b.text.split("\n") if line.strip()]
    title = lines[0] if lines else ""
    # "Staffordshire Police 12–23 May 2025": a title page's lines joined by a web page or a
    # Word line break still name the force before the dates.
    force = next((m.group("force") for m in map(_FORCE.match, lines) if m), None)
    period = None
    year: int | None = None
    published = publisher = None
    for line in lines:
        match = _DATE_RANGE.search(line)
        if match and line.lower().startswith("published"):
            published = published or match.group(0)  # a publication date, not a period
        elif match:
            period = match.group(0)
            year = int(match.group(1) or match.group(2))
            break
    for block in blocks:
        match = _PUBLISHED.match(block.one_line)
        if match:
            published, publisher = match.group("date"), match.group("who").strip()
    if published is None:  # "... Partnership Published June 2024": a line of a web page
        found = next((m for b in blocks[:8] if (m := _PUBLISHED_IN.search(b.one_line))), None)
        published = found.group(1) if found else None
    if year is None and published:
        year = int(published[-4:])
    return _Meta(title, force, period, year, published, publisher)


def _guidance(nt: NormalisedText, text: str) -> list[GuidanceRef]:
    """Statutory guidance named (as a linked or italic title) in a sentence that mentions
    guidance, with the edition year found in the title or the sentence."""
    found: dict[str, GuidanceRef] = {}
    for term in nt.glossary_terms:
        if not term[:1].isupper() or len(term.split()) < 3:
            continue
        for match in re.finditer(re.escape(term), text):
            s0 = max(text.rfind(". ", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
            s1 = min(
                x
                for x in (text.find(". ", match.end()), text.find("\n", match.end()), len(text))
                if x >= 0
            )
            sentence = text[s0:s1]
            if "statutory guidance" not in sentence.lower():
                continue
            others = sentence
            for other in nt.glossary_terms:
                others = others.replace(other, " ")
            year = _YEAR.search(term) or _YEAR.search(others)
            title = _YEAR.sub("", term.split(":")[0]).strip(" '")
            edition = year.group(0) if year else None
            current = found.get(title.lower())
            if current is None or (current.edition is None and edition):
                found[title.lower()] = GuidanceRef(title=title, edition=edition)
    return list(found.values())


def _judgments_from_table(block: Block) -> list[Judgment]:
    return [Judgment(area=area, grade=grade) for area, grade in graded_cells(table_rows(block))]


def parse(nt: NormalisedText, source_file: str, sha256: str) -> ParsedDocument:
    """Parse a normalised document into its metadata, section tree and block assignment."""
    text = nt.text
    blocks = split_blocks(text)

    contents = _contents(blocks)
    contents_keys = {_key(t) for t, _ in contents}
    top_keys = {k for k in contents_keys if _top_kind(k) or _container_kind(k) is None}
    blocks = _demote_letter_lines(_demote_signatures(blocks, top_keys))

    # Front matter ends at the first heading that opens a real section.
    first = next(
        (
            i
            for i, b in enumerate(blocks)
            if b.type is BlockType.HEADING and (_top_kind(b.text) or _key(b.text) in contents_keys)
        ),
        next((i for i, b in enumerate(blocks) if b.type is BlockType.HEADING and i > 0), 0),
    )
    meta = _metadata(blocks[:first], blocks)

    sections: list[Section] = []
    block_sections: list[str | None] = [None] * len(blocks)
    stack: list[tuple[Section, _HeadingInfo]] = []
    judgments: list[Judgment] = []
    table_judgments: list[Judgment] = []
    tables: list[list[list[str]]] = []

    def open_section(block: Block, info: _HeadingInfo, grade: str | None) -> Section:
        while stack and stack[-1][1].rank >= info.rank:
            stack.pop()
        parent = stack[-1][0] if stack else None
        kind = info.kind or (parent.kind if parent else K.CHAPTER)
        heading = block.one_line
        section = Section(
            section_id=f"s{len(sections):03d}",
            heading=heading,
            level=info.rank,
            kind=kind,
            path=[*(parent.path if parent else []), heading],
            parent_id=parent.section_id if parent else None,
            grade=grade,
            start=block.start,
            end=len(text),
        )
        sections.append(section)
        stack.append((section, info))
        return section

    def classify(i: int, block: Block) -> tuple[_HeadingInfo, str | None]:
        heading = block.one_line
        aligned = contents_aligned(heading)
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        grade = nxt.grade if nxt is not None else None
        if grade:
            return _HeadingInfo(1, K.JUDGMENT_AREA), grade
        top = _top_kind(heading)
        if top is K.CONTENTS:
            return _HeadingInfo(1, top), None
        if top and (aligned or not contents or _NUMBERED.match(heading) or _ANNEX.match(heading)):
            return _HeadingInfo(1, top), None
        if top:  # a top-level name the Contents doesn't list here: a part of the current section
            return _HeadingInfo(2, top), None
        is_container, container = _container(heading)
        if is_container:
            return _HeadingInfo(2, container, container=True), None
        if _CASE_STUDY.match(heading):
            base = stack[-1][1].rank if stack else 1
            if stack and stack[-1][1].case_study:
                base -= 1
            return _HeadingInfo(base + 1, K.CASE_STUDY, case_study=True), None
        in_case = next((info for _, info in reversed(stack) if info.case_study), None)
        if in_case and len(heading.split()) <= _SHORT_CASE_CHILD_WORDS:
            return _HeadingInfo(in_case.rank + 1, None), None
        holder = next(
            (info for _, info in reversed(stack) if info.container or info.rank == 1), None
        )
        return _HeadingInfo((holder.rank if holder else 1) + 1, None), None

    pointer = 0

    printed_pages: dict[int, int | None] = {}

    def contents_aligned(heading: str) -> bool:
        """Whether the heading is the next entry (or one of the next few) in the Contents; if so,
        its printed page is noted for the section about to open."""
        nonlocal pointer
        key = _key(heading)
        for ahead in range(pointer, min(pointer + _CONTENTS_LOOKAHEAD, len(contents))):
            if _key(contents[ahead][0]) == key:
                pointer = ahead + 1
                printed_pages[len(sections)] = contents[ahead][1]
                return True
        return False

    skip_grade = False
    for i, block in enumerate(blocks):
        if i < first:
            continue
        if skip_grade:
            skip_grade = False
            block_sections[i] = stack[-1][0].section_id if stack else None
            continue
        if block.type is BlockType.HEADING:
            info, grade = classify(i, block)
            section = open_section(block, info, grade)
            if grade:
                judgments.append(
                    Judgment(area=section.heading, grade=grade, section_id=section.section_id)
                )
                skip_grade = True
            continue
        if block.type is BlockType.BOILERPLATE or not stack:
            continue
        if block.type is BlockType.TABLE:
            tables.append(table_rows(block))
            table_judgments.extend(_judgments_from_table(block))
        block_sections[i] = stack[-1][0].section_id
    judgments = judgments or table_judgments

    # Section ends: the start of the next heading at the same or a higher level.
    for idx, section in enumerate(sections):
        for later in sections[idx + 1 :]:
            if later.level <= section.level:
                section.end = _trim_end(text, later.start)
                break
        else:
            section.end = len(text.rstrip())

    _assign_pages(sections, printed_pages, nt)

    force = meta.force
    title = meta.title or source_file
    year = meta.year
    kind = _document_kind(title, blocks)
    who = str(force).removesuffix(" Police").removesuffix(" Constabulary") if force else None
    doc_id = make_doc_id(
        who, year, title, kind, fallback=hashlib.sha1(sha256.encode()).hexdigest()[:12]
    )
    document = Document(
        doc_id=doc_id,
        title=f"{title}: {force}" if force and force not in title else title,
        publisher=meta.publisher,
        force=force,
        kind=kind,
        inspection_period=meta.period,
        published=meta.published,
        year=year,
        source_file=source_file,
        sha256=sha256,
        guidance=_guidance(nt, text),
        judgments=judgments,
        glossary_terms=nt.glossary_terms,
    )
    return ParsedDocument(
        document, text, sections, blocks, block_sections, contents, tables, nt.page_starts
    )


def _trim_end(text: str, end: int) -> int:
    while end > 0 and text[end - 1] in "\n ":
        end -= 1
    return end


def _assign_pages(
    sections: list[Section], printed_pages: dict[int, int | None], nt: NormalisedText
) -> None:
    """Pages from the PDF's page breaks when there are any; otherwise the printed page of each
    heading aligned with the Contents, inherited by the sections that follow it."""
    if nt.page_starts:
        for section in sections:
            section.page = nt.page_at(section.start)
        return
    page: int | None = None
    for index, section in enumerate(sections):
        if index in printed_pages:
            page = printed_pages[index]
        section.page = page
