"""The eval harness: metric definitions on hand-made cases, the baseline, the report, and the
CLI on a gold file it has never seen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.core import Assistant
from eval.gold import GoldQuestion, load_gold
from eval.harness import evaluate
from eval.metrics import QuestionResult, Span, aggregate, facts_present, first_rank, found
from eval.report import table, write_html
from eval.rerank_fit import Candidates, fit_shift, fit_weights, hit_at_1, leave_one_set_out

ROOT = Path(__file__).resolve().parent.parent


def result(**kw: object) -> QuestionResult:
    base: dict[str, object] = {
        "id": "q",
        "category": "fact",
        "answerable": True,
        "gold": [Span("a", 100, 200)],
        "ranking": [],
        "cited": [],
        "key_facts": [],
        "answer": "",
        "refused": False,
        "markers": 0,
        "valid_markers": 0,
        "latency_ms": 10.0,
    }
    base.update(kw)
    return QuestionResult(**base)  # type: ignore[arg-type]


def test_found_needs_same_document_and_half_the_quote() -> None:
    gold = Span("a", 100, 200)
    assert found(gold, Span("a", 150, 400))  # 50 of 100 characters: exactly half
    assert not found(gold, Span("a", 151, 400))
    assert not found(gold, Span("b", 0, 1000))
    assert not found(Span("a", 0, 0), Span("a", 0, 10))  # an unlocated quote is never found


def test_ranking_metrics() -> None:
    hit_second = result(ranking=[Span("a", 0, 50), Span("a", 90, 210)])
    miss = result(id="m", ranking=[Span("a", 0, 50)] * 10)
    assert first_rank(hit_second.gold, hit_second.ranking, 10) == 2
    metrics = aggregate([hit_second, miss])
    assert metrics["hit@1"] == 0.0
    assert metrics["hit@5"] == 0.5
    assert metrics["mrr@10"] == pytest.approx(0.25)
    assert metrics["source_recall@5"] == 0.5


def test_answer_metrics() -> None:
    good = result(
        answer="Only 56 percent had done it [1].",
        key_facts=["56 PERCENT", "level 1"],
        cited=[Span("a", 120, 180)],
        markers=2,
        valid_markers=1,
    )
    refusal = result(id="u", answerable=False, gold=[], refused=True)
    wrong_refusal = result(id="r", refused=True, key_facts=["x"])
    metrics = aggregate([good, refusal, wrong_refusal])
    assert metrics["key_fact_recall"] == pytest.approx(1 / 3)
    assert metrics["cited_source_recall"] == 0.5
    assert metrics["citation_validity"] == 0.5
    assert metrics["unanswerable_accuracy"] == 1.0
    assert metrics["false_refusal_rate"] == 0.5


def test_key_facts_match_after_normalising_case_space_and_quotes() -> None:
    assert (
        facts_present("The force’s  “voice of\nthe child” work", ['force\'s "voice of the child"'])
        == 1
    )


@pytest.fixture(scope="module")
def unseen_gold(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A gold file the project has never seen, in the shared format."""
    rows = [
        {
            "id": "u1",
            "question": "How long were children kept in custody on average during the COVID-19 restrictions?",
            "category": "number",
            "answer": "12.7 hours.",
            "key_facts": ["12.7 hours"],
            "sources": [
                {
                    "doc_id": "staffordshire-2021",
                    "section": "11. Police detention",
                    "subsection": None,
                    "quote": "But during the main period of COVID-19 pandemic restrictions, the average time children stayed in the force's custody increased to 12.7 hours.",
                }
            ],
        },
        {
            "id": "u2",
            "question": "What grade did the force get for working with safeguarding partners in 2025?",
            "category": "finding",
            "answer": "Good.",
            "key_facts": ["good"],
            "sources": [
                {
                    "doc_id": "staffordshire-2025",
                    "section": "Working with safeguarding partners",
                    "subsection": None,
                    "quote": "Staffordshire Police is good at working with safeguarding partners.",
                }
            ],
        },
        {
            "id": "u3",
            "question": "What did Cumbria Constabulary's 2024 inspection find?",
            "category": "unanswerable",
            "answer": "Not covered.",
            "key_facts": [],
            "sources": [],
        },
    ]
    path = tmp_path_factory.mktemp("gold") / "unseen.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def test_evaluate_with_baseline_and_report(
    sample_assistant: Assistant, unseen_gold: Path, tmp_path: Path
) -> None:
    questions: list[GoldQuestion] = load_gold(unseen_gold)
    run = evaluate(sample_assistant, questions, baseline=True, progress=False)
    assert run.baseline is not None and run.baseline_results is not None
    assert run.metrics["hit@5"] == 1.0
    assert run.metrics["unanswerable_accuracy"] == 1.0  # Cumbria is in no document
    assert run.baseline["unanswerable_accuracy"] == 0.0  # the baseline never refuses
    printed = table(run)
    assert "baseline" in printed and "hit@1" in printed
    page = write_html(run, tmp_path / "report").read_text()
    assert "<svg" in page and "by category" in page and "baseline" in page


def test_cli_eval_on_an_unseen_gold_file(
    sample_assistant: Assistant, unseen_gold: Path, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IA_")}
    env["IA_DATA_DIR"] = str(sample_assistant.settings.data_dir)
    out_json, out_dir = tmp_path / "eval.json", tmp_path / "report"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant",
            "eval",
            "--gold",
            str(unseen_gold),
            "--baseline",
            "--json",
            str(out_json),
            "--report",
            str(out_dir),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "ours" in done.stdout and "baseline" in done.stdout
    payload = json.loads(out_json.read_text())
    assert set(payload) >= {"metrics", "baseline", "by_category", "questions"}
    assert [q["id"] for q in payload["questions"]] == ["u1", "u2", "u3"]
    # each answerable question says where its first gold passage ranked: hit@1 is their share
    ranks = [q["gold_rank"] for q in payload["questions"] if q["category"] != "unanswerable"]
    assert ranks and payload["metrics"]["hit@1"] == pytest.approx(ranks.count(1) / len(ranks))
    assert (out_dir / "index.html").exists()


def test_cli_eval_names_a_bad_gold_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n')
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "eval", "--gold", str(bad)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith("IA_")}
        | {"IA_DATA_DIR": str(tmp_path / "s")},
    )
    assert done.returncode == 2
    assert "bad.jsonl:1: missing key 'question'" in done.stderr


def test_the_rerank_fit_learns_which_feature_finds_the_gold_passage() -> None:
    rng = np.random.default_rng(7)
    questions = []
    for _ in range(40):
        features = rng.random((10, 2))
        gold = np.zeros(10)
        gold[int(np.argmax(features[:, 1]))] = 1.0  # the second feature points at gold
        questions.append(Candidates(features, gold))
    weights = fit_weights(questions)
    assert weights[1] > 5 * abs(weights[0])
    assert hit_at_1(questions, weights) == 1.0
    assert hit_at_1(questions, np.array([1.0, 0.0])) < 0.5
    with pytest.raises(ValueError, match="no question has a gold passage"):
        fit_weights([Candidates(features, np.zeros(10))])
    # Questions of fewer candidates fit alongside; a set left out is scored by the others' fit.
    questions.append(Candidates(features[:4], (features[:4, 1] == features[:4, 1].max()) * 1.0))
    sets = ["a"] * 20 + ["b"] * 21
    assert leave_one_set_out(questions, sets, [0, 1]) == {"a": 1.0, "b": 1.0}
    assert leave_one_set_out(questions, sets, [0])["a"] < 0.5


def test_the_shift_fit_finds_what_a_group_of_questions_weighs_otherwise() -> None:
    """Practice questions are answered by another feature than the rest: the shift lifts it
    for them alone, and the other questions keep the order their weights give."""
    rng = np.random.default_rng(11)
    questions, grouped = [], []
    for i in range(80):
        features = rng.random((10, 2))
        group = i % 2 == 0
        gold = np.zeros(10)
        gold[int(np.argmax(features[:, 1 if group else 0]))] = 1.0
        questions.append(Candidates(features, gold))
        grouped.append(group)
    weights = np.array([1.0, 0.0])
    shift = fit_shift(questions, weights, grouped, [1])
    assert shift[0] == 0.0 and shift[1] > 1.0
    in_group = [q for q, g in zip(questions, grouped, strict=True) if g]
    assert hit_at_1(in_group, weights) < 0.5
    assert hit_at_1(in_group, weights + shift) >= 0.85
