"""`QuizBuilder.run`: choose passages (a topic by semantic search, or a section), take their
quizzable statements, build questions of the requested types (rules, or an LLM when one is
configured, checked the same way), and pick `n` of them reproducibly for a seed."""

from __future__ import annotations

import json
import random
import re
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from assistant.answer.extractive import citation_for
from assistant.answer.llm import LLMError, chat_model, format_passages
from assistant.answer.prompts import load_prompt
from assistant.domain.records import Chunk, ScoredChunk, SearchFilters
from assistant.domain.text import tokens
from assistant.quiz.questions import QuestionWriter, problems, question_id
from assistant.quiz.records import QUESTION_TYPES, QuestionType, QuizQuestion, QuizResult
from assistant.quiz.statements import Statement, extract, flat
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.core import Assistant

Writer = Literal["auto", "rules", "llm"]
_WEIGHTS = {"mcq": 2, "true_false": 1, "short": 1}
MAX_QUESTIONS = 100


class QuizError(ValueError):
    """The request can't make a quiz (bad arguments, or nothing to ask about)."""


def quotas(n: int, types: Sequence[QuestionType]) -> dict[QuestionType, int]:
    """How many of each type: mcq weighs double ("10 questions (7 mcq, 3 true_false)")."""
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
    names = ["true_false" if n in ("tf", "truefalse") else n for n in names]
    unknown = [n for n in names if n not in QUESTION_TYPES]
    if unknown or not names:
        raise QuizError(
            f"unknown question type {', '.join(map(repr, unknown)) or '(none)'}; "
            f"choose from {', '.join(QUESTION_TYPES)}"
        )
    return list(dict.fromkeys(names))  # type: ignore[arg-type]


class QuizBuilder:
    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self._lock = threading.Lock()
        self._cache: tuple[int, list[Statement]] | None = None

    # corpus ----------------------------------------------------------------------------

    def statements(self) -> list[Statement]:
        """Every statement in the store, rebuilt when the store changes."""
        db = self.assistant.db
        with self._lock:
            if self._cache is None or self._cache[0] != db.generation:
                generation = db.generation
                documents = {d.doc_id: d for d in db.documents()}
                labels = {k: d.label for k, d in documents.items()}
                self._cache = (generation, extract(db.chunks(), documents, labels))
            return self._cache[1]

    def passages(
        self, topic: str | None, section: str | None, doc_ids: Sequence[str], k: int
    ) -> list[ScoredChunk]:
        """The chunks to quiz on, best first."""
        documents = {d.doc_id: d for d in self.assistant.db.documents()}
        unknown = [d for d in doc_ids if d not in documents]
        if unknown:
            raise QuizError(
                f"unknown document {', '.join(map(repr, unknown))}; "
                f"known: {', '.join(sorted(documents)) or 'none'}"
            )
        if topic is not None:
            filters = SearchFilters(doc_ids=list(doc_ids))
            hits = self.assistant.retriever.run(topic, k=k, filters=filters)
            # semantic search always finds something: keep passages sharing a word with the topic
            wanted = set(tokens(topic))
            return [h for h in hits if wanted & set(tokens(h.chunk.embed_text(h.doc_label)))]
        assert section is not None
        wanted = section.strip().lower()
        chunks: list[Chunk] = [
            c
            for c in self.assistant.db.chunks()
            if (not doc_ids or c.doc_id in doc_ids)
            and (
                c.section_id.lower() == wanted
                or f"{c.doc_id}:{c.section_id}".lower() == wanted
                or any(wanted in heading.lower() for heading in c.section_path)
            )
        ]
        labels = {k: d.label for k, d in documents.items()}
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
        types: Sequence[QuestionType] = ("mcq", "true_false"),
        seed: int = 0,
        writer: Writer = "auto",
    ) -> QuizResult:
        topic = " ".join(topic.split()) if topic else None
        section = section.strip() if section else None
        if bool(topic) == bool(section):
            raise QuizError("give a topic or a section (one of them)")
        if not 1 <= n <= MAX_QUESTIONS:
            raise QuizError(f"n must be between 1 and {MAX_QUESTIONS}")
        types = parse_types(types)
        what = f"topic {topic!r}" if topic else f"section {section!r}"
        hits = self.passages(topic, section, doc_ids, k=max(15, 3 * n))
        if not hits:
            raise QuizError(f"no quizzable statements found for {what}")
        rank = {h.chunk.chunk_id: i for i, h in enumerate(hits)}
        pool = self.statements()
        chosen = [s for s in pool if s.chunk_id in rank]
        chosen.sort(key=lambda s: (rank[s.chunk_id], s.citation.start))

        rejected: list[str] = []
        llm_questions: list[QuizQuestion] = []
        use_llm = writer == "llm" or (writer == "auto" and self.assistant.settings.llm_base_url)
        if use_llm:
            llm_questions, rejected = LLMQuestionWriter(self.assistant.settings).questions(
                hits[:8], types, n, seed, self.assistant.db.documents()
            )

        question_writer = QuestionWriter(pool)
        built: list[tuple[Statement, QuizQuestion]] = []
        for statement in chosen:
            for qtype in types:
                question = question_writer.build(statement, qtype, seed)
                if question is not None:
                    built.append((statement, question))
        if not built and not llm_questions:
            raise QuizError(f"no quizzable statements found for {what}")

        llm_questions = llm_questions[:n]
        taken = {_quote_key(q) for q in llm_questions}
        built = [(s, q) for s, q in built if _quote_key(q) not in taken]
        picked = llm_questions + _select(built, n - len(llm_questions), types, random.Random(seed))
        position = {q.citation.chunk_id: rank.get(q.citation.chunk_id, len(rank)) for q in picked}
        picked.sort(key=lambda q: (position[q.citation.chunk_id], q.citation.start, q.type))
        seen_ids: set[str] = set()
        for q in picked:
            while q.id in seen_ids:
                q.id += "x"
            seen_ids.add(q.id)
        return QuizResult(
            questions=picked,
            requested=n,
            available=len({_quote_key(q) for _, q in built}) + len(llm_questions),
            doc_ids=sorted({q.citation.doc_id for q in picked}),
            rejected=rejected,
        )


def _select(
    built: list[tuple[Statement, QuizQuestion]],
    n: int,
    types: Sequence[QuestionType],
    rng: random.Random,
) -> list[QuizQuestion]:
    """`n` questions, at most one per cited passage (so no question gives away another's
    answer): the seed shuffles the passages, keeping the best likelier, and the types follow
    their quotas while they can."""
    if n <= 0:
        return []
    by_quote: dict[tuple[str, int], list[QuizQuestion]] = {}
    for _, q in built:
        by_quote.setdefault(_quote_key(q), []).append(q)
    spread = max(4.0, n / 2)
    order = {key: i + rng.random() * spread for i, key in enumerate(by_quote)}
    for questions in by_quote.values():
        rng.shuffle(questions)
    remaining = quotas(n, types)
    picked: dict[tuple[str, int], QuizQuestion] = {}
    for within_quota in (True, False):
        for key in sorted(by_quote, key=order.__getitem__):
            if len(picked) >= n:
                break
            if key in picked:
                continue
            options = by_quote[key]
            if within_quota:
                options = [q for q in options if remaining.get(q.type, 0) > 0]
            if not options:
                continue
            best = max(options, key=lambda q: (remaining.get(q.type, 0), -types.index(q.type)))
            picked[key] = best
            remaining[best.type] = remaining.get(best.type, 0) - 1
    return list(picked.values())


def _quote_key(q: QuizQuestion) -> tuple[str, int]:
    return (q.citation.doc_id, q.citation.start)


# --- the LLM writer ----------------------------------------------------------------------


class LLMQuestionWriter:
    """Questions written by a chat model on an OpenAI-compatible endpoint, kept only when they
    pass the same checks as rule-built ones against their cited passage."""

    def __init__(self, settings: Settings) -> None:
        self.model = chat_model(settings)

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
                id=question_id(f"llm:{citation.doc_id}:{citation.start}:{item.get('stem')}", qtype),
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
