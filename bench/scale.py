"""Scale: does an N-times corpus cost what the sample costs?

Run with `.venv/bin/python bench/scale.py --factor 1 --factor 10 --factor 100`. For each factor:

  * build the corpus: the two sample reports, plus N-1 re-worded pairs, each for another force
    of England and Wales (its name, area and towns; its figures nudged; synonyms swapped and the
    sentences of each paragraph rotated, deterministically), with the years shifted back one for
    each pass over the forces, so no report repeats and (almost) no chunk text repeats;
  * ingest it into a scratch store, timed, and encode the chunks' texts with the raw model in
    the same process, for the ratio (the ingest stores every sentence's vector too, but pools
    each chunk's vector from them rather than encoding the chunk again: see
    `assistant/retrieve/derived.py`);
  * start a fresh process on the warm store and time it to its first answer; in it, time
    `search` and `ask` end to end (encoding the question included) over the gold questions,
    each made to name Staffordshire (the sample's force) so the store's many forces must be
    scoped away, with hit@5 on the gold sources and the process's peak RSS;
  * the lexical index alone: FTS5 (what the store keeps) vs `bm25s` (when installed), query p95
    and the time to (re)build;
  * the store's size on disk.

`--vectors hash` gives the re-worded copies deterministic pseudo-random vectors instead of the
model's (the sample itself and every question still use the model), for when the machine cannot
spare the CPU to encode 100x; the ingest row then measures the pipeline without the encoder, and
says so. Everything query-side (dense lookup, FTS5, reading vectors, reranking) costs the same.
`--vectors hash-all` hashes the sample and the questions too: no model at all, for the test that
runs this path at 2x so it cannot rot (its numbers mean nothing).
"""

# ruff: noqa: E402  (imports follow the sys.path fix below)
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
_ROOT = _HERE.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

import numpy as np

import assistant  # noqa: F401  (first: `ingest` modules import `assistant` records)

SAMPLE_FORCE = "Staffordshire"
# (force as reports name it, its area, two of its towns); the 42 other territorial forces.
FORCES: list[tuple[str, str, str, str]] = [
    ("Avon and Somerset Constabulary", "Avon and Somerset", "Bristol", "Taunton"),
    ("Bedfordshire Police", "Bedfordshire", "Luton", "Bedford"),
    ("Cambridgeshire Constabulary", "Cambridgeshire", "Peterborough", "Cambridge"),
    ("Cheshire Constabulary", "Cheshire", "Warrington", "Chester"),
    ("City of London Police", "the City of London", "Bishopsgate", "Guildhall"),
    ("Cleveland Police", "Cleveland", "Middlesbrough", "Hartlepool"),
    ("Cumbria Constabulary", "Cumbria", "Carlisle", "Penrith"),
    ("Derbyshire Constabulary", "Derbyshire", "Derby", "Chesterfield"),
    ("Devon and Cornwall Police", "Devon and Cornwall", "Plymouth", "Exeter"),
    ("Dorset Police", "Dorset", "Bournemouth", "Winfrith"),
    ("Durham Constabulary", "County Durham", "Darlington", "Aykley Heads"),
    ("Dyfed-Powys Police", "Dyfed-Powys", "Carmarthen", "Aberystwyth"),
    ("Essex Police", "Essex", "Southend-on-Sea", "Chelmsford"),
    ("Gloucestershire Constabulary", "Gloucestershire", "Gloucester", "Cheltenham"),
    ("Greater Manchester Police", "Greater Manchester", "Salford", "Oldham"),
    ("Gwent Police", "Gwent", "Newport", "Cwmbran"),
    ("Hampshire Constabulary", "Hampshire", "Southampton", "Winchester"),
    ("Hertfordshire Constabulary", "Hertfordshire", "Watford", "Welwyn Garden City"),
    ("Humberside Police", "Humberside", "Hull", "Grimsby"),
    ("Kent Police", "Kent", "Medway", "Maidstone"),
    ("Lancashire Constabulary", "Lancashire", "Blackpool", "Preston"),
    ("Leicestershire Police", "Leicestershire", "Leicester", "Loughborough"),
    ("Lincolnshire Police", "Lincolnshire", "Lincoln", "Grantham"),
    ("Merseyside Police", "Merseyside", "Liverpool", "Birkenhead"),
    ("Metropolitan Police Service", "London", "Croydon", "Lambeth"),
    ("Norfolk Constabulary", "Norfolk", "Norwich", "Wymondham"),
    ("North Wales Police", "North Wales", "Wrexham", "Colwyn Bay"),
    ("North Yorkshire Police", "North Yorkshire", "York", "Northallerton"),
    ("Northamptonshire Police", "Northamptonshire", "Northampton", "Wootton Hall"),
    ("Northumbria Police", "Northumbria", "Sunderland", "Ponteland"),
    ("Nottinghamshire Police", "Nottinghamshire", "Nottingham", "Mansfield"),
    ("South Wales Police", "South Wales", "Cardiff", "Bridgend"),
    ("South Yorkshire Police", "South Yorkshire", "Sheffield", "Doncaster"),
    ("Suffolk Constabulary", "Suffolk", "Ipswich", "Martlesham"),
    ("Surrey Police", "Surrey", "Woking", "Guildford"),
    ("Sussex Police", "Sussex", "Brighton and Hove", "Lewes"),
    ("Thames Valley Police", "the Thames Valley", "Reading", "Kidlington"),
    ("Warwickshire Police", "Warwickshire", "Nuneaton", "Leek Wootton"),
    ("West Mercia Police", "West Mercia", "Telford", "Hindlip"),
    ("West Midlands Police", "the West Midlands", "Wolverhampton", "Lloyd House"),
    ("West Yorkshire Police", "West Yorkshire", "Bradford", "Wakefield"),
    ("Wiltshire Police", "Wiltshire", "Swindon", "Devizes"),
]
# Swapped one way or the other by each variant (never words the parser reads: grades,
# "recommend", "area for improvement", timescales).
SYNONYMS: list[tuple[str, str]] = [
    ("However, ", "But "),
    ("we found", "inspectors found"),
    ("officers and staff", "staff and officers"),
    ("significant", "considerable"),
    ("effectively", "well"),
    ("important", "essential"),
    ("other organisations", "partner agencies"),
    ("a number of", "several"),
    ("consistently", "reliably"),
    ("We were told", "Inspectors were told"),
    ("ensure", "make sure"),
    ("In addition, ", "Also, "),
]
_NUMBER = re.compile(r"(?<![\d.,£-])\b(\d{1,3})\b(?![.,]\d)(?!\s*(?:–|-)\s*\d)")
_HEADING = re.compile(r"^\s*\d{1,2}\.\s")
_YEAR = re.compile(r"\b(20[12]\d)\b")
_SENTENCE = re.compile(r"(?<=[a-z)][.!?])\s+(?=[A-Z])")


def _seed(*parts: object) -> int:
    return int(hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:8], 16)


def reword(text: str, force: tuple[str, str, str, str], shift: int) -> str:
    """The sample report as if written about another force (deterministic)."""
    name, area, town, other_town = force
    seed = _seed(name, shift)
    out = text.replace(f"{SAMPLE_FORCE} Police", name)
    out = out.replace("Stoke-on-Trent", town).replace(SAMPLE_FORCE, area)
    out = re.sub(r"\bStafford\b", other_town, out)
    out = _YEAR.sub(lambda m: str(int(m.group(1)) - shift), out)
    for i, (a, b) in enumerate(SYNONYMS):
        if (seed >> i) & 1:
            out = out.replace(a, b)
    lines = []
    for n, (line, original) in enumerate(zip(out.split("\n"), text.split("\n"), strict=True)):
        if "\t" not in line and not _HEADING.match(line):
            line = _NUMBER.sub(lambda m, n=n: _nudge(m.group(1), seed + n), line)
        if len(line) > 80 and not line.lstrip().startswith(("-", "•", "|", "#")):
            parts = _SENTENCE.split(line)
            if len(parts) > 2:
                turn = 1 + (seed + n) % (len(parts) - 1)
                line = " ".join(parts[turn:] + parts[:turn])
            if line == original and line[1:2].islower():
                line = f"In {area}, {line[0].lower()}{line[1:]}"
        lines.append(line)
    return "\n".join(lines)


def _nudge(number: str, seed: int) -> str:
    value = int(number)
    return number if value < 3 else str(value + 1 + seed % 5)


def build_corpus(sample_dir: Path, factor: int, out: Path) -> list[Path]:
    """The sample plus factor-1 re-worded pairs, written under `out`; returns the files."""
    out.mkdir(parents=True, exist_ok=True)
    samples = sorted(sample_dir.glob("*.txt"))
    files = []
    for path in samples:
        target = out / path.name
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        files.append(target)
    for i in range(factor - 1):
        force, shift = FORCES[i % len(FORCES)], i // len(FORCES)
        slug = re.sub(r"[^a-z]+", "-", force[0].lower()).strip("-")
        for path in samples:
            target = out / path.name.replace("staffordshire", f"{slug}-{shift}")
            target.write_text(reword(path.read_text("utf-8"), force, shift), encoding="utf-8")
            files.append(target)
    return files


def named(question: str) -> str:
    """The gold question made to name the sample's force, as a user of a many-force store
    would have to."""
    if SAMPLE_FORCE.lower() in question.lower():
        return question
    swapped = re.sub(r"\bthe force\b", f"{SAMPLE_FORCE} Police", question, count=1)
    return swapped if swapped != question else f"{question.rstrip('?')} in {SAMPLE_FORCE}?"


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike getrusage's maxrss, it is not carried
    over from the parent across fork and exec)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def disk_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


# -- the serving side, run in a fresh process on the warm store ------------------------------


def serve_probe(gold: Path, limit: int, hashed: bool = False) -> dict[str, Any]:
    """From process start (imports included) to the first answer; then search/ask timings end
    to end, each question's encoding alone (the model's fixed cost, for reading the rest),
    hit@5, the lexical index timed alone, and this process's peak RSS."""
    started = time.perf_counter()
    from assistant.core import Assistant
    from assistant.embeddings import Embedder
    from eval.gold import fold, load_gold

    app = Assistant(embedder=HashEmbedder(Embedder()) if hashed else None)  # type: ignore[arg-type]
    app.warm()
    questions = [q for q in load_gold(gold) if q.answerable and not q.history][:limit]
    app.ask(named(questions[0].question))
    first_answer_s = time.perf_counter() - started
    encode_ms = encode_times(app, [named(q.question) for q in questions])
    search_ms: list[float] = []
    ask_ms: list[float] = []
    unnamed_ms: list[float] = []
    hits = 0
    for q in questions:
        text = named(q.question)
        t = time.perf_counter()
        found = app.search(text, k=5)
        search_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        app.ask(text)
        ask_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        app.ask(q.question)
        unnamed_ms.append((time.perf_counter() - t) * 1000)
        hits += any(
            hit.chunk.doc_id == s.doc_id and fold(s.quote)[:60] in fold(hit.chunk.text)
            for hit in found
            for s in q.sources
        )
    return {
        "first_answer_s": first_answer_s,
        "search_ms": search_ms,
        "ask_ms": ask_ms,
        "ask_unnamed_ms": unnamed_ms,
        "hit_at_5": hits / len(questions),
        "encode_ms": encode_ms,
        "lexical": lexical_probe(app, [named(q.question) for q in questions]),
        "rss_mb": peak_rss_mb(),
    }


def encode_times(app: object, questions: list[str]) -> list[float]:
    """How long encoding each question takes on its own (as retrieval expands it)."""
    timings = []
    for question in questions:
        text = app.retriever.search_text(question)  # type: ignore[attr-defined]
        t = time.perf_counter()
        app.embedder.encode_one(text)  # type: ignore[attr-defined]
        timings.append((time.perf_counter() - t) * 1000)
    return timings


def lexical_probe(app: object, queries: list[str]) -> dict[str, float]:
    """FTS5 as retrieval runs it vs bm25s over the same tokens: query p95, (re)build time."""
    from assistant.domain.text import tokens
    from assistant.retrieve.lexical import read_words

    retriever = app.retriever  # type: ignore[attr-defined]
    words = read_words(retriever.db)
    fts: list[float] = []
    for query in queries:
        t = time.perf_counter()
        retriever.lexical.run(query, 30, words)
        fts.append((time.perf_counter() - t) * 1000)
    out = {"fts5_p95_ms": percentile(fts, 95)}
    try:
        import bm25s
    except ImportError:
        return out
    t = time.perf_counter()
    rows = retriever.db.query("SELECT chunk_id, terms FROM lexical")
    corpus = [r["terms"].split() for r in rows]
    vocab = {w: i for i, w in enumerate(sorted({w for doc in corpus for w in doc}))}
    index = bm25s.BM25()
    ids = [[vocab[w] for w in doc] for doc in corpus]
    index.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), show_progress=False)
    out["bm25s_build_s"] = time.perf_counter() - t
    times = []
    for query in queries:
        t = time.perf_counter()
        wanted = [vocab[w] for w in dict.fromkeys(tokens(query)) if w in vocab]
        scores = index.get_scores(wanted)
        np.argpartition(-scores, min(30, len(scores) - 1))[:30]
        times.append((time.perf_counter() - t) * 1000)
    out["bm25s_p95_ms"] = percentile(times, 95)
    return out


# -- building and measuring one factor -------------------------------------------------------


class HashEmbedder:
    """Deterministic unit vectors from each text's hash, named as the real model (bench only)."""

    dimension = 384

    def __init__(self, real: object) -> None:
        self.name = real.name  # type: ignore[attr-defined]
        self.batch_size = real.batch_size  # type: ignore[attr-defined]

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        rows = [np.random.default_rng(_seed(t)).standard_normal(self.dimension) for t in texts]
        matrix = np.asarray(rows, dtype=np.float32).reshape(len(texts), self.dimension)
        return matrix / np.linalg.norm(matrix, axis=1, keepdims=True).clip(1e-9)

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


def ingest(data_dir: Path, files: list[Path], vectors: str, collection: str) -> dict[str, float]:
    """Ingest into a fresh store; in `hash` mode only the sample is encoded by the model."""
    from assistant.core import Assistant
    from assistant.embeddings import Embedder
    from assistant.settings import Settings

    settings = Settings(data_dir=data_dir, collection=collection)
    embedder = Embedder(
        settings.embedding_model, settings.embedding_batch_size, settings.torch_threads
    )
    originals = [f for f in files if f.name.startswith(SAMPLE_FORCE.lower())]
    copies = [f for f in files if f not in originals]
    if vectors == "hash-all":
        real = Assistant(settings, embedder=HashEmbedder(embedder))  # type: ignore[arg-type]
    else:
        embedder.encode(["warm-up sentence about child protection"] * 8)
        real = Assistant(settings, embedder=embedder)
    real.vectors  # noqa: B018  (open Chroma outside the timed region)
    started = time.perf_counter()
    real.ingest(originals, progress=False)
    if copies:
        store = real if vectors != "hash" else Assistant(settings, HashEmbedder(embedder))  # type: ignore[arg-type]
        store.ingest(copies, progress=False)
    seconds = time.perf_counter() - started
    chunks = real.db.chunks()
    labels = {d.doc_id: d.label for d in real.documents()}
    texts = [c.embed_text(labels[c.doc_id]) for c in chunks]
    sentences = real.db.query("SELECT count(*) AS n FROM sentence_vectors")[0]["n"]
    raw_s = float("nan")
    if vectors == "model":
        t = time.perf_counter()
        embedder.encode(texts)
        raw_s = time.perf_counter() - t
    real.close()
    unique = len({c.text for c in chunks})
    return {
        "chunks": len(chunks),
        "unique_chunk_texts": unique,
        "sentences": sentences,
        "documents": len(labels),
        "ingest_s": seconds,
        "raw_s": raw_s,
        "ingest_rss_mb": peak_rss_mb(),
    }


def kept_store(factor: int, scratch: Path | None, vectors: str) -> Path | None:
    """A store this script built and kept (`--keep`) for this factor and vectors, if any."""
    for root in sorted((scratch or Path(tempfile.gettempdir())).glob(f"scale-{factor}x-*")):
        saved = root / "built.json"
        if saved.exists() and json.loads(saved.read_text()).get("vectors") == vectors:
            return root
    return None


def measure(factor: int, args: argparse.Namespace) -> dict[str, Any]:
    vectors = "model" if factor == 1 and args.vectors == "hash" else args.vectors
    reused = kept_store(factor, args.scratch, vectors) if args.reuse else None
    root = reused or Path(tempfile.mkdtemp(prefix=f"scale-{factor}x-", dir=args.scratch))
    collection = f"scale-{factor}x-" + re.sub(r"[^a-z0-9]", "", root.name.lower())[-8:]
    try:
        if reused:
            built = json.loads((root / "built.json").read_text())
            print(f"  reusing the store in {root} (ingest numbers from its build)", file=sys.stderr)
        else:
            files = build_corpus(args.sample_dir, factor, root / "corpus")
            built = ingest(root / "store", files, vectors, collection)
            (root / "built.json").write_text(json.dumps({**built, "vectors": vectors}))
        env = {**os.environ, "IA_DATA_DIR": str(root / "store"), "IA_COLLECTION": collection}
        probe = subprocess.run(
            [sys.executable, __file__, "--probe", str(args.gold), "--limit", str(args.limit)]
            + (["--probe-hashed"] if vectors == "hash-all" else []),
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        served = json.loads(probe.stdout.strip().splitlines()[-1])
        return {"factor": factor, **built, **served, "disk_mb": disk_mb(root / "store")}
    finally:
        if args.keep or reused:
            print(f"  kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)


def table(results: list[dict[str, Any]], vectors: str) -> str:
    head = (
        "| factor | reports / chunks / distinct sentences | ingest chunks/s | vs raw encoder | "
        "first answer (s) | search p50 / p95 (ms) | ask p50 / p95 (ms), naming the force | "
        "ask p50 / p95 (ms), as written | question encoding p50 / p95 (ms) | hit@5 | "
        "FTS5 / bm25s p95 (ms) | bm25s build (s) | peak RSS serving / ingest (MB) | store (MB) |"
    )
    lines = [head, "|" + " --- |" * 14]
    for r in results:
        s, a, e, lex = r["search_ms"], r["ask_ms"], r["encode_ms"], r["lexical"]
        u = r.get("ask_unnamed_ms") or [float("nan")]
        ratio = r["raw_s"] / r["ingest_s"]
        mode = {"model": "", "hash": " (copies hashed)", "hash-all": " (all hashed)"}[vectors]
        mode = "" if r["factor"] == 1 and vectors == "hash" else mode
        lines.append(
            f"| {r['factor']}x | {r['documents']} / {r['chunks']} / {r['sentences']} "
            f"| {r['chunks'] / r['ingest_s']:.1f}{mode} "
            f"| {'n/a' if ratio != ratio else f'{ratio:.2f}'} "
            f"| {r['first_answer_s']:.1f} "
            f"| {percentile(s, 50):.0f} / {percentile(s, 95):.0f} "
            f"| {percentile(a, 50):.0f} / {percentile(a, 95):.0f} "
            f"| {percentile(u, 50):.0f} / {percentile(u, 95):.0f} "
            f"| {percentile(e, 50):.0f} / {percentile(e, 95):.0f} "
            f"| {r['hit_at_5']:.2f} "
            f"| {lex['fts5_p95_ms']:.1f} / {lex.get('bm25s_p95_ms', float('nan')):.1f} "
            f"| {lex.get('bm25s_build_s', float('nan')):.1f} "
            f"| {r['rss_mb']:.0f} / {r['ingest_rss_mb']:.0f} | {r['disk_mb']:.0f} |"
        )
    lines.append(
        "\ngoals at 100x: ingest >= 0.85 of the raw encoder; ask p95 < 150 ms; search p95 < 100 ms; "
        "first answer < 10 s; peak RSS < 2500 MB"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=int, action="append", help="repeatable; default 1 10")
    parser.add_argument("--sample-dir", type=Path, default=_ROOT / "data" / "sample")
    parser.add_argument("--gold", type=Path, default=_ROOT / "eval" / "gold" / "test.jsonl")
    parser.add_argument("--limit", type=int, default=60, help="gold questions timed")
    parser.add_argument("--vectors", choices=("model", "hash", "hash-all"), default="model")
    parser.add_argument("--scratch", type=Path, default=None, help="where stores are built")
    parser.add_argument("--keep", action="store_true", help="keep the scratch stores")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="serve from a store kept by an earlier --keep run (in --scratch) instead of building",
    )
    parser.add_argument("--probe", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--probe-hashed", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:
        print(json.dumps(serve_probe(args.probe, args.limit, args.probe_hashed)))
        return 0
    results = []
    for factor in args.factor or [1, 10]:
        started = time.perf_counter()
        results.append(measure(factor, args))
        r = results[-1]
        print(json.dumps(r), file=sys.stderr)
        print(
            f"{factor}x: {r['documents']} documents, {r['chunks']} chunks "
            f"({r['unique_chunk_texts']} distinct texts), {r['sentences']} sentences; "
            f"done in {time.perf_counter() - started:.0f} s, load average "
            f"{os.getloadavg()[0]:.1f}",
            file=sys.stderr,
        )
    print(table(results, args.vectors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
