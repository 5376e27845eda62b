"""The web UI (Gradio): ask questions with clickable citations, and manage the documents.

`build_ui(assistant)` returns the Blocks; the API mounts it at "/" with `gr.mount_gradio_app`
(or `mount_ui`, which also applies the system-font theme). Nothing is loaded from outside the
server: analytics are off, the theme uses system fonts, and the page's own CSS and its citation
click listener are injected by the source panel's `js_on_load`, so they work however it's mounted.
"""

from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd
from fastapi import FastAPI
from gradio.utils import get_upload_folder

from assistant.api.access import AccessPolicy, Caller
from assistant.core import Assistant
from assistant.domain.errors import AssistantError, Forbidden, InvalidRequest, NotFound
from assistant.domain.records import Answer, Citation, SearchFilters, SectionKind
from ui import findings_tab, render
from ui.quiz_tab import build_quiz_tab
from ui.style import CSS

log = logging.getLogger(__name__)

UPLOAD_TYPES = [".txt", ".md", ".pdf", ".docx", ".html"]
PHONE = "(max-width: 760px)"
"""Below this width the source panel is a drawer over the chat (the same breakpoint as CSS)."""
PANEL_HINT = "Click a citation such as [1] in an answer to read the passage in its section."
SECTION_HINT = "Click a section in the tree to read it."
NO_DOCS = (
    "**No reports are loaded yet.** Add an inspection report in the **Documents** tab, "
    "then come back here to ask about it."
)

THEME = gr.themes.Default(
    primary_hue="blue",
    neutral_hue="slate",
    radius_size="sm",
    font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
)


# Runs once when the source panel mounts: adds our stylesheet and one document-level click
# listener that turns a click on any `a.cite` (in the chat or in the panel) into the panel's
# `click` event carrying {turn, n}; on a phone the panel is a drawer, opened by that click and
# closed by its Close button or Escape. `__iaScrollChat` brings the start of the newest question
# or answer into view (the chat itself does not autoscroll, which would show only its end).
PANEL_JS = """
window.__iaCite = trigger;
window.__iaScrollChat = (kind) => {
  const rows = (k) => document.querySelectorAll(`#chat .message-row.${k}-row`);
  let row = [...rows(kind)].pop();
  const question = [...rows("user")].pop();
  if (!row) return;
  if (kind === "bot" && question) {
    const gap = row.getBoundingClientRect().top - question.getBoundingClientRect().top;
    if (gap > 0 && gap < 140) row = question;  // the question and the answer's start together
  }
  const wrap = row.closest(".bubble-wrap");
  if (wrap) {
    wrap.scrollTop += row.getBoundingClientRect().top - wrap.getBoundingClientRect().top - 8;
  }
  const top = row.getBoundingClientRect().top;
  if (top < 0 || top > window.innerHeight - 120) window.scrollBy({top: top - 12});
};
if (!document.getElementById("ia-css")) {
  const style = document.createElement("style");
  style.id = "ia-css";
  style.textContent = CSS_TEXT;
  document.head.appendChild(style);
}
if (!window.__iaCiteBound) {
  window.__iaCiteBound = true;
  document.addEventListener("click", (event) => {
    const path = event.composedPath ? event.composedPath() : [event.target];
    const link = path.find((el) => el instanceof Element && el.matches("a.cite"));
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    document.querySelectorAll("a.cite.active").forEach((a) => a.classList.remove("active"));
    link.classList.add("active");
    if (window.matchMedia(PHONE).matches) {
      document.body.classList.add("ia-source-open");
      requestAnimationFrame(() => document.querySelector("#source-close")?.focus());
    }
    const found = /#cite-(\\d+)-(\\d+)$/.exec(link.getAttribute("href") || "");
    if (!found) return;
    window.__iaCite("click", {turn: Number(found[1]), n: Number(found[2])});
  }, true);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && document.body.classList.contains("ia-source-open")) {
      window.__iaCloseSource();
    }
  });
  window.__iaCloseSource = () => {
    document.body.classList.remove("ia-source-open");
    document.querySelector("a.cite.active")?.focus();
  };
}
""".replace("CSS_TEXT", json.dumps(CSS)).replace("PHONE", json.dumps(PHONE))

# Puts the question in the chat at once, with a "Searching the reports…" line, before the
# server is asked (the answer replaces that line as it streams); the question moves into a
# hidden box for the server. While an answer is on its way Ask is disabled and another Enter
# does nothing (ANSWER_DONE_JS undoes both, however the answer ended).
POST_QUESTION_JS = """
(question, history) => {
  const text = (question || "").trim();
  if (!text || window.__iaBusy) return [history, question, ""];
  window.__iaBusy = true;
  document.querySelector("#ask").disabled = true;
  const message = (role, content) =>
    ({role, metadata: null, options: null, content: [{type: "text", text: content}]});
  setTimeout(() => window.__iaScrollChat && window.__iaScrollChat("user"), 60);
  return [[...(history || []), message("user", text), message("assistant", THINKING)], "", text];
}
""".replace("THINKING", json.dumps(render.render_thinking()))

ANSWER_DONE_JS = """
() => {
  window.__iaBusy = false;
  document.querySelector("#ask").disabled = false;
  setTimeout(() => window.__iaScrollChat && window.__iaScrollChat("bot"), 80);
}
"""

CLOSE_SOURCE_JS = "() => { window.__iaCloseSource && window.__iaCloseSource(); }"

# The section tree's buttons: a click opens that section (the tree's `click` event carries
# {section}); the open one is marked for screen readers.
TREE_JS = """
element.addEventListener("click", (event) => {
  const button = event.target.closest("button.tree-link");
  if (!button) return;
  element.querySelectorAll("button.tree-link[aria-current]")
    .forEach((b) => b.removeAttribute("aria-current"));
  button.setAttribute("aria-current", "true");
  trigger("click", {section: button.value});
});
"""

SHOW_SECTION_JS = """
() => { setTimeout(() => {
  const text = document.querySelector("#section-text");
  if (text) text.scrollIntoView({block: "nearest", behavior: "smooth"});
}, 150); }
"""

SCROLL_TO_MARK_JS = """
() => { setTimeout(() => {
  const mark = document.querySelector("#source-panel mark.current");
  if (mark) mark.scrollIntoView({block: "center", behavior: "smooth"});
}, 150); }
"""


def mount_ui(app: FastAPI, assistant: Assistant, path: str = "/") -> FastAPI:
    """Mount the UI on a FastAPI app with the system-font theme and the upload size limit,
    behind the app's access policy: its file routes serve only what Gradio itself stored."""
    limit = f"{assistant.settings.max_upload_mb}mb"
    access: AccessPolicy = app.state.access
    access.file_roots.append(Path(get_upload_folder()).resolve())
    return gr.mount_gradio_app(
        app,
        build_ui(assistant, access),
        path=path,
        theme=THEME,
        max_file_size=limit,
        footer_links=[],
    )


def _caller(access: AccessPolicy, request: gr.Request | None) -> Caller | None:
    """The caller behind a UI event, by the same rule as the gate in front of every route."""
    if request is None:
        return access.for_key(None)
    return access.for_request(request.headers or {}, request.cookies or {})


# --- data for the widgets -------------------------------------------------------------------


def _doc_choices(assistant: Assistant) -> list[tuple[str, str]]:
    return [(f"{d.label} — {d.doc_id}", d.doc_id) for d in assistant.documents()]


def _kind_choices() -> list[tuple[str, str]]:
    return [(k.value.replace("_", " ").capitalize(), k.value) for k in SectionKind]


def _document_rows(assistant: Assistant) -> list[list[object]]:
    documents = assistant.documents()
    sections = {d.doc_id: len(assistant.sections(d.doc_id)) for d in documents}
    return render.document_rows(documents, sections, assistant.library.chunk_counts())


def _documents_views(assistant: Assistant) -> tuple[pd.DataFrame, str]:
    """The reports as a table (wide screens) and as cards (phones)."""
    rows = _document_rows(assistant)
    return (
        pd.DataFrame(rows, columns=render.DOCUMENT_HEADERS),
        render.render_cards(render.DOCUMENT_HEADERS, rows, "Reports in the library"),
    )


def _filters(
    doc_ids: list[str] | None,
    kinds: list[str] | None,
    forces: list[str] | None = None,
    years: list[int] | None = None,
) -> SearchFilters:
    try:
        return SearchFilters(
            doc_ids=list(doc_ids or []),
            section_kinds=[SectionKind(k) for k in kinds or []],
            forces=list(forces or []),
            years=[int(y) for y in years or []],
        )
    except ValueError as error:
        raise InvalidRequest(f"invalid filter: {error}") from error


def _citation_source(
    assistant: Assistant, citation: Citation, others: list[Citation] | None = None
) -> str:
    try:
        section, _ = assistant.library.section(citation.doc_id, citation.section_id)
        text = assistant.library.text(citation.doc_id)
    except NotFound:
        return render.render_placeholder("That report is no longer in the library.")
    return render.render_source(citation, section, text, others or [])


# --- the Ask tab ----------------------------------------------------------------------------


def _message(role: str, content: str) -> dict[str, str]:
    return {"role": role, "content": content}


def _stream_answer(
    assistant: Assistant,
    question: str,
    conversation_id: str,
    filters: SearchFilters,
    turn: int,
) -> Iterator[tuple[str, Answer | None]]:
    """(message content so far, final answer or None) as the pipeline streams."""
    text = ""
    for event in assistant.asker.stream(question, conversation_id, None, filters, None):
        if event.kind == "token":
            text += str(event.data)
            yield render.render_streaming(text, turn), None
        elif event.kind == "replace":
            text = str(event.data)
            yield render.render_streaming(text, turn), None
        elif event.kind == "answer":
            yield render.render_answer(event.data, turn), event.data


def _ask(assistant: Assistant, access: AccessPolicy):
    """The answer to the question the page has already put in the chat (see
    POST_QUESTION_JS); on an error the question goes back in the box to edit."""

    def ask(
        question: str,
        history: list[dict[str, Any]],
        conversation_id: str | None,
        answers: list[list[dict[str, Any]]],
        doc_ids: list[str],
        kinds: list[str],
        forces: list[str],
        years: list[int],
        request: gr.Request,
    ) -> Iterator[tuple[Any, ...]]:
        question = (question or "").strip()
        history = list(history or [])
        answers = list(answers or [])
        if not question:
            yield history, gr.update(), conversation_id, answers, gr.update(), gr.update()
            return
        turn = len(answers)
        answers.append([])
        if not history or history[-1].get("role") != "assistant":
            history += [_message("user", question), _message("assistant", render.render_thinking())]
        yield history, gr.update(), conversation_id, answers, None, ""
        last = None
        try:
            caller = _caller(access, request)
            if caller is None:
                raise Forbidden("sign in again: your session has ended")
            filters = _filters(doc_ids, kinds, forces, years)
            conversation_id = conversation_id or assistant.conversations.create(caller.who)
            for content, answer in _stream_answer(
                assistant, question, conversation_id, filters, turn
            ):
                history[-1] = _message("assistant", content)
                if answer is not None:
                    assistant.audit.record(caller.who, "ask", answer, caller.role)
                    answers[turn] = [c.model_dump() for c in answer.citations]
                    last = {"question": answer.question, "answer": answer.text}
                yield history, gr.update(), conversation_id, answers, last, gr.update()
        except Exception as error:  # never show a traceback in the chat
            if not isinstance(error, AssistantError):
                log.exception("answering failed")
            history[-1] = _message("assistant", render.render_error(render.error_message(error)))
            yield history, question, conversation_id, answers, None, gr.update()

    return ask


def _show_source(assistant: Assistant):
    def show(answers: list[list[dict[str, Any]]], evt: gr.EventData) -> str:
        data = getattr(evt, "_data", None) or {}
        try:
            turn, n = int(data["turn"]), int(data["n"])
            cited = [Citation.model_validate(c) for c in answers[turn]]
            citation = next(c for c in cited if c.n == n)
        except (KeyError, IndexError, TypeError, ValueError, StopIteration):
            return render.render_placeholder("That citation is no longer available.")
        same = [
            c
            for c in cited
            if (c.doc_id, c.section_id) == (citation.doc_id, citation.section_id) and c.n != n
        ]
        try:
            return _citation_source(assistant, citation, same)
        except Exception:
            log.exception("showing a source failed")
            return render.render_placeholder("Could not load that passage.")

    return show


def _feedback(assistant: Assistant, rating: int):
    def send(last: dict[str, str] | None, comment: str, conversation_id: str | None) -> Any:
        if not last:
            return "Ask a question first, then rate its answer.", gr.update()
        try:
            assistant.feedback.add(
                last["question"], last["answer"], rating, comment or "", conversation_id
            )
        except Exception:
            log.exception("saving feedback failed")
            return "Could not save the feedback; the details are in the server log.", gr.update()
        thanks = "Thanks: marked as helpful." if rating > 0 else "Thanks: marked as not helpful."
        return thanks, ""

    return send


def _new_conversation() -> tuple[Any, ...]:
    return [], None, [], None, render.render_placeholder(PANEL_HINT), "", ""


def _build_ask_tab(assistant: Assistant, access: AccessPolicy) -> dict[str, Any]:
    empty = gr.Markdown(NO_DOCS, visible=not assistant.documents(), elem_id="empty-state")
    with gr.Row(equal_height=False, elem_id="ask-layout"):
        with gr.Column(scale=3, min_width=300, elem_id="chat-col"):
            with gr.Row(elem_id="chat-toolbar"):
                new = gr.Button(
                    "New conversation",
                    size="sm",
                    variant="secondary",
                    elem_id="new-conversation",
                    scale=0,
                    min_width=150,
                )
            chat = gr.Chatbot(
                label="Conversation",
                height=540,
                elem_id="chat",
                autoscroll=False,
                placeholder=(
                    "**Ask about the inspection reports.** Every answer cites the passages it "
                    "comes from: click a citation such as [1] to read it in context."
                ),
                feedback_options=None,
                buttons=["copy"],
            )
            with gr.Row(equal_height=True, elem_id="question-row"):
                question = gr.Textbox(
                    label="Your question about the reports",
                    placeholder="e.g. What did inspectors find about the voice of the child?",
                    show_label=False,
                    lines=1,
                    max_lines=4,
                    scale=5,
                    elem_id="question",
                    autofocus=True,
                )
                send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask", min_width=80)
            pending = gr.Textbox(visible=False)
            with gr.Accordion("Filters", open=False), gr.Row():
                docs = gr.Dropdown(
                    choices=_doc_choices(assistant),
                    multiselect=True,
                    label="Reports",
                    info="Leave empty to search every report.",
                )
                kinds = gr.Dropdown(
                    choices=_kind_choices(),
                    multiselect=True,
                    label="Section kinds",
                    info="e.g. only recommendations or case studies.",
                )
                held = assistant.documents()
                forces = gr.Dropdown(
                    choices=sorted({d.force for d in held if d.force}),
                    multiselect=True,
                    label="Forces",
                )
                years = gr.Dropdown(
                    choices=sorted({d.year for d in held if d.year}),
                    multiselect=True,
                    label="Years",
                )
            with gr.Row(equal_height=True, elem_id="feedback-row"):
                comment = gr.Textbox(
                    label="Comment on the last answer (optional)",
                    placeholder="Optional comment on the last answer",
                    show_label=False,
                    lines=1,
                    scale=3,
                    min_width=180,
                    container=False,
                    elem_id="feedback-comment",
                )
                up = gr.Button("Helpful", size="sm", elem_id="thumbs-up", min_width=90, scale=0)
                down = gr.Button(
                    "Not helpful", size="sm", elem_id="thumbs-down", min_width=110, scale=0
                )
            feedback_status = gr.Markdown("", elem_id="feedback-status")
        with gr.Column(scale=2, min_width=300, elem_id="source-col"):
            with gr.Row(elem_id="source-head"):
                gr.Markdown("## Source", elem_classes=["panel-title"])
                close = gr.Button("Close", size="sm", elem_id="source-close", scale=0, min_width=80)
            panel = gr.HTML(
                render.render_placeholder(PANEL_HINT),
                elem_id="source-panel",
                js_on_load=PANEL_JS,
                apply_default_css=False,
            )

    conversation_id = gr.State(None)
    answers = gr.State([])
    last = gr.State(None)

    ask = _ask(assistant, access)
    inputs = [pending, chat, conversation_id, answers, docs, kinds, forces, years]
    outputs = [chat, question, conversation_id, answers, last, feedback_status]
    for trigger in (send.click, question.submit):
        trigger(
            None, [question, chat], [chat, question, pending], js=POST_QUESTION_JS, queue=False
        ).then(ask, inputs, outputs, show_progress="hidden").then(None, js=ANSWER_DONE_JS)
    close.click(None, js=CLOSE_SOURCE_JS)
    panel.click(_show_source(assistant), [answers], [panel]).then(
        None, None, None, js=SCROLL_TO_MARK_JS
    )
    up.click(_feedback(assistant, 1), [last, comment, conversation_id], [feedback_status, comment])
    down.click(
        _feedback(assistant, -1), [last, comment, conversation_id], [feedback_status, comment]
    )
    new.click(
        _new_conversation,
        None,
        [chat, conversation_id, answers, last, panel, feedback_status, comment],
    )
    return {"empty": empty, "docs": docs}


# --- the Documents tab ----------------------------------------------------------------------


def _uploaded_bytes(access: AccessPolicy, caller: Caller | None, path: str) -> bytes:
    """The bytes of a file this caller uploaded through the UI in this session, then the copy in
    Gradio's cache is removed. Any other path, however it reached the handler, is refused: no
    request can make the server read a file it did not itself write."""
    if caller is None or caller.readonly:
        raise Forbidden("this key is read-only: it may not add reports")
    file = access.take_upload(caller, path)
    if file is None:
        raise Forbidden("that file was not uploaded in this session; upload it again")
    try:
        return file.read_bytes()
    finally:
        file.unlink(missing_ok=True)


def _ingest(assistant: Assistant, access: AccessPolicy):
    def ingest(path: str | None, request: gr.Request) -> Iterator[tuple[Any, ...]]:
        if not path:
            yield (gr.update(),) * 7
            return
        file = Path(path)
        yield (f"Ingesting **{file.name}**… (parsing, chunking, embedding)", *(gr.update(),) * 6)
        library = assistant.library
        caller = _caller(access, request)
        try:
            data = _uploaded_bytes(access, caller, path)
            assert caller is not None
            access.record(caller, "upload", file.name, "web UI")
            held = {d.doc_id for d in library.documents()}
            job = library.run_job(library.upload(file.name, data).job_id)
            action = "replace" if job.doc_id in held else "ingest"
            access.record(
                caller, action, job.filename, f"{job.status}: {job.doc_id or job.message}"
            )
            status = render.job_summary(job)
        except AssistantError as error:
            status = render.render_error_md(f"{file.name} was not added: {error}")
        choices = _doc_choices(assistant)
        table, cards = _documents_views(assistant)
        yield (
            status,
            table,
            cards,
            gr.update(choices=choices),
            gr.update(choices=choices),
            gr.update(visible=not choices),
            None,  # the box is emptied: what happened to the file is in the status
        )

    return ingest


def _pick_document(assistant: Assistant):
    def pick(doc_id: str | None) -> tuple[str, str]:
        if not doc_id:
            return render.render_placeholder("Pick a report."), render.render_placeholder(
                SECTION_HINT
            )
        return render.render_tree(assistant.sections(doc_id)), render.render_placeholder(
            SECTION_HINT
        )

    return pick


def _open_section(assistant: Assistant):
    """The section whose tree entry was clicked (the tree's click event carries its id)."""

    def open_section(doc_id: str | None, evt: gr.EventData) -> str:
        section_id = str((getattr(evt, "_data", None) or {}).get("section") or "")
        if not doc_id or not section_id:
            return render.render_placeholder(SECTION_HINT)
        try:
            section, _ = assistant.library.section(doc_id, section_id)
            text = assistant.library.text(doc_id)
        except NotFound:
            return render.render_placeholder("That section is no longer available.")
        return render.render_section_text(section, text)

    return open_section


def _build_documents_tab(
    assistant: Assistant, access: AccessPolicy, ask_parts: dict[str, Any]
) -> dict[str, Any]:
    gr.Markdown("## Reports in the library")
    frame, card_html = _documents_views(assistant)
    table = gr.Dataframe(
        value=frame,
        interactive=False,
        wrap=True,
        elem_id="documents-table",
        elem_classes=["wide-only"],
        column_widths=["14%", "26%", "12%", "10%", "8%", "8%", "22%"],
    )
    cards = gr.HTML(card_html, elem_id="documents-cards", apply_default_css=False)
    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=280):
            upload = gr.File(
                label="Add a report (.txt, .md, .pdf, .docx, .html)",
                file_types=UPLOAD_TYPES,
                type="filepath",
                elem_id="upload",
                height=140,
            )
        with gr.Column(scale=2, min_width=280):
            status = gr.Markdown(
                "Uploaded files are parsed, chunked and indexed on this machine; nothing "
                "leaves it.",
                elem_id="upload-status",
            )
    gr.Markdown("## Browse a report")
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=280):
            picker = gr.Dropdown(choices=_doc_choices(assistant), label="Report", value=None)
            tree = gr.HTML(
                render.render_placeholder("Pick a report."),
                elem_id="section-tree",
                js_on_load=TREE_JS,
                apply_default_css=False,
            )
        with gr.Column(scale=3, min_width=280):
            text = gr.HTML(
                render.render_placeholder(SECTION_HINT),
                elem_id="section-text",
                apply_default_css=False,
            )

    uploaded = upload.upload(
        _ingest(assistant, access),
        [upload],
        [status, table, cards, picker, ask_parts["docs"], ask_parts["empty"], upload],
        show_progress="minimal",
    )
    picker.change(_pick_document(assistant), [picker], [tree, text])
    tree.click(_open_section(assistant), [picker], [text]).then(None, js=SHOW_SECTION_JS)
    return {"table": table, "cards": cards, "picker": picker, "uploaded": uploaded}


def build_ui(assistant: Assistant, access: AccessPolicy | None = None) -> gr.Blocks:
    """The UI's Blocks; `access` is the server's policy (default: one over the assistant's keys),
    which every handler that acts for a caller consults."""
    access = access or AccessPolicy(assistant.settings, assistant.audit)
    with gr.Blocks(title="Inspection Assistant", analytics_enabled=False) as demo:
        with gr.Row(elem_id="app-header"):
            gr.Markdown(
                "# Inspection Assistant\n"
                "Questions answered from police inspection reports, with every claim cited. "
                "Runs offline."
            )
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                ask_parts = _build_ask_tab(assistant, access)
            with gr.Tab("Findings", id="findings"):
                findings_parts = findings_tab.build_findings_tab(assistant)
            with gr.Tab("Quiz", id="quiz"):
                quiz_parts = build_quiz_tab(assistant, findings_tab.doc_choices(assistant))
            with gr.Tab("Documents", id="documents"):
                doc_parts = _build_documents_tab(assistant, access, ask_parts)

        def refresh() -> tuple[Any, ...]:
            choices = _doc_choices(assistant)
            short = findings_tab.doc_choices(assistant)
            first, last = findings_tab.compare_defaults(assistant)
            return (
                gr.update(visible=not choices),
                gr.update(choices=choices),
                *_documents_views(assistant),
                gr.update(choices=choices),
                gr.update(choices=short),
                gr.update(choices=short, value=first),
                gr.update(choices=short, value=last),
                gr.update(choices=short),
            )

        refresh_outputs = [
            ask_parts["empty"],
            ask_parts["docs"],
            doc_parts["table"],
            doc_parts["cards"],
            doc_parts["picker"],
            findings_parts["docs"],
            findings_parts["compare_a"],
            findings_parts["compare_b"],
            quiz_parts["docs"],
        ]
        # on load, then the findings table and charts (every report's findings to start with)
        demo.load(refresh, None, refresh_outputs).then(
            findings_parts["show"], findings_parts["filters"], findings_parts["outputs"]
        )
        doc_parts["uploaded"].then(refresh, None, refresh_outputs)
    return demo
