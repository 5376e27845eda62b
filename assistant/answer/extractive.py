"""The default, offline answerer: it answers with the report's own sentences, each cited.

Every unit (sentence, or lead sentence with its list) of the retrieved passages is scored by
its similarity to the question (same embedding model), the share of the question's words it
contains, and the rank of its passage. The best units are ordered as they stand in the reports
(grouped by report for comparisons). When even the best is weak, or the question names something
no document mentions, it refuses and shows the nearest passages instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answer.answerability import (
    asks_besides_count,
    asks_for_person,
    asks_for_share,
    counted_subject,
    defines,
    figure_about,
    foreign_years,
    has_duration,
    has_figure,
    has_figure_or_date,
    money_in,
    names_organisation,
    names_person,
    organisation_asked,
    other_forces,
    partial_years,
    periods,
    qualifying_words,
    sized_subject,
    speaker_asked,
    speaker_heard,
    uncovered_years,
    unheld_inspections,
    yes_or_no,
)
from assistant.answer.units import Unit, answer_units, is_mnemonic, item_lines, render_unit
from assistant.domain.records import (
    Citation,
    Document,
    FindingType,
    ScoredChunk,
    SectionKind,
    place,
)
from assistant.domain.text import YEAR, WeightedWords, dated_years, own_words, tokens
from assistant.retrieve.answer_types import REPORTED, SHOULD, is_directive
from assistant.retrieve.intent import (
    VERDICT_ASKED,
    ask_clause,
    asks_for_change,
    asks_for_duration,
    asks_for_figure,
    asks_for_list,
    asks_for_money,
    asks_for_overview,
    asks_for_practice,
    defined_term,
    finding_types,
    wanted_kinds,
)
from assistant.retrieve.sentences import SentenceVectors, body_sentence_spans, sentence_spans
from assistant.retrieve.vocabulary import Vocabulary, spelled_out
from ingest.findings import polarity

_MIN_WORDS = 4
_ACRONYM = re.compile(r"\b([A-Z]{2,6})s?\b")
_FUTURE = re.compile(
    r"\bwill\b[^?]*\bnext\b|\bnext (?:inspection|year|time)\b|\bin (?:the )?future\b|\bgoing to be\b",
    re.I,
)
WEAK = "no passage answers the question closely enough"
"""The refusal reason that a findings-led answer may overrule (the others it must not, but for
a report's whole list of findings when another report covers the topic: `covered_elsewhere`)."""
_ELSEWHERE_END = " report does"
_PEOPLE = frozenset(tokens("officer officers police staff child children kid kids force i we"))
"""Who a directive is about, in nearly every one: no sign it answers the question asked."""
_ACTION = re.compile(
    r"\b(?:(?:meant|supposed|expected|need|needs|have|got|ought|required|ok|okay) to|"
    r"(?:should|must|can|do|could) (?:i|we))\b",
    re.I,
)
"""Where an officer's question says what they would do ("what am I meant to | record")."""
_VERDICT = re.compile(
    r"\b(?:should|must|need(?:s|ed)? to|isn't|wasn't|aren't|weren't|doesn't|didn't|don't|not|"
    r"poor|wrong|good|effective|ineffective|concern\w*|risk|approved|guidance)\b",
    re.I,
)
_PROPER_NOUN = re.compile(r"(?<!^)(?<![.?!]\s)\b([A-Z][a-z]{3,})\b")


@dataclass(frozen=True)
class ExtractiveConfig:
    """Chosen by the sweep in `eval/sweep.py` over the gold set."""

    similarity_weight: float = 0.6
    coverage_weight: float = 0.25
    passage_weight: float = 0.15
    refusal_threshold: float = 0.44
    """Below this, nothing answers: refused as weak. On the tune split no near-miss is refused
    by it alone (the answerability rules refuse them), while paraphrased answerable questions
    score lower than their wording suggests."""
    evidence_threshold: float = 0.48
    """What counts as evidence for the rules (a figure, a name, a year in the evidence) and for
    quoting: the bar the refusal threshold was before it was set apart."""
    margin: float = 0.2
    max_units: int = 6
    max_units_per_doc_when_comparing: int = 3
    comparison_floor: float = 0.8
    """In a comparison a report gets its say down to this share of the evidence threshold;
    below it, the answer says the report does not cover the topic."""
    story_margin: float = 0.5
    max_story_units: int = 10
    focus_margin: float = 0.25
    """Units of the best unit's own passage are kept down to this far below it (the passage
    that answers usually holds the rest of the answer too); 0 treats it like any other."""
    evidence_units: int = 8
    """How many of the best units (above the threshold) a budget must be found in."""
    figure_units: int = 8
    """How many of the best units (down to `figure_slack` below the threshold) a "how many"
    question's figure is looked for in."""
    figure_slack: float = 0.0
    figure_confidence: float = 0.65
    """A unit this relevant, holding a figure, answers a "how many" question although it words
    the counted subject otherwise ("under-18s booked into the cells": "children in the force's
    custody"). Chosen on tune: 0.65 answers two more there and refuses as before; 0.6 lets
    an unanswerable through."""
    practice_slack: float = 0.04
    """How far below the evidence bar a should/must unit may lead a practice question when its
    directive names what the officer asks about."""
    answer_chars: int = 700
    """The quotes of an answer (not a comparison) stop short of this many characters, the
    best unit always kept."""
    selection_passage_weight: float = 0.2
    """Added to `passage_weight` when choosing what to quote (not when deciding to refuse):
    the retriever's ranking knows which passage answers better than one sentence does."""
    list_chars: int = 500
    """A list longer than this, in a question that does not ask for a list, is quoted by its
    lead and its items nearest the question..."""
    list_items: int = 4
    """...at most this many..."""
    list_margin: float = 0.15
    """...down to this far below the nearest."""
    kind_weight: float = 0.1
    """Added, when choosing what to quote, to units of a kind of section the question asks for
    (its next steps, a case study, a recommendation)."""
    heading_share: float = 0.9
    """A unit is at least this share as near the question as its passage's heading: a report's
    headings state its findings ("Case study: effective multi-agency safeguarding..."), which
    the sentences under them leave unsaid."""


@dataclass
class Draft:
    text: str
    citations: list[Citation]
    refused: bool
    reason: str | None = None


def covered_elsewhere(reason: str | None) -> bool:
    """Whether a refusal says another report covers what the one asked about does not."""
    return reason is not None and reason.endswith(_ELSEWHERE_END)


@dataclass
class _Candidate:
    passage: ScoredChunk
    passage_rank: int
    unit: Unit
    score: float
    """How well the unit answers, for choosing what to quote (leans on passage rank)."""
    similarity: float = 0.0
    """The unit's best sentence's similarity to the question."""
    relevance: float = 0.0
    """Whether anything answers at all: the refusal threshold applies to this."""
    keep: frozenset[int] | None = None
    """For a long list the question does not ask for whole: the items (by index) to quote."""


def citation_for(
    n: int, hit: ScoredChunk, start: int, end: int, document: Document | None
) -> Citation:
    """A citation of `hit.chunk.text[start:end]`, with offsets into the document's text."""
    chunk = hit.chunk
    return Citation(
        n=n,
        doc_id=chunk.doc_id,
        doc_title=document.title if document else chunk.doc_id,
        doc_label=hit.doc_label,
        section_id=chunk.section_id,
        section_path=chunk.section_path,
        page=chunk.page,
        chunk_id=chunk.chunk_id,
        quote=chunk.text[start:end],
        start=chunk.start + start,
        end=chunk.start + end,
    )


def unknown_names(
    question: str, vocabulary: set[str], terms: Vocabulary | None = None
) -> list[str]:
    """Names and acronyms in the question that no document contains (another force, a
    person, a place); never a known abbreviation, rank or everyday word."""
    names = _PROPER_NOUN.findall(question) + _ACRONYM.findall(question)
    phrased = terms.words_in_phrases(question) if terms is not None else set()
    return [
        name
        for name in dict.fromkeys(names)
        if name.lower() not in vocabulary
        and tokens(name)
        and tokens(name)[0] not in vocabulary
        and not (terms is not None and terms.knows(name))
        and not set(name.lower().split()) <= phrased
    ]


def asks_about_future(question: str, latest_year: int | None) -> bool:
    """Predictions ("what grade will it get next time") or years after the newest document:
    no report can answer those."""
    years = [int(y) for y in dated_years(question)]
    beyond = latest_year is not None and any(y > latest_year for y in years)
    return beyond or bool(_FUTURE.search(question))


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(self, sentence_vectors: SentenceVectors, config: ExtractiveConfig | None = None):
        self.sentence_vectors = sentence_vectors
        self.config = config or ExtractiveConfig()

    def score_units(
        self,
        questions: list[str],
        vectors: np.ndarray,
        passages: list[ScoredChunk],
        idf: Mapping[str, float] | None = None,
        whole_lists: bool = False,
        terms: Vocabulary | None = None,
        respelled: str | None = None,
    ) -> list[_Candidate]:
        """Score every unit against the question (and, for a rewritten follow-up, the words
        the user actually typed): the better of the two counts. A long list is scored, and
        quoted, by its lead and the items nearest the question unless `whole_lists`."""
        cfg = self.config
        wanted = [set(tokens(q)) for q in questions]
        kinds = wanted_kinds(questions[0])
        if respelled is not None:  # a typo no document uses is not missing evidence
            wanted.append(set(tokens(respelled)))
        if terms is not None:  # "PPNs" is covered by "public protection notices" too
            wanted += [set(tokens(terms.expand(q))) for q in questions if terms.expansions(q)]
        weighted = [WeightedWords(w, idf or {}) for w in wanted]
        top_score = max((p.score for p in passages), default=1.0) or 1.0
        candidates: list[_Candidate] = []
        texts: list[str] = []
        owners: list[tuple[int, int]] = []
        for rank, passage in enumerate(passages):
            text = passage.chunk.text
            for unit in answer_units(text):
                if unit.start < passage.chunk.body_start:
                    continue  # the heading is shown with the passage already
                if len(text[unit.start : unit.end].split()) < _MIN_WORDS:
                    continue  # a bare grade or label is not an answer
                candidates.append(_Candidate(passage, rank, unit, 0.0))
                for s, e in sentence_spans(text[unit.start : unit.end]):
                    texts.append(text[unit.start + s : unit.start + e])
                    owners.append((len(candidates) - 1, unit.start + s))
        if not candidates:
            return []
        similarity = np.full(len(candidates), -1.0)
        sims = (self.sentence_vectors.get(texts) @ vectors.T).max(axis=1)
        headings = [place(p.doc_label, p.chunk.section_path) for p in passages]
        heading_sims = (self.sentence_vectors.get(headings) @ vectors.T).max(axis=1)
        at: dict[int, list[tuple[int, float]]] = {}
        for (owner, start), sim in zip(owners, sims, strict=True):
            similarity[owner] = max(similarity[owner], float(sim))
            at.setdefault(owner, []).append((start, float(sim)))
        for index, cand in enumerate(candidates):
            if not whole_lists:
                cand.keep = self._nearest_items(cand, at.get(index, []))
            unit_words = set(tokens(_quoted(cand)))
            coverage = max((w.coverage(unit_words) for w in weighted), default=0.0)
            cand.similarity = max(
                float(similarity[index]), cfg.heading_share * float(heading_sims[cand.passage_rank])
            )
            rank_share = max(cand.passage.score, 0.0) / top_score
            cand.relevance = (
                cfg.similarity_weight * cand.similarity
                + cfg.coverage_weight * coverage
                + cfg.passage_weight * rank_share
            )
            cand.score = (
                cand.relevance
                + cfg.selection_passage_weight * rank_share
                + cfg.kind_weight * (cand.passage.chunk.section_kind in kinds)
            )
        return sorted(candidates, key=lambda c: -c.score)

    def _nearest_items(
        self, cand: _Candidate, sims: list[tuple[int, float]]
    ) -> frozenset[int] | None:
        """The items of a long list nearest the question (None: quote it whole, as when its
        lead is nearer the question than any item: "the mnemonic ARTHUR:")."""
        text, unit = cand.passage.chunk.text, cand.unit
        if (
            not unit.is_list
            or unit.end - unit.start <= self.config.list_chars
            or is_mnemonic(text, unit)
        ):
            return None
        lines = item_lines(text, unit)
        best = [max((sim for start, sim in sims if a <= start < b), default=-1.0) for a, b in lines]
        top = max(best, default=-1.0)
        if max((sim for start, sim in sims if start < unit.lead_end), default=-1.0) >= top:
            return None
        near = sorted(
            (i for i, sim in enumerate(best) if sim >= top - self.config.list_margin),
            key=lambda i: -best[i],
        )
        return frozenset(near[: self.config.list_items])

    def run(
        self,
        question: str,
        vector: np.ndarray,
        passages: list[ScoredChunk],
        documents: dict[str, Document],
        comparison: bool = False,
        vocabulary: set[str] | None = None,
        typed: tuple[str, np.ndarray] | None = None,
        idf: Mapping[str, float] | None = None,
        terms: Vocabulary | None = None,
        uncovered: Sequence[str] = (),
        elsewhere: ScoredChunk | None = None,
        respelled: str | None = None,
    ) -> Draft:
        """Answer `question` (stand-alone) from `passages`; `typed` is the user's own words and
        their vector when the question was rewritten from a follow-up; `uncovered`, the areas
        of policing it names that no document mentions; `elsewhere`, a passage of another of
        the force's reports that answers far better than the reports asked about; `respelled`,
        the question with its typos corrected, for matching words."""
        cfg = self.config
        spelled = respelled or question  # what the name and question-type rules read
        missing = unknown_names(spelled, vocabulary, terms) if vocabulary is not None else []
        texts_read = [p.chunk.text for p in passages]
        missing = [m for m in missing if not spelled_out(m, texts_read)]
        questions, vectors = [question], [vector]
        if typed is not None:
            questions.append(typed[0])
            vectors.append(typed[1])
        ask = ask_clause(typed[0] if typed is not None else question)
        if ask is not None:  # the story before it must not choose the quotes alone
            questions.append(ask)
            vectors.append(self.sentence_vectors.embedder.encode_one(ask))
        overview = asks_for_overview(own_words(question))
        if overview:  # "summarise the 2025 report": its verdict, not what the report says it is
            questions = [VERDICT_ASKED]
            vectors = [self.sentence_vectors.get([VERDICT_ASKED])[0]]  # a constant: kept
        ranked = self.score_units(
            questions,
            np.vstack(vectors),
            passages,
            idf,
            asks_for_list(own_words(question)),
            terms,
            respelled,
        )
        if missing:
            return self.refusal(
                passages, documents, f"the documents don't mention {', '.join(missing)}"
            )
        if uncovered:
            return self.refusal(
                passages, documents, f"no document mentions {' or '.join(uncovered)}"
            )
        if elsewhere is not None:
            named = " and ".join(
                sorted({p.doc_label for p in passages if p.chunk.doc_id != elsewhere.chunk.doc_id})
            )
            return self.refusal(
                [elsewhere, *passages],
                documents,
                f"the {named} report doesn't; the {elsewhere.doc_label}{_ELSEWHERE_END}",
            )
        known = terms.forces if terms else ()
        forces = other_forces(
            terms.in_place(spelled) if terms else spelled,
            documents.values(),
            known,
            terms.expand(spelled) if terms else "",
            {name for name in known if vocabulary and set(tokens(name)) <= vocabulary},
        )
        if forces:
            return self.refusal(
                passages, documents, f"the reports are not about {', '.join(forces)}"
            )
        latest = max((d.year or 0 for d in documents.values()), default=0) or None
        if asks_about_future(question, latest):
            return self.refusal(
                passages, documents, "it asks about the future, which no report records"
            )
        strong = [c for c in ranked if c.relevance >= cfg.evidence_threshold][: cfg.evidence_units]
        texts = [_text(c) for c in strong]
        evidence = " ".join(texts)
        partial = partial_years(question, documents.values(), evidence)
        # a grade is its own inspection's: a 2019 grade is no other report's, whatever it cites
        graded = FindingType.JUDGMENT in finding_types(question)
        years = (
            []
            if partial
            else uncovered_years(question, documents.values(), "" if graded else evidence)
        )
        years = list(dict.fromkeys([*unheld_inspections(question, documents.values()), *years]))
        if years:
            return self.refusal(
                passages,
                documents,
                f"no report covers {', '.join(map(str, years))}; the reports cover "
                f"{periods(documents.values())}",
            )
        term = defined_term(own_words(spelled))
        defining = None
        if term is not None:  # "what is COMPACT?": the sentence that says what it is
            forms = [term, *(terms.expansions(term) if terms else [])]
            defining = next((c for c in ranked if defines(forms, _text(c))), None)
        asked = own_words(spelled)
        if (
            defining is None
            and max((c.relevance for c in ranked), default=0.0) < cfg.refusal_threshold
            and not self._directive_near(asked, ranked)
            and not (overview and _summarised(passages))
        ):
            return self.refusal(passages, documents, WEAK)
        if asks_for_money(asked) and not money_in(texts):
            return self.refusal(passages, documents, "no report gives a budget or spending figure")
        if asks_for_person(asked) and not names_person(texts):
            return self.refusal(passages, documents, "no report names the person asked about")
        speaker = speaker_asked(asked)
        if speaker is not None and not speaker_heard(speaker, texts):
            return self.refusal(passages, documents, f"no report gives what {speaker} said")
        kind = organisation_asked(asked)
        if kind is not None and not names_organisation(kind, asked, texts):
            return self.refusal(passages, documents, f"no report names the {kind}")
        lead: _Candidate | None = defining
        subject = counted_subject(asked)
        measured = subject or (sized_subject(asked) if lead is None else None)
        if measured is not None:
            near = [c for c in ranked if c.relevance >= cfg.evidence_threshold - cfg.figure_slack]
            near = near[: cfg.figure_units]
            settings = [_paragraph_to(c) for c in near]
            named_years = foreign_years(question, documents.values())
            found = figure_about(
                measured,
                [_text(c) for c in near],
                terms,
                named_years,
                settings,
                asks_for_share(asked),
                qualifying_words(asked, measured),
            )
            if found is None and subject is not None:
                found = next(
                    (
                        i
                        for i, (c, setting) in enumerate(zip(near, settings, strict=True))
                        if c.relevance >= cfg.figure_confidence
                        and has_figure(YEAR.sub(" ", _text(c)))
                        and all(y in setting for y in named_years)
                    ),
                    None,
                )
            if found is None and subject is not None and not asks_besides_count(asked):
                return self.refusal(passages, documents, f"no report gives a figure for {subject}")
            lead = near[found] if found is not None else None
        if lead is None and subject is None:
            lead = self._lead_by_intent(asked, ranked, strong)

        top = ranked[0]
        is_story = top.passage.chunk.section_kind is SectionKind.CASE_STUDY
        off_story = lead is not None and lead.passage.chunk.chunk_id != top.passage.chunk.chunk_id
        if is_story and not comparison and not asks_for_practice(question) and not off_story:
            # A case study is a story: tell it from the passage, in order, not in fragments.
            story = [
                c
                for c in ranked
                if c.passage.chunk.chunk_id == top.passage.chunk.chunk_id
                and c.score >= top.score - cfg.story_margin
            ]
            return self.compose(story[: cfg.max_story_units], documents, comparison)

        floor = max(cfg.evidence_threshold, ranked[0].score - cfg.margin)
        chosen: list[_Candidate] = []
        used = 0
        per_doc: dict[str, int] = {}
        limit = cfg.max_units_per_doc_when_comparing if comparison else cfg.max_units
        docs_in_play = {c.passage.chunk.doc_id for c in ranked}
        tops: dict[str, str] = {}  # each report's best passage: in a comparison, its focus
        for cand in ranked:
            tops.setdefault(cand.passage.chunk.doc_id, cand.passage.chunk.chunk_id)
        for cand in ranked:
            doc_id = cand.passage.chunk.doc_id
            if per_doc.get(doc_id, 0) >= limit:
                continue
            # In a comparison each report gets its say, even below the usual floor.
            needs_doc = comparison and doc_id not in per_doc and len(docs_in_play) > 1
            focus = cand.passage.chunk.chunk_id == (
                tops[doc_id] if comparison else top.passage.chunk.chunk_id
            )
            own_floor = top.score - cfg.focus_margin if focus else floor
            if cand.score < min(floor, own_floor) and not (
                needs_doc and cand.relevance >= cfg.evidence_threshold * cfg.comparison_floor
            ):
                continue
            if any(_overlaps(cand, other) for other in chosen):
                continue
            size = len(_quoted(cand))
            if not comparison and chosen and used + size > cfg.answer_chars:
                continue
            used += size
            chosen.append(cand)
            per_doc[doc_id] = per_doc.get(doc_id, 0) + 1
            if not comparison and len(chosen) >= cfg.max_units:
                break
        if comparison:
            chosen += _next_in_paragraph(chosen, ranked, per_doc, limit)
        elif chosen:  # the sentence after the best one, if the budget has room: its detail
            room = cfg.answer_chars - used
            chosen += [
                c
                for c in _next_in_paragraph(chosen[:1], ranked, {}, 1)
                if len(_quoted(c)) <= room and not any(_overlaps(c, q) for q in chosen)
            ]
        if lead is not None and not comparison:
            chosen = [lead, *[c for c in chosen if not _overlaps(c, lead)]][: cfg.max_units]
        if asks_for_practice(asked):
            chosen = [c for c in chosen if not _hearsay(c)] or chosen[:1]
        draft = self.compose(chosen, documents, comparison, lead)
        if not comparison and chosen:
            first = self.ordered(chosen, documents, comparison, lead)[0]
            verdict = yes_or_no(asked, _text(first))
            draft.text = f"{verdict} {draft.text}" if verdict else draft.text
        if comparison:
            silent = [
                documents[d].label for d in sorted(docs_in_play - set(per_doc)) if d in documents
            ]
            draft.text += "".join(
                f"\n\nThe {label} report does not cover this." for label in silent
            )
            if asks_for_change(asked):
                order = self.ordered(chosen, documents, comparison, lead)
                draft.text += "\n\n" + change_line(_by_report(order), silent)
        if partial:
            draft.text += "\n\n" + caveat(chosen, documents, partial)
        return draft

    def compose(
        self,
        chosen: list[_Candidate],
        documents: dict[str, Document],
        comparison: bool,
        lead: _Candidate | None = None,
    ) -> Draft:
        """The chosen units in report order (grouped by report when comparing); the unit that
        answers the question's type (a figure, what to do) first."""

        ordered = self.ordered(chosen, documents, comparison, lead)
        citations: list[Citation] = []
        parts: list[str] = []
        current_doc = None
        group: list[str] = []
        for cand in ordered:
            chunk = cand.passage.chunk
            n = len(citations) + 1
            citations.append(
                citation_for(
                    n, cand.passage, cand.unit.start, cand.unit.end, documents.get(chunk.doc_id)
                )
            )
            if comparison and chunk.doc_id != current_doc:
                if group:
                    parts.append(" ".join(group))
                group = [f"{cand.passage.doc_label}:"]
                current_doc = chunk.doc_id
            rendered = render_unit(chunk.text, cand.unit, cand.keep)
            group.append(f"{rendered} [{n}]" if not cand.unit.is_list else f"{rendered}\n[{n}]")
        if group:
            parts.append(" ".join(group))
        text = "\n\n".join(parts) if comparison else " ".join(parts)
        return Draft(text=text.replace(" \n", "\n"), citations=citations, refused=False)

    @staticmethod
    def ordered(
        chosen: list[_Candidate],
        documents: dict[str, Document],
        comparison: bool,
        lead: _Candidate | None = None,
    ) -> list[_Candidate]:
        """The order units are quoted (and numbered) in: the lead first (unless comparing),
        then by report year and position in the report."""

        def year(c: _Candidate) -> int:
            doc = documents.get(c.passage.chunk.doc_id)
            return doc.year or 0 if doc else 0

        return sorted(
            chosen,
            key=lambda c: (
                c is not lead or comparison,
                year(c),
                c.passage.chunk.doc_id,
                c.passage.chunk.start + c.unit.start,
            ),
        )

    def _lead_by_intent(
        self, asked: str, ranked: Sequence[_Candidate], strong: Sequence[_Candidate]
    ) -> _Candidate | None:
        """The unit to lead with for what the question asks: a "should" for a practice
        question, a span of time for "how long", a figure or date for "how many / when"."""
        if asks_for_practice(asked):
            return self._practice_lead(asked, ranked)
        if asks_for_duration(asked):
            units = ranked[: self.config.evidence_units]
            return next((c for c in units if has_duration(_text(c))), None)
        if asks_for_figure(asked):
            return next((c for c in strong if has_figure_or_date(_text(c))), None)
        return None

    def _directive_near(self, asked: str, ranked: Sequence[_Candidate]) -> bool:
        """Whether an officer asking what to do has a directive near the refusal bar (as one
        near the evidence bar may lead): the practice asked for, in words of its own."""
        bar = self.config.refusal_threshold - self.config.practice_slack
        return asks_for_practice(asked) and any(
            c.relevance >= bar and is_directive(_text(c)) for c in ranked
        )

    def _practice_lead(self, asked: str, ranked: Sequence[_Candidate]) -> _Candidate | None:
        """What to lead a practice question with: among the units near the evidence bar that
        say what should or must be done, one whose directive names what the officer asks
        about ("what am I meant to record?": "officers should make a record when the powers
        end"), else the most relevant."""
        cfg = self.config
        bar = cfg.evidence_threshold - cfg.practice_slack
        directive = [  # "officers told us there was no need to record..." is no directive
            (c, should)
            for c in ranked
            if c.relevance >= bar and is_directive(_text(c)) and (should := SHOULD.search(_text(c)))
        ][: cfg.evidence_units]
        cue = _ACTION.search(asked)
        wanted = set(tokens(asked[cue.end() :] if cue else asked)) - _PEOPLE
        for cand, should in directive:
            if wanted & set(tokens(_text(cand)[should.start() :])):
                return cand
        return next((c for c, _ in directive if c.relevance >= cfg.evidence_threshold), None)

    def refusal(
        self, passages: list[ScoredChunk], documents: dict[str, Document], reason: str
    ) -> Draft:
        """Say the documents don't cover it, and offer the nearest passages (their opening
        sentence) so the reader can judge."""
        nearest: list[Citation] = []
        for hit in passages[:3]:
            spans = body_sentence_spans(hit.chunk)
            if spans:
                start, end = spans[0]
                nearest.append(
                    citation_for(len(nearest) + 1, hit, start, end, documents.get(hit.chunk.doc_id))
                )
        return Draft(
            text="The documents don't cover this"
            + (f" ({reason})." if reason else ".")
            + (" The nearest passages are listed below." if nearest else ""),
            citations=nearest,
            refused=True,
            reason=reason,
        )


def _next_in_paragraph(
    chosen: list[_Candidate], ranked: list[_Candidate], per_doc: dict[str, int], limit: int
) -> list[_Candidate]:
    """For a report with room left (in a comparison; or in the budget, after the best quote),
    the sentences right after quoted ones in their paragraph, the best first: a finding's
    evidence often follows it ("We found officers aren't recording ethnicity. At the time, the
    force hadn't implemented mandatory data fields...")."""
    followers = [
        c
        for c in ranked
        if any(_follows(c, q) for q in chosen) and not any(_overlaps(c, q) for q in chosen)
    ]
    added: list[_Candidate] = []
    for cand in followers:  # ranked: best first
        doc_id = cand.passage.chunk.doc_id
        if per_doc.get(doc_id, 0) < limit and not any(_overlaps(cand, a) for a in added):
            added.append(cand)
            per_doc[doc_id] = per_doc.get(doc_id, 0) + 1
    return added


def _follows(cand: _Candidate, quoted: _Candidate) -> bool:
    """`cand` is the sentence right after `quoted`, in the same paragraph."""
    text = cand.passage.chunk.text
    gap = text[quoted.unit.end : cand.unit.start]
    return (
        cand.passage.chunk.chunk_id == quoted.passage.chunk.chunk_id
        and cand.unit.start >= quoted.unit.end
        and not gap.strip()
        and "\n" not in gap
    )


def caveat(chosen: list[_Candidate], documents: dict[str, Document], missing: list[int]) -> str:
    """The line that says what the answer covers and what it cannot ("The reports give this
    for 2021 but nothing for 2024")."""
    given = sorted(
        {
            str(documents[c.passage.chunk.doc_id].year)
            for c in chosen
            if c.passage.chunk.doc_id in documents
        }
        - {"None"}
    )
    covered = f" for {' and '.join(given)}" if given else ""
    return f"The reports give this{covered} but nothing for {', '.join(map(str, missing))}."


def _by_report(ordered: list[_Candidate]) -> list[tuple[str, list[tuple[int, str]]]]:
    """(report label, [(citation number, quoted text)]) per report, in quoting order."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for n, cand in enumerate(ordered, start=1):
        groups.setdefault(cand.passage.doc_label, []).append((n, _quoted(cand)))
    return list(groups.items())


def _reading(texts: list[str]) -> str | None:
    """Good, poor or mixed practice, over all of one report's quotes."""
    readings = {polarity(t) for t in texts} - {None}
    if not readings:
        return None
    return readings.pop() if len(readings) == 1 else "mixed"


def change_line(groups: list[tuple[str, list[tuple[int, str]]]], silent: list[str]) -> str:
    """The cited line on what changed between the earliest and the latest report quoted,
    read from the wording (issue, praise) of each report's quotes: for a person to check,
    not a verdict."""
    if len(groups) < 2:
        only = groups[0][0] if groups else "no"
        return f"What changed: only the {only} report covers this, so there is nothing to compare."
    (first, a), (last, b) = groups[0], groups[-1]
    ra, rb = _reading([t for _, t in a]), _reading([t for _, t in b])
    cite_a = " ".join(f"[{n}]" for n, _ in a)
    cite_b = " ".join(f"[{n}]" for n, _ in b)
    issue_a, issue_b = ra in ("poor", "mixed"), rb in ("poor", "mixed")
    if issue_a and rb == "good":
        verdict = f"appears to have improved: {first} raised concerns {cite_a}; {last} reports good practice {cite_b}"
    elif ra == "good" and issue_b:
        verdict = f"appears to have got worse: {first} reported good practice {cite_a}; {last} raises concerns {cite_b}"
    elif issue_a and issue_b:
        verdict = f"concerns appear in both: {first} {cite_a}; {last} {cite_b}"
    else:
        verdict = (
            f"the wording shows no clear change; compare {first} {cite_a} with {last} {cite_b}"
        )
    return f"What changed: {verdict}."


_SUMMARISING = frozenset({SectionKind.SUMMARY, SectionKind.CONCLUSION, SectionKind.MAIN_FINDINGS})


def _summarised(passages: Sequence[ScoredChunk]) -> bool:
    """Whether the search found the report's own summary for a question asking for it."""
    return any(p.chunk.section_kind in _SUMMARISING for p in passages[:3])


def _hearsay(c: _Candidate) -> bool:
    """What officers or staff told inspectors, with no verdict in the same unit: on a "what
    should I do" question it reads as permission, so it is left out."""
    text = _text(c)
    return bool(REPORTED.search(text)) and not _VERDICT.search(text)


def _text(c: _Candidate) -> str:
    return c.passage.chunk.text[c.unit.start : c.unit.end]


def _paragraph_to(c: _Candidate) -> str:
    """The unit's paragraph up to the unit's end: where a figure's year is often set."""
    text = c.passage.chunk.text
    return text[text.rfind("\n\n", 0, c.unit.start) + 1 : c.unit.end]


def _quoted(c: _Candidate) -> str:
    """What the answer would quote of the unit: a long list by its lead and kept items."""
    if c.keep is None:
        return _text(c)
    text = c.passage.chunk.text
    lines = item_lines(text, c.unit)
    return " ".join(
        [
            text[c.unit.start : c.unit.lead_end],
            *(text[a:b] for a, b in (lines[i] for i in sorted(c.keep))),
        ]
    )


def _overlaps(a: _Candidate, b: _Candidate) -> bool:
    ca, cb = a.passage.chunk, b.passage.chunk
    if ca.doc_id != cb.doc_id:
        return _repeats(a, b)
    if _repeats(a, b):
        return True
    a0, a1 = ca.start + a.unit.start, ca.start + a.unit.end
    b0, b1 = cb.start + b.unit.start, cb.start + b.unit.end
    return a0 < b1 and b0 < a1


def _repeats(a: _Candidate, b: _Candidate) -> bool:
    """The same words quoted twice (reports repeat their summary in the chapters)."""
    text_a = " ".join(a.passage.chunk.text[a.unit.start : a.unit.end].split())
    text_b = " ".join(b.passage.chunk.text[b.unit.start : b.unit.end].split())
    return text_a in text_b or text_b in text_a
