"""The same report in every published format: does it parse the same? (issue 9)

Run with `.venv/bin/python bench/formats.py`. Renders both sample reports as txt / md / html /
pdf (printed by headless Chromium) / pdf (fpdf2, heading fonts and a contents page) / docx,
parses each through the pure ingest, and prints the issue's table: sections, 2021
recommendations with their timescale split, 2021 headline figures, 2025 grades and doc ids.
Every row should read the same.

With `--eval`, also builds one store per format (through the public `Assistant`) and runs the
gold eval on each, printing hit@5 and key_fact_recall side by side (the PDF stores should be
within 0.03 of the text store).
"""

# ruff: noqa: E402  (imports follow the sys.path fix below)
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_ROOT = _HERE.parent
# Run as a script, this folder would shadow the `ingest` package with bench/ingest.py.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path[:0] = [str(_ROOT), str(_ROOT / "tests")]

from formats_kit import FORMATS, ingest_pure, render_all, summary

SAMPLES = sorted((_ROOT / "data" / "sample").glob("*.txt"))


def _timescales(row: dict) -> str:
    counts = row["timescales"]
    split = "/".join(str(counts.get(k, 0)) for k in ("immediately", "within three months"))
    rest = sum(v for k, v in counts.items() if k not in ("immediately", "within three months"))
    return f"{sum(counts.values())} ({split}/{rest})"


def table(out: Path) -> dict[str, dict[str, Path]]:
    """Render, parse and print one row per format; returns the rendered files."""
    files = {text.stem: render_all(text, out / text.stem) for text in SAMPLES}
    old, new = SAMPLES[0].stem, SAMPLES[1].stem
    header = (
        "| format | sections (2021 / 2025) | 2021 recommendations (imm./3 m/other) "
        "| 2021 headline figures | 2025 grades | doc ids | parse s |"
    )
    print(header)
    print("|" + " --- |" * 7)
    rows = {}
    for fmt in FORMATS:
        started = time.perf_counter()
        a, b = summary(ingest_pure(files[old][fmt])), summary(ingest_pure(files[new][fmt]))
        seconds = time.perf_counter() - started
        rows[fmt] = (
            f"{len(a['sections'])} / {len(b['sections'])}",
            _timescales(a),
            str(a["findings"].get("headline_figure", 0)),
            str(len(b["grades"])),
            f"`{a['doc_id']}`, `{b['doc_id']}`",
        )
        print(f"| {fmt} | " + " | ".join(rows[fmt]) + f" | {seconds:.1f} |")
    same = len(set(rows.values())) == 1
    print(f"\nrows equal across formats: {'yes' if same else 'NO'}")
    return files


def evaluate(files: dict[str, dict[str, Path]], out: Path, formats: list[str], gold: Path) -> None:
    """One store per format, the gold eval on each, metrics side by side."""
    from assistant.core import Assistant
    from assistant.embeddings import Embedder
    from assistant.settings import Settings
    from eval.gold import load_gold
    from eval.harness import evaluate as run_eval

    questions = load_gold(gold)
    embedder = Embedder()
    scores: dict[str, dict[str, float | None]] = {}
    for fmt in formats:
        folder = out / f"corpus-{fmt}"
        folder.mkdir()
        for stem in files:
            source = files[stem][fmt]
            (folder / source.name).write_bytes(source.read_bytes())
        helper = Assistant(Settings(data_dir=out / f"store-{fmt}"), embedder=embedder)
        try:
            report = helper.ingest([folder], progress=False)
            print(f"{fmt}: {report.summary()}", file=sys.stderr)
            scores[fmt] = run_eval(helper, questions, progress=False).metrics
        finally:
            helper.close()
    print("\n| metric | " + " | ".join(formats) + " |")
    print("|" + " --- |" * (len(formats) + 1))
    for metric in ("hit@5", "key_fact_recall"):
        cells = [scores[f].get(metric) for f in formats]
        shown = " | ".join("—" if c is None else f"{c:.3f}" for c in cells)
        print(f"| {metric} | {shown} |")
    base = scores[formats[0]]
    for fmt in formats[1:]:
        gaps = [
            abs((scores[fmt].get(m) or 0) - (base.get(m) or 0))
            for m in ("hit@5", "key_fact_recall")
        ]
        print(f"{fmt} vs {formats[0]}: largest gap {max(gaps):.3f} (target ≤ 0.03)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval", action="store_true", help="also run the gold eval per format")
    parser.add_argument(
        "--formats",
        default="txt,pdf-browser,pdf-fonts",
        help="formats to evaluate with --eval (comma-separated, first is the reference)",
    )
    parser.add_argument(
        "--gold", type=Path, default=_ROOT / "eval" / "gold" / "test.jsonl", help="gold questions"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        files = table(out)
        if args.eval:
            evaluate(files, out, args.formats.split(","), args.gold)


if __name__ == "__main__":
    main()
