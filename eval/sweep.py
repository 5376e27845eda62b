"""Parameter sweeps over a gold set: chunk size, fusion and rerank weights, the refusal
threshold and sentence selection. Prints tables; the defaults in `RetrievalConfig`,
`ExtractiveConfig` and `Settings.chunk_chars` are set from what this prints.

    python -m eval.sweep --gold eval/gold/tune.jsonl [--tune-ids g] [--check-ids d] [--chunks]
                         [--fit-rerank]

Questions whose id starts with --tune-ids are used to choose; those starting with --check-ids
are reported with the chosen values, as a held-out check that the choice generalises.
--fit-rerank also fits the rerank once per question set left out (sets by id prefix), with every
feature and without each: whether a feature helps on questions its weights never saw.
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from assistant.core import Assistant
from assistant.embeddings import Embedder
from assistant.retrieve.hybrid import RERANK_FEATURES, RetrievalConfig
from assistant.settings import Settings, get_settings
from eval.gold import GoldQuestion, load_gold
from eval.harness import gold_spans, run_ours
from eval.metrics import Span, aggregate, first_rank, found
from eval.rerank_fit import Candidates, fit_shift, fit_weights, hit_at_1, leave_one_set_out


def answerable(
    assistant: Assistant, questions: Sequence[GoldQuestion]
) -> Iterator[tuple[GoldQuestion, str]]:
    """Each answerable question with the stand-alone form the ask path would search for."""
    for q in questions:
        if q.sources:
            history = [t.as_turn() for t in q.history or []]
            yield q, assistant.asker.standalone(q.question, history, "extractive")


def retrieval_metrics(assistant: Assistant, questions: Sequence[GoldQuestion]) -> dict[str, float]:
    """hit@1, hit@5 and mrr@10 of retrieval alone (cheap: no answering)."""
    texts = {d.doc_id: assistant.db.text(d.doc_id) or "" for d in assistant.documents()}
    ranks = []
    for q, standalone in answerable(assistant, questions):
        hits = assistant.retriever.run(standalone, k=10)
        ranking = [Span(h.chunk.doc_id, h.chunk.start, h.chunk.end) for h in hits]
        ranks.append(first_rank(gold_spans(q, texts), ranking, 10))
    n = len(ranks) or 1
    return {
        "hit@1": sum(r == 1 for r in ranks) / n,
        "hit@5": sum(r is not None and r <= 5 for r in ranks) / n,
        "mrr@10": sum(1 / r for r in ranks if r) / n,
    }


def _candidates(
    assistant: Assistant, questions: Sequence[GoldQuestion]
) -> list[tuple[GoldQuestion, Candidates, bool]]:
    """Each answerable question's candidate passages, their rerank features and gold labels,
    and whether the rerank reads it as a practice question (scored with `practice_shift`)."""
    retriever = assistant.retriever
    texts = {d.doc_id: assistant.db.text(d.doc_id) or "" for d in assistant.documents()}
    out = []
    for q, standalone in answerable(assistant, questions):
        chunks, features = retriever.candidate_features(standalone)
        gold = gold_spans(q, texts)
        labels = [any(found(g, Span(c.doc_id, c.start, c.end)) for g in gold) for c in chunks]
        practice = retriever.asks_for_practice(retriever.search_text(standalone))
        out.append((q, Candidates(features, np.array(labels, dtype=np.float64)), practice))
    return out


def fit_rerank(
    assistant: Assistant, tune: Sequence[GoldQuestion], check: Sequence[GoldQuestion]
) -> None:
    """Fit the rerank weights on `tune`; print them beside the defaults, and the hit@1 each
    gives (over the candidate pool) on `tune` and on the held-out `check`."""
    tuned, checked = _candidates(assistant, tune), _candidates(assistant, check)
    fitted_on = [c for _, c, _ in tuned]
    held_out = [c for _, c, _ in checked]
    practice = [p for _, _, p in tuned]
    config = assistant.retriever.config
    default = config.rerank_weights()
    fitted = fit_weights(fitted_on)
    shifted = [RERANK_FEATURES.index(name) for name, _ in config.practice_shift]
    shift = fit_shift(fitted_on, default, practice, shifted)
    current_shift = config.rerank_weights(practice=True) - default
    print("\n## rerank weights (listwise fit on the tune set)")
    print(f"{'feature':<18}{'default':>10}{'fitted':>10}{'practice shift':>16}{'fitted':>10}")
    for n, (name, d, f) in enumerate(zip(RERANK_FEATURES, default, fitted, strict=True)):
        print(f"{name:<18}{d:>10.2f}{f:>10.2f}{current_shift[n]:>16.2f}{shift[n]:>10.2f}")
    on_practice = [q for q, p in zip(fitted_on, practice, strict=True) if p]
    print(
        f"hit@1 over the pool on the {len(on_practice)} practice questions: unshifted "
        f"{hit_at_1(on_practice, default):.3f}, shifted {hit_at_1(on_practice, default + current_shift):.3f}"
    )
    for label, weights in (("default", default), ("fitted", fitted)):
        print(
            f"hit@1 over the pool with the {label} weights: tune "
            f"{hit_at_1(fitted_on, weights):.3f}, held-out {hit_at_1(held_out, weights):.3f}"
        )
    print_leave_one_set_out([*tuned, *checked])


def print_leave_one_set_out(candidates: Sequence[tuple[GoldQuestion, Candidates, bool]]) -> None:
    """hit@1 over the pool on each question set (id prefix) with weights fitted on the others,
    with every feature and without each in turn: whether a feature earns its place."""
    questions = [c for _, c, _ in candidates]
    sets = [q.id.rstrip("0123456789_") for q, _, _ in candidates]
    everything = list(range(len(RERANK_FEATURES)))
    print("\n## leave one question set out (hit@1 over the pool, mean over the sets)")
    for name, columns in [("all features", everything)] + [
        (f"without {f}", [i for i in everything if i != n]) for n, f in enumerate(RERANK_FEATURES)
    ]:
        scores = leave_one_set_out(questions, sets, columns)
        each = " ".join(f"{s}:{v:.2f}" for s, v in scores.items())
        print(f"{name:<26}{np.mean(list(scores.values())):.3f}   {each}")


def answer_metrics(
    assistant: Assistant, questions: Sequence[GoldQuestion]
) -> dict[str, float | None]:
    results = run_ours(assistant, questions, progress=False)
    metrics = aggregate(results)
    metrics["mean_answer_chars"] = float(np.mean([len(r.answer) for r in results]))
    return metrics


def best_scores(
    assistant: Assistant, questions: Sequence[GoldQuestion]
) -> list[tuple[bool, float]]:
    """(answerable, best unit score) per question: the refusal threshold's evidence."""
    out = []
    extractive = assistant.asker.extractive
    for q in questions:
        history = [t.as_turn() for t in q.history or []]
        standalone = assistant.asker.standalone(q.question, history, "extractive")
        vector = assistant.embedder.encode_one(standalone)
        passages = assistant.retriever.run(standalone, k=assistant.asker.k, query_vector=vector)
        vectors = [vector]
        if standalone != q.question:
            vectors.append(assistant.embedder.encode_one(q.question))
        ranked = extractive.score_units(
            [standalone, q.question], np.vstack(vectors), passages, assistant.retriever.corpus().idf
        )
        out.append((bool(q.sources), ranked[0].score if ranked else 0.0))
    return out


MAX_FALSE_REFUSALS = 0.05


def choose_threshold(
    scores: list[tuple[bool, float]],
) -> tuple[float, list[tuple[float, float, float]]]:
    """The highest threshold that refuses at most 5% of answerable questions: we accept about
    one wrong refusal in twenty to refuse as many unanswerable questions as that allows (an
    answer to an unanswerable question still shows its sources; a wrong refusal shows only the
    nearest passages)."""
    curve = []
    for threshold in np.arange(0.30, 0.70, 0.01):
        refuse_ok = [s < threshold for a, s in scores if not a]
        answer_ok = [s >= threshold for a, s in scores if a]
        curve.append(
            (
                round(float(threshold), 2),
                float(np.mean(refuse_ok)) if refuse_ok else 0.0,
                float(np.mean(answer_ok)) if answer_ok else 0.0,
            )
        )
    allowed = [row for row in curve if 1 - row[2] <= MAX_FALSE_REFUSALS]
    best = max(allowed or curve[:1], key=lambda row: (row[1], row[0]))
    return best[0], curve


def _print(
    title: str, rows: list[tuple[str, dict[str, float | None]]], keys: Sequence[str]
) -> None:
    print(f"\n## {title}")
    print(f"{'setting':<44}" + "".join(f"{k:>20}" for k in keys))
    for name, metrics in rows:
        cells = "".join(
            f"{'–' if metrics.get(k) is None else format(metrics[k], '.3f'):>20}" for k in keys
        )
        print(f"{name:<44}{cells}")


GOLD_DIR = Path(__file__).resolve().parent / "gold"
TUNE = GOLD_DIR / "tune.jsonl"
TEST = GOLD_DIR / "test.jsonl"
"""The held-out split: the README reports it, and nothing is ever chosen on it."""


class HeldOutError(ValueError):
    """A sweep was pointed at held-out (test) questions."""


def tuning_questions(path: Path, held_out: Path = TEST) -> list[GoldQuestion]:
    """The questions a sweep may choose on: never the test split, nor any file sharing a
    question id or a question with it."""
    if held_out.exists() and path.resolve() == held_out.resolve():
        raise HeldOutError(f"{path} is the held-out test split; sweeps read {TUNE.name} only")
    questions = load_gold(path)
    if held_out.exists():
        test = load_gold(held_out)
        ids, texts = {q.id for q in test}, {q.question for q in test}
        shared = [q for q in questions if q.id in ids or q.question in texts]
        if shared:
            raise HeldOutError(
                f"{path} shares {len(shared)} question(s) with the test split; sweeps read "
                f"{TUNE.name} only"
            )
    return questions


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gold", default=str(TUNE))
    parser.add_argument(
        "--tune-ids",
        default="g,f,h,k,m,n,p,q,r,s,u,v,w,x,y,z,b,c,e,i,j",
        help="id prefixes (comma-separated) of the questions to tune on",
    )
    parser.add_argument("--check-ids", default="d", help="id prefix of held-out questions")
    parser.add_argument("--chunks", action="store_true", help="also sweep chunk size (re-ingests)")
    parser.add_argument("--fit-rerank", action="store_true", help="fit the rerank weights and stop")
    args = parser.parse_args(argv)

    questions = tuning_questions(Path(args.gold))
    tune = [q for q in questions if q.id.startswith(tuple(args.tune_ids.split(",")))] or questions
    check = [q for q in questions if q.id.startswith(args.check_ids)]
    base = get_settings()
    embedder = Embedder(base.embedding_model, base.embedding_batch_size)
    print(f"tuning on {len(tune)} questions, checking on {len(check)}")

    with tempfile.TemporaryDirectory() as tmp:
        sizes = [700, 900, 1200, 1500] if args.chunks else [base.chunk_chars]
        stores: dict[int, Assistant] = {}
        for size in sizes:
            settings = Settings(data_dir=Path(tmp) / f"c{size}", chunk_chars=size)
            stores[size] = Assistant(settings, embedder=embedder)
            stores[size].ingest([base.sample_dir], progress=False)
            stores[size].warm()
        if args.chunks:
            _print(
                "chunk size (retrieval + answers, tune set)",
                [
                    (f"chunk_chars={s}", {**retrieval_metrics(a, tune), **answer_metrics(a, tune)})
                    for s, a in stores.items()
                ],
                ["hit@1", "hit@5", "mrr@10", "key_fact_recall", "cited_source_recall"],
            )
        assistant = stores[base.chunk_chars]
        if args.fit_rerank:
            fit_rerank(assistant, tune, check)
            return 0

        default = RetrievalConfig()
        variants = {
            "default": default,
            "dense only (no BM25, no rerank)": dataclasses.replace(
                default, lexical_weight=0.0, rerank=False
            ),
            "BM25 only (no rerank)": dataclasses.replace(default, dense_weight=0.0, rerank=False),
            "fusion, no rerank": dataclasses.replace(default, rerank=False),
            "fusion dense 1.5 : lexical 1": dataclasses.replace(default, dense_weight=1.5),
            "fusion dense 1 : lexical 1.5": dataclasses.replace(default, lexical_weight=1.5),
            "rerank: no second-best sentence": dataclasses.replace(
                default, second_sentence_weight=0.0
            ),
            "rerank: no heading similarity": dataclasses.replace(default, heading_weight=0.0),
            "rerank: no BM25 feature": dataclasses.replace(default, bm25_weight=0.0),
            "rerank: no phrase feature": dataclasses.replace(default, phrase_weight=0.0),
            "no diversity cap": dataclasses.replace(default, max_per_section=99),
            "no overview penalty": dataclasses.replace(default, overview_penalty=0.0),
            "no case-study penalty": dataclasses.replace(default, case_study_penalty=0.0),
            "no section-kind lift": dataclasses.replace(default, intent_weight=0.0),
            **{
                f"comparisons: newest report first within {m}": dataclasses.replace(
                    default, newest_first_margin=m
                )
                for m in (0.0, 0.05, 0.15, 1.0)
            },
        }
        rows: list[tuple[str, dict[str, float | None]]] = []
        for name, config in variants.items():
            assistant.retriever.config = config
            rows.append((name, dict(retrieval_metrics(assistant, tune))))
        assistant.retriever.config = default
        _print("retrieval (tune set)", rows, ["hit@1", "hit@5", "mrr@10"])

        scores = best_scores(assistant, tune)
        threshold, curve = choose_threshold(scores)
        print(
            "\n## refusal threshold (tune set): share of unanswerable refused / answerable answered"
        )
        for t, refused, answered in curve:
            print(
                f"  {t:.2f}  {refused:.2f}  {answered:.2f}"
                + ("   <- chosen" if t == threshold else "")
            )
        print(f"chosen threshold: {threshold:.2f}")

        extractive = assistant.asker.extractive
        default_answer = dataclasses.replace(extractive.config, refusal_threshold=threshold)
        answer_variants = {
            f"threshold {threshold:.2f}, defaults": default_answer,
            "max 2 units": dataclasses.replace(default_answer, max_units=2),
            "max 5 units": dataclasses.replace(default_answer, max_units=5),
            "margin 0.06": dataclasses.replace(default_answer, margin=0.06),
            "margin 0.3": dataclasses.replace(default_answer, margin=0.3),
            "no focus on the best passage": dataclasses.replace(default_answer, focus_margin=0.0),
            "no heading floor": dataclasses.replace(default_answer, heading_share=0.0),
            "no preference for the kind asked for": dataclasses.replace(
                default_answer, kind_weight=0.0
            ),
            "focus 0.35": dataclasses.replace(default_answer, focus_margin=0.35),
            "stories: 5 units within 0.25": dataclasses.replace(
                default_answer, max_story_units=5, story_margin=0.25
            ),
            "comparing: 2 units per report": dataclasses.replace(
                default_answer, max_units_per_doc_when_comparing=2
            ),
            "figures looked for in 15 units, 0.1 below": dataclasses.replace(
                default_answer, figure_units=15, figure_slack=0.1
            ),
            "similarity-heavy (0.75/0.15/0.10)": dataclasses.replace(
                default_answer, similarity_weight=0.75, coverage_weight=0.15, passage_weight=0.10
            ),
            "coverage-heavy (0.5/0.35/0.15)": dataclasses.replace(
                default_answer, similarity_weight=0.5, coverage_weight=0.35, passage_weight=0.15
            ),
        }
        answer_rows: list[tuple[str, dict[str, float | None]]] = []
        for name, answer_config in answer_variants.items():
            extractive.config = answer_config
            answer_rows.append((name, answer_metrics(assistant, tune)))
        _print(
            "sentence selection (tune set)",
            answer_rows,
            [
                "key_fact_recall",
                "cited_source_recall",
                "unanswerable_accuracy",
                "false_refusal_rate",
                "mean_answer_chars",
            ],
        )
        if check:
            extractive.config = default_answer
            _print(
                "held-out check with the chosen threshold",
                [
                    (
                        "held-out",
                        {**retrieval_metrics(assistant, check), **answer_metrics(assistant, check)},
                    )
                ],
                ["hit@5", "key_fact_recall", "unanswerable_accuracy", "false_refusal_rate"],
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
