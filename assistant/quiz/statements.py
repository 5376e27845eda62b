"""Quizzable statements: sentences of the reports that carry one checkable key value.

Five kinds, each with a category that says which other statements may lend it distractors:

- `figure`: a number with its unit ("56 percent", "18 hours", "every 12 months"); category is
  the unit, so a percentage is only ever confused with another percentage;
- `grade`: a graded judgment ("Working with safeguarding partners": Good);
- `timescale`: a recommendation's deadline ("immediately", "within three months");
- `mnemonic`: a letter of a mnemonic (ARTHUR's "A – Are there children present?") or the
  mnemonic's name;
- `term`: a named practice, team or system with its abbreviation ("active risk management
  system (ARMS)").

Every statement carries an exact `Citation`: its quote is the stored document text at its
offsets, and the key appears in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.answer.extractive import citation_for
from assistant.answer.units import answer_units
from assistant.domain.records import Chunk, Citation, Document, ScoredChunk, SectionKind
from assistant.domain.words import NUMBER_WORDS

_SKIP_KINDS = {SectionKind.FRONT_MATTER, SectionKind.CONTENTS}
_MAX_STATEMENT_CHARS = 420

_NUMBER_WORDS = NUMBER_WORDS
_NUM = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|" + "|".join(_NUMBER_WORDS)
_UNITS = (
    r"per ?cent|working days|hours?|days?|weeks?|months?|years?|minutes?|children|cases|"
    r"RSOs|conferences|notifications|investigations|referrals|incidents|officers|staff"
)
_FIGURE = re.compile(
    rf"(?<![\w.,£/-])(?P<num>{_NUM})(?:(?P<pct>%)|\s+(?P<unit>{_UNITS})\b)(?!['’-])", re.I
)
_FRAMING = re.compile(
    r"(?:\b(?:the|same|previous|past|last|next|first|other)|\d\s+(?:to|and|or|-|–))\s+$", re.I
)
_RANGE_AFTER = re.compile(r"^\s+(?:to|and|or|from|later|earlier|old|before)\b", re.I)
_WEAK_START = re.compile(
    r"(?:This|These|They|Their|It|Its|Those|He|She|But|However|And|So|Also|Of these|In these)\b"
)
_RECOMMEND = re.compile(
    r"^We recommend that (?:(?P<within>within \w+ (?:days|weeks|months)) )?"
    r"(?P<force>(?:[A-Z][\w&'-]* )+?(?:Police|Constabulary))"
    r"(?: (?P<now>immediately))? (?P<clause>.+)$"
)
_CLAUSE_TAIL = re.compile(
    r"(?:,?\s+(?:so that|so it can|by making sure|making sure|by|as follows|including))?\s*[:.]$"
)
_MNEMONIC_LINE = re.compile(r"^(?P<letter>[A-Z]) [–-] (?P<body>.+)$", re.M)
_FIRST_SENTENCE = re.compile(r"^.+?[.?!](?=\s|$)")
_TERM = re.compile(r"\((?P<acr>[A-Z][A-Za-z&]{1,7})\)")
_TERM_WORD = re.compile(r"[A-Za-z][\w'’&-]*")
_MINOR = {"and", "of", "the", "for", "on", "to", "in", "a"}


@dataclass(frozen=True)
class Statement:
    kind: str
    category: str
    key: str
    """The answer as the report words it; appears in `citation.quote`."""
    text: str
    """The statement in one line, with the key in it once (for fill-in questions)."""
    citation: Citation
    prompt: str = ""
    """A direct question, when the statement is asked rather than filled in."""
    subject: str = ""
    """What the key belongs to (a judgment area, a mnemonic letter): for feedback."""
    value: float | None = None
    alternatives: tuple[str, ...] = ()
    year: int | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def chunk_id(self) -> str:
        return self.citation.chunk_id

    @property
    def where(self) -> str:
        """ "Staffordshire 2021, 11. Police detention"."""
        return f"{self.citation.doc_label}, {self.citation.section_path[0]}"

    @property
    def uid(self) -> str:
        return f"{self.citation.doc_id}:{self.citation.start}:{self.kind}:{self.key}"


def flat(text: str) -> str:
    return " ".join(text.split())


def contains(haystack: str, needle: str) -> bool:
    """`needle` in `haystack` as whole words, ignoring case and runs of white space."""
    pattern = r"(?<!\w)" + re.escape(flat(needle)).replace(r"\ ", r"\s+") + r"(?!\w)"
    return re.search(pattern, haystack, re.I) is not None


def number_value(text: str) -> float | None:
    match = re.match(rf"({_NUM})", text.strip(), re.I)
    if not match:
        return None
    raw = match.group(1).lower()
    if raw in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[raw])
    return float(raw.replace(",", ""))


def unit_category(unit: str | None, pct: str | None) -> str:
    if pct or (unit and unit.lower().replace(" ", "") == "percent"):
        return "percent"
    u = (unit or "").lower()
    if u in {"hour", "day", "week", "month", "year", "minute"}:
        return u + "s"
    return u


def _unit_of(key: str) -> str:
    match = _FIGURE.fullmatch(key)
    return unit_category(match.group("unit"), match.group("pct")) if match else ""


def extract(
    chunks: Iterable[Chunk], documents: dict[str, Document], labels: dict[str, str]
) -> list[Statement]:
    """Every statement in `chunks`, in reading order (chunk order, then offset)."""
    out: list[Statement] = []
    judgments = {(doc.doc_id, j.section_id): j for doc in documents.values() for j in doc.judgments}
    seen_terms: set[str] = set()
    graded: set[tuple[str, str | None]] = set()
    for chunk in sorted(chunks, key=lambda c: (c.doc_id, c.order)):
        if chunk.section_kind in _SKIP_KINDS or "Contents" in chunk.section_path[:1]:
            continue
        hit = ScoredChunk(chunk=chunk, score=0.0, doc_label=labels.get(chunk.doc_id, ""))
        doc = documents.get(chunk.doc_id)
        year = doc.year if doc else None
        key = (chunk.doc_id, chunk.section_id)
        if key in judgments and key not in graded:
            grade = _grade_statement(hit, doc, judgments[key].area, judgments[key].grade)
            if grade:
                graded.add(key)
                out.append(grade)
        out += _mnemonics(hit, doc)
        for unit in answer_units(chunk.text):
            lead = flat(chunk.text[unit.start : unit.lead_end])
            if unit.is_list:
                out += _list_figures(hit, doc, unit.start, unit.lead_end, unit.end)
            rec = _timescale(hit, doc, unit.start, unit.lead_end, lead)
            if rec:
                out.append(rec)
                continue
            if unit.is_list or "\t" in chunk.text[unit.start : unit.end]:
                continue
            if len(lead) > _MAX_STATEMENT_CHARS or _WEAK_START.match(lead) or _vague(lead):
                continue
            out += _figures(hit, doc, unit.start, unit.end, lead, year)
            out += _terms(hit, doc, unit.start, unit.end, lead, seen_terms)
    return out


def _vague(text: str) -> bool:
    """Too short to stand alone, or leaning on a sentence it doesn't include ("The oldest of
    these was three months old")."""
    head = " ".join(text.split()[:6]).lower()
    return (
        len(text.split()) < 7
        or bool(re.search(r"\b(?:of|in) (?:these|those|them)\b|, they\b", head))
        or bool(re.match(r"(?:the|in the) (?:previous|same|following|next)\b", head))
    )


def _cite(hit: ScoredChunk, doc: Document | None, start: int, end: int) -> Citation:
    return citation_for(1, hit, start, end, doc)


def _figures(
    hit: ScoredChunk, doc: Document | None, start: int, end: int, text: str, year: int | None
) -> list[Statement]:
    out = []
    for match in _FIGURE.finditer(text):
        key = match.group(0)
        if _FRAMING.search(text[: match.start()]) or _RANGE_AFTER.match(text[match.end() :]):
            continue
        if len(re.findall(r"(?<![\w.])" + re.escape(key) + r"(?!\w)", text, re.I)) != 1:
            continue
        value = number_value(key)
        if value is None or (1900 <= value <= 2100):
            continue
        out.append(
            Statement(
                kind="figure",
                category=unit_category(match.group("unit"), match.group("pct")),
                key=key,
                text=text,
                citation=_cite(hit, doc, start, end),
                value=value,
                alternatives=_number_alternatives(key),
                year=year,
            )
        )
    return out


def _number_alternatives(key: str) -> tuple[str, ...]:
    value = number_value(key)
    if value is None:
        return ()
    number = f"{value:g}" if value != int(value) else str(int(value))
    alts = [number]
    if key.lower().endswith(("percent", "per cent")):
        alts.append(f"{number}%")
    unit = key.split(maxsplit=1)[1] if " " in key else ""
    if unit and not key[:1].isdigit():
        alts.append(f"{number} {unit}")
    return tuple(a for a in dict.fromkeys(alts) if a.lower() != key.lower())


def _list_figures(
    hit: ScoredChunk, doc: Document | None, start: int, lead_end: int, end: int
) -> list[Statement]:
    """A figure in a list item, asked with its lead: "… an ARMS assessment as follows: at
    least every 12 months"."""
    text = hit.chunk.text
    lead = flat(text[start:lead_end]).rstrip(":")
    if _RECOMMEND.match(lead) or len(lead) > 250 or _WEAK_START.match(lead):
        return []
    out = []
    for line in text[lead_end:end].split("\n"):
        item = re.sub(r"^\s*(?:-|\d{1,2}\.)\s+", "", line).strip()
        item = re.sub(r"(?:;\s*(?:or|and)?|[.,])$", "", item).strip()
        if not item or len(item) > 200:
            continue
        sentence = f"{lead}: {item}."
        for s in _figures(hit, doc, start, end, sentence, doc.year if doc else None):
            # the quote runs from the lead to the end of this item
            item_end = text.index(line, lead_end) + len(line.rstrip())
            out.append(
                Statement(
                    kind=s.kind,
                    category=s.category,
                    key=s.key,
                    text=s.text,
                    citation=_cite(hit, doc, start, item_end),
                    value=s.value,
                    alternatives=s.alternatives,
                    year=s.year,
                )
            )
    return out


def _grade_statement(
    hit: ScoredChunk, doc: Document | None, area: str, grade: str
) -> Statement | None:
    """The judgment's grade line and the sentence that states it."""
    text = hit.chunk.text
    match = re.search(re.escape(grade).replace(r"\ ", r"\s+"), text, re.I)
    if not match:
        return None
    sentence_end = re.compile(r"[.!?](?=\s|$)").search(text, match.end())
    end = sentence_end.end() if sentence_end else len(text)
    second = re.search(re.escape(grade).replace(r"\ ", r"\s+"), text[match.end() : end], re.I)
    if not second and match.start() > 0:
        return None
    label = doc.label if doc else hit.doc_label
    return Statement(
        kind="grade",
        category="grade",
        key=grade,
        text=flat(text[match.start() : end]),
        citation=_cite(hit, doc, match.start(), end),
        prompt=f"What grade did the {label} inspection give the force for ‘{area}’?",
        subject=area,
        year=doc.year if doc else None,
    )


def _timescale(
    hit: ScoredChunk, doc: Document | None, start: int, lead_end: int, lead: str
) -> Statement | None:
    match = _RECOMMEND.match(lead)
    if not match or not (match.group("within") or match.group("now")):
        return None
    key = match.group("within") or match.group("now")
    clause = re.split(r"(?<=[.:])\s+(?=[A-Z])", match.group("clause"))[0]
    clause = _CLAUSE_TAIL.sub("", clause).strip()
    if not clause or contains(clause, key):
        return None
    label = doc.label if doc else hit.doc_label
    alternatives = (key.removeprefix("within "),) if key.startswith("within ") else ()
    return Statement(
        kind="timescale",
        category="timescale",
        key=key,
        text=lead,
        citation=_cite(hit, doc, start, lead_end),
        prompt=(
            f"Within what timescale did the {label} report recommend that "
            f"{match.group('force')} {clause}?"
        ),
        subject=f"{match.group('force')} {clause}",
        alternatives=alternatives,
        year=doc.year if doc else None,
    )


def _ordinal(index: int, count: int) -> str:
    if count == 1:
        return ""
    return "final " if index == count - 1 else ("first ", "second ", "third ")[min(index, 2)]


def _mnemonics(hit: ScoredChunk, doc: Document | None) -> list[Statement]:
    """A mnemonic set out one letter a line ("A – Are there children present?"), named in the
    sentence before it."""
    text = hit.chunk.text
    lines = list(_MNEMONIC_LINE.finditer(text))
    if len(lines) < 3:
        return []
    # consecutive lines only (blank lines between them are fine)
    run = [lines[0]]
    for m in lines[1:]:
        if text[run[-1].end() : m.start()].strip():
            break
        run.append(m)
    acronym = "".join(m.group("letter") for m in run)
    base = max(0, run[0].start() - 400)
    before = text[base : run[0].start()].rstrip()
    named = re.search(rf"\b{acronym}\b", before)
    if not named:
        return []
    label = doc.label if doc else hit.doc_label
    out = []
    for i, m in enumerate(run):
        letter = m.group("letter")
        same = [j for j, other in enumerate(run) if other.group("letter") == letter]
        which = _ordinal(same.index(i), len(same))
        body = m.group("body")
        first = _FIRST_SENTENCE.match(body)
        key = first.group(0) if first else body
        out.append(
            Statement(
                kind="mnemonic",
                category=f"mnemonic:{acronym}",
                key=key,
                text=flat(m.group(0)),
                citation=_cite(hit, doc, m.start(), m.end()),
                prompt=(
                    f"In the {acronym} mnemonic ({label} report), "
                    f"what does the {which}{letter} stand for?"
                ),
                subject=f"the {which}{letter}",
                year=doc.year if doc else None,
            )
        )
    # the mnemonic's own name, asked from the sentence that introduces it
    lead_start = base + max(before.rfind(". "), before.rfind("\n")) + 1
    while text[lead_start].isspace():
        lead_start += 1
    lead_end = base + len(before)
    lead = flat(text[lead_start:lead_end])
    if acronym in lead and lead.count(acronym) == 1:
        out.append(
            Statement(
                kind="term",
                category="acronym",
                key=acronym,
                text=lead.rstrip(":") + ".",
                citation=_cite(hit, doc, lead_start, lead_end),
                subject=f"the {acronym} mnemonic",
                year=doc.year if doc else None,
            )
        )
    return out


def _initials(words: list[str]) -> str:
    return "".join(w[0].upper() for w in words if w.lower() not in _MINOR)


def _terms(
    hit: ScoredChunk, doc: Document | None, start: int, end: int, text: str, seen: set[str]
) -> list[Statement]:
    """ "the active risk management system (ARMS)": the words before the brackets whose
    initials spell the abbreviation."""
    out = []
    for match in _TERM.finditer(text):
        acronym = match.group("acr")
        letters = re.sub(r"[^A-Z]", "", acronym.rstrip("s"))
        if acronym in seen or len(letters) < 2:
            continue
        words = list(_TERM_WORD.finditer(text[: match.start()]))[-10:]
        for size in range(len(letters), min(len(words), len(letters) + 3) + 1):
            chosen = words[-size:]
            if _initials([w.group(0) for w in chosen]) == letters:
                break
        else:
            continue
        if chosen[0].group(0).lower() in _MINOR or re.search(r"['’]s$", chosen[-1].group(0)):
            continue
        expansion = text[chosen[0].start() : chosen[-1].end()]
        key = text[chosen[0].start() : match.end()]
        if text.count(key) != 1:
            continue
        seen.add(acronym)
        out.append(
            Statement(
                kind="term",
                category="term",
                key=key,
                text=text,
                citation=_cite(hit, doc, start, end),
                subject=acronym,
                alternatives=(expansion,),
                year=doc.year if doc else None,
                extra={"acronym": acronym, "expansion": expansion},
            )
        )
    return out
