"""Ingest throughput against the raw model: how much does the pipeline cost on top of encoding?

Run with `.venv/bin/python bench/ingest.py`. In one process, with the model loaded and warmed
first (so neither side pays the load or the first-call warm-up):

  (a) ingest the bundled sample corpus into a fresh temporary store (load, normalise, parse,
      chunk, embed, write Chroma + SQLite), timed;
  (b) encode the chunks' texts (`chunk.embed_text(label)`: the one vector per chunk that any
      ingest must produce) with the raw `SentenceTransformer.encode`, at the same batch size,
      timed. The ingest produces more than that — the vector of every sentence too, which
      answers are scored on — but it encodes each sentence once and pools a chunk's vector
      from its sentences', so it need not encode the chunk texts at all;
  (c) the ratio of the two.

Both orders are run (ingest then raw, raw then ingest), so an effect of running first or second
shows up as a difference between the rounds rather than as a bias; the summary takes the best of
the runs. Wall time and this process's CPU time (all threads) are shown: on a busy machine the CPU
time is the steadier measure. `--rounds N` repeats the pair of orders N times.
"""

# ruff: noqa: E402  (imports follow the sys.path fix below)
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

# This file is bench/ingest.py: run as a script, its folder comes first on sys.path and would
# shadow the `ingest` package. Drop it.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import assistant  # noqa: F401  (first: `ingest` modules import `assistant` records)
from assistant.core import Assistant
from assistant.domain.records import Chunk
from assistant.embeddings import Embedder
from assistant.settings import Settings
from ingest.chunking import chunk_document
from ingest.loaders import load
from ingest.normalise import normalise
from ingest.pipeline import discover, file_sha256
from ingest.structure import parse

Row = tuple[str, int, float, float]
"""(step, chunks, wall seconds, CPU seconds of this process, all threads)."""


def ingest_once(embedder: Embedder, sample_dir: Path) -> tuple[Row, list[str], int]:
    """Ingest the sample into a fresh temp store; returns the timing, the chunks' texts (read
    back from the store, to check they are the texts the raw encode is given) and how many
    sentence vectors it stored."""
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        settings = Settings(data_dir=Path(tmp), sample_dir=sample_dir)
        app = Assistant(settings, embedder=embedder)
        app.vectors  # noqa: B018  (open the Chroma client outside the timed region)
        started, cpu = time.perf_counter(), time.process_time()
        report = app.ingest([sample_dir], progress=False)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        if not report.ok or report.chunks_reused:
            raise SystemExit(f"unexpected ingest result: {report.summary()}")
        labels = {d.doc_id: d.label for d in app.documents()}
        chunks: list[Chunk] = app.db.chunks()
        texts = [c.embed_text(labels[c.doc_id]) for c in chunks]
        sentences = app.db.query("SELECT count(*) AS n FROM sentence_vectors")[0]["n"]
        app.close()
    return ("ingest (full pipeline)", report.chunks_embedded, seconds, cpu), texts, sentences


def raw_once(embedder: Embedder, texts: list[str]) -> Row:
    model = embedder.model
    started, cpu = time.perf_counter(), time.process_time()
    model.encode(
        texts,
        batch_size=embedder.batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return ("raw encode, chunk texts", len(texts), wall, cpu)


def raw_batched_once(embedder: Embedder, texts: list[str]) -> Row:
    """The raw model called once per batch, in document order, as the ingest calls it (for its
    progress bar): each call pads to its own longest text instead of sorting the whole set."""
    model = embedder.model
    started, cpu = time.perf_counter(), time.process_time()
    size = embedder.batch_size
    for offset in range(0, len(texts), size):
        model.encode(
            texts[offset : offset + size],
            batch_size=size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return ("raw encode, one call per batch", len(texts), wall, cpu)


def prepare_once(sample_dir: Path, chunk_chars: int) -> tuple[Row, list[str]]:
    """Load + normalise + parse + chunk alone (no model, no store): the breakdown row, and the
    texts an ingest embeds (`chunk.embed_text(label)`), for the raw encode."""
    started, cpu = time.perf_counter(), time.process_time()
    texts: list[str] = []
    for path in discover([sample_dir]):
        parsed = parse(normalise(load(path)), source_file=path.name, sha256=file_sha256(path))
        label = parsed.document.label
        texts += [c.embed_text(label) for c in chunk_document(parsed, chunk_chars)]
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return ("parse + chunk only (no model)", len(texts), wall, cpu), texts


def show(title: str, rows: list[Row]) -> None:
    print(f"\n{title}")
    print(f"  {'step':<34}{'chunks':>7}{'wall s':>9}{'chunks/s':>10}{'CPU s':>9}")
    for name, count, wall, cpu in rows:
        print(f"  {name:<34}{count:>7}{wall:>9.2f}{count / wall:>10.1f}{cpu:>9.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample-dir", type=Path, default=Settings().sample_dir)
    parser.add_argument("--rounds", type=int, default=1, help="pairs of (both orders) to run")
    args = parser.parse_args()

    settings = Settings()
    embedder = Embedder(
        settings.embedding_model, settings.embedding_batch_size, settings.torch_threads
    )
    started = time.perf_counter()
    embedder.encode(["warm-up sentence about child protection"] * embedder.batch_size)
    embedder.encode(["a second warm-up pass"] * 4)
    print(
        f"model {embedder.name} loaded and warmed in {time.perf_counter() - started:.1f} s; "
        f"batch size {embedder.batch_size}, torch threads {settings.torch_threads or 'default'}"
    )

    prepare_row, texts = prepare_once(args.sample_dir, settings.chunk_chars)

    results: list[tuple[str, Row, Row]] = []
    for _ in range(args.rounds):
        ingest_row, embedded, sentences = ingest_once(embedder, args.sample_dir)
        if sorted(embedded) != sorted(texts):
            raise SystemExit("the ingest made other chunks than the raw encode is given")
        raw_row = raw_once(embedder, texts)
        results.append(("ingest first, then raw", ingest_row, raw_row))
        raw_row = raw_once(embedder, texts)
        ingest_row, _, _ = ingest_once(embedder, args.sample_dir)
        results.append(("raw first, then ingest", ingest_row, raw_row))
    print(f"the ingest stores {sentences} sentence vectors besides the chunks'")

    for order, ingest_row, raw_row in results:
        show(order, [ingest_row, raw_row])
        print(
            f"  ingest throughput = {raw_row[2] / ingest_row[2]:.2f} of the raw encoder's "
            f"(time ratio ingest/raw: wall {ingest_row[2] / raw_row[2]:.2f}x, "
            f"CPU {ingest_row[3] / raw_row[3]:.2f}x)"
        )
    show("breakdown", [prepare_row, raw_batched_once(embedder, texts)])

    # Best of the runs: the least disturbed by anything else on the machine.
    chunks = results[0][1][1]
    ingest_wall = min(r[1][2] for r in results)
    raw_wall = min(r[2][2] for r in results)
    ingest_cpu = min(r[1][3] for r in results)
    raw_cpu = min(r[2][3] for r in results)
    print(f"\nbest of {len(results)} runs each ({chunks} chunks, batch {embedder.batch_size}):")
    print(f"  {'':<10}{'ingest':>10}{'raw':>10}{'ratio':>8}")
    print(f"  {'wall s':<10}{ingest_wall:>10.2f}{raw_wall:>10.2f}{ingest_wall / raw_wall:>7.2f}x")
    print(f"  {'chunks/s':<10}{chunks / ingest_wall:>10.1f}{chunks / raw_wall:>10.1f}")
    print(f"  {'CPU s':<10}{ingest_cpu:>10.2f}{raw_cpu:>10.2f}{ingest_cpu / raw_cpu:>7.2f}x")
    print(
        f"\ningest runs at {raw_wall / ingest_wall:.2f} of the raw encoder's throughput "
        "(aim: at least 0.85)"
    )


if __name__ == "__main__":
    main()
