"""Answers from the findings store: recommendations, areas for improvement, causes of concern,
graded judgments and innovative practice are extracted whole at ingest, so a question about
them is answered from them (ranked by the question's topic) rather than from loosely related
passages. Each line leads with the finding (its text, timescale or grade, report and chapter)
and is cited by its span in the document, like any passage.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Protocol

import numpy as np

from assistant.answer.extractive import Draft, citation_for
from assistant.domain.records import (
    Chunk,
    Citation,
    Document,
    Finding,
    FindingType,
    ScoredChunk,
)
from assistant.domain.text import STOPWORDS, common_words, own_words, tokens
from assistant.domain.words import GRADES, NUMBER_WORDS, Grade
from assistant.retrieve.intent import asks_for_list, asks_for_next_steps, finding_types
from assistant.retrieve.sentences import body_sentence_spans, sentence_spans

ChunksByDoc = Mapping[str, Sequence[Chunk]]
"""Each document's chunks, by document id."""


class Scored(Protocol):
    """A finding with its topic score (what `FindingQueries.list_findings` returns)."""

    finding: Finding
    score: float | None


ListFindings = Callable[..., Sequence[Scored]]
"""`FindingQueries.list_findings(doc_ids, types, topic, k, topic_vector)`."""
Nearest = Callable[[Sequence[str]], int]
"""Which of these sentences is nearest the question in meaning (its index)."""

_TIMESCALES = {
    "immediately": re.compile(r"\bimmediate(?:ly)?\b|\bstraight away\b|\bright away\b", re.I),
    "within three months": re.compile(r"\b(?:three|3)[ -]months?\b", re.I),
    "within six months": re.compile(r"\b(?:six|6)[ -]months?\b", re.I),
}
_NOT = re.compile(r"\b(?:not|rather than|other than|except|apart from|besides)\b[^.?!;]*", re.I)
"""A clause that rules timescales out ("not immediate or 3 months")."""
_CHAPTER = re.compile(r"\b(?:chapter|section|part|bit|heading|under)\b", re.I)
_GENERIC = frozenset(
    tokens(
        "what which list give me all every each the report reports inspection inspections "
        "recommend recommendation recommendations recommended recs rec area areas improvement "
        "improvements afi afis grade grades graded rated rating judgment judgments judgement "
        "force staffordshire staffs hmicfrs hmic inspectorate inspectors did does do "
        "tell told want wanted sort out straight away immediately within months get got "
        "chapter section part bit heading under about say said made make were was are is have "
        "has anything things ones from in on for to of by when and how long they it them there any "
        "cause causes concern innovative practice summary main findings "
        "fix fixed fixing sorted change changed changes improve improved done doing asked ask "
        "expected required need needs given give fast quick quickly soon timescale timescales "
        "deadline deadlines exactly sure hmi pls plz please u list show tell cp"
    )
    + list(NUMBER_WORDS)
)
_MONTHS = frozenset(
    tokens("january february march april may june july august september october november december")
)
_MAX_LIST = 12
_MAX_SINGLE = 2
_SUB_POINTS_WHEN_FEW = 3
_NEAR_TOP = 0.06
_SENTENCE_CHARS = 260


@dataclass
class FindingLine:
    finding: Finding
    text: str
    start: int
    end: int
    """Span (document offsets) the line cites."""


def topic_words(question: str) -> set[str]:
    """The question's own subject, without the words that only ask for findings (or name a
    report by its date)."""
    return {
        t
        for t in tokens(question)
        if t not in _GENERIC and t not in STOPWORDS and not t.isdigit() and t not in _MONTHS
    }


def asks_for_whole_list(question: str) -> bool:
    """ "List all the recs in the 2025 report": every finding of a type, whatever its topic."""
    own = own_words(question)
    return asks_for_list(own) and bool(finding_types(own)) and not topic_words(own)


def subject_text(question: str) -> str:
    """The question's words that say what it is about ("Op Safenet" in "Op Safenet - what did
    HMICFRS want changed?"): the findings are ranked by these, since every finding answers
    "what did they want changed"."""
    topic = topic_words(question)
    return " ".join(w for w in _WORDS.findall(question) if set(tokens(w)) & topic)


_WORDS = re.compile(r"[\w'’-]+")


def passage_bonus(finding: Finding, retrieved: Sequence[ScoredChunk]) -> float:
    """A lift for a finding whose text the passage search ranked high: that search weighs the
    question's wording, phrases and section kinds, which a finding's own similarity does not."""
    for rank, hit in enumerate(retrieved[:_PASSAGE_DEPTH]):
        if _holds(hit.chunk, finding):
            return PASSAGE_WEIGHT * (1 - rank / _PASSAGE_DEPTH)
    return 0.0


def _holds(chunk: Chunk, finding: Finding) -> bool:
    """Whether the passage holds some of the finding's text."""
    return (
        chunk.doc_id == finding.doc_id and chunk.start < finding.end and finding.start < chunk.end
    )


PASSAGE_WEIGHT = 0.1
SUBJECT_WEIGHT = 0.3
"""A finding's topic score blends its similarity to the whole question with its similarity to
the question's subject alone (chosen on tune: hit@1 0.814 -> 0.818 at 0.2 and 0.3, 0.815 at
0.5)."""
_OFF_SUBJECT = 0.3
"""What a finding the subject alone does not find scores for it: under that search's floor."""
_PASSAGE_DEPTH = 10


def chapter_filter(question: str, findings: Sequence[Finding]) -> list[Finding]:
    """Findings in the chapter(s) the question names ("the leadership chapter", "under the
    investigating judgment"): the chapters whose titles share most of the question's words,
    counting only words few titles hold ("children" is in most); all when it names none."""
    if not _CHAPTER.search(question):
        return list(findings)
    titles = {t: set(tokens(t)) for t in {" ".join(f.section_path[:1]) for f in findings}}
    named = [words for title, words in titles.items() if title]
    common = common_words(named) if len(named) > 2 else set()
    wanted = topic_words(question) - common
    scored = [(len(wanted & titles[" ".join(f.section_path[:1])]), f) for f in findings]
    best = max((s for s, _ in scored), default=0)
    return [f for s, f in scored if s == best] if best else list(findings)


def timescale_filter(question: str, findings: Sequence[Finding]) -> list[Finding]:
    """Recommendations with the timescale the question names ("straight away"), without the
    ones it rules out ("six months, not immediate")."""
    ruled_out = " ".join(_NOT.findall(question))
    wanted = _NOT.sub(" ", question)
    named = [ts for ts, pattern in _TIMESCALES.items() if pattern.search(wanted)]
    excluded = [ts for ts, pattern in _TIMESCALES.items() if pattern.search(ruled_out)]
    if not named and not excluded:
        return list(findings)
    kept = [
        f
        for f in findings
        if (not named or (f.timescale or "").lower() in named)
        and (f.timescale or "").lower() not in excluded
    ]
    return kept or list(findings)


def _chunk_for(finding: Finding, chunks: ChunksByDoc) -> Chunk | None:
    own = chunks.get(finding.doc_id, ())
    inside = [c for c in own if c.start <= finding.start < c.end]
    overlapping = [c for c in own if c.start < finding.end and finding.start < c.end]
    return next(iter(inside or overlapping), None)


def _lead(
    finding: Finding, question: str, details: int, nearest: Nearest | None = None
) -> tuple[str, list[str]]:
    """The finding as one line: its title (a recommendation's lead sentence, an area's
    heading); with few findings to show (`details` > 0), a recommendation's sub-points, or the
    area's sentence closest to the question (by `nearest`, its meaning, or else the words they
    share) and, with room for two, what it tells the force to do (its last "should" sentence,
    one with a timescale first), in report order. With the line, the sentences it quotes,
    the closest first."""
    text = " ".join(finding.title.split()).rstrip(":. ")
    if not details:
        return text, []
    if finding.sub_points:
        points = "; ".join(" ".join(p.split()).rstrip(";.") for p in finding.sub_points)
        return f"{text}: {points}", []
    body = " ".join(finding.text.split())
    if body.startswith(text):  # a recommendation's text opens with its lead sentence
        body = body[len(text) :].lstrip(":. ")
    wanted = topic_words(question)
    sentences = [body[a:b] for a, b in sentence_spans(body) if b - a <= _SENTENCE_CHARS]
    if nearest is not None and sentences:
        picked = [sentences[nearest(sentences)]]
    else:
        best = max(sentences, key=lambda t: len(wanted & set(tokens(t))), default="")
        picked = [best] if best and wanted & set(tokens(best)) else []
    if details > 1:
        remedy = _remedy(sentences)
        if remedy and remedy not in picked:
            picked.append(remedy)
    quoted = sorted(picked, key=sentences.index)
    return (" ".join([f"{text}.", *quoted]) if quoted else text), picked


def _held_in(sentence: str, finding: Finding, chunks: ChunksByDoc) -> tuple[Chunk, int, int] | None:
    """The chunk of the finding's text that holds `sentence` (its spacing normalised), with
    the sentence's span in it: a long area's closest sentence is often past its first chunk."""
    pattern = re.compile(r"\s+".join(re.escape(word) for word in sentence.split()))
    for chunk in chunks.get(finding.doc_id, ()):
        if chunk.start < finding.end and finding.start < chunk.end:
            found = pattern.search(chunk.text)
            if found:
                return chunk, found.start(), found.end()
    return None


_REMEDY = re.compile(r"\b(?:should|must|needs? to)\b", re.I)
_WHEN = re.compile(
    r"\b(?:as soon as possible|immediately|without delay|within (?:the next )?\w+ (?:weeks?|months?)|"
    r"by (?:the end of )?(?:january|february|march|april|may|june|july|august|september|"
    r"october|november|december|\d{4}))\b",
    re.I,
)


def _remedy(sentences: Sequence[str]) -> str | None:
    """What an area for improvement tells the force to do: the last sentence that says what
    it should do, one that also says by when first."""
    remedies = [s for s in sentences if _REMEDY.search(s)]
    timed = [s for s in remedies if _WHEN.search(s)]
    chosen = timed or remedies
    return chosen[-1] if chosen else None


def _where(finding: Finding, labels: dict[str, str]) -> str:
    chapter = finding.section_path[0] if finding.section_path else ""
    label = labels.get(finding.doc_id, finding.doc_id)
    return f"{label}, {chapter}" if chapter else label


def _cite(
    finding: Finding,
    n: int,
    chunks: ChunksByDoc,
    documents: dict[str, Document],
    labels: dict[str, str],
) -> tuple[Citation, ScoredChunk] | None:
    """Citation `n` of the finding's own text, and the passage holding it."""
    chunk = _chunk_for(finding, chunks)
    if chunk is None:
        return None
    lo = max(finding.start, chunk.start) - chunk.start
    hi = min(finding.end, chunk.end) - chunk.start
    return _cite_span(chunk, lo, hi, n, documents, labels)


def _cite_span(
    chunk: Chunk,
    lo: int,
    hi: int,
    n: int,
    documents: dict[str, Document],
    labels: dict[str, str],
) -> tuple[Citation, ScoredChunk]:
    """Citation `n` of `chunk.text[lo:hi]`, and the passage as a hit."""
    hit = ScoredChunk(chunk=chunk, score=1.0, doc_label=labels.get(chunk.doc_id, ""))
    return citation_for(n, hit, lo, hi, documents.get(chunk.doc_id)), hit


def render(
    question: str,
    findings: Sequence[Finding],
    chunks: ChunksByDoc,
    documents: dict[str, Document],
    labels: dict[str, str],
    judgments: bool,
    nearest: Nearest | None = None,
) -> tuple[str, list[Citation], list[ScoredChunk]]:
    """One cited line per finding: "area — grade" for judgments; otherwise the finding, its
    timescale, report and chapter. Returns the text, citations and the chunks they cite."""
    lines: list[str] = []
    citations: list[Citation] = []
    counts = bool(_COUNTS.search(question))
    cited: list[ScoredChunk] = []
    details = 0 if len(findings) > _SUB_POINTS_WHEN_FEW else 1 if len(findings) > 2 else 2
    for finding in findings:
        n = len(citations) + 1
        found = _cite(finding, n, chunks, documents, labels)
        if found is None:
            continue
        citation, hit = found
        chunk = hit.chunk
        citations.append(citation)
        if judgments:
            _add(cited, hit)
            lines.append(f"- {finding.title} — {finding.grade} [{n}]")
            continue
        line, quoted = _lead(finding, question, details, nearest)
        markers = [n]
        for sentence in quoted:  # a quoted sentence further on: its passage leads
            held = _held_in(sentence, finding, chunks)
            if held is None or held[0].chunk_id == chunk.chunk_id:
                if counts:  # the closest sentence holds the count asked for: its passage first
                    _add(cited, hit)
                continue
            there = ScoredChunk(chunk=held[0], score=1.0, doc_label=hit.doc_label)
            markers.append(len(citations) + 1)
            citations.append(
                citation_for(markers[-1], there, held[1], held[2], documents.get(chunk.doc_id))
            )
            _add(cited, there)
        _add(cited, hit)
        when = f" — {finding.timescale}" if finding.timescale else ""
        cites = " ".join(f"[{m}]" for m in markers)
        lines.append(f"- {line}{when} ({_where(finding, labels)}) {cites}")
    return "\n".join(lines), citations, cited


_COUNTS = re.compile(
    r"\bhow (?:many|much)\b|\bwhat (?:figures?|numbers?|percentage|proportion|share)\b"
    r"|\bnumber of\b|\bper ?cent\b",
    re.I,
)
"""A question after an area's figures ("how many files had it blank?"), which the sentence
closest to it gives, rather than what the force must do."""


def _add(cited: list[ScoredChunk], hit: ScoredChunk) -> None:
    if all(c.chunk.chunk_id != hit.chunk.chunk_id for c in cited):
        cited.append(hit)


def select(
    question: str,
    typed: set[FindingType],
    ranked: Sequence[Finding],
    everything: Sequence[Finding],
    scores: Sequence[float] = (),
) -> list[Finding]:
    """Which findings answer, in the order to give them: for a list question, the whole list
    in report order (narrowed to a named chapter or timescale; graded areas with the grade the
    question names first), or the findings about the topic it names, best first; otherwise
    the best one or two."""
    if asks_for_list(question) or FindingType.JUDGMENT in typed:
        in_chapter = chapter_filter(question, everything)
        pool = timescale_filter(question, in_chapter)
        wanted = topic_words(question)
        if FindingType.JUDGMENT in typed:
            wanted -= _GRADE_WORDS  # "which ones were RI" asks for every area's grade
        if len(in_chapter) < len(everything) or not wanted or _which_got(question, typed):
            return graded_first(question, pool)[:_MAX_LIST]
        if FindingType.JUDGMENT in typed and _grades_elsewhere(wanted, pool):
            return []
        in_pool = {f.finding_id for f in pool}
        kept = [f for f in ranked if f.finding_id in in_pool]
        seen = {f.finding_id for f in kept}
        candidates = kept + [f for f in pool if f.finding_id not in seen]
        listed = [f for f in candidates if f.type is not FindingType.JUDGMENT]
        distinctive = wanted - common_words([_about(f) for f in listed])
        if not distinctive:
            return graded_first(question, pool)[:_MAX_LIST]
        on_topic = [f for f in listed if distinctive & _about(f)]
        return (on_topic or kept[:_MAX_SINGLE] or pool)[:_MAX_LIST]
    score_of = {f.finding_id: score for f, score in zip(ranked, scores, strict=False)}
    kept = timescale_filter(question, in_named_chapter(question, ranked, everything))
    if not kept:
        return []
    best = kept[:_MAX_SINGLE]

    def score(finding: Finding) -> float:
        return score_of.get(finding.finding_id, 0.0)

    if len(best) > 1 and score(best[0]) - score(best[1]) > _NEAR_TOP:
        best = best[:1]
    other = next((f for f in kept if f.doc_id != kept[0].doc_id), None)
    if other is not None and other not in best and score(kept[0]) - score(other) <= _NEAR_TOP:
        best = [best[0], other]
    return best


_NAMED_CHAPTER = re.compile(r"\b(?:chapter|heading)s?\b|\bsections?\b(?!\s*\d)", re.I)
"""A chapter named in so many words: not "under" or "part", which say other things too, nor
"section 46" (a power)."""
_ASKS_CHAPTER = re.compile(r"\b(?:which|what)\s+(?:\w+\s+)?(?:chapter|heading|section)", re.I)
"""A question asking which chapter ("which chapter told the force to...") names none."""


def in_named_chapter(
    question: str, ranked: Sequence[Finding], everything: Sequence[Finding]
) -> list[Finding]:
    """For a question naming the chapter of the finding it asks about ("the area for
    improvement in the 2025 section on assessing risk"), that chapter's findings the topic
    found, best first, else all of them in report order; the ranked findings otherwise."""
    if not _NAMED_CHAPTER.search(question) or _ASKS_CHAPTER.search(question):
        return list(ranked)
    in_chapter = chapter_filter(question, everything)
    if len(in_chapter) == len(everything):
        return list(ranked)
    named = {f.finding_id for f in in_chapter}
    return [f for f in ranked if f.finding_id in named] or in_chapter


_BEST = re.compile(r"\b(?:best|top|highest|strongest)\b|\b(?:did|do|does|doing|done) well\b", re.I)
_WORST = re.compile(r"\b(?:worst|bottom|lowest|weakest|poorest|f[ae]ll(?:s|ing)? short)\b", re.I)
_GRADE_NAMES = {grade: re.compile(rf"\b{re.escape(grade.value)}\b", re.I) for grade in GRADES} | {
    Grade.REQUIRES_IMPROVEMENT: re.compile(r"\brequires? improvement\b|\bRI\b", re.I)
}


def graded_first(question: str, findings: Sequence[Finding]) -> list[Finding]:
    """Report order, but the graded areas the question asks about first: the grades it names
    ("which got good and which were RI"), or the best or worst ("top-graded area")."""
    named = _named_grades(question)
    ordered = [g.value for g in GRADES if g.value in {f.grade for f in findings}]
    if ordered and _BEST.search(question):
        named.add(ordered[0])
    if ordered and _WORST.search(question):
        named.add(ordered[-1])
    return sorted(findings, key=lambda f: f.grade not in named)


def _named_grades(question: str) -> set[str]:
    return {g.value for g, pattern in _GRADE_NAMES.items() if pattern.search(question)}


def _which_got(question: str, typed: set[FindingType]) -> bool:
    """ "Which bits of CP work were rated RI?": every area, those with the named grade first
    (its other words only restate what the inspection is about)."""
    return (
        FindingType.JUDGMENT in typed
        and bool(_WHICH.search(question))
        and bool(_named_grades(question))
    )


_WHICH = re.compile(r"\bwhich\b", re.I)


def _grades_elsewhere(wanted: set[str], pool: Sequence[Finding]) -> bool:
    """A question about grades whose subject is no graded area ("the 33 cases the force graded
    itself", "the hubs HMI rated in 2021: still working well?"): grades given to something
    else, which the passages answer. Most of its subject's words are in no area's name."""
    graded = [f for f in pool if f.type is FindingType.JUDGMENT]
    titles = set().union(*(_words(f.title) for f in graded)) if graded else set()
    named = len(wanted & titles)
    return bool(graded) and len(wanted) >= _OWN_SUBJECT_WORDS and 2 * named < len(wanted)


_OWN_SUBJECT_WORDS = 2
_GRADE_WORDS = frozenset(
    tokens(
        " ".join(GRADES) + " ri best worst highest lowest top bottom came bit bits ones area "
        "mark marks score scores scored result results rate rated rating ratings work fall falls "
        "fell short strongest weakest strong weak well poorly badly"
    )
)


def _about(finding: Finding) -> frozenset[str]:
    """The words that say what a finding is about: its text and its chapter (memoised: a list
    question over many reports checks every finding of a type)."""
    return _words(" ".join([finding.text, *finding.section_path[:1]]))


@lru_cache(maxsize=50_000)
def _words(text: str) -> frozenset[str]:
    return frozenset(tokens(text))


def findings_answer(
    question: str,
    vector: np.ndarray,
    doc_ids: list[str],
    list_findings: ListFindings,
    chunks: ChunksByDoc,
    documents: dict[str, Document],
    labels: dict[str, str],
    nearest: Nearest | None = None,
    retrieved: Sequence[ScoredChunk] = (),
    searched: str | None = None,
    weak: bool = False,
) -> tuple[Draft, list[ScoredChunk]] | None:
    """A findings-led answer, or None when the question asks for no finding type (or for what
    the force must do next about them; or only the earlier question it follows did: "when
    did the sessions run?" after "what innovative practice...") or none matches. `nearest`
    picks an area's sentence to quote by meaning; `searched` is the question as the passage
    search read it (without the inspectorate's names, whose expansions are no topic); `weak`:
    the passages alone would be refused as answering too loosely, so a finding the passage
    search leads with answers even if no finding shares the question's words."""
    if _AUDIT_WORDS.search(question):
        figures = [s.finding for s in list_findings(doc_ids or None, ["headline_figure"])]
        tables = audit_tables(question, figures)
        if tables:
            return _audit_answer(tables, chunks, documents, labels, _whole(tables[0], figures))
    typed = finding_types(question)
    if not typed or asks_for_next_steps(question) or _asks_elsewhere(question):
        return None
    types = sorted(t.value for t in typed)
    everything = [s.finding for s in list_findings(doc_ids or None, types)]
    instead = ""
    if (
        not everything
        and typed == {FindingType.RECOMMENDATION}
        and doc_ids
        and asks_for_list(own_words(question))
    ):  # "list the recs in the 2025 report": it makes none, but sets areas for improvement
        typed = {FindingType.AREA_FOR_IMPROVEMENT}
        types = [FindingType.AREA_FOR_IMPROVEMENT.value]
        everything = [s.finding for s in list_findings(doc_ids, types)]
        named = " and ".join(labels.get(d, d) for d in doc_ids)
        instead = f"The {named} report makes no recommendations; it sets areas for improvement."
    if not everything:
        if FindingType.JUDGMENT in typed and doc_ids:
            audits = [s.finding for s in list_findings(doc_ids, ["headline_figure"])]
            return _no_grades(doc_ids, labels, _case_audit(audits), chunks, documents)
        return None
    subject_of = searched or question  # the inspectorate's names are no topic
    subject = subject_text(subject_of) or question
    found = list_findings(doc_ids or None, types, subject, None, vector)
    by_subject = {  # the subject alone: a long question's other words blur its meaning
        s.finding.finding_id: s.score or 0.0
        for s in list_findings(doc_ids or None, types, subject, None, None)
    }
    scored = [
        (
            (1 - SUBJECT_WEIGHT) * (s.score or 0.0)
            + SUBJECT_WEIGHT * by_subject.get(s.finding.finding_id, _OFF_SUBJECT)
            + passage_bonus(s.finding, retrieved),
            s.finding,
        )
        for s in found
    ]
    if not scored and retrieved and weak:  # no finding shares the subject's words ("what did
        # HMICFRS flag as innovative practice?"), but the passage search leads with one
        scored = [(0.0, f) for f in everything if _holds(retrieved[0].chunk, f)]
    scored.sort(key=lambda pair: -pair[0])
    ranked = [f for _, f in scored]
    chosen = select(subject_of, typed, ranked, everything, [score for score, _ in scored])
    if not chosen:
        return None
    judgments = all(f.type is FindingType.JUDGMENT for f in chosen)
    text, citations, cited = render(question, chosen, chunks, documents, labels, judgments, nearest)
    if not citations:
        return None
    heading = _heading(chosen, labels, judgments)
    missing = [d for d in doc_ids if d not in {f.doc_id for f in chosen}]
    notes = [f"The {labels.get(d, d)} report has no {types_label(typed)} on this." for d in missing]
    body = "\n".join([*filter(None, [instead]), heading, text, *notes])
    return Draft(text=body, citations=citations, refused=False), cited


def _asks_elsewhere(question: str) -> bool:
    """A follow-up asking something of its own ("when did the sessions run?") after a question
    about findings: only the attached earlier question names them. A bare pointer back ("and
    which one came out best?") still asks about the findings."""
    own = own_words(question)
    pointing = len(tokens(own)) <= _POINTER_WORDS or bool(_ANOTHER_FINDING.search(own))
    return own != question and not finding_types(own) and not pointing


_POINTER_WORDS = 3
_ANOTHER_FINDING = re.compile(
    r"\b(?:another|other|first|second|third|fourth|fifth|last|next) (?:one|ones)\b|"
    r"\bthe (?:other|rest|others)\b|\bhow long did (?:they|it|the force) (?:get|have)\b",
    re.I,
)
"""Words that point at another finding of the list the conversation is about ("there was a
third one in that chapter"), or at a finding's timescale ("how long did they get")."""
_MARKER = re.compile(r"\[(\d{1,3})\]")
_SUPPORT_CHARS = 450


def with_support(led: Draft, support: Draft, budget: int = _SUPPORT_CHARS) -> Draft:
    """A findings-led answer about one or two findings, followed by the passage answer's
    quotes that add to it (renumbered after the findings' citations, up to `budget`
    characters): the finding first, then what the report says around it."""
    if support.refused or not support.citations:
        return led
    by_n = {c.n: c for c in support.citations}
    lines: list[str] = []
    citations = list(led.citations)
    used = 0
    for piece in re.split(r"(?<=\])\s+", support.text):
        numbers = [int(n) for n in _MARKER.findall(piece)]
        cited = [by_n[n] for n in numbers if n in by_n]
        if not cited or any(_repeats(c, led.citations) for c in cited):
            continue
        if used + len(piece) > budget:
            break
        renumbered = {c.n: len(citations) + i + 1 for i, c in enumerate(cited)}
        citations += [c.model_copy(update={"n": renumbered[c.n]}) for c in cited]
        lines.append(_renumber(piece, renumbered))
        used += len(piece)
    if not lines:
        return led
    text = led.text + "\n\nAlso in the reports: " + " ".join(lines)
    return Draft(text=text, citations=citations, refused=False)


def _renumber(text: str, numbers: dict[int, int]) -> str:
    return _MARKER.sub(lambda m: f"[{numbers[int(m.group(1))]}]", text)


def _repeats(citation: Citation, others: Sequence[Citation]) -> bool:
    """The citation quotes text a finding's citation already covers."""
    return any(
        o.doc_id == citation.doc_id and o.start <= citation.start and citation.end <= o.end
        for o in others
    )


def types_label(typed: set[FindingType]) -> str:
    names = {
        FindingType.RECOMMENDATION: "recommendations",
        FindingType.AREA_FOR_IMPROVEMENT: "areas for improvement",
        FindingType.CAUSE_OF_CONCERN: "causes of concern",
        FindingType.JUDGMENT: "graded judgments",
        FindingType.INNOVATIVE_PRACTICE: "innovative practice",
    }
    return " or ".join(names[t] for t in sorted(typed) if t in names)


def _heading(findings: Sequence[Finding], labels: dict[str, str], judgments: bool) -> str:
    reports = ", ".join(dict.fromkeys(labels.get(f.doc_id, f.doc_id) for f in findings))
    if judgments:
        return f"{reports} graded judgments (area — grade):"
    kinds = types_label({f.type for f in findings})
    count = len(findings)
    if count == 1:
        return f"{reports}: the {kinds.replace('areas', 'area').removesuffix('s')}:"
    return f"{reports}: {count} {kinds}:"


def _case_audit(figures: Sequence[Finding]) -> Finding | None:
    """The report's largest graded case count ("77 cases: 19 good, 23 requires improvement,
    35 inadequate"): what a report that grades no area says about quality instead."""
    best = max(figures, key=_graded_total, default=None)
    return best if best is not None and _graded_total(best) else None


_GRADED_COUNT = re.compile(r"^(\d[\d,]*)\s+(?:good|requires? improvement|inadequate)", re.I)


def _graded_total(figure: Finding) -> int:
    """How many cases a list of graded counts adds up to ("17 good, 10 require improvement,
    6 inadequate": 33); 0 for a list of anything else."""
    counts = [_GRADED_COUNT.match(p) for p in figure.sub_points]
    return sum(int(m.group(1).replace(",", "")) for m in counts if m)


_AUDIT_WORDS = re.compile(r"\b(?:cases?|case ?files?|files|jobs|sample)\b", re.I)
_SELF_ASSESSED = re.compile(
    r"\bself[- ]?assess\w*"
    r"|\b(?:grad|mark|rat|scor|assess|judg)\w* (?:\w+ ){0,3}?(?:itself|themselves)\b"
    r"|\b(?:its|their|\w+['’]s?) own (?:\w+ )?(?:grad\w*|marks?|marking|scor\w*|assessments?|ratings?|"
    r"samples?|cases|files|jobs)\b"
    r"|\beach side\b",
    re.I,
)
"""The force's grading of its own cases: "the jobs the force marked itself on", "the force's
own grading", "how many did each side call good"."""
_BY_BOTH = re.compile(r"\bboth\b", re.I)
"""The inspectorate's heading for the sample the force graded and it graded again ("Cases
assessed by both Staffordshire Police and us")."""
_SAMPLE_SIZE = re.compile(
    r"\b(\d{1,3})(?=(?: [\w-]+){0,3}? (?:cases?|case ?files?|files|jobs|samples?)\b)"
    r"|\b(?:extra|additional|other|more|remaining) (\d{1,3})\b",
    re.I,
)
"""A sample named by its size ("the 33 cases", "its own 33 sample cases", "the extra 44"), not
a child's age ("the case of the 12 yr old boy")."""


def audit_tables(question: str, figures: Sequence[Finding]) -> list[Finding]:
    """The case-audit tables a question asks for by a sample's size ("the 33 cases") or by the
    force's own grading (the sample both graded: the force's counts and the inspectors'), in
    report order; none for other questions."""
    if not _AUDIT_WORDS.search(question):
        return []
    graded = [(f, t) for f in figures if (t := _graded_total(f))]
    if not graded:
        return []
    sizes = _sizes(own_words(question)) or _sizes(question)  # a follow-up's own sample first
    chosen = [f for f, t in graded if t in sizes]
    if not chosen and _SELF_ASSESSED.search(question):
        chosen = [f for f, _ in graded if _BY_BOTH.search(f.title)]
    return sorted(chosen, key=lambda f: (f.doc_id, f.start))


def _whole(table: Finding, figures: Sequence[Finding]) -> bool:
    """Whether the table is its report's whole audit (its largest graded sample)."""
    own = [_graded_total(f) for f in figures if f.doc_id == table.doc_id]
    return _graded_total(table) == max(own, default=0)


def _sizes(text: str) -> set[int]:
    return {int(a or b) for a, b in _SAMPLE_SIZE.findall(text)}


def _introduction(table: Finding, chunks: ChunksByDoc) -> tuple[Chunk, int, int] | None:
    """The sentences before the table, in its chapter, that state the sample's size (from the
    first to the last of them in the nearest passage holding any)."""
    size = re.compile(rf"\b{_graded_total(table)}\b")
    before = [
        c
        for c in chunks.get(table.doc_id, ())
        if c.start < table.start and c.section_path[:1] == table.section_path[:1]
    ]
    for chunk in sorted(before, key=lambda c: -c.start):
        stating = [
            (lo, hi)
            for lo, hi in body_sentence_spans(chunk)
            if chunk.start + lo < table.start and size.search(chunk.text[lo:hi])
        ]
        if stating:
            return chunk, stating[0][0], stating[-1][1]
    return None


def _audit_answer(
    tables: Sequence[Finding],
    chunks: ChunksByDoc,
    documents: dict[str, Document],
    labels: dict[str, str],
    whole: bool,
) -> tuple[Draft, list[ScoredChunk]] | None:
    """Each asked-for table's counts, one cited line each, under its report's name; first, the
    sentence that introduces the sample ("...self-assessed ... 33 child protection cases"), or
    for the `whole` audit the summary's sentence stating it."""
    lines: list[str] = []
    citations: list[Citation] = []
    cited: list[ScoredChunk] = []
    intro = (_in_words(tables[0], chunks) if whole else None) or _introduction(tables[0], chunks)
    if intro is not None:
        chunk, lo, hi = intro
        citation, hit = _cite_span(chunk, lo, hi, 1, documents, labels)
        citations.append(citation)
        _add(cited, hit)
        lines.append(f"{' '.join(chunk.text[lo:hi].split())} [1]")
    for table in tables:
        found = _cite(table, len(citations) + 1, chunks, documents, labels)
        if found is None:
            continue
        citation, hit = found
        citations.append(citation)
        _add(cited, hit)
        counts = ", ".join(" ".join(p.split()).rstrip(";.") for p in table.sub_points)
        lines.append(f"- {table.title.rstrip(':')}: {counts} [{citation.n}]")
    if not citations:
        return None
    reports = ", ".join(dict.fromkeys(labels.get(t.doc_id, t.doc_id) for t in tables))
    text = "\n".join([f"{reports} case audit:", *lines])
    return Draft(text=text, citations=citations, refused=False), cited


def _no_grades(
    doc_ids: list[str],
    labels: dict[str, str],
    audit: Finding | None,
    chunks: ChunksByDoc,
    documents: dict[str, Document],
) -> tuple[Draft, list[ScoredChunk]]:
    """A report that grades no area says so, and gives its case-audit figures, cited; never
    another organisation's grade in the force's place."""
    names = ", ".join(labels.get(d, d) for d in doc_ids)
    text = f"The {names} report gives no graded judgments for the force's areas."
    audited = None if audit is None else _audit_answer([audit], chunks, documents, labels, True)
    if audited is None:
        return Draft(text=text, citations=[], refused=True, reason="no graded judgments"), []
    draft, cited = audited
    return replace(draft, text=f"{text}\n{draft.text}"), cited


def _in_words(audit: Finding, chunks: ChunksByDoc) -> tuple[Chunk, int, int] | None:
    """The report's first sentence, outside the table, that gives all the table's counts in
    words ("good in 19 cases, requiring improvement in 23 cases, and inadequate in 35"): its
    summary's own statement of the audit."""
    counts = [m.group(1) for p in audit.sub_points if (m := _GRADED_COUNT.match(p))]
    wanted = [re.compile(rf"\b{re.escape(c)}\b") for c in counts]
    for chunk in sorted(chunks.get(audit.doc_id, ()), key=lambda c: c.start):
        if chunk.start < audit.end and audit.start < chunk.end:
            continue
        for lo, hi in body_sentence_spans(chunk):
            if all(w.search(chunk.text[lo:hi]) for w in wanted):
                return chunk, lo, hi
    return None
