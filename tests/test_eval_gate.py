"""Regression gate: the held-out test questions through the default answerer must stay at or
above the thresholds in eval/thresholds.json (and the metrics must be what the eval README
defines). Nothing is tuned on these questions; the sweep reads the tune split only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.core import Assistant
from eval.gold import load_gold
from eval.harness import EvalRun, evaluate
from eval.metrics import METRICS

ROOT = Path(__file__).resolve().parent.parent
THRESHOLDS = json.loads((ROOT / "eval" / "thresholds.json").read_text())


@pytest.fixture(scope="module")
def full_run(sample_assistant: Assistant) -> EvalRun:
    return evaluate(
        sample_assistant, load_gold(ROOT / "eval" / "gold" / "test.jsonl"), progress=False
    )


@pytest.mark.parametrize("gate", [g for g in THRESHOLDS if not g.startswith("_")])
def test_gold_metrics_hold(full_run: EvalRun, gate: str) -> None:
    from eval.metrics import aggregate

    spec = THRESHOLDS[gate]
    results = [r for r in full_run.results if r.id.startswith(spec["ids_starting_with"])]
    assert results, f"no gold questions for the {gate} gate"
    metrics = aggregate(results)
    below = {
        m: round(metrics[m] or 0.0, 3)
        for m, floor in spec["min"].items()
        if (metrics[m] or 0.0) < floor
    }
    above = {
        m: round(metrics[m] or 0.0, 3)
        for m, cap in spec["max"].items()
        if (metrics[m] or 0.0) > cap
    }
    assert not below and not above, f"{gate}: below the gate {below}, above the gate {above}"


def test_every_named_metric_is_reported(full_run: EvalRun) -> None:
    assert set(METRICS) <= set(full_run.metrics)
    for name, value in full_run.metrics.items():
        assert value is not None, name
        if not name.startswith("latency"):
            assert 0.0 <= value <= 1.0, name
    payload = full_run.to_json()
    assert set(payload) >= {"metrics", "baseline", "by_category", "questions"}
    assert len(payload["questions"]) == len(full_run.results)
