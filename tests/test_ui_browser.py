"""The web UI in a real browser: headless Chromium (Debian's, via Playwright) against the Gradio
UI served like the API serves it. Ask a question, click citation [1], read the marked passage;
browse the documents; upload a good and a bad file into an empty library."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures_builders import build_pdf
from playwright.sync_api import Browser, Page, expect, sync_playwright
from pypdf import PdfReader, PdfWriter
from ui_server import UIServer

from assistant.core import Assistant
from assistant.embeddings import Embedder
from assistant.settings import REPO_ROOT, Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
QUESTION = "What did inspectors find about officers recording the voice of the child?"
SCREENSHOT = REPO_ROOT / "out" / "screenshots" / "ui-ask.png"
DOCS_SCREENSHOT = REPO_ROOT / "docs" / "screenshot.png"
LOCAL = ("http://127.0.0.1", "data:", "blob:", "about:")


@pytest.fixture(scope="session")
def ui_server(sample_assistant: Assistant) -> Iterator[UIServer]:
    server = UIServer(sample_assistant)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not installed: run `apt-get install chromium` ({CHROMIUM})")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page that records every request leaving 127.0.0.1 (there must be none)."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.outside = []  # type: ignore[attr-defined]
    page.on(
        "request",
        lambda r: None if r.url.startswith(LOCAL) else page.outside.append(r.url),  # type: ignore[attr-defined]
    )
    try:
        yield page
    finally:
        context.close()


def test_ask_and_open_a_citation(ui_server: UIServer, page: Page) -> None:
    page.goto(ui_server.url)
    page.locator("#question textarea").fill(QUESTION)
    page.locator("#ask").click()

    first = page.locator("#chat .ia-answer a.cite").first
    expect(first).to_be_visible(timeout=120_000)
    expect(page.locator("#chat .ia-answer")).not_to_contain_text("Traceback")
    assert first.inner_text() == "[1]"

    first.click()
    mark = page.locator("#source-panel mark")
    expect(mark).to_be_visible(timeout=30_000)
    quote = " ".join(mark.inner_text().split())
    assert "voice of the child" in quote.lower()
    panel = page.locator("#source-panel")
    expect(panel).to_contain_text("Staffordshire")
    expect(panel).to_contain_text("page")
    # the marked quote is the cited quote, inside the fuller section text
    assert len(" ".join(panel.inner_text().split())) > len(quote) + 100

    page.wait_for_timeout(600)  # let the panel finish scrolling to the mark
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    DOCS_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SCREENSHOT, DOCS_SCREENSHOT)

    page.get_by_role("tab", name="Documents").click()
    table = page.locator("#documents-table")
    expect(table).to_contain_text("staffordshire-2021")
    expect(table).to_contain_text("staffordshire-2025")
    assert page.outside == []  # type: ignore[attr-defined]


def test_too_long_question_is_a_message(ui_server: UIServer, page: Page) -> None:
    page.goto(ui_server.url)
    page.locator("#question textarea").fill("x" * 2100)
    page.locator("#ask").click()
    error = page.locator("#chat .ia-error")
    expect(error).to_be_visible(timeout=30_000)
    expect(error).to_contain_text("too long")
    expect(page.locator("#chat")).not_to_contain_text("Traceback")


def test_document_browser_shows_tree_and_section(ui_server: UIServer, page: Page) -> None:
    page.goto(ui_server.url)
    page.get_by_role("tab", name="Documents").click()
    page.get_by_label("Report", exact=True).click()
    page.get_by_role("option", name="Staffordshire 2025 — staffordshire-2025").click()
    tree = page.locator("#section-tree")
    expect(tree).to_contain_text("Requires improvement", timeout=15_000)
    expect(tree.locator("li.level-2").first).to_be_visible()
    page.get_by_label("Section", exact=True).click()
    page.get_by_role("option").filter(has_text="Summary").first.click()
    expect(page.locator("#section-text .src-body")).not_to_be_empty(timeout=15_000)


@pytest.fixture
def empty_server(tmp_path: Path, embedder: Embedder) -> Iterator[UIServer]:
    """A UI over an empty library of its own (uploads must not touch the shared store)."""
    assistant = Assistant(Settings(data_dir=tmp_path / "store"), embedder=embedder)
    server = UIServer(assistant)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        assistant.close()


def _encrypted_pdf(folder: Path) -> Path:
    plain = build_pdf([("Locked report", ["Some text in a locked file."])], folder / "plain.pdf")
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt("secret")
    locked = folder / "locked-report.pdf"
    writer.write(locked)
    return locked


def test_empty_library_and_uploads(empty_server: UIServer, page: Page, tmp_path: Path) -> None:
    page.goto(empty_server.url)
    expect(page.locator("#empty-state")).to_contain_text("No reports are loaded yet")

    page.get_by_role("tab", name="Documents").click()
    status = page.locator("#upload-status")
    page.locator("#upload input[type=file]").set_input_files(str(_encrypted_pdf(tmp_path)))
    expect(status).to_contain_text("was not added", timeout=60_000)
    expect(status).to_contain_text("encrypted")

    page.locator("#upload button[aria-label='Clear']").click()
    guidance = Path(__file__).parent / "fixtures" / "guidance_sample.txt"
    page.locator("#upload input[type=file]").set_input_files(str(guidance))
    expect(status).to_contain_text("added as", timeout=120_000)
    expect(page.locator("#documents-table")).to_contain_text("guidance", timeout=15_000)
    page.get_by_role("tab", name="Ask").click()
    expect(page.locator("#empty-state")).to_be_hidden()
    assert page.outside == []  # type: ignore[attr-defined]
