"""Queries over findings: list them (by document, type and a topic matched by meaning), and
compare two reports on one topic, side by side, with a cited "what changed" list.

Topic matching embeds the topic once and scores each finding by cosine similarity between the
topic and the finding's title and text (finding vectors come from the persistent sentence cache,
so each is encoded once, ever), plus a small bonus for the topic's own words; findings below a
similarity floor are not returned.

"What changed" pairs the findings and key passages of the two reports by similarity and reads
the wording on each side (issue or strength). It is a reading aid, not a verdict: every item
says "appears to" and carries its evidence, cited on both sides. Same store, same answer.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from assistant.answer.extractive import citation_for
from assistant.domain.errors import InvalidRequest, NotFound
from assistant.domain.records import (
    Chunk,
    Citation,
    Document,
    Finding,
    FindingType,
    Practice,
    ScoredChunk,
    SearchFilters,
)
from assistant.domain.text import clean_input, common_words, tokens, word_pairs
from assistant.domain.words import Grade
from assistant.embeddings import Embedder
from assistant.retrieve.hybrid import HybridRetriever
from assistant.retrieve.scope import forces_named
from assistant.retrieve.sentences import SentenceVectors, sentence_spans
from assistant.store.database import Database
from assistant.store.findings import FindingStore
from ingest.findings import polarity

FINDING_TYPES = [t.value for t in FindingType]
SIMILARITY_FLOOR = 0.35
"""A finding is about the topic when its score (similarity + keyword bonus) reaches this..."""
RELATIVE_FLOOR = 0.6
"""...and at least this share of the best finding's score (no long tail of loosely related
ones when some findings are plainly about the topic)."""
WHOLE_WEIGHT = 0.6
"""Similarity = this share of the best of (title, title and text) + the rest of its best
sentence: a heading says what a finding is about, a sentence can say it in other words."""
KEYWORD_WEIGHT = 0.15
_SENTENCES_PER_FINDING = 8
PAIR_SIMILARITY = 0.5
"""Two items (one per report) are about the same thing when their similarity reaches this."""
FINDINGS_PER_SIDE = 5
PASSAGES_PER_SIDE = 3
_EMBED_CHARS = 1000
_QUOTE_CHARS = 300
_COUNT = re.compile(r"^(\d[\d,]*)\s+(.*)$")
_CASE_STUDY = FindingType.CASE_STUDY.value

ChangeStatus = Literal["recurs", "improved", "worsened", "new", "not_found"]
_STATUS_ORDER: list[str] = ["recurs", "improved", "worsened", "new", "not_found"]


class ScoredFinding(BaseModel):
    finding: Finding
    score: float | None = None
    """Topic score (similarity plus keyword bonus); None when no topic was given."""
    doc_label: str = ""


class CitedFinding(BaseModel):
    finding: Finding
    score: float
    citation: Citation


class ComparisonSide(BaseModel):
    doc_id: str
    doc_label: str
    doc_title: str
    findings: list[CitedFinding] = Field(default_factory=list)
    passages: list[Citation] = Field(default_factory=list)


class Change(BaseModel):
    status: ChangeStatus
    statement: str
    """One sentence, worded as a reading ("appears to..."), with [n] markers pointing at
    `Comparison.citations`."""
    similarity: float | None = None
    """The closest similarity between the paired items (None: nothing close on the other side)."""
    a: list[Citation] = Field(default_factory=list)
    """Evidence in report A."""
    b: list[Citation] = Field(default_factory=list)
    """Evidence in report B."""
    a_reading: Practice | None = None
    b_reading: Practice | None = None


class Comparison(BaseModel):
    topic: str
    a: ComparisonSide
    b: ComparisonSide
    changes: list[Change] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    """Every citation, numbered 1..n: report A's findings and passages, then report B's."""


def embed_text(finding: Finding) -> str:
    """What a finding is matched on: its title and its text (or its figures)."""
    flat = " ".join(finding.text.split())
    if finding.type is FindingType.HEADLINE_FIGURE:
        body = "; ".join(finding.sub_points)
    elif flat.startswith(finding.title):
        body = flat[len(finding.title) :]
    else:
        body = flat
    return f"{finding.title}. {body}".strip()[:_EMBED_CHARS]


def finding_sentences(finding: Finding) -> list[str]:
    spans = sentence_spans(finding.text)[:_SENTENCES_PER_FINDING]
    return [finding.text[s:e] for s, e in spans]


def finding_texts(findings: Iterable[Finding]) -> list[str]:
    """The texts a finding is matched on that ingest encodes as they are: its title and its
    first sentences."""
    return [t for f in findings for t in (f.title, *finding_sentences(f))]


def finding_composites(findings: Iterable[Finding]) -> list[tuple[str, str, list[str]]]:
    """The text a finding is matched on as a whole (`embed_text`), with the parts ingest pools
    its vector from: the title and every sentence of the finding (or its figures)."""
    out = []
    for f in findings:
        if f.type is FindingType.HEADLINE_FIGURE and f.sub_points:
            parts = list(f.sub_points)
        else:
            parts = [f.text[s:e] for s, e in sentence_spans(f.text)] or [f.text]
        out.append((embed_text(f), f.title, parts))
    return out


def finding_reading(finding: Finding) -> Practice | None:
    """Whether a finding reads as an issue (poor), a strength (good) or mixed."""
    kind = finding.type
    if kind in (FindingType.RECOMMENDATION, FindingType.AREA_FOR_IMPROVEMENT):
        return "poor"
    if kind is FindingType.INNOVATIVE_PRACTICE:
        return "good"
    if kind is FindingType.JUDGMENT:
        grade = Grade.parse(finding.grade or "")
        return grade.reading if grade else None
    if kind is FindingType.CASE_STUDY:
        return finding.practice
    good = bad = 0
    for point in finding.sub_points:  # headline figures: graded counts, when they are
        match = _COUNT.match(point)
        if match:
            n = int(match.group(1).replace(",", ""))
            grade = Grade.leading(match.group(2))
            if grade and grade.reading == "good":
                good += n
            elif grade and grade.is_poor:
                bad += n
    if good or bad:
        return "poor" if bad > good else "good"
    return None


_JOINED_KEPT = 8


@dataclass
class _Index:
    findings: list[Finding]
    titles: np.ndarray
    wholes: np.ndarray
    sentences: np.ndarray
    owners: np.ndarray
    """The finding each row of `sentences` belongs to."""
    tokens: list[set[str]]
    pairs: list[set[tuple[str, str]]]

    @cached_property
    def held(self) -> set[str]:
        """Every word some finding holds."""
        return set().union(*self.tokens)

    @cached_property
    def held_pairs(self) -> set[tuple[str, str]]:
        return set().union(*self.pairs)

    @cached_property
    def common(self) -> set[str]:
        return common_words(self.tokens)

    def similarities(self, vector: np.ndarray) -> np.ndarray:
        whole = np.maximum(self.titles @ vector, self.wholes @ vector)
        best_sentence = whole.copy()
        if len(self.owners):
            np.maximum.at(best_sentence, self.owners, self.sentences @ vector)
        return WHOLE_WEIGHT * whole + (1 - WHOLE_WEIGHT) * best_sentence

    @staticmethod
    def join(parts: list[_Index]) -> _Index:
        offsets = np.cumsum([0] + [len(p.findings) for p in parts])[:-1]
        return _Index(
            [f for p in parts for f in p.findings],
            np.vstack([p.titles for p in parts]),
            np.vstack([p.wholes for p in parts]),
            np.vstack([p.sentences for p in parts]),
            np.concatenate([p.owners + o for p, o in zip(parts, offsets, strict=True)]),
            [t for p in parts for t in p.tokens],
            [t for p in parts for t in p.pairs],
        )


@dataclass
class _Item:
    """One side's finding or passage, as a candidate for "what changed"."""

    citation: Citation
    text: str
    """What it is paired on: a finding's gist, a passage's quote."""
    reading: Practice | None
    head: str
    kind: str
    """The finding type, or "passage"."""

    @property
    def structural(self) -> bool:
        """Judgments and figures compare only with their own kind, and are never "new"."""
        return self.kind in (FindingType.JUDGMENT.value, FindingType.HEADLINE_FIGURE.value)


class FindingQueries:
    def __init__(
        self,
        db: Database,
        store: FindingStore,
        embedder: Embedder,
        sentence_vectors: SentenceVectors,
        retriever: HybridRetriever,
        max_topic_chars: int = 2000,
    ) -> None:
        self.max_topic_chars = max_topic_chars
        self.db = db
        self.store = store
        self.embedder = embedder
        self.sentence_vectors = sentence_vectors
        self.retriever = retriever
        self._parts: dict[str, tuple[str, _Index]] = {}
        """Each document's findings index with the document's stamp when it was read."""
        self._stamps: dict[str, str] = {}
        self._generation: int | None = None
        self._joined: OrderedDict[tuple[str, ...], _Index] = OrderedDict()
        """The last few joined indexes, by the documents they join (all of them, most often)."""
        self._lock = threading.Lock()

    # the index -----------------------------------------------------------------------

    def index(self, doc_ids: Iterable[str] | None = None) -> _Index:
        """The findings of these documents (None: all) with their vectors. Read per document
        (vectors stored at ingest) and kept until that document changes, so a question about
        two reports reads two reports, and a write re-reads only what it wrote."""
        with self._lock:
            generation = self.db.generation
            if generation != self._generation:
                stamps = self.db.stamps()
                self._parts = {
                    d: part for d, part in self._parts.items() if stamps.get(d) == part[0]
                }
                self._stamps, self._generation = stamps, generation
                self._joined.clear()
            wanted = tuple(sorted(set(doc_ids) if doc_ids else self._stamps))
            if wanted not in self._joined:
                parts = [self._part(d) for d in wanted if d in self._stamps]
                self._joined[wanted] = _Index.join(parts) if parts else self._part("")
                while len(self._joined) > _JOINED_KEPT:
                    self._joined.popitem(last=False)
            self._joined.move_to_end(wanted)
            return self._joined[wanted]

    def _part(self, doc_id: str) -> _Index:
        if doc_id not in self._parts:
            findings = self.store.findings([doc_id]) if doc_id else []
            texts = [embed_text(f) for f in findings]
            # matched by word with what its abbreviations stand for, as a question is: "check
            # PPNs" is as much about a 2021 "PPNs" as about a 2025 "public protection notices"
            terms = self.retriever.corpus().terms
            worded = [terms.expand(t) for t in texts]
            sentences: list[str] = []
            owners: list[int] = []
            for i, finding in enumerate(findings):
                own = finding_sentences(finding)
                sentences.extend(own)
                owners.extend([i] * len(own))
            part = _Index(
                findings,
                self._vectors([f.title for f in findings]),
                self._vectors(texts),
                self._vectors(sentences),
                np.array(owners, dtype=np.int64),
                [set(tokens(t)) for t in worded],
                [word_pairs(tokens(t)) for t in worded],
            )
            if not doc_id:
                return part
            self._parts[doc_id] = (self._stamps.get(doc_id, ""), part)
        return self._parts[doc_id][1]

    def _vectors(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.embedder.dimension), dtype=np.float32)
        return self.sentence_vectors.get(texts, remember=False)

    def _documents(self, doc_ids: Iterable[str] | None) -> dict[str, Document]:
        documents = self.retriever.corpus().documents  # read once per store change
        unknown = [d for d in doc_ids or [] if d not in documents]
        if unknown:
            raise NotFound(
                f"unknown document {', '.join(map(repr, unknown))}; "
                f"known: {', '.join(sorted(documents)) or 'none'}"
            )
        return documents

    def documents_for(
        self, forces: list[str] | None = None, since: int | None = None, until: int | None = None
    ) -> list[str]:
        """The reports of these forces (by name, "Cheshire" or "Cheshire Constabulary") from
        this year range, oldest first: what a lead lists findings across, or compares."""
        documents = self.db.documents()
        held = {d.force for d in documents if d.force}
        chosen = documents
        if forces:
            unknown = [f for f in forces if not forces_named(f, held)]
            if unknown:
                raise InvalidRequest(
                    f"unknown force {unknown[0]!r}; forces held: {', '.join(sorted(held))}"
                )
            wanted = set().union(*(forces_named(f, held) for f in forces))
            chosen = [d for d in chosen if d.force in wanted]
        chosen = [
            d
            for d in chosen
            if (since is None or (d.year or 0) >= since)
            and (until is None or (d.year or 9999) <= until)
        ]
        if not chosen:
            span = f"{since or '…'}-{until or '…'}"
            raise NotFound(f"no report of {', '.join(forces or ['any force'])} from {span}")
        return [d.doc_id for d in sorted(chosen, key=lambda d: (d.year or 0, d.doc_id))]

    # listing -------------------------------------------------------------------------

    def list_findings(
        self,
        doc_ids: list[str] | None = None,
        types: list[str] | None = None,
        topic: str | None = None,
        k: int | None = None,
        topic_vector: np.ndarray | None = None,
    ) -> list[ScoredFinding]:
        """Findings of these documents and types (none given: all). With a topic, only those
        about it, best first; without, in document order. At most `k` when given."""
        bad = [t for t in types or [] if t not in FINDING_TYPES]
        if bad:
            raise InvalidRequest(
                f"unknown finding type {', '.join(map(repr, bad))}; "
                f"use one of: {', '.join(FINDING_TYPES)}"
            )
        documents = self._documents(doc_ids)
        labels = {doc_id: d.label for doc_id, d in documents.items()}
        topic = clean_input(topic, "topic", self.max_topic_chars, required=False)
        if not topic:
            found = self.store.findings(doc_ids, types)
            out = [ScoredFinding(finding=f, doc_label=labels.get(f.doc_id, "")) for f in found]
            return out[:k] if k else out
        index = self.index(doc_ids)
        vector = topic_vector if topic_vector is not None else self.embedder.encode_one(topic)
        words = tokens(topic)
        wanted = set(words) & index.held - index.common
        phrases = word_pairs(words) & index.held_pairs
        similarities = index.similarities(vector) if index.findings else np.zeros(0)
        scored: list[tuple[float, int]] = []
        for i, finding in enumerate(index.findings):
            if (doc_ids and finding.doc_id not in doc_ids) or (
                types and finding.type.value not in types
            ):
                continue
            bonus = _keyword_match(wanted, phrases, index.tokens[i], index.pairs[i])
            score = round(float(similarities[i]) + KEYWORD_WEIGHT * bonus, 4)
            if score >= SIMILARITY_FLOOR:
                scored.append((score, i))
        best = max((score for score, _ in scored), default=0.0)
        scored = [(score, i) for score, i in scored if score >= best * RELATIVE_FLOOR]
        scored.sort(key=lambda s: (-s[0], index.findings[s[1]].doc_id, index.findings[s[1]].order))
        out = [
            ScoredFinding(
                finding=index.findings[i],
                score=score,
                doc_label=labels.get(index.findings[i].doc_id, ""),
            )
            for score, i in scored
        ]
        return out[:k] if k else out

    # comparing -----------------------------------------------------------------------

    def compare(self, topic: str, doc_a: str, doc_b: str) -> Comparison:
        """One topic in two reports: each report's matching findings and key passages, cited,
        then what appears to have changed between them."""
        topic = clean_input(topic, "topic", self.max_topic_chars)
        if doc_a == doc_b:
            raise InvalidRequest("compare needs two different documents")
        documents = self._documents([doc_a, doc_b])
        vector = self.embedder.encode_one(topic)
        citations: list[Citation] = []
        sides: list[ComparisonSide] = []
        items: list[list[_Item]] = []
        for doc_id in (doc_a, doc_b):
            side, side_items = self._side(topic, vector, documents[doc_id], citations)
            sides.append(side)
            items.append(side_items)
        changes = self._changes(items[0], items[1], sides[0].doc_label, sides[1].doc_label)
        return Comparison(topic=topic, a=sides[0], b=sides[1], changes=changes, citations=citations)

    def _side(
        self, topic: str, vector: np.ndarray, document: Document, citations: list[Citation]
    ) -> tuple[ComparisonSide, list[_Item]]:
        doc_id = document.doc_id
        label = document.label
        chunks = self.db.chunks(doc_id)
        side = ComparisonSide(doc_id=doc_id, doc_label=label, doc_title=document.title)
        items: list[_Item] = []
        found = self.list_findings([doc_id], topic=topic, k=FINDINGS_PER_SIDE, topic_vector=vector)
        for scored in found:
            finding = scored.finding
            citation = self._finding_citation(
                len(citations) + 1, finding, chunks, label, document, scored.score or 0.0
            )
            if citation is None:
                continue
            citations.append(citation)
            side.findings.append(
                CitedFinding(finding=finding, score=scored.score or 0.0, citation=citation)
            )
            items.append(
                _Item(
                    citation,
                    gist(finding, document.force),
                    finding_reading(finding),
                    finding.title,
                    finding.type.value,
                )
            )
        hits = self.retriever.run(
            topic,
            k=PASSAGES_PER_SIDE,
            filters=SearchFilters(doc_ids=[doc_id]),
            query_vector=vector,
        )
        for hit in hits:
            start, end = self._best_sentences(hit.chunk, vector)
            citation = citation_for(len(citations) + 1, hit, start, end, document)
            citations.append(citation)
            side.passages.append(citation)
            covered = any(
                f.finding.start < citation.end and citation.start < f.finding.end
                for f in side.findings
            )
            reading = polarity(citation.quote)
            if not covered and reading != "mixed":  # only a clear issue or strength compares
                items.append(_Item(citation, citation.quote, reading, citation.quote, "passage"))
        return side, items

    def _finding_citation(
        self,
        n: int,
        finding: Finding,
        chunks: list[Chunk],
        label: str,
        document: Document,
        score: float,
    ) -> Citation | None:
        """A citation of the finding's opening (whole sentences, within one chunk); a
        recommendation is cited whole, so its sub-points are never cut off."""
        chunk = next((c for c in chunks if c.start <= finding.start < c.end), None)
        chunk = chunk or next(
            (c for c in chunks if c.start < finding.end and finding.start < c.end), None
        )
        if chunk is None:
            return None
        lo = max(finding.start, chunk.start) - chunk.start
        hi = min(finding.end, chunk.end) - chunk.start
        end = hi
        if finding.type is not FindingType.RECOMMENDATION:
            units = passage_units(chunk.text[lo:hi])
            kept = [u for u in units if u[1] <= _QUOTE_CHARS] or units[:1]
            end = lo + kept[-1][1] if kept else hi
        hit = ScoredChunk(chunk=chunk, score=round(score, 4), doc_label=label)
        return citation_for(n, hit, lo, end, document)

    def _best_sentences(self, chunk: Chunk, vector: np.ndarray) -> tuple[int, int]:
        """The passage most like the topic: whole sentences, a sentence ending in a colon
        with the list it introduces, a list item with its lead (and the next sentence of the
        same paragraph when it is short); from the body, below any heading line."""
        text = chunk.text
        units = [u for u in passage_units(text) if u[0] >= chunk.body_start]
        if not units:
            return chunk.body_start, len(text)
        sims = self.sentence_vectors.get([text[s:e] for s, e in units]) @ vector
        best = int(np.argmax(sims))
        start, end = units[best]
        if end - start < 80 and best + 1 < len(units):
            following = units[best + 1]
            if "\n\n" not in text[end : following[0]]:  # the same paragraph
                end = following[1]
        return start, end

    def _changes(self, a: list[_Item], b: list[_Item], la: str, lb: str) -> list[Change]:
        """Pair items across the reports by similarity, each item getting one status at most:
        issues in both appear to recur; an issue met by like-for-like praise appears to have
        improved (a strength met by an issue, got worse); a later item with nothing to pair
        is new, an earlier issue with nothing to pair is not matched. Pairs are taken best
        first, and an item already read one way is never evidence for another status."""
        a = [x for x in a if x.reading]
        b = [y for y in b if y.reading]
        if not a and not b:
            return []
        sims = np.zeros((len(a), len(b)), dtype=np.float32)
        if a and b:
            sims = self.sentence_vectors.get([x.text for x in a]) @ (
                self.sentence_vectors.get([y.text for y in b]).T
            )
        pairs: list[tuple[float, int, int, ChangeStatus]] = []
        for i, x in enumerate(a):
            for j, y in enumerate(b):
                status = _pair_status(x, y)
                if status and sims[i, j] >= PAIR_SIMILARITY:
                    pairs.append((float(sims[i, j]), i, j, status))
        pairs.sort(key=lambda p: (-p[0], a[p[1]].citation.n, b[p[2]].citation.n))
        a_status: dict[int, ChangeStatus] = {}
        b_status: dict[int, ChangeStatus] = {}
        groups: dict[int, list[int]] = {}
        for _, i, j, status in pairs:
            if a_status.get(i, status) != status or b_status.get(j, status) != status:
                continue
            a_status[i] = b_status[j] = status
            groups.setdefault(j, []).append(i)
        close_b = {
            j for j in range(len(b)) if any(sims[i, j] >= PAIR_SIMILARITY for i in range(len(a)))
        }
        close_a = {
            i for i in range(len(a)) if any(sims[i, j] >= PAIR_SIMILARITY for j in range(len(b)))
        }
        changes: list[Change] = []
        for j, y in enumerate(b):
            if j in groups:
                group = groups[j]
                changes.append(
                    Change(
                        status=b_status[j],
                        statement=_paired_statement(b_status[j], [a[i] for i in group], y, la, lb),
                        similarity=round(max(float(sims[i, j]) for i in group), 4),
                        a=[a[i].citation for i in group],
                        b=[y.citation],
                        a_reading=a[group[0]].reading,
                        b_reading=y.reading,
                    )
                )
            elif not y.structural:
                what = {"poor": "an issue", "good": "a strength", "mixed": "mixed practice"}
                nothing = "nothing like-for-like" if j in close_b else "nothing close"
                changes.append(
                    Change(
                        status="new",
                        statement=(
                            f"New in {lb} ({what[y.reading or 'mixed']}): {_said(y)} "
                            f"[{y.citation.n}]; {nothing} among {la}'s findings and passages "
                            "on this topic."
                        ),
                        b=[y.citation],
                        b_reading=y.reading,
                    )
                )
        for i, x in enumerate(a):
            if x.structural or i in a_status or x.reading not in ("poor", "mixed"):
                continue
            nothing = "nothing like-for-like" if i in close_a else "nothing close"
            changes.append(
                Change(
                    status="not_found",
                    statement=(
                        f"Not matched in {lb}: {la} raised {_said(x)} [{x.citation.n}]; "
                        f"{nothing} among {lb}'s findings and passages on this topic (it may "
                        "have been resolved, or not been covered)."
                    ),
                    a=[x.citation],
                    a_reading=x.reading,
                )
            )
        changes.sort(key=lambda c: (_STATUS_ORDER.index(c.status), -(c.similarity or 0.0)))
        return changes


def _pair_status(x: _Item, y: _Item) -> ChangeStatus | None:
    """What an earlier item `x` and a later item `y` about the same thing would say: issues
    in both recur; an issue then praise improved, praise then an issue got worse (only like
    for like: one case study against another, a general finding against a general finding,
    a judgment or figure against its own kind). Praise in both is no change."""
    if (x.structural or y.structural) and x.kind != y.kind:
        return None
    x_issue, y_issue = x.reading in ("poor", "mixed"), y.reading in ("poor", "mixed")
    if x_issue and y_issue:
        return "recurs"
    if x_issue == y_issue:
        return None
    if (x.kind == _CASE_STUDY) != (y.kind == _CASE_STUDY):
        return None
    return "improved" if x_issue else "worsened"


def _paired_statement(status: ChangeStatus, group: list[_Item], y: _Item, la: str, lb: str) -> str:
    earlier = _listed(group)
    later = f"{_said(y)} [{y.citation.n}]"
    if status == "recurs":
        return f"Appears to recur: {lb} {later}; {la} raised {earlier}."
    if status == "improved":
        return f"Appears to have improved: {la} raised {earlier}; {lb} reports {later}."
    return f"Appears to have got worse: {la} reported {earlier}; {lb} {later}."


_LIST_LINE = re.compile(r"[ \t]*(?:[-•*]|\d{1,2}[.)])\s")


def passage_units(text: str) -> list[tuple[int, int]]:
    """`text` as quotable units: each sentence whole, and a list kept with the sentence that
    introduces it (a lead ending in a colon and every item after it), so a key passage is
    never a stray list item nor a lead cut off before its list."""
    units: list[tuple[int, int]] = []
    in_list = False
    for start, end in sentence_spans(text):
        line = text.rfind("\n", 0, start) + 1
        item = _LIST_LINE.match(text, line) is not None and line < start
        if units and item and (in_list or text[: units[-1][1]].rstrip().endswith(":")):
            units[-1] = (units[-1][0], end)
            in_list = True
            continue
        units.append((start, end))
        in_list = False
    return units


def _said(item: _Item) -> str:
    head = " ".join(item.head.split())
    if len(head) > 140:
        head = head[:139].rsplit(" ", 1)[0] + "…"
    return f'"{head}"'


def _listed(items: Iterable[_Item]) -> str:
    return "; ".join(f"{_said(x)} [{x.citation.n}]" for x in items)


_RECOMMEND_LEAD = re.compile(r"^\s*(?:we|hmicfrs|the inspectorate)\s+recommends?\s+that\s+", re.I)


_FORCE_LEAD = re.compile(
    r"^\s*(?:the force|[A-Z][\w&'’ -]*?\b(?:Police|Constabulary)(?: Service)?)\s+"
)


def gist(finding: Finding, force: str | None = None) -> str:
    """A finding's point without the boilerplate around it ("We recommend that <force>
    immediately ..."), for pairing findings across reports."""
    title = finding.title
    if finding.type is not FindingType.RECOMMENDATION:
        return title
    title = _RECOMMEND_LEAD.sub("", title)
    if finding.timescale:
        words = r"\s+".join(map(re.escape, finding.timescale.split()))
        title = re.sub(rf"\b{words}\b", "", title, count=1, flags=re.I)
        title = re.sub(r"\bimmediately\b", "", title, count=1, flags=re.I)
    if force:
        title = re.sub(re.escape(force), "", title, count=1, flags=re.I)
    title = _FORCE_LEAD.sub("", title)
    return " ".join(title.split()) or finding.title


def _keyword_match(
    words: set[str],
    phrases: set[tuple[str, str]],
    held: set[str],
    held_pairs: set[tuple[str, str]],
) -> float:
    """The share of the topic's words a finding holds, averaged with the share of its phrases
    when it has any: "police protection" is not "child protection" by the police."""
    share = len(words & held) / len(words) if words else 0.0
    if not phrases:
        return share
    return (share + len(phrases & held_pairs) / len(phrases)) / 2
