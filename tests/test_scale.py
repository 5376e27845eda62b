"""The scale path at 2x (the sample plus a re-worded copy for another force): the lexical index
kept in SQLite, start-up that reads no text, questions scoped to the force and year they name,
and `bench/scale.py` run end to end so it cannot rot (with hashed vectors: no model, the path
not the numbers). The two-force store uses the model: its answers must say which reports they
used."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from cli_runner import REPO_ROOT, run_cli
from live_server import free_port, wait_until_up

from assistant.core import Assistant
from assistant.domain.records import SearchFilters
from assistant.domain.text import TOKENS_VERSION, inverse_document_frequencies, tokens
from assistant.embeddings import Embedder
from assistant.retrieve.lexical import read_words
from assistant.settings import Settings

OTHER = "Avon and Somerset Constabulary"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_scale", REPO_ROOT / "bench" / "scale.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_scale"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return _bench()


@pytest.fixture(scope="module")
def two_forces(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder, bench: ModuleType
) -> Iterator[Assistant]:
    root = tmp_path_factory.mktemp("scale-2x")
    files = bench.build_corpus(REPO_ROOT / "data" / "sample", 2, root / "corpus")
    app = Assistant(Settings(data_dir=root / "store"), embedder=embedder)
    report = app.ingest(files, progress=False)
    assert report.ok and len(report.added) == 4, report.summary()
    yield app
    app.close()


def test_the_corpus_is_reworded_for_each_force(two_forces: Assistant) -> None:
    documents = {d.doc_id: d for d in two_forces.documents()}
    assert set(documents) == {
        "staffordshire-2021",
        "staffordshire-2025",
        "avon-and-somerset-2021",
        "avon-and-somerset-2025",
    }
    assert documents["avon-and-somerset-2021"].force == OTHER
    texts = [c.text for c in two_forces.db.chunks()]
    assert len(set(texts)) >= 0.95 * len(texts)
    assert not any(
        "Staffordshire" in c.text for c in two_forces.db.chunks("avon-and-somerset-2021")
    )


def test_a_question_naming_a_force_and_year_is_answered_from_that_report(
    two_forces: Assistant,
) -> None:
    question = "How many registered sex offenders was Avon and Somerset managing in 2021?"
    hits = two_forces.search(question, k=5)
    assert hits and {h.chunk.doc_id for h in hits} == {"avon-and-somerset-2021"}
    answer = two_forces.ask(question)
    assert {c.doc_id for c in answer.citations} <= {"avon-and-somerset-2021"}
    assert answer.text.endswith(
        "Reports used: Avon and Somerset Constabulary 2021 (the report the question names)."
    )
    named = two_forces.search("What did inspectors find about missing children in Staffordshire?")
    assert {h.chunk.doc_id for h in named} <= {"staffordshire-2021", "staffordshire-2025"}


def test_a_question_naming_no_force_is_answered_per_force(two_forces: Assistant) -> None:
    scope = two_forces.retriever.scope("How many registered sex offenders were managed in 2021?")
    assert scope.per_force and not scope.comparison
    assert set(scope.doc_ids) == {"staffordshire-2021", "avon-and-somerset-2021"}
    assert not two_forces.retriever.scope("What did Staffordshire Police do?").per_force
    answer = two_forces.ask("How quickly do detained children get an appropriate adult?")
    cited = {c.doc_id for c in answer.citations}
    assert len(cited) >= 2 and "best matches of the 4 reports held" in answer.text


def test_filters_pick_forces_and_years(two_forces: Assistant) -> None:
    filters = SearchFilters(forces=[OTHER], years=[2025])
    hits = two_forces.search("missing children", k=5, filters=filters)
    assert hits and {h.chunk.doc_id for h in hits} == {"avon-and-somerset-2025"}


def test_findings_list_and_compare_across_a_force_and_years(two_forces: Assistant) -> None:
    queries = two_forces.findings
    assert queries.documents_for(["Avon and Somerset"], 2020, 2025) == [
        "avon-and-somerset-2021",
        "avon-and-somerset-2025",
    ]
    assert queries.documents_for(None, 2024, None) == [
        "avon-and-somerset-2025",
        "staffordshire-2025",
    ]
    found = queries.list_findings(queries.documents_for(["Staffordshire"]), ["recommendation"])
    assert found and {f.finding.doc_id for f in found} == {"staffordshire-2021"}


def test_start_up_reads_the_words_from_the_index(two_forces: Assistant, embedder: Embedder) -> None:
    """A fresh process on the store indexes nothing again, and the idf it reads from FTS5 is the
    one the chunks' tokens give."""
    fresh = Assistant(two_forces.settings, embedder=_bench().HashEmbedder(embedder))
    assert fresh.warm() == 0
    corpus = fresh.retriever.corpus()
    labels = {d.doc_id: d.label for d in fresh.documents()}
    expected = inverse_document_frequencies(
        set(tokens(c.embed_text(labels[c.doc_id]))) for c in fresh.db.chunks()
    )
    assert corpus.idf == pytest.approx(expected)
    assert {"arthur", "sex", "offender"} <= corpus.vocabulary
    fresh.close()


def test_the_lexical_index_follows_each_write(
    settings_factory: object, embedder: Embedder, bench: ModuleType
) -> None:
    app = Assistant(settings_factory(), embedder=bench.HashEmbedder(embedder))  # type: ignore[operator]
    app.ingest([REPO_ROOT / "data" / "sample"], progress=False)
    query = "appropriate adult for a detained child"
    removed = {c.chunk_id for c in app.db.chunks("staffordshire-2021")}
    before = {cid for cid, _ in app.retriever.lexical.run(query, 30, read_words(app.db))}
    assert before & removed
    app.remove("staffordshire-2021")
    after = {cid for cid, _ in app.retriever.lexical.run(query, 30, read_words(app.db))}
    assert after and not after & removed
    app.db.executescript("DELETE FROM doc_terms; DELETE FROM sentence_vectors;")
    assert app.warm() == 1  # a store from before the index: indexed once, then never again
    assert app.warm() == 0
    app.close()


def test_a_store_indexed_by_another_stemmer_is_indexed_again(
    settings_factory: object, embedder: Embedder, bench: ModuleType
) -> None:
    """Stems written by an older `tokens()` would never match today's query stems: reopening
    the store re-indexes every document once, under the current version."""
    settings = settings_factory()  # type: ignore[operator]
    app = Assistant(settings, embedder=bench.HashEmbedder(embedder))
    app.ingest([REPO_ROOT / "data" / "sample"], progress=False)
    app.db.executescript(
        "UPDATE meta SET value = 'porter2' WHERE key = 'lexical_tokens';"
        "DELETE FROM lexical WHERE doc_id = 'staffordshire-2025';"
    )
    app.close()
    reopened = Assistant(settings, embedder=bench.HashEmbedder(embedder))
    assert reopened.warm() == 2
    version = reopened.db.query("SELECT value FROM meta WHERE key = 'lexical_tokens'")
    assert version[0]["value"] == TOKENS_VERSION
    found = reopened.retriever.lexical.run("investigating", 30, read_words(reopened.db))
    assert {reopened.retriever.corpus().chunks[cid].doc_id for cid, _ in found} == {
        "staffordshire-2021",
        "staffordshire-2025",
    }
    assert reopened.warm() == 0
    reopened.close()


def test_more_workers_need_a_chroma_server(tmp_path: Path) -> None:
    result = run_cli(tmp_path / "store", "serve", "--workers", "2")
    assert result.returncode == 2
    assert "IA_CHROMA_HOST" in result.stderr + result.stdout


def test_the_scale_bench_prints_its_table(tmp_path: Path, bench: ModuleType, capsys) -> None:
    args = ["--factor", "2", "--vectors", "hash-all", "--limit", "3", "--scratch", str(tmp_path)]
    assert bench.main([*args, "--keep"]) == 0
    built = capsys.readouterr()
    row = next(line for line in built.out.splitlines() if line.startswith("| 2x |"))
    assert "| 4 / " in row and "(all hashed)" in row
    cells = [c.strip() for c in row.split("|")[1:-1]]
    assert all(c and "nan" not in c for c in cells[:9]), row  # up to question encoding
    # a kept store is served again without rebuilding: same corpus, fresh timings
    assert bench.main([*args, "--reuse"]) == 0
    again = capsys.readouterr()
    assert "reusing the store" in again.err
    row_again = next(line for line in again.out.splitlines() if line.startswith("| 2x |"))
    assert row_again.split("|")[2:5] == row.split("|")[2:5]


def _report(name: str, word: str) -> str:
    return (
        f"{name} Constabulary: custody review 2030\n\nPublished 1 March 2030\n\n"
        f"Chapter 1: Custody visits\n\n1.1 Every child detained must be offered a {word} "
        "blanket within forty minutes of arrival, and the visit is recorded in the ledger.\n"
    )


def test_two_workers_see_each_others_writes(chroma_server: tuple[str, int], tmp_path: Path) -> None:
    """`serve --workers 2` over a Chroma server: a document another process ingests is listed
    and found by whichever worker answers next."""
    host, port = chroma_server
    data_dir = tmp_path / "store"
    env = {k: v for k, v in os.environ.items() if not k.startswith("IA_")}
    env |= {
        "IA_DATA_DIR": str(data_dir),
        "IA_CHROMA_HOST": host,
        "IA_CHROMA_PORT": str(port),
        "IA_COLLECTION": "two-workers",
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    first, second = tmp_path / "harbourshire.txt", tmp_path / "fenshire.txt"
    first.write_text(_report("Harbourshire", "marmalade"), encoding="utf-8")
    second.write_text(_report("Fenshire", "tangerine"), encoding="utf-8")
    cli = [sys.executable, "-m", "assistant"]
    ingest = subprocess.run([*cli, "ingest", "--quiet", str(first)], env=env, cwd=tmp_path)
    assert ingest.returncode == 0
    web = free_port()
    server = subprocess.Popen(
        [*cli, "serve", "--no-ui", "--workers", "2", "--port", str(web)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_ready(f"http://127.0.0.1:{web}", server)
        ingest = subprocess.run([*cli, "ingest", "--quiet", str(second)], env=env, cwd=tmp_path)
        assert ingest.returncode == 0
        for _ in range(6):  # fresh connections, spread over the workers
            listed = httpx.get(f"http://127.0.0.1:{web}/v1/documents", timeout=60).json()
            assert len(listed) == 2, listed
            found = httpx.post(
                f"http://127.0.0.1:{web}/v1/search",
                json={"query": "tangerine blanket", "k": 1},
                timeout=60,
            ).json()
            assert "tangerine" in found["results"][0]["chunk"]["text"], found
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_ready(url: str, server: subprocess.Popen[bytes]) -> None:
    wait_until_up(f"{url}/readyz", server, 120, "serve --workers 2", every_s=0.5)
