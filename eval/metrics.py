"""The metrics of `shared/eval/README.md`, as pure functions over plain records.

A gold source is *found* in a passage when the passage is from the same document and its span
overlaps the quote's span by at least half the quote's length.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

METRICS = (
    "hit@1",
    "hit@5",
    "source_recall@5",
    "mrr@10",
    "key_fact_recall",
    "cited_source_recall",
    "citation_validity",
    "unanswerable_accuracy",
    "false_refusal_rate",
    "latency_ms_p50",
    "latency_ms_p95",
)
_MARKER = re.compile(r"\[(\d{1,3})\]")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


@dataclass(frozen=True)
class Span:
    doc_id: str
    start: int
    end: int


@dataclass
class QuestionResult:
    """What one question produced, reduced to what the metrics need."""

    id: str
    category: str
    answerable: bool
    gold: list[Span]
    """Gold sources located in their documents (unlocatable ones are kept as empty spans)."""
    ranking: list[Span]
    """Retrieved passages, best first (at least the top 10)."""
    cited: list[Span]
    """The passages the answer cites."""
    key_facts: list[str]
    answer: str
    refused: bool
    markers: int
    valid_markers: int
    latency_ms: float
    expected: str = ""
    details: dict[str, object] = field(default_factory=dict)


def found(gold: Span, passage: Span) -> bool:
    if gold.doc_id != passage.doc_id or gold.end <= gold.start:
        return False
    overlap = min(gold.end, passage.end) - max(gold.start, passage.start)
    return overlap >= 0.5 * (gold.end - gold.start)


def first_rank(gold: Sequence[Span], ranking: Sequence[Span], depth: int) -> int | None:
    """1-based rank of the first passage in which any gold source is found."""
    for rank, passage in enumerate(ranking[:depth], start=1):
        if any(found(g, passage) for g in gold):
            return rank
    return None


def normalise_answer(text: str) -> str:
    return " ".join(text.translate(_QUOTES).lower().split())


def facts_present(answer: str, facts: Sequence[str]) -> int:
    haystack = normalise_answer(answer)
    return sum(normalise_answer(f) in haystack for f in facts)


def count_markers(text: str) -> int:
    return len(_MARKER.findall(text))


def _share(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def aggregate(results: Sequence[QuestionResult]) -> dict[str, float | None]:
    """The metric table over a set of question results (None where a metric has no cases)."""
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    ranks = [first_rank(r.gold, r.ranking, 10) for r in answerable]
    gold_total = sum(len(r.gold) for r in answerable)
    latencies = [r.latency_ms for r in results]
    return {
        "hit@1": _share(sum(rank == 1 for rank in ranks), len(answerable)),
        "hit@5": _share(sum(rank is not None and rank <= 5 for rank in ranks), len(answerable)),
        "source_recall@5": _share(
            sum(any(found(g, p) for p in r.ranking[:5]) for r in answerable for g in r.gold),
            gold_total,
        ),
        "mrr@10": _share(sum(1 / rank for rank in ranks if rank), len(answerable)),
        "key_fact_recall": _share(
            sum(facts_present(r.answer, r.key_facts) for r in answerable),
            sum(len(r.key_facts) for r in answerable),
        ),
        "cited_source_recall": _share(
            sum(any(found(g, p) for p in r.cited) for r in answerable for g in r.gold), gold_total
        ),
        "citation_validity": _share(
            sum(r.valid_markers for r in results), sum(r.markers for r in results)
        ),
        "unanswerable_accuracy": _share(sum(r.refused for r in unanswerable), len(unanswerable)),
        "false_refusal_rate": _share(sum(r.refused for r in answerable), len(answerable)),
        "latency_ms_p50": float(np.percentile(latencies, 50)) if latencies else None,
        "latency_ms_p95": float(np.percentile(latencies, 95)) if latencies else None,
    }


def by_category(results: Sequence[QuestionResult]) -> dict[str, dict[str, float | None]]:
    categories = sorted({r.category for r in results})
    return {c: aggregate([r for r in results if r.category == c]) for c in categories}


def failures(result: QuestionResult) -> list[str]:
    """Why a question counts against us, in words (empty when it does not)."""
    problems = []
    if result.answerable:
        if result.refused:
            problems.append("refused an answerable question")
        if first_rank(result.gold, result.ranking, 5) is None:
            problems.append("no gold source in the top 5 passages")
        missing = [f for f in result.key_facts if not facts_present(result.answer, [f])]
        if missing:
            problems.append("missing key facts: " + "; ".join(missing))
    elif not result.refused:
        problems.append("answered a question the documents don't cover")
    if result.valid_markers < result.markers:
        problems.append(f"{result.markers - result.valid_markers} invalid citation marker(s)")
    return problems
