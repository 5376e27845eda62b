"""Query latency: how long do `search` and `ask` take, where does the time go, and what do they
cost over a bare dense lookup?

Run with `.venv/bin/python bench/query.py [--gold eval/gold/tune.jsonl]`. In one process:

  * open the configured store (Settings from the IA_* environment; the bundled sample corpus
    is ingested first if the store is empty), load the model and warm (`assistant.warm()`), then
    run a few untimed questions;
  * over every gold question, time `assistant.search(q)` and `assistant.ask(q)` (extractive;
    a follow-up is asked with its gold history), collect the stage timings the answer reports
    (rewrite, retrieve, answer, total) and, by timing `embedder.encode_one` separately, the
    query encoding inside retrieval vs the rest of retrieval;
  * baseline: dense-only Chroma top-5 (`assistant.vectors.query` with the encoded query), with
    and without the encoding, and the ratio ask / dense;
  * one question's encoding both ways: `encode_one` (the traced query path) against
    sentence-transformers' own `encode([q])`, which gives the same vector.

Prints p50 / p95 / mean in milliseconds.
"""

# ruff: noqa: E402  (imports follow the sys.path fix below)
from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

# Run as a script, this folder comes first on sys.path, and bench/ingest.py would shadow the
# `ingest` package. Drop it; make sure the repository root is importable.
_HERE = Path(__file__).resolve().parent
_ROOT = _HERE.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

import numpy as np

import assistant  # noqa: F401  (first: `ingest` modules import `assistant` records)
from assistant.core import Assistant
from assistant.embeddings import Embedder
from assistant.settings import Settings
from eval.gold import GoldQuestion, load_gold


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if values else float("nan")


class EncodeTimer:
    """Wraps `embedder.encode_one` (and `encode`, for encodes that are not `encode_one`) on the
    instance, recording each call's duration, so a question's encodes can be told apart from the
    rest of its time. The first `encode_one` of an ask is the query encoding in retrieval."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self.one_calls: list[float] = []
        self.other_ms = 0.0
        self._local = threading.local()
        self._encode_one: Callable[[str], Any] = embedder.encode_one
        self._encode: Callable[..., Any] = embedder.encode
        embedder.encode_one = self._timed_one  # type: ignore[method-assign]
        embedder.encode = self._timed_encode  # type: ignore[method-assign]

    def _timed_one(self, text: str) -> Any:
        self._local.inside = True
        started = time.perf_counter()
        try:
            return self._encode_one(text)
        finally:
            self.one_calls.append((time.perf_counter() - started) * 1000)
            self._local.inside = False

    def _timed_encode(self, texts: Sequence[str], progress: bool = False) -> Any:
        if getattr(self._local, "inside", False):
            return self._encode(texts, progress)
        started = time.perf_counter()
        try:
            return self._encode(texts, progress)
        finally:
            self.other_ms += (time.perf_counter() - started) * 1000

    def reset(self) -> None:
        self.one_calls = []
        self.other_ms = 0.0


def history(q: GoldQuestion) -> list[Any] | None:
    """The gold history as the pipeline's turns (plain dicts), or None."""
    return [dict(t) for t in q.history] or None


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = fn()
    return result, (time.perf_counter() - started) * 1000


def row(name: str, values: Sequence[float], share_of: float | None = None) -> str:
    mean = statistics.fmean(values) if values else float("nan")
    share = f"{100 * mean / share_of:6.1f}%" if share_of else "       "
    return (
        f"  {name:<36} {percentile(values, 50):8.1f} {percentile(values, 95):8.1f} "
        f"{mean:8.1f} {share}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", default=str(_ROOT / "eval" / "gold" / "tune.jsonl"))
    parser.add_argument("--rounds", type=int, default=1, help="passes over the gold set")
    parser.add_argument("--warmup", type=int, default=5, help="untimed questions first")
    parser.add_argument(
        "--torch-threads", type=int, help="torch intra-op threads (default: torch's choice)"
    )
    args = parser.parse_args(argv)
    import torch

    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)

    questions: list[GoldQuestion] = load_gold(args.gold)
    settings = Settings()
    app = Assistant(settings)
    if not app.documents():
        print(f"store {settings.data_dir} is empty: ingesting {settings.sample_dir} ...")
        report = app.ingest([settings.sample_dir], progress=False)
        print(" ", report.summary())
    _, load_ms = timed(lambda: app.embedder.encode_one("load the model"))
    sentences, warm_ms = timed(app.warm)
    print(
        f"store {settings.data_dir}: {len(app.documents())} documents, {app.vectors.count()} "
        f"chunks; model loaded in {load_ms:.0f} ms; warm ({sentences} sentences) {warm_ms:.0f} ms"
    )
    for q in questions[: args.warmup]:
        app.search(q.question)
        app.ask(q.question, history=history(q))
        app.vectors.query(app.embedder.encode_one(q.question), 5)

    timer = EncodeTimer(app.embedder)
    search_ms: list[float] = []
    ask_ms: list[float] = []
    dense_ms: list[float] = []
    encode_dense_ms: list[float] = []
    stages: dict[str, list[float]] = {
        k: [] for k in ("rewrite_ms", "retrieve_ms", "answer_ms", "total_ms")
    }
    encode_in_retrieve: list[float] = []
    encode_in_answer: list[float] = []
    other_encode: list[float] = []
    st_encode_ms: list[float] = []
    one_encode_ms: list[float] = []
    for _ in range(args.rounds):
        for q in questions:
            _, ms = timed(lambda q=q: app.search(q.question))
            search_ms.append(ms)

            timer.reset()
            answer, ms = timed(lambda q=q: app.ask(q.question, history=history(q)))
            ask_ms.append(ms)
            for key, values in stages.items():
                values.append(answer.timings_ms.get(key, 0.0))
            encode_in_retrieve.append(timer.one_calls[0] if timer.one_calls else 0.0)
            encode_in_answer.append(sum(timer.one_calls[1:]))
            other_encode.append(timer.other_ms)

            vector, encode_ms = timed(lambda q=q: app.embedder.encode_one(q.question))
            _, ms = timed(lambda vector=vector: app.vectors.query(vector, 5))
            dense_ms.append(ms)
            encode_dense_ms.append(encode_ms + ms)
            one_encode_ms.append(encode_ms)
            _, ms = timed(lambda q=q: app.embedder.encode([q.question]))
            st_encode_ms.append(ms)

    total = statistics.fmean(stages["total_ms"])
    retrieve_rest = [r - e for r, e in zip(stages["retrieve_ms"], encode_in_retrieve, strict=True)]
    answer_rest = [a - e for a, e in zip(stages["answer_ms"], encode_in_answer, strict=True)]
    n = len(ask_ms)
    header = f"  {'(ms)':<36} {'p50':>8} {'p95':>8} {'mean':>8} {'share':>7}"
    print(
        f"\n{n} questions from {args.gold} ({args.rounds} round(s)), extractive answerer, "
        f"torch threads {torch.get_num_threads()}, load average {os.getloadavg()[0]:.1f}\n"
    )
    print(header)
    print(row("search(q)  [hybrid, k=5]", search_ms))
    print(row("ask(q)     [end to end]", ask_ms))
    print("\n  ask stages (answer.timings_ms; share of total_ms)")
    print(header)
    print(row("rewrite_ms", stages["rewrite_ms"], total))
    print(row("retrieve_ms", stages["retrieve_ms"], total))
    print(row("  query encoding (encode_one)", encode_in_retrieve, total))
    print(row("  rest of retrieval", retrieve_rest, total))
    print(row("answer_ms", stages["answer_ms"], total))
    print(row("  typed-question encoding (follow-ups)", encode_in_answer, total))
    print(row("  rest of answering", answer_rest, total))
    print(row("total_ms", stages["total_ms"], total))
    print(
        row(
            "ask - total_ms (outside the pipeline)",
            [a - t for a, t in zip(ask_ms, stages["total_ms"], strict=True)],
        )
    )
    print(row("other encodes (uncached sentences)", other_encode, total))
    print("\n  baseline: dense-only Chroma top-5")
    print(header)
    print(row("vectors.query(encoded q, 5)", dense_ms))
    print(row("encode_one(q) + vectors.query", encode_dense_ms))
    print("\n  encoding one question")
    print(header)
    print(row("encode_one(q)  [traced query path]", one_encode_ms))
    print(row("encode([q])    [sentence-transformers]", st_encode_ms))
    print(
        f"  ratio traced / sentence-transformers:  p50 "
        f"{percentile(one_encode_ms, 50) / percentile(st_encode_ms, 50):.2f}x"
    )
    p50 = percentile(ask_ms, 50)
    p95 = percentile(ask_ms, 95)
    print(
        f"\n  ratio ask / (encode + dense):  p50 {p50 / percentile(encode_dense_ms, 50):.1f}x"
        f"   p95 {p95 / percentile(encode_dense_ms, 95):.1f}x"
    )
    print(
        f"  ratio ask / dense query only:  p50 {p50 / percentile(dense_ms, 50):.1f}x"
        f"   p95 {p95 / percentile(dense_ms, 95):.1f}x"
    )
    verdict = "meets" if p95 < 150 else "MISSES"
    print(f"\n  ask p95 {p95:.1f} ms {verdict} the 150 ms aim")
    app.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
