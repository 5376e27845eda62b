"""Findings for leads: recommendations (with their timescales), areas for improvement, graded
judgments, case studies (good, poor or mixed practice), innovative practice and headline figures,
extracted from a parsed report's structure.

Pure functions on a `ParsedDocument`: everything is read from the section tree, the blocks and
their wording (list shape, container headings, a scored word list), never from a particular
report's text, so any report in the raw convention yields its findings the same way.
Every finding's `text` is exactly the normalised text at its span.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter

from assistant.domain.records import Finding, FindingType, Judgment, Practice, Section, SectionKind
from assistant.domain.words import parse_number, parse_timescale
from ingest.blocks import Block, BlockType
from ingest.structure import ParsedDocument

T = FindingType
K = SectionKind

_ITEM = re.compile(r"^(?P<indent>\s*)(?:-|\d{1,2}\.|[a-z]\))\s+")
_COUNT_ITEM = re.compile(r"^\d[\d,]*(?:\.\d+)?%?\s+\S")
_CASE_STUDY = re.compile(r"^case stud(?:y|ies)\b\s*[:–-]?\s*", re.I)
_CASE_COUNT = re.compile(r"^case studies\b\W+(?P<n>\d{1,2}|[a-z]+)\b", re.I)
_CAUSE = re.compile(r"^causes? of concern$", re.I)
_RECOMMEND = re.compile(r"\brecommend", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")
_ITEM_TAIL = re.compile(r"(?:[;,.]\s*(?:and|or)?|\s+(?:and|or))\s*$")
_TITLE_CHARS = 160

# --- wording: good, poor or mixed practice ------------------------------------------------------

_GOOD_WORDS = {
    "effective": 2,
    "effectively": 2,
    "good": 2,
    "excellent": 2,
    "well": 1,
    "better": 1,
    "decisive": 1,
    "decisively": 1,
    "prompt": 1,
    "promptly": 1,
    "proactive": 1,
    "proactively": 1,
    "improved": 1,
    "improving": 1,
    "support": 1,
    "supports": 1,
    "reduces": 1,
    "thorough": 1,
    "strong": 1,
    "successful": 1,
    "successfully": 1,
    "positive": 1,
}
_POOR_WORDS = {
    "ineffective": 2,
    "failure": 2,
    "failures": 2,
    "fail": 2,
    "failed": 2,
    "fails": 2,
    "delay": 2,
    "delays": 2,
    "delayed": 2,
    "poor": 2,
    "poorly": 2,
    "missed": 2,
    "overlook": 2,
    "overlooks": 2,
    "overlooked": 2,
    "slow": 2,
    "slowly": 2,
    "inadequate": 2,
    "inconsistent": 1,
    "inconsistently": 1,
    "unclear": 1,
    "lack": 1,
    "lacks": 1,
    "wrongly": 1,
    "not": 1,
    "no": 1,
    "don't": 1,
    "doesn't": 1,
    "didn't": 1,
    "isn't": 1,
    "aren't": 1,
    "wasn't": 1,
    "weren't": 1,
    "can't": 1,
    "cannot": 1,
    "hadn't": 1,
    "hasn't": 1,
    "haven't": 1,
    "couldn't": 1,
    "wouldn't": 1,
    "never": 1,
    "rarely": 2,
    "confused": 1,
    "disappointing": 2,
    "difficult": 1,
    "backlog": 2,
    "backlogs": 2,
    "insufficient": 2,
    "unable": 1,
}
_POOR_PHRASES = (
    re.compile(r"\btook\s+\d+\s+(?:minutes|hours|days|weeks|months)\b", re.I),
    re.compile(r"\b(?:remained|left)\s+at\s+risk\b", re.I),
    re.compile(r"\b(?:needs?|should|must) (?:to )?(?:\w+ )?improve\b", re.I),
    re.compile(r"\btoo (?:slow|long|late|few|many|often)\b", re.I),
)
_CONTRAST = re.compile(r",?\s+\b(?:but|although|though|however)\b\s+", re.I)
_WORDS = re.compile(r"[a-z]+(?:['-][a-z]+)*")


def wording_score(text: str) -> tuple[int, int]:
    """(good, poor): weighted counts of good-practice and poor-practice wording."""
    lowered = text.lower().replace("’", "'")
    words = _WORDS.findall(lowered)
    good = sum(_GOOD_WORDS.get(w, 0) for w in words)
    poor = sum(_POOR_WORDS.get(w, 0) for w in words)
    poor += sum(2 * len(p.findall(lowered)) for p in _POOR_PHRASES)
    return good, poor


def polarity(text: str) -> Practice | None:
    """Whether wording describes good, poor or mixed practice (None: no signal). A contrast
    ("X, but Y doesn't...") whose one side is free of poor wording reads as mixed."""
    good, poor = wording_score(text)
    if good and poor:
        return "mixed"
    if poor:
        clauses = _CONTRAST.split(text)
        if len(clauses) > 1 and any(not wording_score(c)[1] for c in clauses if c.strip()):
            return "mixed"
        return "poor"
    return "good" if good else None


def classify_practice(heading: str, body: str = "") -> Practice | None:
    """A case study's practice, from its heading's wording; the body decides only when the
    heading says nothing either way (and then only by a clear margin)."""
    verdict = polarity(_CASE_STUDY.sub("", heading))
    if verdict or not body:
        return verdict
    good, poor = wording_score(body)
    if good > 1.5 * poor:
        return "good"
    if poor > 1.5 * good:
        return "poor"
    return "mixed" if good or poor else None


# --- timescales ---------------------------------------------------------------------------------


# --- helpers ------------------------------------------------------------------------------------


def _clean_item(line: str) -> str:
    """A list line without its marker or its joining punctuation ("; and", trailing ".")."""
    body = _ITEM.sub("", line, count=1).strip()
    return _ITEM_TAIL.sub("", body).strip()


def _first_sentences(text: str, limit: int = _TITLE_CHARS) -> str:
    flat = " ".join(text.split())
    first = _SENTENCE_END.split(flat, maxsplit=1)[0]
    if len(first) <= limit:
        return first
    return first[: limit - 1].rsplit(" ", 1)[0] + "…"


def _items(block: Block) -> list[tuple[int, int, str, bool]]:
    """(start, end, line, nested) for each line of a list block, with document offsets."""
    out = []
    offset = block.start
    for line in block.text.split("\n"):
        marker = _ITEM.match(line)
        nested = bool(marker and marker.group("indent"))
        out.append((offset, offset + len(line), line, nested))
        offset += len(line) + 1
    return out


def _item_start(start: int, line: str) -> int:
    marker = _ITEM.match(line)
    return start + (marker.end() if marker else len(line) - len(line.lstrip()))


class _Extractor:
    def __init__(self, parsed: ParsedDocument) -> None:
        self.parsed = parsed
        self.text = parsed.text
        self.doc_id = parsed.document.doc_id
        self.by_id = {s.section_id: s for s in parsed.sections}
        self.children: dict[str | None, list[Section]] = {}
        for section in parsed.sections:
            self.children.setdefault(section.parent_id, []).append(section)
        self.body: dict[str, list[int]] = {}
        for index, section_id in enumerate(parsed.block_sections):
            if section_id is not None:
                self.body.setdefault(section_id, []).append(index)
        self.found: list[Finding] = []

    # building a finding ------------------------------------------------------------------

    def add(
        self, kind: FindingType, title: str, section: Section, start: int, end: int, **extra
    ) -> None:
        while end > start and self.text[end - 1].isspace():
            end -= 1
        page = self.parsed.page_at(start) if self.parsed.page_starts else section.page
        self.found.append(
            Finding(
                finding_id="",
                doc_id=self.doc_id,
                type=kind,
                title=" ".join(title.split()),
                text=self.text[start:end],
                section_id=section.section_id,
                section_path=section.path,
                start=start,
                end=end,
                page=page,
                **extra,
            )
        )

    def body_start(self, section: Section) -> int | None:
        """Where the section's body starts: the first block after its heading inside it."""
        for block, section_id in zip(self.parsed.blocks, self.parsed.block_sections, strict=True):
            if section_id is not None and section.start < block.start < section.end:
                return block.start
        return None

    def is_container(self, section: Section, kind: SectionKind) -> bool:
        parent = self.by_id.get(section.parent_id or "")
        return section.kind is kind and (parent is None or parent.kind is not kind)

    # the kinds of finding ----------------------------------------------------------------

    def recommendations(self) -> None:
        for section in self.parsed.sections:
            if self.is_container(section, K.RECOMMENDATIONS):
                self._recommendations_in(section)

    def _recommendations_in(self, section: Section) -> None:
        blocks = [self.parsed.blocks[i] for i in self.body.get(section.section_id, [])]
        pending: tuple[int, int, str, list[str]] | None = None  # start, end, lead, sub-points

        def flush() -> None:
            nonlocal pending
            if pending is not None:
                start, end, lead, subs = pending
                self.add(
                    T.RECOMMENDATION,
                    lead,
                    section,
                    start,
                    end,
                    timescale=parse_timescale(lead),
                    sub_points=subs,
                )
                pending = None

        for index, block in enumerate(blocks):
            if block.type is BlockType.LIST:
                lines = _items(block)
                tops = [line for _, _, line, nested in lines if not nested]
                introduced = pending is not None and pending[2].rstrip().endswith(":")
                if (
                    pending is not None
                    and introduced
                    and not any(_RECOMMEND.search(t) for t in tops)
                ):
                    start, _, lead, subs = pending
                    pending = (start, block.end, lead, subs + [_clean_item(x[2]) for x in lines])
                    continue
                for start, end, line, nested in lines:
                    if nested and pending is not None:
                        pending = (pending[0], end, pending[2], [*pending[3], _clean_item(line)])
                        continue
                    flush()
                    pending = (_item_start(start, line), end, _ITEM.sub("", line, count=1), [])
                continue
            flush()
            nxt = blocks[index + 1] if index + 1 < len(blocks) else None
            intro = (
                block.text.rstrip().endswith(":")
                and nxt is not None
                and nxt.type is BlockType.LIST
                and any(_RECOMMEND.search(line) for _, _, line, _ in _items(nxt))
            )
            if block.type is BlockType.PARAGRAPH and not intro:
                pending = (block.start, block.end, block.one_line, [])
        flush()

    def sub_sections(self, kind: FindingType, container_kind: SectionKind) -> None:
        """Each sub-section of a container is one finding (heading: title, body: text); a
        container without sub-sections gives one finding per paragraph or list item."""
        for section in self.parsed.sections:
            if not self.is_container(section, container_kind):
                continue
            children = self.children.get(section.section_id, [])
            if children:
                for child in children:
                    start = self.body_start(child)
                    if start is None:
                        self.add(
                            kind,
                            child.heading,
                            child,
                            child.start,
                            child.start + len(child.heading),
                        )
                    else:
                        self.add(kind, child.heading, child, start, child.end)
                continue
            for i in self.body.get(section.section_id, []):
                block = self.parsed.blocks[i]
                if block.type is BlockType.LIST:
                    for start, end, line, nested in _items(block):
                        if not nested:
                            self.add(
                                kind,
                                _first_sentences(_clean_item(line)),
                                section,
                                _item_start(start, line),
                                end,
                            )
                elif block.type is BlockType.PARAGRAPH:
                    self.add(kind, _first_sentences(block.text), section, block.start, block.end)

    def causes_of_concern(self) -> None:
        """Each paragraph or list item of a "Cause of concern" section (its recommendations
        follow in a Recommendations section of their own)."""
        for section in self.parsed.sections:
            if not _CAUSE.match(section.heading):
                continue
            for i in self.body.get(section.section_id, []):
                block = self.parsed.blocks[i]
                if block.type is BlockType.PARAGRAPH and not _RECOMMEND.search(block.text):
                    title = _first_sentences(block.text)
                    self.add(T.CAUSE_OF_CONCERN, title, section, block.start, block.end)

    def judgments(self) -> None:
        for judgment in self.parsed.document.judgments:
            if judgment.section_id and judgment.section_id in self.by_id:
                self._judgment_from_section(judgment, self.by_id[judgment.section_id])
            else:
                self._judgment_from_table(judgment)

    def _judgment_from_section(self, judgment: Judgment, section: Section) -> None:
        """The area's summary statement (the first paragraph after its grade), or the grade."""
        indexes = self.body.get(section.section_id, [])
        blocks = [self.parsed.blocks[i] for i in indexes]
        statement = next((b for b in blocks if b.type is BlockType.PARAGRAPH and not b.grade), None)
        chosen = statement or next((b for b in blocks if b.grade), None)
        start, end = (chosen.start, chosen.end) if chosen else (section.start, section.start)
        if chosen is None:
            end = section.start + len(section.heading)
        self.add(T.JUDGMENT, judgment.area, section, start, end, grade=judgment.grade)

    def _judgment_from_table(self, judgment: Judgment) -> None:
        for block, section_id in zip(self.parsed.blocks, self.parsed.block_sections, strict=True):
            at = block.text.find(judgment.area) if block.type is BlockType.TABLE else -1
            if at >= 0 and section_id is not None:
                start = block.start + at
                self.add(
                    T.JUDGMENT,
                    judgment.area,
                    self.by_id[section_id],
                    start,
                    start + len(judgment.area),
                    grade=judgment.grade,
                )
                return

    def case_studies(self) -> None:
        for section in self.parsed.sections:
            if section.kind is not K.CASE_STUDY or not _CASE_STUDY.match(section.heading):
                continue
            title = _CASE_STUDY.sub("", section.heading) or section.heading
            title = title[:1].upper() + title[1:]
            start = self.body_start(section)
            start = start if start is not None else section.start
            body = self.text[start : section.end]
            self.add(
                T.CASE_STUDY,
                title,
                section,
                start,
                section.end,
                practice=classify_practice(section.heading, body),
                incidents=self._incidents(section),
            )

    def _incidents(self, section: Section) -> int:
        """How many incidents a case study covers: a number its heading states ("Case studies:
        two ..."), else the most repeated sub-heading ("Summary of the incident" twice), else 1."""
        stated = _CASE_COUNT.match(section.heading)
        if stated:
            word = stated.group("n").lower()
            n = parse_number(word) or 0
            if n > 1:
                return n
        repeats = Counter(c.heading.lower() for c in self.children.get(section.section_id, []))
        return max([1, *repeats.values()])

    def headline_figures(self) -> None:
        """Lists whose every item states a count ("- 17 good", "- 1,813 police officers;"): one
        finding per list, titled by its lead sentence (or the section heading)."""
        blocks = self.parsed.blocks
        for index, (block, section_id) in enumerate(
            zip(blocks, self.parsed.block_sections, strict=True)
        ):
            if block.type is not BlockType.LIST or section_id is None:
                continue
            section = self.by_id[section_id]
            if section.kind in (K.CONTENTS, K.FRONT_MATTER):
                continue
            tops = [line for _, _, line, nested in _items(block) if not nested]
            cleaned = [_ITEM.sub("", line, count=1) for line in tops]
            if len(tops) < 2 or not all(_COUNT_ITEM.match(c) for c in cleaned):
                continue
            previous = blocks[index - 1] if index else None
            lead = ""
            if (
                previous is not None
                and self.parsed.block_sections[index - 1] == section_id
                and previous.type is BlockType.PARAGRAPH
                and previous.text.rstrip().endswith(":")
            ):
                sentences = _SENTENCE_END.split(previous.one_line)
                lead = sentences[-1]
                if len(lead.split()) <= 3 and len(sentences) > 1:
                    lead = f"{sentences[-2]} {lead}"
                lead = lead.rstrip(":").strip()
            if not lead:
                title = section.heading
            elif len(lead.split()) <= 3:
                title = f"{section.heading}: {lead}"
            else:
                title = lead
            self.add(
                T.HEADLINE_FIGURE,
                title,
                section,
                block.start,
                block.end,
                sub_points=[_clean_item(line) for line in tops],
            )

    # all together ------------------------------------------------------------------------

    def run(self) -> list[Finding]:
        self.recommendations()
        self.sub_sections(T.AREA_FOR_IMPROVEMENT, K.AREAS_FOR_IMPROVEMENT)
        self.causes_of_concern()
        self.judgments()
        self.case_studies()
        self.sub_sections(T.INNOVATIVE_PRACTICE, K.INNOVATIVE_PRACTICE)
        self.headline_figures()
        kinds = list(FindingType)
        self.found.sort(key=lambda f: (f.start, kinds.index(f.type)))
        seen: Counter[tuple[str, str, str]] = Counter()
        for order, finding in enumerate(self.found):
            key = (finding.type.value, finding.section_id, finding.text)
            seen[key] += 1
            finding.order = order
            finding.finding_id = finding_id(finding, seen[key])
        return self.found


def finding_id(finding: Finding, occurrence: int = 1) -> str:
    """Stable and content-derived: the same report text always gives the same ids."""
    digest = hashlib.sha256(
        "\x1f".join(
            [
                finding.doc_id,
                finding.type.value,
                *finding.section_path,
                finding.text,
                str(occurrence),
            ]
        ).encode()
    ).hexdigest()
    return f"{finding.doc_id}:{finding.type.value}:{digest[:12]}"


def extract_findings(parsed: ParsedDocument) -> list[Finding]:
    """Every finding in a parsed document, in document order."""
    return _Extractor(parsed).run()
