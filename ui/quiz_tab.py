"""The Quiz tab, for trainers: build a quiz from a topic, a section, chapters or whole reports,
with the mix of kinds and a difficulty; preview every question with its answer, feedback and
source (or with the answers hidden, to project to a class); and download it for Moodle (GIFT,
XML), a spreadsheet (CSV) or a handout (Markdown) from beside the preview."""

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
from assistant.domain.errors import AssistantError
from assistant.quiz.builder import MAX_QUESTIONS
from assistant.quiz.exporters import EXTENSIONS, export
from assistant.quiz.records import DEFAULT_TYPES, KINDS, QuizResult
from ui import render

log = logging.getLogger(__name__)

EXPORTS = [
    ("gift", "⬇ GIFT (Moodle)"),
    ("moodle-xml", "⬇ Moodle XML"),
    ("csv", "⬇ CSV"),
    ("md", "⬇ Markdown handout"),
]
TYPE_CHOICES = [(label, key) for key, label in render.QUESTION_TYPE_LABELS.items()]
KIND_CHOICES = [(render.KIND_LABELS[k], k) for k in KINDS]
QUIZ_HINT = (
    "Give a topic, a section, chapters or reports, then press Build quiz to preview it here."
)
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


def _failed(html: str) -> tuple[Any, ...]:
    return (None, html, *_hidden_downloads())


def build_quiz(assistant: Assistant):
    def build(
        topic: str | None,
        section: str | None,
        doc_ids: list[str] | None,
        chapters: list[str] | None,
        n: float | None,
        types: list[str] | None,
        kinds: list[str] | None,
        difficulty: str | None,
        seed: float | None,
        hide_answers: bool,
    ) -> tuple[Any, ...]:
        topic = " ".join((topic or "").split())
        section = (section or "").strip()
        if not (topic or section or chapters or doc_ids):
            return _failed(
                render.render_placeholder("Give a topic, a section, chapters or reports.")
            )
        if not types:
            return _failed(render.render_error("tick at least one question type"))
        what = topic or section or ", ".join(chapters or doc_ids or [])
        try:
            result = assistant.quiz.run(
                topic=topic or None,
                section=section or None,
                doc_ids=list(doc_ids or []),
                chapters=list(chapters or []),
                n=int(n or 10),
                types=list(types),
                kinds=list(kinds) if kinds and set(kinds) != set(KINDS) else None,
                difficulty=difficulty or "easy",
                seed=int(seed or 0),
            )
        except AssistantError as error:
            return _failed(render.render_error(str(error)))
        except Exception as error:
            log.exception("building a quiz failed")
            return _failed(render.render_error(f"something went wrong ({type(error).__name__})."))
        files = write_exports(result, what)
        downloads = [gr.update(value=str(files[fmt]), visible=True) for fmt, _ in EXPORTS]
        return result, render.render_quiz(result, not hide_answers), *downloads

    return build


def toggle_answers(result: QuizResult | None, hide_answers: bool) -> str:
    """The same quiz with answers shown or hidden (hidden: to project to a class)."""
    if result is None:
        return render.render_placeholder(QUIZ_HINT)
    return render.render_quiz(result, not hide_answers)


def chapter_choices(assistant: Assistant) -> list[tuple[str, str]]:
    return [(f"{d}: {h}", h) for d, h in assistant.quiz.chapters()]


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
            chapters = gr.Dropdown(
                choices=chapter_choices(assistant),
                multiselect=True,
                label="Chapters",
                info="Empty: every chapter.",
                elem_id="quiz-chapters",
            )
            types = gr.CheckboxGroup(
                choices=TYPE_CHOICES,
                value=list(DEFAULT_TYPES),
                label="Question types",
                elem_id="quiz-types",
            )
            kinds = gr.CheckboxGroup(
                choices=KIND_CHOICES,
                value=list(KINDS),
                label="Kinds",
                info="All ticked: the trainer's mix (figure and timescale recall at most a quarter).",
                elem_id="quiz-kinds",
            )
            difficulty = gr.Radio(
                choices=[
                    ("Easy: distractors from other chapters", "easy"),
                    ("Hard: from the same chapter", "hard"),
                ],
                value="easy",
                label="Difficulty",
                elem_id="quiz-difficulty",
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
        with gr.Column(scale=2, min_width=480):
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
            hide = gr.Checkbox(
                value=False,
                label="Hide answers (to project to a class)",
                elem_id="quiz-hide-answers",
            )
            preview = gr.HTML(
                render.render_placeholder(QUIZ_HINT),
                elem_id="quiz-preview",
                apply_default_css=False,
            )
    state = gr.State(None)

    build = build_quiz(assistant)
    inputs = [topic, section, docs, chapters, n, types, kinds, difficulty, seed, hide]
    outputs = [state, preview, *downloads]
    hide.change(toggle_answers, [state, hide], preview)
    go.click(build, inputs, outputs)
    topic.submit(build, inputs, outputs)
    section.submit(build, inputs, outputs)
    return {"docs": docs}
