"""`QuizBuilder.run`: choose passages (a topic by semantic search, a section, chapters or whole
reports), read their teaching facts (practice, scenarios, findings, lists, sequences) and their
recall statements (figures, timescales, terms), build questions of the requested types, run the
item checks on every one (dropping and counting failures), and pick `n` for a trainer's mix:
teaching kinds first, figure and timescale recall at most a quarter, true/false balanced.
The same seed gives the same quiz.

The builder is given its collaborators (the database, the findings store, a retrieve function,
a chat-model factory or None) and never sees the composition root."""

from __future__ import annotations

import json
import random
import re
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, cast

from assistant.answer.extractive import citation_for
from assistant.answer.llm import LLMError, format_passages
from assistant.answer.prompts import load_prompt
from assistant.domain.errors import InvalidRequest, NotFound
from assistant.domain.records import Chunk, ScoredChunk, SearchFilters
from assistant.domain.text import tokens
from assistant.quiz.checks import item_problems
from assistant.quiz.drafts import SUPPORTED, Draft, FactWriter
from assistant.quiz.exporters import slug
from assistant.quiz.questions import QuestionWriter, problems, question_id
from assistant.quiz.records import (
    DEFAULT_TYPES,
    KINDS,
    QUESTION_TYPES,
    RECALL_KINDS,
    TEACHING_KINDS,
    Difficulty,
    QuestionType,
    QuizQuestion,
    QuizResult,
)
from assistant.quiz.statements import Statement, contains, extract, flat
from assistant.quiz.teaching import Corpus, Fact, FactReader, mnemonic_sequences
from assistant.store.database import Database
from assistant.store.findings import FindingStore

Writer = Literal["auto", "rules", "llm"]
Retrieve = Callable[[str, int, SearchFilters], list[ScoredChunk]]
ChatModelFactory = Callable[[], Any]
_WEIGHTS = {"mcq": 3, "true_false": 2, "multi": 2, "ordering": 1, "short": 1}
MAX_QUESTIONS = 100
MAX_TOPIC_CHARS = 300
DIFFICULTIES: tuple[Difficulty, ...] = ("easy", "hard")
RECALL_SHARE = 0.25
TEACHING_SHARE = 0.6
_ATTEMPTS = 6
"""Orders the selection tries when reading order falls short of the number asked for."""


def quotas(n: int, types: Sequence[QuestionType]) -> dict[QuestionType, int]:
    """How many of each type, by weight (mcq weighs most)."""
    total = sum(_WEIGHTS[t] for t in types)
    exact = {t: n * _WEIGHTS[t] / total for t in types}
    out = {t: int(v) for t, v in exact.items()}
    for t in sorted(types, key=lambda t: (-(exact[t] - out[t]), types.index(t))):
        if sum(out.values()) >= n:
            break
        out[t] += 1
    return out


def parse_types(value: str | Sequence[str]) -> list[QuestionType]:
    names = value.split(",") if isinstance(value, str) else list(value)
    names = [n.strip().lower().replace("-", "_") for n in names if n.strip()]
    aliases = {
        "tf": "true_false",
        "truefalse": "true_false",
        "multi_select": "multi",
        "order": "ordering",
    }
    names = [aliases.get(n, n) for n in names]
    unknown = [n for n in names if n not in QUESTION_TYPES]
    if unknown or not names:
        raise InvalidRequest(
            f"unknown question type {', '.join(map(repr, unknown)) or '(none)'}; "
            f"choose from {', '.join(QUESTION_TYPES)}"
        )
    return [cast(QuestionType, n) for n in dict.fromkeys(names)]  # each checked just above


def parse_kinds(value: str | Sequence[str] | None) -> list[str] | None:
    """The kinds a trainer asked for (None: the default mix)."""
    if value is None:
        return None
    names = value.split(",") if isinstance(value, str) else list(value)
    names = [n.strip().lower().replace("-", "_") for n in names if n.strip()]
    if not names:
        return None
    unknown = [n for n in names if n not in KINDS]
    if unknown:
        raise InvalidRequest(
            f"unknown question kind {', '.join(map(repr, unknown))}; choose from {', '.join(KINDS)}"
        )
    return list(dict.fromkeys(names))


@dataclass
class Candidate:
    """A checked question, the passage it rests on, and what it tests: `topic` names the fact
    (one question per fact), `keys` the answers it must not give away to another question."""

    question: QuizQuestion
    passage: tuple[str, int]
    truth: bool | None = None
    topic: str = ""
    keys: tuple[str, ...] = ()

    def reveals(self) -> str:
        """What a trainee reads in this question that could answer another: the stem and the
        right options."""
        q = self.question
        right = [q.options[i] for i in q.right if 0 <= i < len(q.options)]
        return " ".join([q.stem, *right]) if q.type != "true_false" else q.stem

    def gives_away(self, other: Candidate) -> bool:
        """Whether either question's answer stands in what the other shows."""
        return any(
            len(key) >= 4 and flat(key).casefold() in shown and contains(shown, key)
            for a, b in ((self, other), (other, self))
            if (shown := flat(b.reveals()).casefold())
            for key in a.keys
        )


def _passage(q: QuizQuestion) -> tuple[str, int]:
    return (q.citation.doc_id, q.citation.start)


def _teaching_fit(c: Candidate, fits: bool, remaining: dict[QuestionType, int]) -> bool:
    """A teaching question, and (when `fits`) of a type the quiz still wants."""
    return c.question.kind in TEACHING_KINDS and (not fits or remaining.get(c.question.type, 0) > 0)


class QuizBuilder:
    def __init__(
        self,
        db: Database,
        findings: FindingStore,
        retrieve: Retrieve,
        chat_model: ChatModelFactory | None = None,
    ) -> None:
        self.db = db
        self.findings = findings
        self.retrieve = retrieve
        self.chat_model = chat_model
        self._lock = threading.Lock()
        self._cache: tuple[int, list[Statement], list[Fact]] | None = None

    # corpus ----------------------------------------------------------------------------

    def corpus(self) -> tuple[list[Statement], list[Fact]]:
        """Every statement and teaching fact in the store, rebuilt when the store changes."""
        db = self.db
        with self._lock:
            if self._cache is None or self._cache[0] != db.generation:
                generation = db.generation
                documents = {d.doc_id: d for d in db.documents()}
                labels = {k: d.label for k, d in documents.items()}
                chunks = db.chunks()
                statements = extract(chunks, documents, labels)
                corpus = Corpus(
                    documents=documents,
                    sections={d: db.sections(d) for d in documents},
                    chunks=chunks,
                    findings=self.findings.findings(),
                )
                reader = FactReader(corpus)
                facts = reader.facts + mnemonic_sequences(statements, reader)
                self._cache = (generation, statements, facts)
            return self._cache[1], self._cache[2]

    def statements(self) -> list[Statement]:
        return self.corpus()[0]

    def chapters(self, doc_ids: Sequence[str] = ()) -> list[tuple[str, str]]:
        """(doc_id, heading) of every chapter a trainer may pick: the top-level sections
        that carry the report's findings."""
        out = []
        for doc in self.db.documents():
            if doc_ids and doc.doc_id not in doc_ids:
                continue
            for s in self.db.sections(doc.doc_id):
                if s.level == 1 and s.kind in ("chapter", "judgment_area"):
                    out.append((doc.doc_id, s.heading))
        return out

    def _chapter_filter(
        self, chapters: Sequence[str], doc_ids: Sequence[str]
    ) -> set[tuple[str, str]]:
        """The (doc_id, heading) pairs the trainer's chapter names mean: a heading, part of
        one, a section id, or "doc_id:section id"."""
        known = self.chapters(doc_ids)
        ids = {
            (doc.doc_id, s.section_id): s.heading
            for doc in self.db.documents()
            for s in self.db.sections(doc.doc_id)
            if s.level == 1
        }
        chosen: set[tuple[str, str]] = set()
        for name in chapters:
            wanted = name.strip().lower()
            found = {
                (d, h)
                for d, h in known
                if wanted == h.lower()
                or wanted in h.lower()
                or any(
                    ids.get((d, sid)) == h and wanted in (sid.lower(), f"{d}:{sid}".lower())
                    for (doc_id, sid) in ids
                    if doc_id == d
                )
            }
            if not found:
                listing = "; ".join(f"{d}: {h}" for d, h in known[:30])
                raise NotFound(f"unknown chapter {name!r}; chapters are: {listing}")
            chosen |= found
        return chosen

    def passages(
        self,
        topic: str | None,
        section: str | None,
        doc_ids: Sequence[str],
        k: int,
        chapters: Sequence[str] = (),
    ) -> list[ScoredChunk]:
        """The chunks to quiz on, best first."""
        documents = {d.doc_id: d for d in self.db.documents()}
        unknown = [d for d in doc_ids if d not in documents]
        if unknown:
            raise NotFound(
                f"unknown document {', '.join(map(repr, unknown))}; "
                f"known: {', '.join(sorted(documents)) or 'none'}"
            )
        in_chapters = self._chapter_filter(chapters, doc_ids) if chapters else None
        labels = {key: d.label for key, d in documents.items()}

        def keep(c: Chunk) -> bool:
            return (not doc_ids or c.doc_id in doc_ids) and (
                in_chapters is None or (c.doc_id, c.section_path[0]) in in_chapters
            )

        if topic:
            filters = SearchFilters(doc_ids=list(doc_ids))
            hits = self.retrieve(topic, k, filters)
            # semantic search always finds something: keep passages sharing a word with the topic
            wanted = set(tokens(topic))
            return [
                h
                for h in hits
                if keep(h.chunk) and wanted & set(tokens(h.chunk.embed_text(h.doc_label)))
            ]
        chunks = [c for c in self.db.chunks() if keep(c)]
        if section:
            wanted_section = section.strip().lower()
            chunks = [
                c
                for c in chunks
                if c.section_id.lower() == wanted_section
                or f"{c.doc_id}:{c.section_id}".lower() == wanted_section
                or any(wanted_section in heading.lower() for heading in c.section_path)
            ]
        return [
            ScoredChunk(chunk=c, score=1.0, doc_label=labels.get(c.doc_id, ""))
            for c in sorted(chunks, key=lambda c: (c.doc_id, c.order))
        ]

    # the run ---------------------------------------------------------------------------

    def run(
        self,
        topic: str | None = None,
        section: str | None = None,
        doc_ids: Sequence[str] = (),
        n: int = 10,
        types: Sequence[str] = DEFAULT_TYPES,
        seed: int = 0,
        writer: Writer = "auto",
        chapters: Sequence[str] = (),
        kinds: Sequence[str] | None = None,
        difficulty: str = "easy",
    ) -> QuizResult:
        topic = " ".join(topic.split()) if topic else None
        section = section.strip() if section else None
        chapters = [c for c in chapters if c.strip()]
        if topic and section:
            raise InvalidRequest("give a topic or a section, not both")
        if not (topic or section or chapters or doc_ids):
            raise InvalidRequest("give a topic, a section, chapters or reports to quiz on")
        if topic and len(topic) > MAX_TOPIC_CHARS:
            raise InvalidRequest(f"the topic is too long (at most {MAX_TOPIC_CHARS} characters)")
        if not 1 <= n <= MAX_QUESTIONS:
            raise InvalidRequest(f"n must be between 1 and {MAX_QUESTIONS}")
        if difficulty not in DIFFICULTIES:
            raise InvalidRequest(f"unknown difficulty {difficulty!r}; choose easy or hard")
        if writer not in ("auto", "rules", "llm"):
            raise InvalidRequest(f"unknown writer {writer!r}; choose auto, rules or llm")
        if writer == "llm" and self.chat_model is None:
            raise InvalidRequest(
                "writer=llm needs an LLM, and none is configured: set IA_LLM_BASE_URL and "
                "IA_LLM_MODEL, or use writer=rules"
            )
        qtypes = parse_types(types)
        wanted_kinds = parse_kinds(kinds)
        what = (
            f"topic {topic!r}"
            if topic
            else f"section {section!r}"
            if section
            else f"chapters {', '.join(map(repr, chapters))}"
            if chapters
            else f"reports {', '.join(doc_ids)}"
        )
        hits = self.passages(topic, section, doc_ids, max(15, 3 * n), chapters)
        if not hits:
            raise NotFound(f"no quizzable statements found for {what}")
        rank = {h.chunk.chunk_id: i for i, h in enumerate(hits)}
        statements, facts = self.corpus()

        dropped: Counter[str] = Counter()
        candidates = self._candidates(
            statements,
            facts,
            rank,
            qtypes,
            wanted_kinds,
            difficulty,
            seed,
            dropped,
        )

        rejected: list[str] = []
        llm_questions: list[QuizQuestion] = []
        if writer in ("llm", "auto") and self.chat_model is not None:
            llm = LLMQuestionWriter(self.chat_model())
            llm_questions, rejected = llm.questions(hits[:8], qtypes, n, seed, self.db.documents())
        if not candidates and not llm_questions:
            raise NotFound(f"no quizzable statements found for {what}")

        llm_questions = llm_questions[:n]
        taken = {_passage(q) for q in llm_questions}
        candidates = [c for c in candidates if c.passage not in taken]
        picked = llm_questions + select(
            candidates,
            n - len(llm_questions),
            qtypes,
            random.Random(seed),
            wanted_kinds is None,
            rank,
        )
        name = slug(topic or section or " ".join(chapters) or " ".join(doc_ids))
        seen_ids: set[str] = set()
        for i, q in enumerate(picked, start=1):
            while q.id in seen_ids:
                q.id += "x"
            seen_ids.add(q.id)
            q.name = f"{name}-{i:02d}"
        return QuizResult(
            questions=picked,
            requested=n,
            available=len({c.topic for c in candidates}) + len(llm_questions),
            doc_ids=sorted({q.citation.doc_id for q in picked}),
            difficulty=difficulty,
            dropped=dict(dropped),
            rejected=rejected,
            note=shortfall(len(picked), n, what, hits, len({c.topic for c in candidates})),
        )

    def _candidates(
        self,
        statements: list[Statement],
        facts: list[Fact],
        rank: dict[str, int],
        types: list[QuestionType],
        kinds: list[str] | None,
        difficulty: Difficulty,
        seed: int,
        dropped: Counter[str],
    ) -> list[Candidate]:
        """Every question the passages give, each checked; failures counted in `dropped`."""
        out: list[Candidate] = []

        def consider(
            q: QuizQuestion | None,
            found: list[str],
            topic: str,
            keys: tuple[str, ...],
            true_claim: str = "",
        ) -> None:
            if q is None:
                return
            if kinds is not None and q.kind not in kinds:
                return
            found = found + item_problems(q, true_claim)
            if found:
                for reason in dict.fromkeys(found):
                    dropped[reason] += 1
                return
            actual = q.answer == 0 if q.type == "true_false" else None
            out.append(Candidate(q, _passage(q), actual, topic, keys))

        fact_writer = FactWriter(facts, difficulty)
        for f in facts:
            if f.citation.chunk_id not in rank:
                continue
            for qtype in SUPPORTED.get(f.kind, ()):
                if qtype not in types:
                    continue
                for truth in (True, False) if qtype == "true_false" else (True,):
                    draft: Draft | None = fact_writer.build(f, qtype, seed, truth)
                    if draft is not None:
                        keys = (f.key, *f.items)
                        consider(draft.question, [], f.uid, keys, draft.true_claim)
        question_writer = QuestionWriter(statements)
        for s in statements:
            if s.chunk_id not in rank:
                continue
            for qtype in types:
                if qtype not in ("mcq", "true_false", "short"):
                    continue
                versions: tuple[bool | None, ...] = (
                    (True, False) if qtype == "true_false" else (None,)
                )
                for version in versions:
                    q, found = question_writer.checked(s, qtype, seed, version)
                    consider(q, found, s.uid, (s.key,))
        return out


def select(
    candidates: list[Candidate],
    n: int,
    types: Sequence[QuestionType],
    rng: random.Random,
    default_mix: bool,
    rank: dict[str, int],
) -> list[QuizQuestion]:
    """`n` questions, at most one per fact, none showing another's answer and no two with the
    same stem (several may share a passage when they test different things): teaching kinds
    first, figure and timescale recall at most a quarter (in a default mix), types by their
    quotas while they can, and true/false balanced between true and false.

    Topics are taken in reading order (best passages first, shuffled a little by the seed);
    when that falls short of `n`, they are taken again fewest-clashes first (a finding whose
    heading several evidence questions name goes after them; ties in reading order, then
    shuffled by the seed), and the longest quiz wins."""
    if n <= 0:
        return []
    by_topic: dict[str, list[Candidate]] = {}
    for c in candidates:
        by_topic.setdefault(c.topic, []).append(c)
    spread = max(4.0, n / 2)
    first_rank = {
        key: min(
            (rank.get(c.question.citation.chunk_id, len(rank)), c.question.citation.start)
            for c in group
        )
        for key, group in by_topic.items()
    }
    ordered = sorted(by_topic, key=lambda k: (first_rank[k], k))
    order = {key: i + rng.random() * spread for i, key in enumerate(ordered)}
    topics = sorted(by_topic, key=order.__getitem__)
    best = _pick(by_topic, topics, order, n, types, default_mix)
    if len(best) < n:
        heads = {key: group[0] for key, group in by_topic.items()}
        clashes = {
            key: sum(
                other != key and (c.question.stem == o.question.stem or c.gives_away(o))
                for other, o in heads.items()
            )
            for key, c in heads.items()
        }
        shuffle = random.Random(rng.random())
        for attempt in range(_ATTEMPTS):
            jitter = {k: shuffle.random() if attempt else order[k] for k in topics}
            again = _pick(
                by_topic,
                sorted(topics, key=lambda k: (clashes[k], jitter[k])),
                order,
                n,
                types,
                default_mix,
            )
            if len(again) > len(best):
                best = again
            if len(best) >= n:
                break
    return best


def _pick(
    by_topic: dict[str, list[Candidate]],
    topics: list[str],
    order: dict[str, float],
    n: int,
    types: Sequence[QuestionType],
    default_mix: bool,
) -> list[QuizQuestion]:
    """One greedy pass over `topics` in the order given; the quiz reads in `order`."""

    def teaching(key: str) -> bool:
        return any(c.question.kind in TEACHING_KINDS for c in by_topic[key])

    remaining = quotas(n, types)
    picked: dict[str, Candidate] = {}
    truths: list[bool] = []

    def clashes(c: Candidate, ignore: str = "") -> bool:
        return any(
            key != ignore and (p.question.stem == c.question.stem or c.gives_away(p))
            for key, p in picked.items()
        )

    def choose(key: str, allowed: Callable[[Candidate], bool]) -> Candidate | None:
        options = [c for c in by_topic[key] if allowed(c) and not clashes(c)]
        if not options:
            return None
        want_true = sum(truths) * 2 <= len(truths)

        def score(c: Candidate) -> tuple[int, int, int, int]:
            tf_fit = 1 if c.truth is None or c.truth == want_true else 0
            return (
                tf_fit,
                remaining.get(c.question.type, 0) > 0,
                c.question.kind in TEACHING_KINDS,
                -types.index(c.question.type),
            )

        return max(options, key=score)

    def take(key: str, c: Candidate) -> None:
        picked[key] = c
        remaining[c.question.type] = remaining.get(c.question.type, 0) - 1
        if c.truth is not None:
            truths.append(c.truth)

    recall_room = int(n * (1 - TEACHING_SHARE)) if default_mix else n
    reserve = min(recall_room, sum(1 for k in topics if not teaching(k)), max(0, n // 5))
    for fits in (True, False):  # first the questions whose type is still wanted
        for key in topics:
            if len(picked) >= n - reserve:
                break
            if teaching(key) and key not in picked:
                c = choose(key, partial(_teaching_fit, fits=fits, remaining=remaining))
                if c:
                    take(key, c)
    for key in topics:
        if len(picked) >= n:
            break
        if key in picked:
            continue
        c = choose(key, lambda c: True)
        if c is None:
            continue
        if default_mix and c.question.kind not in TEACHING_KINDS:
            total = len(picked) + 1
            recall = sum(q.question.kind in RECALL_KINDS for q in picked.values())
            other = sum(q.question.kind not in TEACHING_KINDS for q in picked.values())
            if c.question.kind in RECALL_KINDS and recall + 1 > RECALL_SHARE * total:
                continue
            if other + 1 > (1 - TEACHING_SHARE) * total:
                continue
        take(key, c)
    chosen = _balance_true_false(list(picked.items()), by_topic, clashes)
    if default_mix:
        chosen = _within_mix(chosen)
    chosen.sort(key=lambda kc: (order[kc[0]], kc[1].question.citation.start))
    return [c.question for _, c in chosen]


def _within_mix(
    chosen: list[tuple[str, Candidate]],
) -> list[tuple[str, Candidate]]:
    """Leave out recall questions, last first, until the mix holds again (balancing true/false
    may have left a teaching question out)."""

    def holds() -> bool:
        kinds = [c.question.kind for _, c in chosen]
        recall = sum(k in RECALL_KINDS for k in kinds)
        teaching = sum(k in TEACHING_KINDS for k in kinds)
        return recall <= RECALL_SHARE * len(kinds) and teaching >= TEACHING_SHARE * len(kinds)

    while chosen and not holds():
        at = max(
            (
                i
                for i, (_, c) in enumerate(chosen)
                if c.question.kind not in TEACHING_KINDS and c.truth is None
            ),
            default=None,
        )
        if at is None:
            break
        chosen.pop(at)
    return chosen


def _balance_true_false(
    chosen: list[tuple[str, Candidate]],
    by_topic: dict[str, list[Candidate]],
    clashes: Callable[[Candidate, str], bool],
) -> list[tuple[str, Candidate]]:
    """Make true/false answers between 40% and 60% true: flip an item to its other version,
    or ask it another way, or leave it out."""

    def tf() -> list[int]:
        return [i for i, (_, c) in enumerate(chosen) if c.truth is not None]

    def in_band() -> bool:
        idx = tf()
        return not idx or 0.4 <= sum(bool(chosen[i][1].truth) for i in idx) / len(idx) <= 0.6

    def another_way(i: int) -> None:
        key, _ = chosen[i]
        other = [o for o in by_topic[key] if o.truth is None and not clashes(o, key)]
        if other:
            chosen[i] = (key, other[0])
        else:
            chosen.pop(i)

    for _ in range(2 * len(chosen) + 2):
        if in_band():
            break
        idx = tf()
        if len(idx) in (1, 3):  # no split of one or three is within 40-60%
            another_way(idx[-1])
            continue
        majority = sum(bool(chosen[i][1].truth) for i in idx) * 2 > len(idx)
        for i in reversed(idx):
            key, c = chosen[i]
            flip = [o for o in by_topic[key] if o.truth is (not majority) and not clashes(o, key)]
            if c.truth == majority and flip:
                chosen[i] = (key, flip[0])
                break
        else:
            another_way(next(i for i in reversed(idx) if chosen[i][1].truth == majority))
    return chosen


def shortfall(got: int, n: int, what: str, hits: Sequence[ScoredChunk], facts: int) -> str:
    """Why a quiz has fewer questions than asked for, and what to do ("" when it has them):
    the scope's size, how many distinct checked questions it gives, and that some of those
    would give each other's answers away."""
    if got >= n:
        return ""
    words = sum(len(h.chunk.text.split()) for h in hits)
    return (
        f"only {got} of {n} questions: {what} ({words:,} words) gives {facts} distinct "
        f"question{'s' * (facts != 1)} that pass the item checks, and a quiz may not hold two "
        f"that give each other's answers away. For {n}, widen the scope: add chapters, quiz a "
        "whole report, or choose a broader topic."
    )


# --- the LLM writer ----------------------------------------------------------------------


class LLMQuestionWriter:
    """Questions written by a chat model on an OpenAI-compatible endpoint, kept only when they
    pass the same checks as rule-built ones against their cited passage."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def generate(
        self, passages: Sequence[ScoredChunk], types: Sequence[str], n: int, seed: int
    ) -> str:
        from langchain_core.messages import HumanMessage, SystemMessage

        user = (
            f"{format_passages(passages)}\n\nWrite {n} questions of these types: "
            f"{', '.join(types)}. (Variation seed: {seed}.)"
        )
        try:
            reply = self.model.invoke(
                [SystemMessage(load_prompt("quiz_system")), HumanMessage(user)]
            )
        except Exception as error:  # timeouts, HTTP errors, parsing
            raise LLMError(f"LLM request failed: {type(error).__name__}: {error}") from error
        return reply.content if isinstance(reply.content, str) else ""

    def questions(
        self,
        passages: Sequence[ScoredChunk],
        types: Sequence[QuestionType],
        n: int,
        seed: int,
        documents: Sequence[Any],
    ) -> tuple[list[QuizQuestion], list[str]]:
        """(accepted questions, why each other one was rejected)."""
        try:
            raw = self.generate(passages, types, n, seed)
        except LLMError as error:
            return [], [str(error)]
        items = parse_llm_items(raw)
        if items is None:
            return [], ["the LLM reply was not a JSON list of questions"]
        docs = {d.doc_id: d for d in documents}
        accepted: list[QuizQuestion] = []
        rejected: list[str] = []
        for item in items:
            question, reasons = self._check(item, passages, types, docs)
            if question is None:
                stem = flat(str(item.get("stem", "")))[:70] if isinstance(item, dict) else ""
                rejected.append(f"LLM question “{stem}” rejected: {'; '.join(reasons)}")
            else:
                accepted.append(question)
        return accepted, rejected

    def _check(
        self,
        item: Any,
        passages: Sequence[ScoredChunk],
        types: Sequence[QuestionType],
        docs: dict[str, Any],
    ) -> tuple[QuizQuestion | None, list[str]]:
        if not isinstance(item, dict):
            return None, ["not an object"]
        qtype = item.get("type")
        if qtype not in types:
            return None, [f"type {qtype!r} was not asked for"]
        quote = str(item.get("quote") or "")
        located = locate(quote, passages, item.get("passage"))
        if located is None:
            return None, ["its quote is not in any passage given"]
        hit, start, end = located
        options = [str(o) for o in item.get("options") or []]
        answer = item.get("answer")
        key = str(item.get("key") or "")
        distractors: list[str] = []
        if qtype == "true_false":
            options = ["True", "False"]
            if isinstance(answer, str):
                answer = 0 if answer.strip().lower() in ("true", "t") else 1
            elif isinstance(answer, bool):
                answer = 0 if answer else 1
            if answer == 1 and item.get("swapped"):
                distractors = [str(item["swapped"])]
        elif qtype == "mcq":
            if isinstance(answer, str) and answer in options:
                answer = options.index(answer)
            if isinstance(answer, int) and 0 <= answer < len(options):
                key = key or options[answer]
                distractors = [o for i, o in enumerate(options) if i != answer]
        else:
            answer = str(answer or "")
            key = key or answer
        feedback = [str(f) for f in item.get("feedback") or []]
        if qtype != "short" and len(feedback) != len(options):
            feedback = (feedback + [""] * len(options))[: len(options)]
        citation = citation_for(1, hit, start, end, docs.get(hit.chunk.doc_id))
        try:
            question = QuizQuestion(
                id=question_id(
                    f"llm:{citation.doc_id}:{citation.start}:{item.get('stem')}", str(qtype)
                ),
                type=qtype,
                stem=flat(str(item.get("stem") or "")),
                options=options if qtype != "short" else [],
                answer=answer if answer is not None else "",
                explanation=flat(str(item.get("explanation") or "")),
                feedback=feedback if qtype != "short" else [],
                citation=citation,
                kind="llm",
                origin="llm",
            )
        except ValueError as error:
            return None, [f"malformed: {error}"]
        if not question.stem:
            return None, ["no question text"]
        if (
            qtype == "short"
            and key
            and not re.search(re.escape(flat(str(answer))), flat(key), re.I)
        ):
            return None, ["the answer is not the key"]
        reasons = problems(question, key, distractors)
        if qtype == "mcq":
            reasons += [
                f"no feedback for wrong option {i + 1}"
                for i, f in enumerate(question.feedback)
                if i != question.answer and not f.strip()
            ]
        return (None, reasons) if reasons else (question, [])


def parse_llm_items(raw: str) -> list[Any] | None:
    text = raw.strip()
    fenced = re.search(r"```(?:json)?\s*(.*?)```", text, re.S)
    if fenced:
        text = fenced.group(1)
    start, end = text.find("["), text.rfind("]")
    if start < 0 or end <= start:
        return None
    try:
        data = json.loads(text[start : end + 1])
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, list) else None


def locate(
    quote: str, passages: Sequence[ScoredChunk], number: Any = None
) -> tuple[ScoredChunk, int, int] | None:
    """Where `quote` stands in the passages (the numbered one first): exactly, or allowing
    for differences in white space."""
    quote = quote.strip()
    if not quote:
        return None
    order = list(passages)
    if isinstance(number, int) and 1 <= number <= len(passages):
        order.insert(0, passages[number - 1])
    pattern = re.compile(r"\s+".join(re.escape(w) for w in quote.split()))
    for hit in order:
        at = hit.chunk.text.find(quote)
        if at >= 0:
            return hit, at, at + len(quote)
        match = pattern.search(hit.chunk.text)
        if match:
            return hit, match.start(), match.end()
    return None
