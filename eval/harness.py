"""Runs gold questions through the full ask path (and, optionally, the tutorial baseline) and
reduces each to a `QuestionResult` for the metrics."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tqdm import tqdm

from assistant.core import Assistant
from assistant.domain.records import Answer, ScoredChunk
from eval.baseline import TutorialBaseline
from eval.gold import GoldQuestion, locate
from eval.metrics import (
    QuestionResult,
    Span,
    aggregate,
    by_category,
    count_markers,
    failures,
    first_rank,
)

_MARKER = re.compile(r"\[(\d{1,3})\]")


class EvalError(RuntimeError):
    """The eval cannot run as asked (e.g. gold questions refer to documents not in the store)."""


@dataclass
class EvalRun:
    metrics: dict[str, float | None]
    by_category: dict[str, dict[str, float | None]]
    results: list[QuestionResult]
    baseline: dict[str, float | None] | None = None
    baseline_by_category: dict[str, dict[str, float | None]] | None = None
    baseline_results: list[QuestionResult] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "metrics": self.metrics,
            "baseline": self.baseline,
            "by_category": self.by_category,
            "baseline_by_category": self.baseline_by_category,
            "questions": [_question_json(r) for r in self.results],
        }


def _question_json(result: QuestionResult) -> dict[str, Any]:
    return {
        "id": result.id,
        "category": result.category,
        "answer": result.answer,
        "expected": result.expected,
        "refused": result.refused,
        "key_facts": result.key_facts,
        "latency_ms": round(result.latency_ms, 1),
        "failures": failures(result),
        "gold_rank": first_rank(result.gold, result.ranking, 10) if result.answerable else None,
        **result.details,
    }


def gold_spans(question: GoldQuestion, texts: dict[str, str]) -> list[Span]:
    spans = []
    for source in question.sources:
        located = locate(source.quote, texts[source.doc_id])
        spans.append(Span(source.doc_id, *located) if located else Span(source.doc_id, 0, 0))
    return spans


def document_texts(assistant: Assistant, questions: Sequence[GoldQuestion]) -> dict[str, str]:
    """Every stored document's text, read once; raises if the gold file names a document the
    store does not hold."""
    texts = {d.doc_id: assistant.db.text(d.doc_id) or "" for d in assistant.documents()}
    missing = sorted({s.doc_id for q in questions for s in q.sources} - set(texts))
    if missing:
        raise EvalError(
            f"the gold file refers to documents not in the store: {', '.join(missing)}; "
            "ingest them first (inspection-assistant ingest PATH)"
        )
    return texts


def valid_markers(answer: Answer, texts: dict[str, str]) -> int:
    """Markers that resolve to a passage given to the answerer and whose quote is verbatim in
    that passage's document."""
    given = {p.chunk.chunk_id for p in answer.passages}
    by_n = {c.n: c for c in answer.citations}
    valid = 0
    for match in _MARKER.finditer(answer.text):
        citation = by_n.get(int(match.group(1)))
        if citation is None or citation.chunk_id not in given:
            continue
        text = texts.get(citation.doc_id)
        if text is not None and text[citation.start : citation.end] == citation.quote:
            valid += 1
    return valid


def ask_ranking(answer: Answer, retrieved: Sequence[ScoredChunk], depth: int = 10) -> list[Span]:
    """What the ask path retrieved, best first: the passages it gave the answerer (findings'
    passages lead when the question asked for findings), then the retriever's for depth."""
    seen: set[str] = set()
    spans: list[Span] = []
    for hit in [*answer.passages, *retrieved]:
        if hit.chunk.chunk_id not in seen:
            seen.add(hit.chunk.chunk_id)
            spans.append(Span(hit.chunk.doc_id, hit.chunk.start, hit.chunk.end))
    return spans[:depth]


def run_ours(
    assistant: Assistant,
    questions: Sequence[GoldQuestion],
    answerer: str | None = None,
    progress: bool = True,
) -> list[QuestionResult]:
    texts = document_texts(assistant, questions)
    results = []
    for question in tqdm(questions, desc="eval (ours)", unit="q", disable=not progress):
        history = [t.as_turn() for t in question.history or []]
        started = time.perf_counter()
        answer = assistant.ask(question.question, history=history, answerer=answerer)
        latency = (time.perf_counter() - started) * 1000
        ranking = ask_ranking(answer, assistant.retriever.run(answer.standalone_question, k=10))
        chunks = {p.chunk.chunk_id: p.chunk for p in answer.passages}
        cited = [chunks[c.chunk_id] for c in answer.citations if c.chunk_id in chunks]
        results.append(
            QuestionResult(
                id=question.id,
                category=question.category,
                answerable=bool(question.sources),
                gold=gold_spans(question, texts),
                ranking=ranking,
                cited=[] if answer.refused else [Span(c.doc_id, c.start, c.end) for c in cited],
                key_facts=question.key_facts,
                answer=answer.text,
                refused=answer.refused,
                markers=count_markers(answer.text),
                valid_markers=valid_markers(answer, texts),
                latency_ms=latency,
                expected=question.answer,
                details={
                    "question": question.question,
                    "standalone_question": answer.standalone_question,
                    "citations": [
                        {
                            "n": c.n,
                            "doc_id": c.doc_id,
                            "section_path": c.section_path,
                            "quote": c.quote,
                        }
                        for c in answer.citations
                    ],
                },
            )
        )
    return results


def run_baseline(
    assistant: Assistant, questions: Sequence[GoldQuestion], progress: bool = True
) -> list[QuestionResult]:
    texts = document_texts(assistant, questions)
    baseline = TutorialBaseline(texts, assistant.embedder)
    results = []
    for question in tqdm(questions, desc="eval (baseline)", unit="q", disable=not progress):
        started = time.perf_counter()
        hits, answer = baseline.run(question.question)
        latency = (time.perf_counter() - started) * 1000
        spans = [Span(h.doc_id, h.start, h.end) for h in hits]
        results.append(
            QuestionResult(
                id=question.id,
                category=question.category,
                answerable=bool(question.sources),
                gold=gold_spans(question, texts),
                ranking=spans,
                cited=spans,
                key_facts=question.key_facts,
                answer=answer,
                refused=False,
                markers=count_markers(answer),
                valid_markers=count_markers(answer),
                latency_ms=latency,
                expected=question.answer,
                details={"question": question.question},
            )
        )
    return results


def evaluate(
    assistant: Assistant,
    questions: Sequence[GoldQuestion],
    answerer: str | None = None,
    baseline: bool = False,
    progress: bool = True,
) -> EvalRun:
    assistant.warm()
    ours = run_ours(assistant, questions, answerer, progress)
    run = EvalRun(aggregate(ours), by_category(ours), ours)
    if baseline:
        theirs = run_baseline(assistant, questions, progress)
        run.baseline, run.baseline_by_category, run.baseline_results = (
            aggregate(theirs),
            by_category(theirs),
            theirs,
        )
    return run
