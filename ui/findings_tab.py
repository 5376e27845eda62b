"""The Findings tab, for leads: filter a table of findings (by report, type and topic), see
each report's graded judgments and recommendation timescales as small charts, and compare two
reports on one topic side by side with a cited "What changed" list."""

from __future__ import annotations

import logging
from typing import Any

import gradio as gr
import pandas as pd

from assistant.core import Assistant
from assistant.domain.errors import AssistantError
from assistant.domain.records import FindingType
from assistant.services.findings import FINDING_TYPES
from ui import render

log = logging.getLogger(__name__)

COMPARE_HINT = "Pick a topic and two reports, then press Compare."


def doc_choices(assistant: Assistant) -> list[tuple[str, str]]:
    """Reports by their short label ("Staffordshire 2021"), with the id when labels clash."""
    documents = assistant.documents()
    labels = [d.label for d in documents]
    return [
        (d.label if labels.count(d.label) == 1 else f"{d.label} — {d.doc_id}", d.doc_id)
        for d in documents
    ]


def _type_choices() -> list[tuple[str, str]]:
    return [(render.finding_type_label(t), t) for t in FINDING_TYPES]


def compare_defaults(assistant: Assistant) -> tuple[str | None, str | None]:
    """The earliest and the latest report (by year), when there are two."""
    documents = sorted(assistant.documents(), key=lambda d: (d.year or 0, d.doc_id))
    if len(documents) < 2:
        return None, None
    return documents[0].doc_id, documents[-1].doc_id


def _frame(rows: list[list[str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=render.FINDING_HEADERS)


def _labels(assistant: Assistant, doc_ids: list[str]) -> list[str]:
    documents = assistant.documents()
    chosen = [d for d in documents if not doc_ids or d.doc_id in doc_ids]
    return [d.label for d in chosen]


def show_findings(assistant: Assistant):
    def show(doc_ids: list[str] | None, types: list[str] | None, topic: str | None) -> tuple:
        doc_ids = list(doc_ids or [])
        try:
            found = assistant.list_findings(doc_ids or None, list(types or []) or None, topic)
            judgments = assistant.list_findings(doc_ids or None, [FindingType.JUDGMENT.value])
            recommendations = assistant.list_findings(
                doc_ids or None, [FindingType.RECOMMENDATION.value]
            )
        except Exception as error:
            if not isinstance(error, AssistantError):
                log.exception("listing findings failed")
            message = render.render_error_md(
                f"could not list findings: {render.error_message(error)}"
            )
            return (message, _frame([]), "", "", "")
        reports = _labels(assistant, doc_ids)
        rows = render.finding_rows(found)
        return (
            render.findings_summary(found, " ".join((topic or "").split())),
            _frame(rows),
            render.render_cards(render.FINDING_HEADERS, rows, "Findings"),
            render.render_grades_chart(judgments, reports),
            render.render_timescales_chart(recommendations, reports),
        )

    return show


def run_compare(assistant: Assistant):
    def compare(topic: str | None, doc_a: str | None, doc_b: str | None) -> str:
        topic = " ".join((topic or "").split())
        if not topic:
            return render.render_placeholder("Type a topic to compare, e.g. missing children.")
        if not doc_a or not doc_b:
            return render.render_placeholder("Pick two reports to compare.")
        if doc_a == doc_b:
            return render.render_placeholder("Pick two different reports.")
        try:
            return render.render_comparison(assistant.findings.compare(topic, doc_a, doc_b))
        except Exception as error:
            if not isinstance(error, AssistantError):
                log.exception("comparing failed")
            return render.render_error(render.error_message(error))

    return compare


def build_findings_tab(assistant: Assistant) -> dict[str, Any]:
    choices = doc_choices(assistant)
    with gr.Row(equal_height=False, elem_id="findings-filters"):
        docs = gr.Dropdown(
            choices=choices,
            multiselect=True,
            label="Reports",
            info="Empty: every report.",
            elem_id="findings-docs",
            scale=3,
        )
        types = gr.Dropdown(
            choices=_type_choices(),
            multiselect=True,
            label="Types",
            info="Empty: every type.",
            elem_id="findings-types",
            scale=3,
        )
        topic = gr.Textbox(
            label="Topic",
            info="Matched by meaning, e.g. missing children.",
            placeholder="Any topic",
            elem_id="findings-topic",
            scale=3,
        )
        apply = gr.Button("Show findings", variant="primary", elem_id="findings-apply", scale=1)
    summary = gr.Markdown("", elem_id="findings-summary")
    with gr.Row(equal_height=True, elem_id="findings-charts"):
        grades = gr.HTML("", elem_id="chart-grades", apply_default_css=False)
        timescales = gr.HTML("", elem_id="chart-timescales", apply_default_css=False)
    table = gr.Dataframe(
        value=_frame([]),
        interactive=False,
        wrap=True,
        max_height=640,
        datatype=["str", "str", "str", "markdown", "str", "str"],
        elem_id="findings-table",
        elem_classes=["wide-only"],
        column_widths=["13%", "10%", "14%", "35%", "23%", "5%"],
    )
    cards = gr.HTML("", elem_id="findings-cards", apply_default_css=False)

    gr.Markdown("## Compare two reports on a topic", elem_classes=["section-title"])
    first, last = compare_defaults(assistant)
    with gr.Row(equal_height=False, elem_id="compare-form"):
        cmp_topic = gr.Textbox(
            label="Topic",
            placeholder="e.g. missing children",
            elem_id="compare-topic",
            scale=3,
        )
        cmp_a = gr.Dropdown(
            choices=choices, value=first, label="Earlier report", elem_id="compare-a", scale=2
        )
        cmp_b = gr.Dropdown(
            choices=choices, value=last, label="Later report", elem_id="compare-b", scale=2
        )
        cmp_go = gr.Button("Compare", variant="primary", elem_id="compare-go", scale=1)
    view = gr.HTML(
        render.render_placeholder(COMPARE_HINT), elem_id="compare-view", apply_default_css=False
    )

    show = show_findings(assistant)
    filters = [docs, types, topic]
    outputs = [summary, table, cards, grades, timescales]
    apply.click(show, filters, outputs)
    topic.submit(show, filters, outputs)
    compare = run_compare(assistant)
    cmp_go.click(compare, [cmp_topic, cmp_a, cmp_b], [view])
    cmp_topic.submit(compare, [cmp_topic, cmp_a, cmp_b], [view])
    return {
        "docs": docs,
        "compare_a": cmp_a,
        "compare_b": cmp_b,
        "filters": filters,
        "outputs": outputs,
        "show": show,
    }
