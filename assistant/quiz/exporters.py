"""A quiz as a file: Moodle GIFT, Moodle XML, CSV (one row per question) or a Markdown
handout with answers and sources."""

from __future__ import annotations

import csv
import html
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from typing import Literal

from assistant.quiz.gift import escape
from assistant.quiz.records import QuizQuestion

Format = Literal["gift", "moodle-xml", "csv", "md"]
FORMATS: tuple[Format, ...] = ("gift", "moodle-xml", "csv", "md")
CONTENT_TYPES: dict[str, str] = {
    "gift": "text/plain; charset=utf-8",
    "moodle-xml": "application/xml; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}
EXTENSIONS = {"gift": "gift", "moodle-xml": "xml", "csv": "csv", "md": "md"}
CSV_COLUMNS = [
    "name",
    "kind",
    "type",
    "question",
    "options",
    "answer",
    "explanation",
    "source",
    "quote",
    "id",
]
MOODLE_FRACTIONS = (100, 50, 33.33333, 25, 20, 16.66667, 14.28571, 12.5, 11.11111, 10)
"""Moodle accepts only these grades for an answer; multi-answer credit is split with them."""


def slug(text: str, limit: int = 48) -> str:
    """A file- and name-safe slug: "Police detention!" → "police-detention" ("quiz" when
    empty)."""
    value = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    value = value[:limit].rstrip("-")
    return value or "quiz"


def fraction(count: int) -> str:
    """Each of `count` right answers' share of the credit, as Moodle wants it: "33.33333"."""
    share = 100 / count if count else 0
    best = min(MOODLE_FRACTIONS, key=lambda f: abs(f - share))
    return f"{best:g}"


def general_feedback(q: QuizQuestion) -> str:
    return f"{q.explanation} Source: {q.source}."


def _accepted(q: QuizQuestion) -> list[str]:
    return [q.answer_text, *q.alternatives]


# --- GIFT --------------------------------------------------------------------------------


def to_gift(questions: Sequence[QuizQuestion], title: str = "") -> str:
    lines = [f"// {escape(title)}" if title else "// quiz", ""]
    for q in questions:
        lines.append(f"// source: {' '.join(q.source.split())}")
        head = f"::{escape(q.label)}::{escape(q.stem)} {{"
        general = f"####{escape(general_feedback(q))}"
        if q.type == "true_false":
            assert isinstance(q.answer, int)
            truth = q.answer == 0
            right, wrong = q.feedback[q.answer], q.feedback[1 - q.answer]
            notes = f"#{escape(wrong)}" + (f"#{escape(right)}" if right else "")
            lines.append(f"{head}{'TRUE' if truth else 'FALSE'}{notes}{general}}}")
        elif q.type == "short":
            answers = " ".join(f"={escape(a)}" for a in _accepted(q))
            lines.append(f"{head}{answers}{general}}}")
        elif q.type == "ordering":
            # GIFT has no ordering question: a matching question, each step to its place
            lines.append(head)
            for place, i in enumerate(q.right, start=1):
                lines.append(f"={escape(q.options[i])} -> {place}")
            lines.append(general)
            lines.append("}")
        else:
            lines.append(head)
            for i, option in enumerate(q.options):
                lines.append(f"{_gift_mark(q, i)}{escape(option)}{_gift_note(q, i)}")
            lines.append(general)
            lines.append("}")
        lines.append("")
    return "\n".join(lines)


def _gift_mark(q: QuizQuestion, i: int) -> str:
    if q.type != "multi":
        return "=" if i == q.answer else "~"
    right = q.right
    wrong = len(q.options) - len(right)
    return f"~%{fraction(len(right))}%" if i in right else f"~%-{fraction(wrong)}%"


def _gift_note(q: QuizQuestion, i: int) -> str:
    return f"#{escape(q.feedback[i])}" if q.feedback[i] else ""


# --- Moodle XML --------------------------------------------------------------------------


def _text(parent: ET.Element, tag: str, value: str, html_format: bool = True) -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": "html"} if html_format else {})
    ET.SubElement(element, "text").text = value
    return element


def _para(text: str) -> str:
    return f"<p>{html.escape(text, quote=False)}</p>"


MOODLE_TYPES = {
    "mcq": "multichoice",
    "multi": "multichoice",
    "true_false": "truefalse",
    "short": "shortanswer",
    "ordering": "ordering",
}
"""Multi-select is Moodle's multiple-answer multichoice; ordering is Moodle's ordering type."""


def _answer(parent: ET.Element, grade: str, text: str, feedback: str, html_format: bool) -> None:
    answer = ET.SubElement(
        parent,
        "answer",
        {"fraction": grade, "format": "html" if html_format else "moodle_auto_format"},
    )
    ET.SubElement(answer, "text").text = _para(text) if html_format else text
    _text(answer, "feedback", _para(feedback) if feedback else "")


def to_moodle_xml(questions: Sequence[QuizQuestion], title: str = "") -> str:
    quiz = ET.Element("quiz")
    if title:
        category = ET.SubElement(quiz, "question", {"type": "category"})
        ET.SubElement(
            ET.SubElement(category, "category"), "text"
        ).text = f"$course$/{title.replace('/', '-')}"
    for q in questions:
        question = ET.SubElement(quiz, "question", {"type": MOODLE_TYPES[q.type]})
        ET.SubElement(ET.SubElement(question, "name"), "text").text = q.label
        _text(question, "questiontext", _para(q.stem))
        _text(
            question,
            "generalfeedback",
            _para(q.explanation) + _para(f"Source: {q.source}."),
        )
        ET.SubElement(question, "defaultgrade").text = "1"
        if q.type in ("mcq", "multi"):
            multi = q.type == "multi"
            ET.SubElement(question, "single").text = "false" if multi else "true"
            ET.SubElement(question, "shuffleanswers").text = "true"
            ET.SubElement(question, "answernumbering").text = "abc"
            right = q.right
            for i, option in enumerate(q.options):
                if multi:
                    share = fraction(len(right) if i in right else len(q.options) - len(right))
                    grade = share if i in right else f"-{share}"
                else:
                    grade = "100" if i == q.answer else "0"
                _answer(question, grade, option, q.feedback[i], True)
        elif q.type == "true_false":
            for i, value in enumerate(("true", "false")):
                _answer(question, "100" if i == q.answer else "0", value, q.feedback[i], False)
        elif q.type == "ordering":
            ET.SubElement(question, "layouttype").text = "VERTICAL"
            ET.SubElement(question, "selecttype").text = "ALL"
            ET.SubElement(question, "selectcount").text = "0"
            ET.SubElement(question, "gradingtype").text = "ABSOLUTE_POSITION"
            for place, i in enumerate(q.right, start=1):
                _answer(question, str(place), q.options[i], q.feedback[i], True)
        else:
            ET.SubElement(question, "usecase").text = "0"
            for accepted in _accepted(q):
                _answer(question, "100", accepted, "", False)
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="unicode", xml_declaration=True) + "\n"


# --- CSV -----------------------------------------------------------------------------------


def to_csv(questions: Sequence[QuizQuestion], title: str = "") -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for q in questions:
        writer.writerow(
            {
                "name": q.label,
                "id": q.id,
                "kind": q.kind,
                "type": q.type,
                "question": q.stem,
                "options": " | ".join(q.options),
                "answer": q.answer_text,
                "explanation": q.explanation,
                "source": q.source,
                "quote": " ".join(q.citation.quote.split()),
            }
        )
    return out.getvalue()


# --- Markdown ------------------------------------------------------------------------------


def _md(text: str) -> str:
    """Keep report text literal in Markdown: emphasis marks escaped, HTML shown, never run."""
    flat = html.escape(" ".join(text.split()), quote=False)
    return flat.replace("*", r"\*").replace("_____", r"\_\_\_\_\_")


def to_markdown(questions: Sequence[QuizQuestion], title: str = "") -> str:
    lines = [f"# {title or 'Quiz'}", ""]
    reports = sorted({q.citation.doc_label for q in questions})
    lines += [f"{len(questions)} questions from {', '.join(reports)}.", "", "## Questions", ""]
    letters = "abcdefgh"
    for n, q in enumerate(questions, start=1):
        lines.append(f"**{n}.** {_md(q.stem)}")
        lines.append("")
        if q.type == "short":
            lines.append("Answer: ____________________")
        else:
            lines += [f"- {letters[i]}) {_md(o)}" for i, o in enumerate(q.options)]
        lines.append("")
    lines += ["## Answers", ""]
    for n, q in enumerate(questions, start=1):
        if isinstance(q.answer, list):
            sep = " → " if q.type == "ordering" else "; "
            answer = sep.join(f"{letters[i]}) {_md(q.options[i])}" for i in q.answer)
        elif isinstance(q.answer, int):
            answer = f"{letters[q.answer]}) {_md(q.answer_text)}"
        else:
            answer = _md(q.answer_text)
            if q.alternatives:
                answer += " (also accepted: " + ", ".join(_md(a) for a in q.alternatives) + ")"
        lines.append(f"**{n}. {answer}**")
        lines.append("")
        lines.append(f"{_md(q.explanation)}")
        for i, note in enumerate(q.feedback):
            if note and i not in q.right:
                lines.append(f"- Not {letters[i]}) {_md(q.options[i])}: {_md(note)}")
        lines.append("")
        lines.append(f"Source: {_md(q.source)} — “{_md(q.citation.quote)}”")
        lines.append("")
    return "\n".join(lines)


EXPORTERS: dict[str, Callable[[Sequence[QuizQuestion], str], str]] = {
    "gift": to_gift,
    "moodle-xml": to_moodle_xml,
    "csv": to_csv,
    "md": to_markdown,
}


def export(questions: Sequence[QuizQuestion], format: str, title: str = "") -> str:
    if format not in EXPORTERS:
        raise ValueError(f"unknown format {format!r}; choose from {', '.join(FORMATS)}")
    return EXPORTERS[format](questions, title)
