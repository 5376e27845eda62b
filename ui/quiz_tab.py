"""The Quiz tab, for trainers: build a quiz from a topic (or a section) of the reports, preview
every question with its answer, feedback and source, and download it for Moodle (GIFT, XML),
a spreadsheet (CSV) or a handout (Markdown)."""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.core import Assistant
from assistant.quiz.builder import MAX_QUESTIONS, QuizError
from assistant.quiz.exporters import EXTENSIONS, export
from assistant.quiz.records import QuizResult
from ui import render

log = logging.getLogger(__name__)

EXPORTS = [
    ("gift", "⬇ GIFT (Moodle)"),
    ("moodle-xml", "⬇ Moodle XML"),
    ("csv", "⬇ CSV"),
    ("md", "⬇ Markdown handout"),
]
TYPE_CHOICES = [(label, key) for key, label in render.QUESTION_TYPE_LABELS.items()]
QUIZ_HINT = "Give a topic (or a section), then press Build quiz to preview it here."
EXPORT_ROOT = Path(tempfile.gettempdir()) / "ia-quiz-exports"
KEEP_EXPORTS_S = 3600


def write_exports(result: QuizResult, what: str, root: Path = EXPORT_ROOT) -> dict[str, Path]:
    """The quiz in every format, as files named quiz-<slug>.<ext> in a fresh folder under
    `root` (folders older than an hour are removed)."""
    root.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - KEEP_EXPORTS_S
    for old in root.iterdir():
        try:
            if old.is_dir() and old.stat().st_mtime < cutoff:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass
    folder = root / uuid.uuid4().hex
    folder.mkdir()
    title = f"Quiz: {what}"
    files = {}
    for fmt, _ in EXPORTS:
        path = folder / render.quiz_filename(what, EXTENSIONS[fmt])
        path.write_text(export(result.questions, fmt, title), encoding="utf-8")
        files[fmt] = path
    return files


def _hidden_downloads() -> list[Any]:
    return [gr.update(value=None, visible=False) for _ in EXPORTS]


def build_quiz(assistant: Assistant):
    def build(
        topic: str | None,
        section: str | None,
        doc_ids: list[str] | None,
        n: float | None,
        types: list[str] | None,
        seed: float | None,
    ) -> tuple[Any, ...]:
        topic = " ".join((topic or "").split())
        section = (section or "").strip()
        if not topic and not section:
            return (
                "",
                render.render_placeholder("Give a topic or a section to quiz on."),
                *_hidden_downloads(),
            )
        if topic and section:
            return (
                "",
                render.render_error("give a topic or a section, not both"),
                *_hidden_downloads(),
            )
        if not types:
            return (
                "",
                render.render_error("tick at least one question type"),
                *_hidden_downloads(),
            )
        if len(topic) > assistant.settings.max_question_chars:
            return "", render.render_error("the topic is too long"), *_hidden_downloads()
        what = topic or section
        try:
            result = assistant.quiz.run(
                topic=topic or None,
                section=section or None,
                doc_ids=list(doc_ids or []),
                n=int(n or 10),
                types=list(types),
                seed=int(seed or 0),
            )
        except QuizError as error:
            return "", render.render_error(str(error)), *_hidden_downloads()
        except Exception as error:
            log.exception("building a quiz failed")
            message = f"something went wrong ({type(error).__name__})."
            return "", render.render_error(message), *_hidden_downloads()
        files = write_exports(result, what)
        downloads = [gr.update(value=str(files[fmt]), visible=True) for fmt, _ in EXPORTS]
        status = "**Download the quiz:**" if result.questions else ""
        return status, render.render_quiz(result), *downloads

    return build


def build_quiz_tab(assistant: Assistant, doc_choices: list[tuple[str, str]]) -> dict[str, Any]:
    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=320, elem_id="quiz-form"):
            topic = gr.Textbox(
                label="Topic",
                placeholder="e.g. police detention",
                elem_id="quiz-topic",
            )
            section = gr.Textbox(
                label="…or a section",
                placeholder="its id (s012) or part of its heading",
                elem_id="quiz-section",
            )
            docs = gr.Dropdown(
                choices=doc_choices,
                multiselect=True,
                label="Reports",
                info="Empty: every report.",
                elem_id="quiz-docs",
            )
            types = gr.CheckboxGroup(
                choices=TYPE_CHOICES,
                value=["mcq", "true_false"],
                label="Question types",
                elem_id="quiz-types",
            )
            with gr.Row():
                n = gr.Number(
                    value=10,
                    minimum=1,
                    maximum=MAX_QUESTIONS,
                    precision=0,
                    label="Questions",
                    elem_id="quiz-n",
                )
                seed = gr.Number(
                    value=0,
                    precision=0,
                    label="Seed",
                    info="Same seed, same quiz.",
                    elem_id="quiz-seed",
                )
            go = gr.Button("Build quiz", variant="primary", elem_id="quiz-build")
            status = gr.Markdown("", elem_id="quiz-status")
            with gr.Row(elem_id="quiz-downloads"):
                downloads = [
                    gr.DownloadButton(
                        label,
                        visible=False,
                        size="sm",
                        elem_id=f"quiz-download-{fmt}",
                        min_width=120,
                    )
                    for fmt, label in EXPORTS
                ]
        with gr.Column(scale=2, min_width=480):
            preview = gr.HTML(
                render.render_placeholder(QUIZ_HINT),
                elem_id="quiz-preview",
                apply_default_css=False,
            )

    build = build_quiz(assistant)
    inputs = [topic, section, docs, n, types, seed]
    outputs = [status, preview, *downloads]
    go.click(build, inputs, outputs)
    topic.submit(build, inputs, outputs)
    section.submit(build, inputs, outputs)
    return {"docs": docs}
