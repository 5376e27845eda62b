"""Hybrid retrieval: dense (Chroma) and BM25 (the store's FTS5 index), fused, reranked with
sentence-level evidence, de-duplicated and diversified; a comparison question retrieves from each
report in turn. Per question, only the bounded candidate set is scored in Python: nothing here
walks every chunk of the store."""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from assistant.domain.errors import InvalidRequest
from assistant.domain.records import (
    Chunk,
    Document,
    ScoredChunk,
    SearchFilters,
    SectionKind,
    place,
)
from assistant.domain.text import WeightedWords, own_words, tokens, word_pairs
from assistant.embeddings import Embedder
from assistant.retrieve.answer_types import asked_types, gives, is_directive
from assistant.retrieve.cross_encoder import CrossEncoderReranker
from assistant.retrieve.fusion import reciprocal_rank_fusion
from assistant.retrieve.intent import (
    VERDICT_ASKED,
    asks_for_change,
    asks_for_overview,
    asks_for_practice,
    change_topic,
    followup_kinds,
    without_appraisal,
)
from assistant.retrieve.lexical import LexicalIndex, Words, read_words
from assistant.retrieve.scope import (
    MAX_COMPARED,
    Scope,
    followup_year,
    forces_named,
    question_scope,
)
from assistant.retrieve.sentences import SentenceVectors, sentence_spans
from assistant.retrieve.vocabulary import Vocabulary, spelled_out, with_abbreviations
from assistant.store.database import Database
from assistant.store.vectors import VectorStore

_LONG_WORD = re.compile(r"\b[A-Za-z]{6,}\b")
_ACRONYM = re.compile(r"\b([A-Z]{3,6})s?\b")
"""An abbreviation long enough that its initials rarely spell a phrase by chance ("WT" would
spell "within three")."""
_WRITTEN_OUT = 2
"""An undefined abbreviation is read as a phrase the documents write at least this often."""
_INITIAL_RUNS = 200
"""At most this many passages are read for an undefined abbreviation's phrase."""
_SPELL_MIN = 5
_SPELL_CUTOFF = 0.86
"""How near a word no document uses must be to one they do to count as its misspelling
("exploitaton" and "exploitation" 0.96, "simulaton" and "simulation" 0.95)."""
_DIRECT_DOCS = 8
"""Up to this many reports, dense retrieval scores their chunks directly (exact, and a few
hundred dot products) instead of asking the vector store's index to filter."""


class FilterError(InvalidRequest):
    """A filter names something the store does not hold."""


@dataclass(frozen=True)
class RetrievalConfig:
    """Weights chosen by the sweep in `eval/sweep.py` over the gold set."""

    candidates: int = 30
    kind_candidates: int = 3
    """The nearest passages of the section kinds a question asks for ("what did they
    recommend": recommendations) join the candidates even when other passages crowd them out
    of the fused lists."""
    dense_weight: float = 1.0
    lexical_weight: float = 1.3
    sentence_weight: float = 0.29
    """The rerank's weights, one per feature of `RERANK_FEATURES` (fitted by
    `eval/sweep.py --fit-rerank` on the tune split, rounded)."""
    second_sentence_weight: float = 0.12
    chunk_weight: float = 0.35
    coverage_weight: float = 0.18
    intent_weight: float = 0.21
    heading_weight: float = 0.15
    bm25_weight: float = 0.13
    phrase_weight: float = 0.23
    answer_type_weight: float = 0.1
    directive_weight: float = 0.35
    max_per_section: int = 2
    rerank: bool = True
    elsewhere_ratio: float = 0.8
    """A question about some of a force's reports whose best passage there scores below this
    share of the best in its other reports is about a topic those reports don't cover (topic
    scores, chosen on tune: answerable questions scored 0.87 and above, "custody in 2025" and
    its kind 0.67 to 0.80)."""
    followup_elsewhere_ratio: float = 0.72
    """`elsewhere_ratio` for a follow-up asking whether things changed by a later report ("did
    the 2025 inspection find that got better?"), scored on the earlier question's topic alone
    (under every answerable tune follow-up: the lowest scored 0.736)."""
    correct_spelling: bool = True
    """Read a longer word no document uses as the documents' word nearest it in spelling."""
    overview_penalty: float = 0.13
    """Taken off a passage that restates what a chapter details (a summary, an introduction,
    the case-file themes) unless the question asks for an overview: the chapter says it
    with its evidence."""
    case_study_penalty: float = 0.07
    """Taken off a passage of a case study unless the question asks for an example: a story
    shares a question's words ("mental health", "bail") without saying what the inspectors
    found or what officers should do."""
    practice_story_penalty: float = 0.06
    """Taken off a case study's passage as well when an officer asks what to do ("should I
    arrest?"): the story of one job is not the practice the inspectors expect, unless it says
    what national guidance directs."""
    newest_first_margin: float = 0.09
    """A comparison between one force's inspections quotes the newest report's passage first
    in each turn unless the older report's scores better by more than this: "has it
    improved?" is answered by where things stand now, then by what they were, while "how
    long were children held during covid, compared with the year before?" stays with the
    report that answers it. Chosen on the tune split (the middle of the plateau of hit@1
    over margins 0 to 0.2)."""
    practice_shift: tuple[tuple[str, float], ...] = (
        ("chunk", 0.05),
        ("intent", -0.05),
        ("overview", -0.11),
        ("bm25", 0.08),
        ("case_study", 0.12),
        ("practice_story", -0.11),
        ("answer_type", 0.08),
    )
    """Added to these features' weights when an officer asks what to do: the practice is in
    the chapter's own passage, in the officer's words (a summary's restatement counts
    against it more), and a story saying what guidance directs may answer; the story of one
    job still may not. Fitted on the tune split's practice questions with the other weights
    held (`eval/sweep.py --fit-rerank`), so other questions rank as before."""

    def rerank_weights(self, practice: bool = False) -> np.ndarray:
        """The weights in `RERANK_FEATURES` order (the penalties as negative weights), shifted
        by `practice_shift` for an officer's practice question."""
        shift = np.zeros(len(RERANK_FEATURES), dtype=np.float32)
        if practice:
            for name, extra in self.practice_shift:
                shift[RERANK_FEATURES.index(name)] = extra
        return shift + np.array(
            [
                self.sentence_weight,
                self.second_sentence_weight,
                self.chunk_weight,
                self.coverage_weight,
                self.intent_weight,
                -self.overview_penalty,
                self.heading_weight,
                self.bm25_weight,
                self.phrase_weight,
                -self.case_study_penalty,
                -self.practice_story_penalty,
                self.answer_type_weight,
                self.directive_weight,
            ],
            dtype=np.float32,
        )


RERANK_FEATURES = (
    "sentence",
    "second_sentence",
    "chunk",
    "coverage",
    "intent",
    "overview",
    "heading",
    "bm25",
    "phrase",
    "case_study",
    "practice_story",
    "answer_type",
    "directive",
)
"""What the rerank scores a candidate by, each against the question: its best and second-best
sentence's similarity, the chunk's own similarity, the share of the question's words (by idf)
it holds, whether its section is of a kind the question asks for, whether it restates a
chapter (an overview the question did not ask for), its heading's similarity, and its BM25
score over the best candidate's, the share of the question's word pairs it holds in order
(a phrase: "voice of the child"), whether it tells a case study the question did not ask
for, and whether one of its two sentences nearest the question gives the kind of answer the
question asks for (a figure, how often, how long, when), and, when an officer asks what to
do, how near the question its nearest directive sentence is (one that says what should or
must be done: "officers who review children's detention must visit them")."""


@dataclass(frozen=True)
class _Search:
    """What one question searches with: its search text (expanded), that text's vector, the
    word pairs of the question's own words (without expansions or a follow-up's attached
    topic), which phrases are matched on, the phrases its abbreviations stand for ("PP":
    police protection), which BM25 matches as phrases, and the search text with the
    inspectorate's names kept, which the section kinds asked for are read from ("what did
    HMICFRS ask for" asks for recommendations; "what did ask for" does not)."""

    text: str
    vector: np.ndarray
    pairs: frozenset[tuple[str, str]]
    meanings: frozenset[tuple[str, ...]] = frozenset()
    intent: str = ""

    @cached_property
    def kinds(self) -> frozenset[SectionKind]:
        """The section kinds the question asks for."""
        return frozenset(followup_kinds(self.intent or self.text))


@dataclass
class _Corpus:
    generation: int
    chunks: dict[str, Chunk]
    documents: dict[str, Document]
    labels: dict[str, str]
    words: Words
    idf: dict[str, float]
    vocabulary: set[str]
    terms: Vocabulary
    """Abbreviations and everyday words (the glossary and the documents' own definitions)."""
    by_doc: dict[str, list[Chunk]] = field(default_factory=dict)
    """Each document's chunks, in order."""
    doc_vectors: dict[str, tuple[list[str], np.ndarray]] = field(default_factory=dict)
    """Each document's chunk ids and vectors, read from the vector store as documents are
    asked about."""
    """Every lower-cased word (and its stem) in the documents: for spotting unknown names."""
    tokens: dict[str, set[str]] = field(default_factory=dict)
    """Each chunk's tokens, filled as chunks become candidates."""
    pairs: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    """Each chunk's word pairs, filled as chunks become candidates."""
    by_initial: dict[str, list[str]] = field(default_factory=dict)
    """The vocabulary's longer words by first letter, for spelling corrections."""
    spelled: dict[str, str | None] = field(default_factory=dict)
    """Each unknown word's correction (None: none near enough), as questions bring them."""
    initials: dict[str, str | None] = field(default_factory=dict)
    """Each undefined abbreviation's spelled-out phrase (None: none written), as questions
    bring them."""
    mentioned: dict[str, bool] = field(default_factory=dict)
    """Whether any document mentions an area of policing, filled as questions name them."""

    @cached_property
    def rarest(self) -> float:
        """The idf of the rarest word: what "rare" is measured against."""
        return max(self.idf.values(), default=0.0)

    def spellings(self, text: str) -> dict[str, str]:
        """For each longer word no document uses (and the glossary does not know), the
        documents' word nearest it in spelling, if one is very near: a typo's correction."""
        fixed: dict[str, str] = {}
        for word in dict.fromkeys(_LONG_WORD.findall(text)):
            if word.lower() in self.vocabulary or self.terms.knows(word):
                continue
            if word not in self.spelled:
                self.spelled[word] = self._nearest(word.lower())
            nearest = self.spelled[word]
            if nearest is not None:
                fixed[word] = nearest
        return fixed

    def _nearest(self, word: str) -> str | None:
        if not self.by_initial:
            for known in self.vocabulary:
                if len(known) >= _SPELL_MIN and known.isalpha():
                    self.by_initial.setdefault(known[0], []).append(known)
        near = difflib.get_close_matches(
            word, self.by_initial.get(word[0], []), n=1, cutoff=_SPELL_CUTOFF
        )
        # "traffic" is not a misspelt "traffick(ing)": a word the other starts with is a form
        if near and not (near[0].startswith(word) or word.startswith(near[0])):
            return near[0]
        return None

    def chunk_pairs(self, cid: str) -> set[tuple[str, str]]:
        """The chunk's word pairs in order (for phrases), filled as chunks become candidates."""
        if cid not in self.pairs:
            self.pairs[cid] = word_pairs(tokens(self.chunks[cid].body))
        return self.pairs[cid]

    def chunk_tokens(self, cid: str) -> set[str]:
        if cid not in self.tokens:
            chunk = self.chunks[cid]
            self.tokens[cid] = set(tokens(chunk.embed_text(self.labels[chunk.doc_id])))
        return self.tokens[cid]


class HybridRetriever:
    def __init__(
        self,
        db: Database,
        vectors: VectorStore,
        embedder: Embedder,
        sentence_vectors: SentenceVectors,
        config: RetrievalConfig | None = None,
        cross_encoder: CrossEncoderReranker | None = None,
    ) -> None:
        self.db = db
        self.vectors = vectors
        self.embedder = embedder
        self.sentence_vectors = sentence_vectors
        self.config = config or RetrievalConfig()
        self.cross_encoder = cross_encoder
        self._corpus: _Corpus | None = None
        self._lock = threading.Lock()
        self.lexical = LexicalIndex(db)
        self._loaded: dict[str, tuple[str, list[Chunk]]] = {}
        """Each document's chunks with the stamp they were read at: a change re-reads only the
        documents that changed."""

    # corpus cache ----------------------------------------------------------------------

    def corpus(self) -> _Corpus:
        """Chunks, documents and the corpus's words, re-read whenever the database changes
        (only the documents that changed; the words from the index, never from the text)."""
        with self._lock:
            if self._corpus is None or self._corpus.generation != self.db.generation:
                generation = self.db.generation
                self.vectors.sync(generation)
                documents = {d.doc_id: d for d in self.db.documents()}
                words = read_words(self.db)
                self._corpus = _Corpus(
                    generation=generation,
                    chunks={c.chunk_id: c for c in self._chunks()},
                    by_doc={doc_id: chunks for doc_id, (_, chunks) in self._loaded.items()},
                    documents=documents,
                    labels={doc_id: d.label for doc_id, d in documents.items()},
                    words=words,
                    idf=words.idf(),
                    vocabulary=words.known | _title_words(documents.values()),
                    terms=_terms(words.abbreviations),
                )
            return self._corpus

    def _chunks(self) -> list[Chunk]:
        stamps = self.db.stamps()
        self._loaded = {
            doc_id: self._loaded[doc_id]
            if doc_id in self._loaded and self._loaded[doc_id][0] == stamp
            else (stamp, self.db.chunks(doc_id))
            for doc_id, stamp in stamps.items()
        }
        return [c for _, chunks in self._loaded.values() for c in chunks]

    def allowed_docs(self, filters: SearchFilters | None) -> list[str]:
        """Documents the filters allow; raises FilterError naming any unknown value."""
        corpus = self.corpus()
        docs = list(corpus.documents.values())
        if filters is None or filters.is_empty():
            return [d.doc_id for d in docs]
        unknown = [d for d in filters.doc_ids if d not in corpus.documents]
        if unknown:
            raise FilterError(
                f"unknown document {', '.join(map(repr, unknown))}; "
                f"known: {', '.join(sorted(corpus.documents))}"
            )
        years = {d.year for d in docs}
        bad_years = [y for y in filters.years if y not in years]
        if bad_years:
            raise FilterError(
                f"no document from year {bad_years[0]}; years held: {sorted(y for y in years if y)}"
            )
        held = {d.force for d in docs if d.force}
        bad_forces = [f for f in filters.forces if not forces_named(f, held)]
        if bad_forces:
            raise FilterError(f"unknown force {bad_forces[0]!r}; forces held: {sorted(held)}")
        chosen = set().union(*(forces_named(f, held) for f in filters.forces))
        return [
            d.doc_id
            for d in docs
            if (not filters.doc_ids or d.doc_id in filters.doc_ids)
            and (not filters.years or d.year in filters.years)
            and (not filters.forces or d.force in chosen)
        ]

    def expand(self, query: str) -> str:
        """The query with what its abbreviations and everyday words stand for appended, and
        the documents' spelling of words they never use but nearly do ("exploitaton")."""
        corpus = self.corpus()
        expanded = corpus.terms.expand(query)
        fixed = list(
            dict.fromkeys([*self._spellings(query).values(), *self._spelled_outs(query).values()])
        )
        if not fixed:
            return expanded
        if expanded == query:
            return f"{query} ({'; '.join(fixed)})"
        return f"{expanded[:-1]}; {'; '.join(fixed)})"

    def search_text(self, query: str, *, publisher: bool = False) -> str:
        """What is searched for: the expanded query without the inspectorate's names when it
        says enough else; with `publisher`, with them (scope and intent read them). A rating
        that only praises ("rated positively") is searched as an assessment, not a grade."""
        kept = query if publisher else self.corpus().terms.without_publisher(query)
        text = self.expand(without_appraisal(kept))
        return f"{text} {VERDICT_ASKED}" if asks_for_overview(own_words(query)) else text

    def _search(self, query: str, vector: np.ndarray | None = None) -> _Search:
        """The search for `query` (with its vector when the caller has encoded it already)."""
        text = self.search_text(query)
        if vector is None:
            vector = self.embedder.encode_one(text)
        terms = self.corpus().terms
        searched = terms.without_publisher(query)
        typed = own_words(searched)
        meanings = {tuple(tokens(m)) for m in terms.expansions(typed)}
        return _Search(
            text,
            vector,
            frozenset(word_pairs(tokens(typed))),
            frozenset(m for m in meanings if len(m) > 1),
            text if searched == query else self.search_text(query, publisher=True),
        )

    def rare_words(self, text: str) -> set[str]:
        """The text's words that few passages hold (within about three times the rarest's
        count): names of particular things ("Philomena", "COMPACT")."""
        corpus = self.corpus()
        floor = corpus.rarest - _RARE_SPREAD
        return {t for t in tokens(text) if corpus.idf.get(t, 0.0) >= floor}

    def respell(self, query: str) -> str:
        """The query with its typos replaced by the documents' spelling (for word matching: a
        misspelt word, which no document uses, would otherwise count as missing evidence)."""
        for word, fixed in self._spellings(query).items():
            spelled = fixed.capitalize() if word[0].isupper() else fixed
            query = re.sub(rf"\b{re.escape(word)}\b", spelled, query)
        return query

    def terms_for(self, query: str) -> Vocabulary:
        """The vocabulary with the query's undefined abbreviations added as the documents
        spell them out: "how many HRHs" counts harm reduction hubs."""
        return self.corpus().terms.adding(self._spelled_outs(query))

    def _spelled_outs(self, text: str) -> dict[str, str]:
        """For each capitalised abbreviation nobody defined ("HRH"s), the phrase whose initials
        it is, where the documents write one ("harm reduction hubs"): looked for in the
        passages whose content words run in those initials (the lexical index finds them),
        once per abbreviation, as a question first brings it."""
        corpus = self.corpus()
        found: dict[str, str] = {}
        for match in _ACRONYM.finditer(text):
            acronym = match.group(1)
            if corpus.terms.knows(acronym) or acronym.lower() in corpus.vocabulary:
                continue
            if acronym not in corpus.initials:
                held = self.lexical.initial_runs(acronym.lower(), _INITIAL_RUNS)
                corpus.initials[acronym] = spelled_out(
                    acronym,
                    (corpus.chunks[cid].body for cid in held if cid in corpus.chunks),
                    least=_WRITTEN_OUT,
                )
            phrase = corpus.initials[acronym]
            if phrase is not None:
                found[acronym] = phrase
        return found

    def _spellings(self, query: str) -> dict[str, str]:
        return self.corpus().spellings(query) if self.config.correct_spelling else {}

    def uncovered_topics(self, query: str) -> list[str]:
        """Areas of policing the question names ("stop and search", "firearms licensing")
        that no document mentions: what the documents don't cover, however near their text."""
        corpus = self.corpus()
        named = corpus.terms.topics_in(query)
        for topic in named:
            if topic not in corpus.mentioned:
                corpus.mentioned[topic] = any(
                    self.lexical.mentions(phrase)
                    for phrase in [topic, *corpus.terms.expansions(topic)]
                )  # "human trafficking" is mentioned where a report says "modern slavery"
        return [t for t in named if not corpus.mentioned[t]]

    def better_elsewhere(
        self,
        query: str,
        vector: np.ndarray | None,
        doc_ids: Sequence[str],
        ratio: float | None = None,
    ) -> ScoredChunk | None:
        """The best passage of the same force's other reports, when its topic score beats the
        best in the reports asked about (`doc_ids`) by far (below `ratio` of it; default
        `elsewhere_ratio`): those reports cover the topic, these don't. Topic scores leave out
        the section-kind lift: a report with no graded judgments still covers the 77 cases it
        graded."""
        corpus = self.corpus()
        asked = [d for d in doc_ids if d in corpus.documents]
        forces = {corpus.documents[d].force for d in asked}
        if len(forces) != 1:  # one force's reports against its others, never another force's
            return None
        others = [
            d.doc_id
            for d in corpus.documents.values()
            if d.doc_id not in asked and d.force in forces
        ]
        if not others:
            return None
        search = self._search(query, vector)
        found = self._ranked(search, others, set(), 1, topical=True)
        here = self._ranked(search, asked, set(), 1, topical=True)
        best = here[0].score if here else 0.0
        if (
            found
            and best < (self.config.elsewhere_ratio if ratio is None else ratio) * found[0].score
        ):
            return found[0]
        return None

    def scope(self, query: str) -> Scope:
        """The reports `query` names, read with its expansions ("staffs" names Staffordshire);
        whether it compares, from its own words: an everyday word's expansion ("sorted" ->
        "improved") is no change-word. A comparison follow-up naming one year ("did the 2025
        inspection find that got better?") names that year's report: if it does not cover the
        earlier question's topic, there is nothing to compare."""
        documents = list(self.corpus().documents.values())
        scope = question_scope(self.expand(query), documents, asks_for_change(query))
        year = followup_year(query) if scope.comparison and not scope.named else None
        if year is None:  # (a report without a year is never the one a follow-up names)
            return scope
        named = tuple(d.doc_id for d in documents if d.doc_id in scope.doc_ids and d.year == year)
        return dataclasses.replace(scope, named=named) if named else scope

    # retrieval ------------------------------------------------------------------------

    def run(
        self,
        query: str,
        k: int = 5,
        filters: SearchFilters | None = None,
        use_scope: bool = True,
        query_vector: np.ndarray | None = None,
    ) -> list[ScoredChunk]:
        """The top `k` chunks for `query`, best first."""
        doc_ids = self.allowed_docs(filters)
        kinds = {str(kind) for kind in filters.section_kinds} if filters else set()
        scope = self.scope(query) if use_scope else Scope()
        search = self._search(query, query_vector)
        if scope.doc_ids and not scope.comparison:
            narrowed = [d for d in doc_ids if d in scope.doc_ids]
            doc_ids = narrowed or doc_ids
        compared = [d for d in doc_ids if not scope.doc_ids or d in scope.doc_ids] or doc_ids
        if scope.comparison and 2 <= len(compared) <= MAX_COMPARED:
            # the reports are matched by their topic's words, not by "improved" or "since"
            search = dataclasses.replace(
                search, text=change_topic(search.text), intent=change_topic(search.intent)
            )
            per_doc = [
                self._ranked(search, [d], kinds, math.ceil(k / len(compared))) for d in compared
            ]
            years = self._years_if_one_force(compared, self.corpus())
            asked = followup_year(query)
            interleaved = [
                hit
                for rank in zip(*per_doc, strict=False)
                for hit in self._turn(rank, years, asked)
            ]
            leftovers = [hit for ranked in per_doc for hit in ranked if hit not in interleaved]
            return (interleaved + leftovers)[:k]
        return self._ranked(search, doc_ids, kinds, k)

    @staticmethod
    def _years_if_one_force(compared: list[str], corpus: _Corpus) -> dict[str, int]:
        """The compared reports' years when they are one force's inspections; else nothing."""
        documents = [corpus.documents[d] for d in compared if d in corpus.documents]
        forces = {d.force for d in documents}
        if len(forces) != 1 or None in forces:
            return {}
        return {d.doc_id: d.year or 0 for d in documents}

    def _turn(
        self, hits: Sequence[ScoredChunk], years: dict[str, int], asked: int | None = None
    ) -> list[ScoredChunk]:
        """One turn of a comparison (a passage from each report), best first (the reports'
        scores are comparable: one scoring over one corpus); between one force's inspections
        the report of the year a follow-up asks about first (`followup_year`), else the
        newest report's unless another's is better by `newest_first_margin`."""
        ordered = sorted(hits, key=lambda h: -h.score)
        if not years or not ordered:
            return ordered
        lead = next((h for h in ordered if years.get(h.chunk.doc_id) == asked), None)
        if lead is None:
            lead = max(ordered, key=lambda h: years.get(h.chunk.doc_id, 0))
            if lead.score < ordered[0].score - self.config.newest_first_margin:
                return ordered
        return [lead, *(h for h in ordered if h is not lead)]

    def _ranked(
        self, search: _Search, doc_ids: list[str], kinds: set[str], k: int, topical: bool = False
    ) -> list[ScoredChunk]:
        """The top `k` of `doc_ids`; `topical` scores without the section-kind lift."""
        corpus = self.corpus()
        pool, dense, lexical, fused = self._pool(search, doc_ids, kinds, corpus)
        if not pool:
            return []
        if self.config.rerank:  # one corpus snapshot throughout: a delete mid-way cannot KeyError
            scores = self._rerank(search, pool, dense, lexical, corpus, topical)
        else:
            scores = fused
        ordered = sorted(pool, key=lambda cid: -scores[cid])
        return self._diversify(ordered, scores, k, corpus)

    def _pool(
        self, search: _Search, doc_ids: list[str], kinds: set[str], corpus: _Corpus
    ) -> tuple[list[str], dict[str, float], dict[str, float], dict[str, float]]:
        """The candidates (dense and BM25 lists fused, best `candidates` kept) with their
        dense, BM25 and fused scores."""
        if not doc_ids:
            return [], {}, {}, {}
        cfg = self.config
        every_doc = len(doc_ids) == len(corpus.documents)
        dense = [
            (cid, s)
            for cid, s in self._dense(search.vector, doc_ids, kinds, every_doc, corpus)
            if cid in corpus.chunks
        ]
        lexical = [
            (cid, s)
            for cid, s in self.lexical.run(
                search.text,
                cfg.candidates,
                corpus.words,
                None if every_doc else doc_ids,
                kinds,
                search.meanings,
            )
            if cid in corpus.chunks
        ]
        fused = reciprocal_rank_fusion(
            [[cid for cid, _ in dense], [cid for cid, _ in lexical]],
            [cfg.dense_weight, cfg.lexical_weight],
        )
        pool = sorted(fused, key=lambda cid: -fused[cid])[: cfg.candidates]
        scores = dict(dense)
        asked = set() if kinds else {str(kind) for kind in search.kinds}
        if asked and cfg.kind_candidates:  # the sections it asks for, however many others match
            for cid, score in self._dense(search.vector, doc_ids, asked, every_doc, corpus)[
                : cfg.kind_candidates
            ]:
                if cid in corpus.chunks and cid not in pool:
                    pool.append(cid)
                    scores[cid] = score
        return pool, scores, dict(lexical), fused

    @staticmethod
    def asks_for_practice(search_text: str) -> bool:
        """Whether the rerank scores this search as an officer asking what to do: with the
        directive feature and `practice_shift`."""
        return asks_for_practice(own_words(search_text))

    def candidate_features(self, query: str) -> tuple[list[Chunk], np.ndarray]:
        """The candidates for `query` from the reports it names (all when none) and their
        rerank features: what `eval/sweep.py --fit-rerank` fits the weights on."""
        corpus = self.corpus()
        scope = self.scope(query)
        doc_ids = [d for d in corpus.documents if d in scope.doc_ids] or list(corpus.documents)
        search = self._search(query)
        pool, dense, lexical, _ = self._pool(search, doc_ids, set(), corpus)
        practice = self.asks_for_practice(search.text)
        features = self.features(search, pool, dense, lexical, corpus, practice)
        return [corpus.chunks[cid] for cid in pool], features

    def _dense(
        self,
        vector: np.ndarray,
        doc_ids: list[str],
        kinds: set[str],
        every_doc: bool,
        corpus: _Corpus,
    ) -> list[tuple[str, float]]:
        """Nearest chunks as (chunk_id, cosine). A question about a few reports scores their
        chunks directly (a few hundred dot products, whatever the store holds); otherwise the
        vector store's index, filtered only when the scope is narrower than the whole store
        (a filter listing every report costs more than the search)."""
        k = self.config.candidates
        if len(doc_ids) <= _DIRECT_DOCS:
            ids, matrix = self._doc_matrix(doc_ids, kinds, corpus)
            if not ids:
                return []
            similarities = matrix @ np.asarray(vector, dtype=np.float32)
            top = np.argsort(-similarities)[:k]
            return [(ids[i], float(similarities[i])) for i in top]
        clauses: list[dict[str, object]] = []
        if not every_doc:
            clauses.append({"doc_id": {"$in": doc_ids}})
        if kinds:
            clauses.append({"section_kind": {"$in": sorted(kinds)}})
        where = clauses[0] if len(clauses) == 1 else ({"$and": clauses} if clauses else None)
        return self.vectors.query(vector, k, where)

    def _doc_matrix(
        self, doc_ids: list[str], kinds: set[str], corpus: _Corpus
    ) -> tuple[list[str], np.ndarray]:
        """The chunk ids and vectors of these documents (of these section kinds, if any)."""
        parts = [self._doc_vectors(doc_id, corpus) for doc_id in doc_ids]
        parts = [(held, matrix) for held, matrix in parts if held]
        if not parts:
            return [], np.zeros((0, 0), dtype=np.float32)
        ids = [cid for held, _ in parts for cid in held]
        matrix = np.vstack([m for _, m in parts])
        if kinds:
            keep = [i for i, cid in enumerate(ids) if str(corpus.chunks[cid].section_kind) in kinds]
            ids, matrix = [ids[i] for i in keep], matrix[keep]
        return ids, matrix

    def _doc_vectors(self, doc_id: str, corpus: _Corpus) -> tuple[list[str], np.ndarray]:
        """One document's chunk ids and vectors, read from the vector store once per corpus."""
        if doc_id not in corpus.doc_vectors:
            own = [c.chunk_id for c in corpus.by_doc.get(doc_id, [])]
            stored = self.vectors.get_embeddings(own)
            held = [cid for cid in own if cid in stored]
            matrix = np.vstack([stored[cid] for cid in held]) if held else np.zeros((0, 0))
            corpus.doc_vectors[doc_id] = (held, matrix.astype(np.float32))
        return corpus.doc_vectors[doc_id]

    def _rerank(
        self,
        search: _Search,
        pool: list[str],
        dense: dict[str, float],
        lexical: dict[str, float],
        corpus: _Corpus,
        topical: bool = False,
    ) -> dict[str, float]:
        """The weighted sum of each candidate's `features`; or, with a cross-encoder
        configured, its score plus the section-kind intent's lift. A `topical` score (one
        report's topic against another's) takes neither that lift nor the practice shift."""
        cfg = self.config
        if topical:
            cfg = dataclasses.replace(cfg, intent_weight=0.0, practice_shift=())
        if self.cross_encoder is not None:
            kinds = search.kinds
            judged = self.cross_encoder.score(
                search.text, [corpus.chunks[cid].body for cid in pool]
            )
            return {
                cid: float(s) + cfg.intent_weight * (corpus.chunks[cid].section_kind in kinds)
                for cid, s in zip(pool, judged, strict=True)
            }
        practice = self.asks_for_practice(search.text)
        scores = self.features(search, pool, dense, lexical, corpus, practice)
        scores = scores @ cfg.rerank_weights(practice)
        return {cid: float(s) for cid, s in zip(pool, scores, strict=True)}

    def features(
        self,
        search: _Search,
        pool: list[str],
        dense: dict[str, float],
        lexical: dict[str, float],
        corpus: _Corpus,
        practice: bool,
    ) -> np.ndarray:
        """One row per candidate, one column per `RERANK_FEATURES` (what the sweep fits);
        `practice`: the search is an officer asking what to do (`asks_for_practice`)."""
        vector = search.vector
        missing = [cid for cid in pool if cid not in dense]
        if missing:
            stored = self.vectors.get_embeddings(missing)
            dense.update({cid: float(v @ vector) for cid, v in stored.items()})
        sentences: list[str] = []
        owners: list[int] = []
        for row, cid in enumerate(pool):
            text = corpus.chunks[cid].body
            for start, end in sentence_spans(text):
                sentences.append(text[start:end])
                owners.append(row)
        best = np.zeros((len(pool), 2), dtype=np.float32)
        nearest = np.full((len(pool), 2), -1)  # which sentences those are
        directive = np.zeros(len(pool), dtype=np.float32)  # its nearest directive's similarity
        sims = self.sentence_vectors.get(sentences) @ vector if sentences else np.zeros(0)
        for index, (row, sim) in enumerate(zip(owners, sims, strict=True)):
            if sim > best[row, 0]:
                best[row] = (sim, best[row, 0])
                nearest[row] = (index, nearest[row, 0])
            elif sim > best[row, 1]:
                best[row, 1] = sim
                nearest[row, 1] = index
            if practice and sim > directive[row] and is_directive(sentences[index]):
                directive[row] = sim
        lone = best[:, 1] == 0  # a one-sentence chunk: its sentence is its second best too
        best[lone, 1] = best[lone, 0]
        answer_kinds = asked_types(search.text)
        headings = self.sentence_vectors.get(
            [
                place(corpus.labels[corpus.chunks[c].doc_id], corpus.chunks[c].section_path)
                for c in pool
            ]
        )
        kinds = search.kinds
        wanted = WeightedWords(set(tokens(search.text)), corpus.idf)
        overview_wanted = bool(kinds & _OVERVIEW_KINDS) or bool(_OVERVIEW.search(search.text))
        story_wanted = SectionKind.CASE_STUDY in kinds
        top_bm25 = max(lexical.values(), default=0.0) or 1.0
        pairs = search.pairs
        rows = []
        for row, cid in enumerate(pool):
            chunk = corpus.chunks[cid]
            untold_story = chunk.section_kind == SectionKind.CASE_STUDY and not story_wanted
            rows.append(
                (
                    best[row, 0],
                    best[row, 1],
                    dense.get(cid, 0.0),
                    wanted.coverage(corpus.chunk_tokens(cid)),
                    float(chunk.section_kind in kinds),
                    float(not overview_wanted and _overview(chunk)),
                    float(headings[row] @ vector),
                    lexical.get(cid, 0.0) / top_bm25,
                    len(pairs & corpus.chunk_pairs(cid)) / len(pairs) if pairs else 0.0,
                    float(untold_story),
                    float(untold_story and practice and not _GUIDED.search(chunk.body)),
                    float(
                        bool(answer_kinds)
                        and any(gives(sentences[i], answer_kinds) for i in nearest[row] if i >= 0)
                    ),
                    directive[row],
                )
            )
        return np.asarray(rows, dtype=np.float32).reshape(len(rows), len(RERANK_FEATURES))

    def _diversify(
        self, ordered: list[str], scores: dict[str, float], k: int, corpus: _Corpus
    ) -> list[ScoredChunk]:
        """Drop chunks overlapping a better one; at most `max_per_section` from one section
        before the others have had their turn."""
        picked: list[Chunk] = []
        held_back: list[Chunk] = []
        per_section: dict[str, int] = {}
        for cid in ordered:
            chunk = corpus.chunks[cid]
            if any(
                p.doc_id == chunk.doc_id and p.start < chunk.end and chunk.start < p.end
                for p in picked
            ) or any(p.text == chunk.text for p in picked):
                continue
            key = f"{chunk.doc_id}/{chunk.section_id}"
            if per_section.get(key, 0) >= self.config.max_per_section:
                held_back.append(chunk)
                continue
            per_section[key] = per_section.get(key, 0) + 1
            picked.append(chunk)
            if len(picked) >= k:
                break
        picked.extend(held_back[: max(0, k - len(picked))])
        return [
            ScoredChunk(
                chunk=c, score=round(scores[c.chunk_id], 4), doc_label=corpus.labels[c.doc_id]
            )
            for c in picked
        ]


_GUIDED = re.compile(
    r"\b(?:national guidance|guidance (?:directs|states|says|advises)|guidance, which)\b", re.I
)
"""A case study that sets the practice against the guidance: it says what should be done."""
_RARE_SPREAD = 1.1
"""log(3): a word in up to about three times as many passages as the rarest word is rare."""
_OVERVIEW_KINDS = {
    SectionKind.SUMMARY,
    SectionKind.INTRODUCTION,
    SectionKind.FOREWORD,
    SectionKind.CONCLUSION,
    SectionKind.ANNEX,
}
_OVERVIEW = re.compile(r"\bcase (?:file|audit)s?\b|\bcases (?:assessed|audited|inspected)\b", re.I)
"""Headings (and questions) of the case-file analysis: themes restated from the chapters."""


def _overview(chunk: Chunk) -> bool:
    return chunk.section_kind in _OVERVIEW_KINDS or bool(
        _OVERVIEW.search(" ".join(chunk.section_path))
    )


def _title_words(documents: Iterable[Document]) -> set[str]:
    words: set[str] = set()
    for document in documents:
        found = set(re.findall(r"[a-z0-9]+", document.title.lower()))
        words |= found | set(tokens(" ".join(found)))
    return words


def _terms(abbreviations: list[dict[str, str]]) -> Vocabulary:
    """The glossary plus every abbreviation the documents define, the first document to
    define one giving its long form (as mining all their text in order would)."""
    mined: dict[str, str] = {}
    for found in abbreviations:
        mined.update({k: v for k, v in found.items() if k not in mined})
    return with_abbreviations(mined)
