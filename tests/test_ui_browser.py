"""The web UI in a real browser: headless Chromium (Debian's, via Playwright) against the Gradio
UI served like the API serves it. Ask a question, click citation [1], read the marked passage;
browse the documents; upload a good and a bad file into an empty library; filter the findings,
read their charts and compare two reports; build a quiz and download it as GIFT."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures_builders import build_pdf
from live_server import LiveServer
from playwright.sync_api import Browser, Page, expect, sync_playwright
from pypdf import PdfReader, PdfWriter

from assistant.core import Assistant
from assistant.embeddings import Embedder
from assistant.quiz.gift import parse_gift
from assistant.server import create_server
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
FINDINGS_SCREENSHOT = REPO_ROOT / "out" / "screenshots" / "ui-findings.png"
COMPARE_SCREENSHOT = REPO_ROOT / "out" / "screenshots" / "ui-compare.png"
QUIZ_SCREENSHOT = REPO_ROOT / "out" / "screenshots" / "ui-quiz.png"
LOCAL = ("http://127.0.0.1", "data:", "blob:", "about:")


@pytest.fixture(scope="session")
def ui_server(sample_assistant: Assistant) -> Iterator[LiveServer]:
    with LiveServer(create_server(sample_assistant, warm=False)) as server:
        yield server


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


def test_ask_and_open_a_citation(ui_server: LiveServer, page: Page) -> None:
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

    page.get_by_role("tab", name="Documents").click()
    table = page.locator("#documents-table")
    expect(table).to_contain_text("staffordshire-2021")
    expect(table).to_contain_text("staffordshire-2025")
    assert page.outside == []  # type: ignore[attr-defined]


def test_too_long_question_is_a_message(ui_server: LiveServer, page: Page) -> None:
    page.goto(ui_server.url)
    page.locator("#question textarea").fill("x" * 2100)
    page.locator("#ask").click()
    error = page.locator("#chat .ia-error")
    expect(error).to_be_visible(timeout=30_000)
    expect(error).to_contain_text("too long")
    expect(page.locator("#chat")).not_to_contain_text("Traceback")


def test_document_browser_shows_tree_and_section(ui_server: LiveServer, page: Page) -> None:
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
def empty_server(tmp_path: Path, embedder: Embedder) -> Iterator[LiveServer]:
    """A UI over an empty library of its own (uploads must not touch the shared store)."""
    assistant = Assistant(Settings(data_dir=tmp_path / "store"), embedder=embedder)
    try:
        with LiveServer(create_server(assistant, warm=False)) as server:
            server.app_assistant = assistant  # type: ignore[attr-defined]
            yield server
    finally:
        assistant.close()


def _encrypted_pdf(folder: Path) -> Path:
    plain = build_pdf([("Locked report", ["Some text in a locked file."])], folder / "plain.pdf")
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt("secret")
    locked = folder / "locked-report.pdf"
    writer.write(locked)
    return locked


def test_empty_library_and_uploads(empty_server: LiveServer, page: Page, tmp_path: Path) -> None:
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
    expect(status).to_contain_text("stored as", timeout=120_000)
    expect(page.locator("#documents-table")).to_contain_text("guidance", timeout=15_000)
    first = status.inner_text().split("stored as", 1)[1].split()[0].strip("`")

    # A new version of the same report, uploaded through the UI, replaces the old one.
    page.locator("#upload button[aria-label='Clear']").click()
    edited = tmp_path / "guidance-v2.txt"
    edited.write_text(
        guidance.read_text(encoding="utf-8").replace(
            "share information about children at risk",
            "share information about children at risk within one working day",
        ),
        encoding="utf-8",
    )
    page.locator("#upload input[type=file]").set_input_files(str(edited))
    expect(status).to_contain_text("1 updated", timeout=120_000)
    assert status.inner_text().split("stored as", 1)[1].split()[0].strip("`") == first
    library = empty_server.app_assistant.library  # type: ignore[attr-defined]
    assert [d.doc_id for d in library.documents()] == [first]
    assert "within one working day" in library.text(first)
    uploads = sorted(p.name for p in library.uploads_dir.iterdir())
    assert len(uploads) == 1 and uploads[0].endswith("guidance-v2.txt"), uploads

    page.get_by_role("tab", name="Ask").click()
    expect(page.locator("#empty-state")).to_be_hidden()
    assert page.outside == []  # type: ignore[attr-defined]


def _pick(page: Page, elem_id: str, option: str) -> None:
    page.locator(f"#{elem_id} input").click()
    page.get_by_role("option", name=option, exact=True).click()


def _settled(page: Page, elem_id: str) -> None:
    """Wait until the component's pending (dimmed) state is over."""
    expect(page.locator(f"#{elem_id} .pending")).to_have_count(0, timeout=30_000)
    expect(page.locator(f"#{elem_id}")).not_to_have_class("pending", timeout=30_000)


def test_findings_table_charts_and_compare(ui_server: LiveServer, page: Page) -> None:
    page.set_viewport_size({"width": 1440, "height": 1150})
    page.goto(ui_server.url)
    page.get_by_role("tab", name="Findings").click()

    # every report's findings to start with, and both charts drawn as inline SVG bars
    summary = page.locator("#findings-summary")
    expect(summary).to_contain_text("findings (Staffordshire 2021", timeout=30_000)
    grades = page.locator("#chart-grades svg rect")
    expect(grades).to_have_count(5)  # the five graded areas of the 2025 report
    expect(page.locator("#chart-grades")).to_contain_text("Requires improvement")
    timescales = page.locator("#chart-timescales svg rect")
    expect(timescales).to_have_count(3)
    expect(page.locator("#chart-timescales")).to_contain_text("7 recommendations")
    _settled(page, "findings-table")
    page.wait_for_timeout(300)
    FINDINGS_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(FINDINGS_SCREENSHOT))

    _pick(page, "findings-docs", "Staffordshire 2021")
    _pick(page, "findings-types", "Recommendation")
    page.locator("#findings-apply").click()
    expect(summary).to_contain_text("15 findings (Staffordshire 2021: 15)", timeout=30_000)
    table = page.locator("#findings-table")
    expect(table.locator("[role=grid]")).to_have_attribute("aria-rowcount", "16")  # + header
    expect(table).to_contain_text("within three months")
    expect(table).not_to_contain_text("Staffordshire 2025")
    expect(table).not_to_contain_text("Case study")
    expect(timescales).to_have_count(3)
    expect(page.locator("#chart-grades")).to_contain_text("No graded judgments in")

    page.locator("#findings-topic textarea").fill("lunar eclipses over the sea")
    page.locator("#findings-apply").click()
    expect(summary).to_contain_text("No findings about", timeout=30_000)

    page.locator("#compare-topic textarea").fill("missing children")
    page.locator("#compare-go").click()
    view = page.locator("#compare-view")
    expect(view.locator(".cmp-changes")).to_be_visible(timeout=60_000)
    sides = view.locator(".cmp-side")
    expect(sides).to_have_count(2)
    expect(sides.nth(0)).to_contain_text("Staffordshire 2021")
    expect(sides.nth(1)).to_contain_text("Staffordshire 2025")
    for i in range(2):
        assert sides.nth(i).locator(".cmp-item .cmp-n").count() >= 2
        assert sides.nth(i).locator("blockquote").count() >= 2
    assert sides.nth(0).locator(".cmp-n").first.inner_text() == "[1]"
    changes = view.locator(".cmp-changes")
    expect(changes).to_contain_text("What changed")
    assert changes.locator("li.chg").count() >= 1
    assert changes.locator(".chg-evidence a.cmp-ref").count() >= 1
    expect(view).not_to_contain_text("Traceback")
    page.locator("#compare-form").scroll_into_view_if_needed()
    page.evaluate("document.querySelector('#compare-form').scrollIntoView()")
    page.wait_for_timeout(300)
    page.screenshot(path=str(COMPARE_SCREENSHOT))
    assert page.outside == []  # type: ignore[attr-defined]


def test_quiz_preview_and_gift_download(ui_server: LiveServer, page: Page, tmp_path: Path) -> None:
    page.goto(ui_server.url)
    page.get_by_role("tab", name="Quiz").click()
    preview = page.locator("#quiz-preview")

    page.locator("#quiz-section textarea").fill("no such heading anywhere")
    page.locator("#quiz-build").click()
    expect(preview.locator(".ia-error")).to_contain_text("no quizzable statements", timeout=30_000)
    expect(page.locator("#quiz-download-gift")).to_be_hidden()

    page.locator("#quiz-section textarea").fill("")
    page.locator("#quiz-topic textarea").fill("police detention")
    page.locator("#quiz-n input").fill("5")
    page.locator("#quiz-build").click()
    questions = preview.locator(".quiz-q")
    expect(questions).to_have_count(5, timeout=60_000)
    stems = []
    for i in range(5):
        q = questions.nth(i)
        expect(q.locator(".q-where")).to_contain_text("Source: Staffordshire")
        assert q.locator(".q-source blockquote").inner_text().strip(" “”")
        assert q.locator(".opt.correct, .q-answer").count() == 1
        stems.append(" ".join(q.locator(".q-stem").inner_text().split()))
    _settled(page, "quiz-preview")
    page.wait_for_timeout(300)
    QUIZ_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(QUIZ_SCREENSHOT))

    with page.expect_download() as info:
        page.locator("#quiz-download-gift").click()
    download = info.value
    assert download.suggested_filename == "quiz-police-detention.gift"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    parsed = parse_gift(saved.read_text(encoding="utf-8"))
    assert len(parsed) == 5
    assert [" ".join(q["stem"].split()) for q in parsed] == stems
    for fmt, name in [
        ("moodle-xml", "quiz-police-detention.xml"),
        ("md", "quiz-police-detention.md"),
    ]:
        with page.expect_download() as info:
            page.locator(f"#quiz-download-{fmt}").click()
        assert info.value.suggested_filename == name
    assert page.outside == []  # type: ignore[attr-defined]
