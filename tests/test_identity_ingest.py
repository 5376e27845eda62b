"""Document ids through the real CLI: the same report in any format is one document, and two
different documents that would share an id both get stored, the second with a suffix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import REPO_ROOT, run_cli
from formats_kit import render_html, render_pdf_fonts

SAMPLES = sorted((REPO_ROOT / "data" / "sample").glob("*.txt"))


@pytest.fixture(scope="module")
def renditions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    folder = tmp_path_factory.mktemp("renditions")
    out: dict[str, list[Path]] = {"pdf": [], "html": []}
    for sample in SAMPLES:
        html = folder / "html" / f"{sample.stem}.html"
        html.parent.mkdir(exist_ok=True)
        html.write_text(render_html(sample), encoding="utf-8")
        out["html"].append(html)
        pdf = folder / "pdf" / f"{sample.stem}.pdf"
        pdf.parent.mkdir(exist_ok=True)
        out["pdf"].append(render_pdf_fonts(sample, pdf))
    return out


def test_pdfs_then_html_copies(renditions: dict[str, list[Path]], tmp_path: Path) -> None:
    store = tmp_path / "store"
    pdfs = run_cli(store, "ingest", "--quiet", *map(str, renditions["pdf"]))
    assert pdfs.returncode == 0, pdfs.stderr
    assert "2 added" in pdfs.stdout and "0 failed" in pdfs.stdout
    for pdf, doc_id in zip(
        renditions["pdf"], ["staffordshire-2021", "staffordshire-2025"], strict=True
    ):
        assert f"{pdf} → {doc_id}" in pdfs.stdout

    html = run_cli(store, "ingest", "--quiet", *map(str, renditions["html"]))
    assert html.returncode == 0, html.stderr
    assert "0 added" in html.stdout and "2 unchanged" in html.stdout
    assert html.stdout.count("the same report is already stored") == 2

    docs = run_cli(store, "docs", "--json")
    assert sorted(d["doc_id"] for d in json.loads(docs.stdout)) == [
        "staffordshire-2021",
        "staffordshire-2025",
    ]


def test_a_different_document_with_the_same_id_gets_a_suffix(tmp_path: Path) -> None:
    sample = next(s for s in SAMPLES if "2025" in s.name)
    text = sample.read_text(encoding="utf-8")
    other = tmp_path / "other-inspection.txt"
    other.write_text(
        text.replace(
            "National child protection inspections", "National custody suite inspections", 1
        ),
        encoding="utf-8",
    )
    store = tmp_path / "store"
    first = run_cli(store, "ingest", "--quiet", str(sample))
    assert first.returncode == 0 and "→ staffordshire-2025" in first.stdout, first.stderr
    second = run_cli(store, "ingest", "--quiet", str(other))
    assert second.returncode == 0, second.stderr
    assert (
        "→ staffordshire-2025-2  ('staffordshire-2025' is another document's id)" in second.stdout
    )
