"""Typos: the tune split's questions with two letters of each one's longest word swapped
("Staffodrshire", "exploitaiton"), answered with and without spelling correction (a longer word
no document uses read as the documents' word nearest it in spelling), in one process.

    python bench/typos.py [--gold eval/gold/tune.jsonl]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
import tempfile
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(_ROOT))

from assistant.core import Assistant  # noqa: E402
from eval.gold import load_gold  # noqa: E402
from eval.harness import evaluate  # noqa: E402

_LONG = re.compile(r"[A-Za-z]{7,}")
METRICS = ["hit@1", "hit@5", "key_fact_recall", "false_refusal_rate", "unanswerable_accuracy"]


def misspelt(question: str) -> str | None:
    """The question with the middle two letters of its longest word swapped (None when no
    word is long enough to misspell that way)."""
    words = _LONG.findall(question)
    if not words:
        return None
    word = max(words, key=len)
    i = len(word) // 2
    return question.replace(word, word[:i] + word[i + 1] + word[i] + word[i + 2 :], 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=_ROOT / "eval" / "gold" / "tune.jsonl")
    args = parser.parse_args()
    rows = []
    for line in args.gold.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        changed = misspelt(record["question"])
        if changed is not None:
            rows.append(json.dumps({**record, "question": changed}))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "typos.jsonl"
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        questions = load_gold(path)
    assistant = Assistant()
    assistant.warm()
    config = assistant.retriever.config
    results = {}
    for name, correct in (("corrected", True), ("as typed", False)):
        assistant.retriever.config = dataclasses.replace(config, correct_spelling=correct)
        results[name] = evaluate(assistant, questions, progress=False).metrics
    assistant.retriever.config = config
    print(f"{len(questions)} questions from {args.gold.name}, one typo each\n")
    print(f"| metric | {' | '.join(results)} |")
    print(f"| --- | {' | '.join('---' for _ in results)} |")
    for metric in METRICS:
        print(f"| {metric} | {' | '.join(f'{r[metric]:.3f}' for r in results.values())} |")


if __name__ == "__main__":
    main()
