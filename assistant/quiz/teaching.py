"""Facts a trainer quizzes on, read from a report's structure rather than its wording:

- `practice`: a should/must sentence ("A designated officer … should oversee police protection
  powers") or a recommendation, as actor, modal and action;
- `finding`: a finding heading with its polarity (what the force does well, what must
  improve: read from the findings store and section kind first, then the wording), and the
  evidence under it (each paragraph's opening sentences: "under this finding, which of these
  did inspectors report?");
- `scenario`: a case study's opening as a short vignette, names and dates left out, with the
  inspectors' verdict (its title) and whether it was good or poor practice; or a paragraph
  under a finding that narrates one case ("In one case…"), answered by that finding;
- `multi_select`: a list under a lead sentence ("… explaining: - the scenario; - …"), items
  cut to their head phrase;
- `ordering`: a sequence the report gives (a review within 7 days, then every 28 days, then at
  56 days), a numbered list, or a mnemonic's letters.

Each fact cites one passage exactly and names its chapter, so distractors can be drawn from
other chapters (easy) or the same chapter (hard).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from assistant.answer.extractive import citation_for
from assistant.answer.units import answer_units
from assistant.domain.records import Chunk, Citation, Document, Finding, ScoredChunk, Section
from assistant.domain.words import NUMBER_WORDS, FindingType, SectionKind
from assistant.quiz.checks import flat, unresolved_pronoun
from assistant.quiz.statements import Statement
from ingest.findings import polarity as wording_polarity

_SKIP_KINDS = {
    SectionKind.FRONT_MATTER,
    SectionKind.CONTENTS,
    SectionKind.FOREWORD,
    SectionKind.ANNEX,
    SectionKind.NEXT_STEPS,
}
_MODAL = r"should|must|needs? to|has to|have to|is expected to|are expected to"
_PRACTICE = re.compile(
    rf"^(?P<actor>[A-Z][\w'’ -]{{1,70}}?)\s+(?P<modal>{_MODAL})\s+"
    r"(?P<action>(?!have\b|be\b|not\b|also\b)[a-z][^;:?!]{10,240}?)\.?$"
)
_PRONOUN_ACTOR = re.compile(
    r"^(?:It|They|This|These|Those|He|She|We|That|There|Such|Each of|Some of|All of|In|If|"
    r"When|Where|So|But|And|However|Also)\b"
)
_RECOMMEND = re.compile(
    r"^We recommend that (?:within \w+ \w+ |by [^,]+ )?(?P<force>(?:[A-Z][\w&'-]* )+?"
    r"(?:Police|Constabulary|force)) (?:immediately )?(?P<verb>[a-z]+) (?P<rest>.+)$"
)
_CONDITION = re.compile(r"\s(?=(?:when|whenever|if|before|after|during)\s)")
_PURPOSE = re.compile(r",?\s(?=(?:so that|so they|so it|to make sure|in order to)\s)")
_VERBISH = re.compile(
    r"\b(?:is|are|isn't|aren't|was|were|doesn't|don't|can't|cannot|has|have|hasn't|haven't|"
    r"needs?|must|should|could|uses|works|makes|understands|acts|shares|provides|recognises|"
    r"contributes|manages|responds|assesses|gives|takes|fails|lacks)\b",
    re.I,
)
_NEGATIVE = re.compile(
    r"\b(?:not|isn't|aren't|doesn't|don't|can't|cannot|hasn't|haven't|no|poor|poorly|"
    r"inconsisten\w*|ineffective\w*|insufficient\w*|too|delays?|unclear|fail\w*|lack\w*|"
    r"needs?|must|should|limited|slow\w*|disappointing|improve\w*|overlook\w*|missed|"
    r"risks? of|unreliable|incomplete)\b",
    re.I,
)
_POSITIVE = re.compile(
    r"\b(?:good|well|effective|effectively|proactive\w*|strong|understands|prompt\w*|"
    r"beneficial|invested|decisive\w*|supports?|reduces|dedicated|innovative|better)\b",
    re.I,
)
_TIME = re.compile(
    r"\b(?:within|after|every|at|by|for)\s+(?P<n>\d{1,3}|"
    + "|".join(NUMBER_WORDS)
    + r")\s+(?P<unit>minute|hour|day|week|month)s?\b",
    re.I,
)
_UNIT_MINUTES = {"minute": 1, "hour": 60, "day": 1440, "week": 10080, "month": 43200}
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = re.compile(
    rf"(?:,?\s*\b(?:in|on|during|by)\s+)?(?:\d{{1,2}}\s+)?(?:{_MONTHS})\s+\d{{4}},?", re.I
)
_YEAR = re.compile(r"(?:,?\s*\bin\s+)?\b(?:19|20)\d{2}\b,?")
_OTHER_FORCE = re.compile(r"\b(?:[A-Z][\w&'-]+ )+(?:Police|Constabulary)\b")
_TITLE_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr)\.? [A-Z][\w'-]+")
_CASE_PREFIX = re.compile(r"^Case stud(?:y|ies)\s*[:–-]\s*", re.I)
_GENERIC_HEADINGS = re.compile(
    r"^(?:recommendations?|main findings|areas? for improvement|innovative practice|"
    r"conclusion|summary|introduction|case stud)",
    re.I,
)
_MAX_OPTION_WORDS = 28
_CONTRAST = re.compile(r",?\s+\b(?:but|although|though|however|despite)\b\s+", re.I)
_CASE_PARAGRAPH = re.compile(
    r"^(?:[^.]{0,60}\b(?:in|for) (?:one|another|a|an) (?:[\w-]+ ){0,4}"
    r"(?:case|incident|investigation|example|record)\b|"
    r"(?:We|Inspectors) (?:reviewed|examined|looked at|saw) (?:a|one|the) case\b|"
    r"[^.]{0,80}\b(?:an? |one-|two-|\d{1,2}-)(?:year|month|week)-old\b)",
    re.I,
)
"""A paragraph that narrates one case: "In one case…", "We reviewed a case…", "A 13-year-old…"."""
_EVIDENCE_PER_FINDING = 5
_HEAD_CUT = re.compile(
    r",\s|\s[–—-]\s|\s\(|;\s|\s(?=(?:so that|so they|which|because|including|such as|to make sure|"
    r"in order to|where|when|who)\s)"
)
_BACKGROUND = re.compile(
    r"\b(?:Act|guidance|Code of Practice|statutory|legislation|regulations?|according to)\b"
)
"""The law or guidance a finding is measured against: background, not what inspectors saw."""
_CONNECTIVE = re.compile(
    r"^(?:For example|For instance|Instead|Similarly|Overall|As a result|Despite|Yet|Still|"
    r"Even so|Otherwise|Again|Likewise|Meanwhile|Then|Therefore|Consequently)\b"
)
_REFERS_BACK = re.compile(r"\b(?:this|these|those|such|the above)\b", re.I)
_REPORTED = re.compile(
    r"^(?:We|Inspectors) (?:found|saw|noted|were told|heard|learned|established) (?:that )?"
)
_NUMBERED = re.compile(r"^\s*(?P<n>\d{1,2})[.)]\s+\S", re.M)


@dataclass(frozen=True)
class Fact:
    """One thing worth asking, with everything a question needs."""

    kind: str
    """practice, finding, scenario, multi_select, ordering."""
    group: str
    """Which facts may lend it distractors: action, finding, verdict, list."""
    key: str
    """The answer as an option reads; for lists and sequences, the lead."""
    citation: Citation
    chapter: str
    """ "doc_id|top-level heading": distractors come from other chapters (easy) or this one
    (hard)."""
    anchor: str
    """What the stem is about: the section heading or the chapter."""
    stem: str = ""
    claim: str = ""
    """A true/false statement with `{}` where the key goes."""
    polarity: str = ""
    """finding: "+" (done well) or "-" (must improve); scenario: good, poor or mixed."""
    items: tuple[str, ...] = ()
    """multi_select: the list items; ordering: the steps, in order."""
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def uid(self) -> str:
        return f"{self.citation.doc_id}:{self.citation.start}:{self.kind}:{self.key[:40]}"

    @property
    def doc_id(self) -> str:
        return self.citation.doc_id

    @property
    def where(self) -> str:
        return f"{self.citation.doc_label}, {self.citation.section_path[0]}"


@dataclass(frozen=True)
class Corpus:
    """What facts are read from: the store's documents, sections, chunks and findings."""

    documents: dict[str, Document]
    sections: dict[str, list[Section]]
    chunks: list[Chunk]
    findings: list[Finding]


def polarity(text: str) -> str:
    """ "-" for criticism (reports state it outright), "+" for what the force does or does
    well."""
    return "-" if _NEGATIVE.search(text) else "+"


def finding_sign(heading: str, kind: SectionKind | None, stored: FindingType | None) -> str:
    """A finding heading's polarity: "-" must improve, "+" done well, "mixed" both.

    The structure decides first (an area for improvement, innovative practice, as the
    findings store or the section kind says); then a modal ("should", "needs to": something
    to improve, whatever else it praises); then the shared good/poor wording score; a plain
    statement of what the force does reads as done well."""
    if stored == FindingType.AREA_FOR_IMPROVEMENT or kind == SectionKind.AREAS_FOR_IMPROVEMENT:
        return "-"
    if stored == FindingType.INNOVATIVE_PRACTICE or kind == SectionKind.INNOVATIVE_PRACTICE:
        return "+"
    if re.search(rf"\b(?:{_MODAL})\b", heading):
        return "-"
    reading = wording_polarity(heading)
    if reading:
        return {"good": "+", "poor": "-"}.get(reading, "mixed")
    if _CONTRAST.search(heading):
        return "mixed"
    return polarity(heading)


def _variant(key: str | int, choices: Sequence[str]) -> str:
    """One of `choices`: the `key`-th in turn, or one fixed by a text `key` (so stems vary
    across facts but not across runs)."""
    if isinstance(key, str):
        key = int(hashlib.sha1(key.encode()).hexdigest()[:6], 16)
    return choices[key % len(choices)]


def anonymise(text: str, doc: Document | None) -> str:
    """A vignette without names, other forces, dates or years."""
    if doc and doc.force:
        text = text.replace(doc.force, "the force")
    text = _TITLE_NAME.sub("a person", text)
    text = _OTHER_FORCE.sub("another force", text)
    text = _DATE.sub("", text)
    text = _YEAR.sub("", text)
    text = re.sub(r"\s+([,.])", r"\1", text)
    return flat(text)


def base_verb(verb: str) -> str:
    """ "improves" → "improve", "reviews" → "review", "makes" → "make"."""
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    if verb.endswith(("sses", "shes", "ches", "xes", "zes")):
        return verb[:-2]
    return verb[:-1] if verb.endswith("s") and not verb.endswith("ss") else verb


def _actor(actor: str, doc: Document | None) -> str:
    actor = flat(actor)
    if doc and doc.force and actor.casefold() == doc.force.casefold():
        return "the force"
    first, _, rest = actor.partition(" ")
    if first.isupper() or first in ("Police",) or (rest and rest[:1].isupper()):
        return actor if first != "The" else "the " + rest
    return actor[:1].lower() + actor[1:]


def _trim_action(action: str) -> str:
    action = flat(action).rstrip(".")
    purpose = _PURPOSE.split(action, maxsplit=1)
    if len(purpose) == 2 and len(purpose[0].split()) >= 4:
        action = purpose[0]
    return action


def _chapter(doc_id: str, path: Sequence[str]) -> str:
    return f"{doc_id}|{path[0] if path else ''}"


def _states_finding(heading: str) -> bool:
    """A heading that is itself a finding (a sentence with a verb): naming it in another
    question's stem would give that finding away."""
    return len(heading.split()) >= 6 and bool(_VERBISH.search(heading))


def _anchor(path: Sequence[str]) -> str:
    """The heading a stem names: the nearest one that says what the passage is about and is
    not itself a finding (or a case study's verdict)."""
    for heading in reversed(path[1:]):
        if not (
            _GENERIC_HEADINGS.match(heading)
            or _CASE_PREFIX.match(heading)
            or _states_finding(heading)
        ):
            return heading
    return path[0] if path else ""


class FactReader:
    """Reads every fact of a corpus once; `facts_for` then picks those of given chunks."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.labels = {k: d.label for k, d in corpus.documents.items()}
        self.chunk_by_id = {c.chunk_id: c for c in corpus.chunks}
        self.facts: list[Fact] = []
        self._turns: Counter[tuple[str, str, str]] = Counter()
        """How many stems of a shape each anchor has had, so the next one is worded anew."""
        for chunk in sorted(corpus.chunks, key=lambda c: (c.doc_id, c.order)):
            if chunk.section_kind in _SKIP_KINDS:
                continue
            self.facts += self._practices(chunk)
            self.facts += self._lists(chunk)
            self.facts += self._sequences(chunk)
        for doc_id, sections in corpus.sections.items():
            self.facts += self._findings(doc_id, sections)
            self.facts += self._scenarios(doc_id, sections)
            self.facts += self._case_paragraphs(doc_id, sections)

    # helpers -----------------------------------------------------------------------------

    def _hit(self, chunk: Chunk) -> ScoredChunk:
        return ScoredChunk(chunk=chunk, score=0.0, doc_label=self.labels.get(chunk.doc_id, ""))

    def _cite(self, chunk: Chunk, start: int, end: int) -> Citation:
        return citation_for(
            1, self._hit(chunk), start, end, self.corpus.documents.get(chunk.doc_id)
        )

    def _first_chunk(self, doc_id: str, section: Section) -> Chunk | None:
        """The section's first passage (chunks leave the heading out)."""
        inside = [
            c
            for c in self.corpus.chunks
            if c.doc_id == doc_id and section.start <= c.start < section.end
        ]
        return min(inside, key=lambda c: c.start, default=None)

    def _label(self, doc_id: str) -> str:
        return self.labels.get(doc_id, doc_id)

    # practice ----------------------------------------------------------------------------

    def _practices(self, chunk: Chunk) -> list[Fact]:
        doc = self.corpus.documents.get(chunk.doc_id)
        label = self._label(chunk.doc_id)
        out = []
        for unit in answer_units(chunk.text):
            if unit.is_list:
                continue
            sentence = flat(chunk.text[unit.start : unit.end])
            parsed = self._practice_parts(sentence, doc)
            if parsed is None:
                continue
            actor, modal, action = parsed
            words = len(action.split())
            if not 3 <= words <= _MAX_OPTION_WORDS or _REFERS_BACK.search(action):
                continue
            anchor = _anchor(chunk.section_path)
            asked = modal if modal in ("should", "must") else "should"
            condition = _CONDITION.split(action, maxsplit=1)
            if (
                len(condition) == 2
                and len(condition[0].split()) >= 3
                and len(condition[1].split()) >= 3
            ):
                key, when = condition
                stem = f"According to the {label} report, what {asked} {actor} do {when}?"
                claim = f"According to the {label} report, {actor} {modal} {{}} {when}."
            else:
                key = action
                self._turns[(chunk.doc_id, anchor, actor)] += 1
                stem = _variant(
                    self._turns[(chunk.doc_id, anchor, actor)] - 1,
                    (
                        f"The {label} report, on ‘{anchor}’, says what {actor} {asked} do. "
                        "Which of these is it?",
                        f"What does the {label} report say {actor} {asked} do, on ‘{anchor}’?",
                        f"On ‘{anchor}’, which of these does the {label} report say {actor} "
                        f"{asked} do?",
                        f"An officer asks what {actor} {asked} do, on ‘{anchor}’. What does the "
                        f"{label} report say?",
                    ),
                )
                claim = f"The {label} report, on ‘{anchor}’, says that {actor} {modal} {{}}."
            out.append(
                Fact(
                    kind="practice",
                    group="action",
                    key=key,
                    citation=self._cite(chunk, unit.start, unit.end),
                    chapter=_chapter(chunk.doc_id, chunk.section_path),
                    anchor=anchor,
                    stem=stem,
                    claim=claim,
                    extra={"actor": actor, "modal": modal},
                )
            )
        return out

    @staticmethod
    def _practice_parts(sentence: str, doc: Document | None) -> tuple[str, str, str] | None:
        rec = _RECOMMEND.match(sentence)
        if rec:
            rest = re.split(r"(?<=[.:])\s+", rec.group("rest"))[0]
            return "the force", "should", _trim_action(f"{base_verb(rec.group('verb'))} {rest}")
        match = _PRACTICE.match(sentence)
        if not match or _PRONOUN_ACTOR.match(match.group("actor")):
            return None
        actor = match.group("actor")
        if len(actor.split()) > 8 or "," in actor:
            return None
        modal = match.group("modal")
        return _actor(actor, doc), modal, _trim_action(match.group("action"))

    # lists -------------------------------------------------------------------------------

    def _lists(self, chunk: Chunk) -> list[Fact]:
        """A list under its lead as a select-all question (items cut to their head phrase, so
        options read alike), and a numbered list also as an ordering question."""
        label = self._label(chunk.doc_id)
        out = []
        for unit in answer_units(chunk.text):
            if not unit.is_list:
                continue
            lead = flat(chunk.text[unit.start : unit.lead_end])
            lines = [
                line for line in chunk.text[unit.lead_end : unit.end].split("\n") if line.strip()
            ]
            items = [head_phrase(_clean_item(line)) for line in lines]
            items = [i for i in items if 2 <= len(i.split()) <= _MAX_OPTION_WORDS]
            if len(items) < 3 or sum(bool(re.search(r"\d", i)) for i in items) * 2 >= len(items):
                continue
            if (
                len(lead.split()) > 70
                or "\t" in chunk.text[unit.start : unit.end]
                or _REFERS_BACK.search(" ".join(lead.split()[:5]))
            ):
                continue
            anchor = _anchor(chunk.section_path)
            citation = self._cite(chunk, unit.start, unit.end)
            where = _chapter(chunk.doc_id, chunk.section_path)
            quoted = f"“{lead.rstrip(':')}…”"
            stem = _variant(
                lead,
                (
                    f"On ‘{anchor}’, the {label} report says: {quoted} "
                    "Which of these are on its list? Select all that apply.",
                    f"The {label} report, on ‘{anchor}’: {quoted} "
                    "Which of these does it list? Select all that apply.",
                ),
            )
            unique = tuple(dict.fromkeys(items))
            out.append(
                Fact(
                    kind="multi_select",
                    group="list",
                    key=lead,
                    citation=citation,
                    chapter=where,
                    anchor=anchor,
                    stem=stem,
                    items=unique,
                )
            )
            numbers = [int(m.group("n")) for line in lines if (m := _NUMBERED.match(line))]
            if len(numbers) == len(lines) == len(unique) and numbers == list(
                range(1, len(lines) + 1)
            ):
                out.append(
                    Fact(
                        kind="ordering",
                        group="sequence",
                        key=lead,
                        citation=citation,
                        chapter=where,
                        anchor=anchor,
                        stem=(
                            f"The {label} report, on ‘{anchor}’, numbers the steps of this list: "
                            f"{quoted} Put them in the report's order, first step first."
                        ),
                        items=unique,
                    )
                )
        return out

    # sequences ---------------------------------------------------------------------------

    def _sequences(self, chunk: Chunk) -> list[Fact]:
        """A paragraph naming three or more points in time, in rising order: the steps."""
        label = self._label(chunk.doc_id)
        out = []
        offset = 0
        for paragraph in chunk.text.split("\n\n"):
            start = chunk.text.index(paragraph, offset)
            offset = start + len(paragraph)
            steps = _steps(paragraph)
            if len(steps) < 3:
                continue
            anchor = _anchor(chunk.section_path)
            out.append(
                Fact(
                    kind="ordering",
                    group="sequence",
                    key=steps[0],
                    citation=self._cite(chunk, start, start + len(paragraph.rstrip())),
                    chapter=_chapter(chunk.doc_id, chunk.section_path),
                    anchor=anchor,
                    stem=(
                        f"On ‘{anchor}’, the {label} report sets out a sequence. "
                        "Put these steps in the order the report gives them, earliest first."
                    ),
                    items=tuple(steps),
                )
            )
        return out

    # findings ----------------------------------------------------------------------------

    def _finding_sections(self, doc_id: str, sections: list[Section]) -> list[tuple[Section, str]]:
        """The sections whose heading states a finding, each with its polarity."""
        stored = {
            f.section_id: f.type
            for f in self.corpus.findings
            if f.doc_id == doc_id
            and f.type in (FindingType.AREA_FOR_IMPROVEMENT, FindingType.INNOVATIVE_PRACTICE)
        }
        out = []
        for section in sections:
            heading = flat(section.heading)
            if (
                section.level < 2
                or section.kind in _SKIP_KINDS
                or section.kind == SectionKind.CASE_STUDY
                or _GENERIC_HEADINGS.match(heading)
                or not 6 <= len(heading.split()) <= _MAX_OPTION_WORDS
                or not _VERBISH.search(heading)
            ):
                continue
            out.append(
                (section, finding_sign(heading, section.kind, stored.get(section.section_id)))
            )
        return out

    def _findings(self, doc_id: str, sections: list[Section]) -> list[Fact]:
        label = self._label(doc_id)
        out = []
        turns: Counter[tuple[str, str, str]] = Counter()
        for section, sign in self._finding_sections(doc_id, sections):
            heading = flat(section.heading)
            chunk = self._first_chunk(doc_id, section)
            if chunk is None:
                continue
            turn = (section.path[0], "+" if sign == "+" else "-", section.kind)
            turns[turn] += 1
            end = chunk.text.find("\n\n")
            end = end if end > 0 else len(chunk.text)
            chapter = section.path[0]
            stem, claim = _finding_stem(label, chapter, sign, section.kind, turns[turn] - 1)
            out.append(
                Fact(
                    kind="finding",
                    group="finding",
                    key=heading,
                    citation=self._cite(chunk, 0, end),
                    chapter=_chapter(doc_id, section.path),
                    anchor=chapter,
                    stem=stem,
                    claim=claim,
                    polarity=sign,
                )
            )
            out += self._evidence(doc_id, section, sign)
        return out

    def _section_paragraphs(self, doc_id: str, section: Section) -> list[tuple[Chunk, int, int]]:
        """(chunk, start, end) of each prose paragraph directly under `section` (not its
        sub-sections, lists, tables or the guidance a lead sentence quotes)."""
        out = []
        for chunk in self.corpus.chunks:
            if chunk.doc_id != doc_id or chunk.section_id != section.section_id:
                continue
            offset = 0
            quoting = False
            for paragraph in chunk.text.split("\n\n"):
                start = chunk.text.index(paragraph, offset)
                offset = start + len(paragraph)
                text = paragraph.strip()
                if not text:
                    continue
                lead_quotes = quoting
                quoting = text.endswith(":")
                if (
                    lead_quotes
                    or quoting
                    or "\t" in text
                    or re.match(r"^(?:[-•*]|\d{1,2}[.)])\s", text)
                ):
                    continue
                out.append((chunk, start, start + len(paragraph.rstrip())))
        return out

    def _evidence(self, doc_id: str, section: Section, sign: str) -> list[Fact]:
        """What inspectors saw under a finding: each paragraph's opening sentence, asked as
        "under this finding, which of these did inspectors report?"."""
        label = self._label(doc_id)
        heading = flat(section.heading)
        chapter = section.path[0]
        out: list[Fact] = []
        for chunk, start, end in self._section_paragraphs(doc_id, section):
            if _CASE_PARAGRAPH.match(chunk.text[start:end]):
                continue
            for sentence in list(re.finditer(r".+?[.!?](?=\s|$)", chunk.text[start:end], re.S))[:3]:
                key = _evidence_text(sentence.group(0))
                if key is None:
                    continue
                stem = _variant(
                    len(out),
                    (
                        f"Under the finding ‘{heading}’ ({label} report), which of these did "
                        "inspectors report?",
                        f"In ‘{chapter}’, the {label} inspection found: ‘{heading}’. Which of "
                        "these did inspectors see that bears it out?",
                        f"The {label} report's finding ‘{heading}’ rests on what inspectors saw. "
                        "Which of these did they report under it?",
                        f"Which of these did the {label} inspection report as evidence for its "
                        f"finding ‘{heading}’?",
                        f"What did {label} inspectors see that led to the finding ‘{heading}’?",
                    ),
                )
                out.append(
                    Fact(
                        kind="finding",
                        group="evidence",
                        key=key,
                        citation=self._cite(
                            chunk, start + sentence.start(), start + sentence.end()
                        ),
                        chapter=_chapter(doc_id, section.path),
                        anchor=heading,
                        stem=stem,
                        claim=f"Under its finding ‘{{}}’, the {label} report says: “{key}.”",
                        polarity=sign,
                    )
                )
            if len(out) >= _EVIDENCE_PER_FINDING:
                break
        return out[:_EVIDENCE_PER_FINDING]

    # scenarios ---------------------------------------------------------------------------

    def _scenarios(self, doc_id: str, sections: list[Section]) -> list[Fact]:
        label = self._label(doc_id)
        doc = self.corpus.documents.get(doc_id)
        practice = {
            f.section_id: f.practice or ""
            for f in self.corpus.findings
            if f.doc_id == doc_id and f.type == "case_study"
        }
        out = []
        for section in sections:
            if not _CASE_PREFIX.match(section.heading):
                continue
            title = _CASE_PREFIX.sub("", flat(section.heading))
            verdict = title[:1].upper() + title[1:]
            chunk = self._first_chunk(doc_id, section)
            if chunk is None or not 3 <= len(verdict.split()) <= _MAX_OPTION_WORDS:
                continue
            spans = self._vignette_span(chunk)
            if spans is None:
                continue
            start, end = spans
            vignette = anonymise(chunk.text[start:end], doc)
            if len(vignette.split()) < 12:
                continue
            sign = practice.get(section.section_id) or {"+": "good", "-": "poor"}.get(
                polarity(title), ""
            )
            out.append(
                Fact(
                    kind="scenario",
                    group="verdict",
                    key=verdict,
                    citation=self._cite(chunk, start, end),
                    chapter=_chapter(doc_id, section.path),
                    anchor=section.path[0],
                    stem=(
                        f"A case from the {label} report: {vignette} "
                        "What did inspectors conclude about how the force handled the case?"
                    ),
                    claim=(
                        f"A case from the {label} report: {vignette} Inspectors judged the "
                        "force's handling of the case to be {} practice."
                    ),
                    polarity=sign,
                    extra={"vignette": vignette},
                )
            )
        return out

    def _case_paragraphs(self, doc_id: str, sections: list[Section]) -> list[Fact]:
        """A paragraph under a finding that narrates one case ("In one case…", "A 13-year-old
        girl…"), as a vignette; the answer is the finding it illustrates."""
        label = self._label(doc_id)
        doc = self.corpus.documents.get(doc_id)
        out = []
        for section, sign in self._finding_sections(doc_id, sections):
            for chunk, start, end in self._section_paragraphs(doc_id, section):
                if not _CASE_PARAGRAPH.match(chunk.text[start:end]):
                    continue
                sentences = list(re.finditer(r"[^.!?]+[.!?]", chunk.text[start:end]))
                if len(sentences) < 2:
                    continue
                stop = start + sentences[min(2, len(sentences) - 1)].end()
                vignette = anonymise(chunk.text[start:stop], doc)
                if not 15 <= len(vignette.split()) <= 90:
                    continue
                heading = flat(section.heading)
                out.append(
                    Fact(
                        kind="scenario",
                        group="case_finding",
                        key=heading,
                        citation=self._cite(chunk, start, stop),
                        chapter=_chapter(doc_id, section.path),
                        anchor=section.path[0],
                        stem=(
                            f"A case from the {label} report: {vignette} Which finding of the "
                            "inspection does the case illustrate?"
                        ),
                        claim=(
                            f"A case from the {label} report: {vignette} The case illustrates "
                            "this finding of the inspection: {}."
                        ),
                        polarity=sign,
                        extra={"vignette": vignette},
                    )
                )
        return out

    @staticmethod
    def _vignette_span(chunk: Chunk) -> tuple[int, int] | None:
        """The case study's opening: its first paragraph, or first three sentences."""
        text = chunk.text
        body = 0
        while body < len(text) and text[body].isspace():
            body += 1
        end = text.find("\n\n", body)
        end = len(text) if end < 0 else end
        sentences = list(re.finditer(r"[^.!?]+[.!?]", text[body:end]))
        if not sentences:
            return None
        if len(sentences) > 3:
            end = body + sentences[2].end()
        return body, end


def _finding_stem(
    label: str, chapter: str, sign: str, kind: SectionKind, turn: int
) -> tuple[str, str]:
    """A finding's question and true/false claim, worded by its type (an area for
    improvement, innovative practice, a strength, a weakness) and varied across findings."""
    if kind == SectionKind.AREAS_FOR_IMPROVEMENT:
        stems: tuple[str, ...] = (
            f"Which of these was an area for improvement in ‘{chapter}’ ({label} report)?",
            f"What did the {label} inspection name as an area for improvement in ‘{chapter}’?",
            f"In ‘{chapter}’, which of these did the {label} inspection ask the force to improve?",
        )
        claim = f"In ‘{chapter}’, the {label} inspection named this an area for improvement: {{}}."
    elif kind == SectionKind.INNOVATIVE_PRACTICE:
        stems = (f"Which of these did the {label} inspection single out as innovative practice?",)
        claim = f"The {label} inspection singled this out as innovative practice: {{}}."
    elif sign == "+":
        stems = (
            f"Which of these did the {label} inspection find the force does well, in ‘{chapter}’?",
            f"In ‘{chapter}’, which of these is a strength the {label} inspection found?",
            f"What did inspectors praise in ‘{chapter}’ ({label} report)?",
            f"Which of these good practices did the {label} inspection report in ‘{chapter}’?",
            f"An officer asks what the force does well in ‘{chapter}’. Which of these did the "
            f"{label} inspection find?",
        )
        claim = f"In ‘{chapter}’, the {label} inspection found this was done well: {{}}."
    else:
        stems = (
            f"Which of these did the {label} inspection find must improve, in ‘{chapter}’?",
            f"In ‘{chapter}’, which of these was a weakness the {label} inspection found?",
            f"What did inspectors criticise in ‘{chapter}’ ({label} report)?",
            f"Which of these did the {label} inspection find needs to change, in ‘{chapter}’?",
            f"Which of these shortcomings did inspectors report in ‘{chapter}’ ({label} report)?",
            f"An officer asks what the force must do better in ‘{chapter}’. Which of these did "
            f"the {label} inspection find?",
        )
        claim = f"In ‘{chapter}’, the {label} inspection found this must improve: {{}}."
    return _variant(turn, stems), claim


def _evidence_text(sentence: str) -> str | None:
    """A sentence as an option that stands alone ("We found that the force…" → "The force…"),
    or None when it leans on another sentence, is a figure, or is too short or long."""
    text = _REPORTED.sub("", flat(sentence)).rstrip(".")
    text = text[:1].upper() + text[1:]
    if (
        not 8 <= len(text.split()) <= _MAX_OPTION_WORDS
        or _PRONOUN_ACTOR.match(text)
        or _CONNECTIVE.match(text)
        or unresolved_pronoun(text)
        or text[:1].isdigit()
        or text.endswith((":", "?"))
        or re.search(r"\b(?:this|these|those|such|above|below|following|also)\b", text, re.I)
        or len(re.findall(r"\d+", text)) > 2
        or re.search(rf"\b(?:{_MODAL})\b", text)
        or _BACKGROUND.search(text)
    ):
        return None
    return text


def head_phrase(item: str) -> str:
    """A list item cut to its head phrase at the first clause break ("speaking to children,
    recording their behaviour…" → "speaking to children"), so one long item does not stand out
    among short ones; left whole when the head would be under three words."""
    cut = _HEAD_CUT.search(item)
    if cut and len(item[: cut.start()].split()) >= 3:
        return item[: cut.start()].rstrip(" ,;:")
    return item


def _clean_item(line: str) -> str:
    item = re.sub(r"^\s*(?:[-•*]|\d{1,2}[.)])\s+", "", line).strip()
    item = re.sub(r"(?:;\s*(?:and|or|but)?|[.,]|\s(?:and|or|but))$", "", item).strip()
    return item


def _minutes(match: re.Match[str]) -> int:
    raw = match.group("n").lower()
    n = NUMBER_WORDS.get(raw) or int(raw)
    return n * _UNIT_MINUTES[match.group("unit").lower()]


def _steps(paragraph: str) -> list[str]:
    """The clauses of a paragraph that each name one point in time, when there are three or
    more and they rise."""
    pieces = re.split(r"(?<=[.;])\s+|,?\s+(?:and\s+)?then\s+", flat(paragraph))
    steps: list[tuple[int, str]] = []
    for piece in pieces:
        times = list(_TIME.finditer(piece))
        if len(times) != 1:
            continue
        text = re.sub(r"^(?:and|then|but)\s+", "", piece.strip().rstrip(".;"))
        steps.append((_minutes(times[0]), text[:1].upper() + text[1:]))
    values = [v for v, _ in steps]
    if len(steps) < 3 or values != sorted(values) or len(set(values)) != len(values):
        return []
    return [t for _, t in steps]


def mnemonic_sequences(statements: Iterable[Statement], reader: FactReader) -> list[Fact]:
    """A mnemonic's letters as an ordering fact ("Put the parts of ARTHUR in order")."""
    groups: dict[str, list[Statement]] = {}
    for s in statements:
        if s.kind == "mnemonic":
            groups.setdefault(s.category, []).append(s)
    out = []
    for category, letters in groups.items():
        if len(letters) < 3:
            continue
        first, last = letters[0].citation, letters[-1].citation
        chunk = reader.chunk_by_id.get(first.chunk_id)
        if chunk is None or last.chunk_id != first.chunk_id:
            continue
        acronym = category.split(":", 1)[1]
        label = reader._label(chunk.doc_id)
        out.append(
            Fact(
                kind="ordering",
                group="sequence",
                key=acronym,
                citation=reader._cite(chunk, first.start - chunk.start, last.end - chunk.start),
                chapter=_chapter(chunk.doc_id, chunk.section_path),
                anchor=_anchor(chunk.section_path),
                stem=(
                    f"The {label} report sets out the {acronym} mnemonic. Put its parts in order, "
                    "first letter first."
                ),
                items=tuple(s.key for s in letters),
            )
        )
    return out
