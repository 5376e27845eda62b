"""The web UI in a real browser: headless Chromium (Debian's, via Playwright) against the Gradio
UI served like the API serves it, at a phone's size (390×844) and a laptop's (1366×768). Ask a
question and see it at once, wait, read the answer from its start, open a citation (a drawer on
the phone); browse the documents by their section tree; upload a bad and a good file; filter
the findings, read their charts (stacked on the phone, tables as cards) and compare two reports;
build a quiz and download it. Every tab passes axe-core (bundled, offline) with no serious or
critical violation at both sizes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
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
SIZES = {"phone": (390, 844), "laptop": (1366, 768)}
QUESTION = "What did inspectors find about officers recording the voice of the child?"
LIST_QUESTION = "what should officers record when they use police protection powers?"
SHOTS = REPO_ROOT / "out" / "screenshots"
LOCAL = ("http://127.0.0.1", "data:", "blob:", "about:")
QUESTION_SHOWN_MS = 300
"""The question is put in the chat by the page itself, before the server is asked."""
AXE = Axe()
expect.set_options(timeout=30_000)  # a shared 2-core machine: generous, never tight


@pytest.fixture(scope="session")
def ui_server(sample_assistant: Assistant) -> Iterator[LiveServer]:
    with LiveServer(create_server(sample_assistant, warm=False)) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not installed: run `apt-get install chromium` ({CHROMIUM})")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh page at the test's size (laptop unless parametrized with `size`) that records
    every request leaving 127.0.0.1 (there must be none)."""
    params = getattr(request.node, "callspec", None)
    width, height = SIZES[params.params.get("size", "laptop") if params else "laptop"]
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(30_000)
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


def assert_accessible(page: Page, where: str) -> None:
    """axe-core (the copy inside axe-playwright-python, nothing fetched) finds no serious or
    critical WCAG 2.2 AA violation on what is shown."""
    results = AXE.run(
        page,
        options={
            "resultTypes": ["violations"],
            "runOnly": {
                "type": "tag",
                "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
            },
        },
    )
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:5]]}" for v in bad
    )
    assert not bad, f"{where}: {report}"


def _open_tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    expect(page.get_by_role("tab", name=name)).to_have_attribute("aria-selected", "true")


def _ask(page: Page, question: str) -> float:
    """Type the question and press Enter; the milliseconds (measured in the page) until it
    shows in the chat."""
    box = page.locator("#question textarea")
    box.fill(question)
    page.evaluate(
        """(question) => {
          window.__iaShown = null;
          const chat = document.querySelector("#chat");
          const seen = () => [...chat.querySelectorAll(".user-row")]
            .some((row) => row.textContent.includes(question));
          const observer = new MutationObserver(() => {
            if (seen()) { window.__iaShown = performance.now(); observer.disconnect(); }
          });
          observer.observe(chat, {childList: true, subtree: true, characterData: true});
          window.__iaAskDisabled = false;
          const ask = document.querySelector("#ask");
          new MutationObserver(() => { if (ask.disabled) window.__iaAskDisabled = true; })
            .observe(ask, {attributes: true, attributeFilter: ["disabled"]});
          document.querySelector("#question textarea").addEventListener(
            "keydown", (e) => { if (e.key === "Enter") window.__iaPressed = performance.now(); },
            {once: true, capture: true});
        }""",
        question,
    )
    box.press("Enter")
    expect(page.locator("#chat .user-row").last).to_contain_text(question)
    page.wait_for_function("window.__iaShown !== null")
    return float(page.evaluate("window.__iaShown - window.__iaPressed"))


ANSWER_START_ON_SCREEN = """() => {
  const answers = document.querySelectorAll("#chat .bot-row .ia-answer");
  const first = answers[answers.length - 1]?.querySelector(".ia-text > *");
  if (!first) return false;
  const line = first.getBoundingClientRect();
  const box = first.closest(".bubble-wrap").getBoundingClientRect();
  const top = line.top, bottom = line.top + 20;
  return top >= box.top - 1 && bottom <= box.bottom + 1 && top >= 0
    && bottom <= window.innerHeight;
}"""
"""Whether the first line of the newest answer is inside both the chat's scroll box and the
window."""


@pytest.mark.parametrize("size", list(SIZES))
def test_ask_waits_visibly_then_shows_the_answer_from_its_start(
    ui_server: LiveServer, page: Page, size: str
) -> None:
    page.goto(ui_server.url)
    expect(page.locator("#source-panel .ia-placeholder")).to_be_attached()
    assert_accessible(page, f"Ask ({size})")

    shown_ms = _ask(page, LIST_QUESTION)
    print(f"{size}: question shown {shown_ms:.0f} ms after Enter")
    assert shown_ms < QUESTION_SHOWN_MS
    assert page.locator("#question textarea").input_value() == ""
    answer = page.locator("#chat .bot-row").last
    expect(page.locator("#ask")).to_be_enabled(timeout=120_000)
    assert page.evaluate("window.__iaAskDisabled")  # Ask was disabled while answering
    expect(answer.locator(".ia-answer .ia-sources")).to_be_visible()
    expect(answer).not_to_contain_text("Searching the reports")
    page.wait_for_function(ANSWER_START_ON_SCREEN)

    # lists survive the end of streaming; verbatim stretches are quotations; one source line
    # per section
    items = answer.locator(".ia-text li")
    assert items.count() >= 4
    expect(items.first).to_have_text("the scenario;")
    expect(answer.locator(".ia-text")).not_to_contain_text("- the scenario")
    assert answer.locator("blockquote.ia-quote").count() >= 1
    sources = answer.locator(".ia-sources li")
    # the section's quotes share one source line: "[1, 2]" or "[1–3]"
    expect(sources.first).to_contain_text(re.compile(r"^\[1(, 2|–\d)\] Staffordshire 2021"))
    assert sources.count() < answer.locator(".ia-text a.cite").count()
    assert_accessible(page, f"Ask with an answer ({size})")

    # the citation opens its passage next to the answer: on a phone, a drawer over it
    answer.locator(".ia-sources a.cite").first.click()
    current = page.locator("#source-panel mark.current")
    expect(current).to_be_visible()
    expect(current).to_be_in_viewport()
    assert page.locator("#source-panel mark").count() >= 2  # the section's other quotes
    close = page.locator("#source-close")
    if size == "phone":
        expect(close).to_be_in_viewport()
        expect(close).to_be_focused()
        page.wait_for_timeout(400)  # the drawer's slide
        page.screenshot(path=str(SHOTS / "ui-ask-phone-source.png"))
        assert_accessible(page, "Ask, source drawer (phone)")
        close.click()
        expect(page.locator("#source-col")).not_to_be_in_viewport()
    else:
        expect(close).to_be_hidden()
    new = page.locator("#new-conversation")
    new.scroll_into_view_if_needed()
    expect(new).to_be_in_viewport()
    new.click()
    expect(page.locator("#chat .message-row")).to_have_count(0)
    assert page.outside == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("size", list(SIZES))
def test_ask_and_open_a_citation(ui_server: LiveServer, page: Page, size: str) -> None:
    page.goto(ui_server.url)
    _ask(page, QUESTION)
    expect(page.locator("#ask")).to_be_enabled(timeout=120_000)
    first = page.locator("#chat .ia-answer .ia-text a.cite").first
    expect(first).to_be_visible()
    expect(page.locator("#chat .ia-answer")).not_to_contain_text("Traceback")
    assert first.inner_text() == "[1]"
    page.wait_for_function(ANSWER_START_ON_SCREEN)
    page.screenshot(path=str(SHOTS / f"ui-answer-{size}.png"))

    first.click()
    mark = page.locator("#source-panel mark.current")
    expect(mark).to_be_visible()
    quote = " ".join(mark.inner_text().split())
    assert "voice of the child" in quote.lower()
    panel = page.locator("#source-panel")
    expect(panel).to_contain_text("Staffordshire")
    expect(panel).to_contain_text("page")
    # the marked quote is the cited quote, inside the fuller section text
    assert len(" ".join(panel.inner_text().split())) > len(quote) + 100
    page.wait_for_timeout(600)  # let the panel finish scrolling to the mark
    page.screenshot(path=str(SHOTS / ("ui-ask.png" if size == "laptop" else "ui-ask-phone.png")))
    assert page.outside == []  # type: ignore[attr-defined]


def test_too_long_question_is_a_message(ui_server: LiveServer, page: Page) -> None:
    page.goto(ui_server.url)
    page.locator("#question textarea").fill("x" * 2100)
    page.locator("#ask").click()
    error = page.locator("#chat .ia-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("too long")
    expect(page.locator("#chat")).not_to_contain_text("Traceback")
    expect(page.locator("#ask")).to_be_enabled()
    # the question goes back in the box, to shorten it
    expect(page.locator("#question textarea")).to_have_value("x" * 2100)


@pytest.mark.parametrize("size", list(SIZES))
def test_documents_table_tree_and_section(ui_server: LiveServer, page: Page, size: str) -> None:
    page.goto(ui_server.url)
    _open_tab(page, "Documents")
    if size == "phone":
        cards = page.locator("#documents-cards .ia-card")
        expect(cards).to_have_count(2)
        expect(cards.first).to_contain_text("Inspection period")
        expect(page.locator("#documents-table")).to_be_hidden()
    else:
        table = page.locator("#documents-table")
        expect(table).to_contain_text("staffordshire-2021")
        expect(table).to_contain_text("staffordshire-2025")
        for header in ("Report id", "Inspection period", "Sections", "Chunks"):
            expect(table.locator("thead")).to_contain_text(header)
        expect(table.locator("thead")).not_to_contain_text("doc_id")
    page.get_by_label("Report", exact=True).click()
    page.get_by_role("option", name="Staffordshire 2025 — staffordshire-2025").click()
    tree = page.locator("#section-tree")
    expect(tree).to_contain_text("Requires improvement", timeout=30_000)
    entry = tree.locator("button.tree-link").filter(has_text="Summary").first
    heading = " ".join(entry.locator(".tree-heading").inner_text().split())
    entry.click()
    text = page.locator("#section-text")
    expect(text.locator(".src-path")).to_contain_text(heading)
    expect(text.locator(".src-body")).not_to_be_empty()
    expect(entry).to_have_attribute("aria-current", "true")
    expect(text.locator(".src-path")).to_be_in_viewport()
    page.keyboard.press("Tab")  # focus by keyboard: the focus ring shows
    page.keyboard.press("Shift+Tab")
    expect(entry).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    assert_accessible(page, f"Documents ({size})")


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

    _open_tab(page, "Documents")
    status = page.locator("#upload-status")
    upload = page.locator("#upload")
    page.locator("#upload input[type=file]").set_input_files(str(_encrypted_pdf(tmp_path)))
    error = status.locator(".ia-error[role=alert]")
    expect(error).to_contain_text("was not added", timeout=60_000)
    expect(error).to_contain_text("encrypted")
    # the failed file is not left in the box looking attached
    expect(upload).not_to_contain_text("locked-report.pdf")
    expect(upload.locator("input[type=file]")).to_be_attached()
    assert_accessible(page, "Documents after a failed upload")

    guidance = Path(__file__).parent / "fixtures" / "guidance_sample.txt"
    page.locator("#upload input[type=file]").set_input_files(str(guidance))
    expect(status).to_contain_text("stored as", timeout=120_000)
    expect(status.locator(".ia-error")).to_have_count(0)
    expect(page.locator("#documents-table")).to_contain_text("guidance", timeout=15_000)
    first = status.inner_text().split("stored as", 1)[1].split()[0].strip("`")

    # A new version of the same report, uploaded through the UI, replaces the old one.
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

    _open_tab(page, "Ask")
    expect(page.locator("#empty-state")).to_be_hidden()
    assert page.outside == []  # type: ignore[attr-defined]


def _pick(page: Page, elem_id: str, option: str) -> None:
    page.locator(f"#{elem_id} input").click()
    page.get_by_role("option", name=option, exact=True).click()


def _settled(page: Page, elem_id: str) -> None:
    """Wait until the component's pending (dimmed) state is over."""
    expect(page.locator(f"#{elem_id} .pending")).to_have_count(0, timeout=30_000)
    expect(page.locator(f"#{elem_id}")).not_to_have_class("pending", timeout=30_000)


@pytest.mark.parametrize("size", list(SIZES))
def test_findings_table_charts_and_compare(ui_server: LiveServer, page: Page, size: str) -> None:
    page.goto(ui_server.url)
    _open_tab(page, "Findings")

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
    chart_a = page.locator("#chart-grades .ia-chart").bounding_box()
    chart_b = page.locator("#chart-timescales .ia-chart").bounding_box()
    assert chart_a and chart_b
    if size == "phone":  # stacked, each the full width
        assert chart_b["y"] >= chart_a["y"] + chart_a["height"] - 1
        assert min(chart_a["width"], chart_b["width"]) >= 0.85 * SIZES["phone"][0] - 40
        expect(page.locator("#findings-table")).to_be_hidden()
        cards = page.locator("#findings-cards .ia-card")
        expect(cards.first).to_be_visible()
        assert cards.count() > 20
    else:  # side by side
        assert abs(chart_a["y"] - chart_b["y"]) < 2
        expect(page.locator("#findings-cards .ia-cards")).to_be_hidden()
    assert_accessible(page, f"Findings ({size})")
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"ui-findings{'-phone' if size == 'phone' else ''}.png"))

    _pick(page, "findings-docs", "Staffordshire 2021")
    _pick(page, "findings-types", "Recommendation")
    page.locator("#findings-apply").click()
    expect(summary).to_contain_text("15 findings (Staffordshire 2021: 15)", timeout=30_000)
    shown = page.locator("#findings-cards" if size == "phone" else "#findings-table")
    expect(shown).to_contain_text("within three months")
    expect(shown).not_to_contain_text("Staffordshire 2025")
    expect(shown).not_to_contain_text("Case study")
    # a recommendation ending "making sure:" keeps its sub-points
    expect(shown).to_contain_text("inspectors regularly review and endorse the use of protective")
    if size == "laptop":
        expect(shown.locator("[role=grid]")).to_have_attribute("aria-rowcount", "16")
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
    # each piece of evidence under one status only
    status_of: dict[str, str] = {}
    for item in changes.locator("li.chg").all():
        status = item.locator(".chg-status").inner_text()
        for ref in item.locator(".chg-evidence a.cmp-ref").all_inner_texts():
            assert status_of.setdefault(ref, status) == status, ref
    assert status_of
    expect(view).not_to_contain_text("Traceback")
    assert_accessible(page, f"Findings with a comparison ({size})")
    page.evaluate("document.querySelector('#compare-form').scrollIntoView()")
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"ui-compare{'-phone' if size == 'phone' else ''}.png"))
    assert page.outside == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("size", list(SIZES))
def test_quiz_preview_and_gift_download(
    ui_server: LiveServer, page: Page, tmp_path: Path, size: str
) -> None:
    page.goto(ui_server.url)
    _open_tab(page, "Quiz")
    assert_accessible(page, f"Quiz ({size})")
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
        assert q.locator(".opt.correct, .q-answer").count() >= 1
        stems.append(" ".join(q.locator(".q-stem").inner_text().split()))
    _settled(page, "quiz-preview")
    # the downloads sit beside (on a phone: just above) the preview, on screen
    gift = page.locator("#quiz-download-gift")
    gift.scroll_into_view_if_needed()
    expect(gift).to_be_in_viewport()
    assert_accessible(page, f"Quiz with a preview ({size})")
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"ui-quiz{'-phone' if size == 'phone' else ''}.png"))

    # hide the answers to project the questions to a class
    page.locator("#quiz-hide-answers input").check()
    expect(preview.locator(".opt.correct, .q-answer, .q-source")).to_have_count(0)
    expect(questions).to_have_count(5)
    page.locator("#quiz-hide-answers input").uncheck()
    expect(preview.locator(".q-source")).to_have_count(5)

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
