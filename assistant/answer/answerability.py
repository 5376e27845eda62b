"""Whether the evidence answers the question's type, not merely its topic: a "how many" needs a
figure about its subject, a "what budget" needs money, a year no document covers is named as
such. Pure functions over text, so each rule is tested on its own."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from assistant.domain.records import Document
from assistant.domain.text import tokens
from assistant.domain.words import NUMBER_WORDS
from assistant.retrieve.vocabulary import Vocabulary

_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_COUNT_QUESTION = re.compile(
    r"\b(?:how many|how much|number of|what (?:percentage|proportion|share) of)\s+(.+)", re.I
)
_PHRASE_END = re.compile(
    r"\b(?:did|does|do|were|was|are|is|have|has|had|went|go|got|get|in|on|at|for|from|by|"
    r"during|per|a|an|the|with|of|there|does|will|would|could|can)\b|[?,.]",
    re.I,
)
_FIGURE = re.compile(
    r"\d|\b(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\b|\bhalf\b", re.I
)
_MONEY_EVIDENCE = re.compile(r"£|\bbudget\b|\bspen[dt]\b|\bfunding of\b|\bmillion\b", re.I)


def document_years(documents: Iterable[Document]) -> set[int]:
    years: set[int] = set()
    for document in documents:
        if document.year:
            years.add(document.year)
        for text in (document.published, document.inspection_period):
            years |= {int(y) for y in _YEAR.findall(text or "")}
    return years


def uncovered_years(question: str, documents: Iterable[Document], evidence: str) -> list[int]:
    """Years the question asks about that no document is from and the evidence never
    mentions ("arrests in 2024" when the reports are from 2021 and 2025)."""
    held = document_years(documents)
    asked = [int(y) for y in _YEAR.findall(question)]
    return [y for y in dict.fromkeys(asked) if y not in held and str(y) not in evidence]


def periods(documents: Iterable[Document]) -> str:
    """The periods the documents cover, for a refusal to name."""
    parts = []
    for document in sorted(documents, key=lambda d: d.year or 0):
        when = document.inspection_period or (str(document.year) if document.year else "")
        parts.append(f"{document.label} ({when})" if when else document.label)
    return ", ".join(parts)


def counted_subject(question: str) -> str | None:
    """The thing a "how many" question counts: the last word of the phrase after "how many"
    ("how many domestic abuse arrests did..." -> "arrests"); None for other questions."""
    match = _COUNT_QUESTION.search(question)
    if not match:
        return None
    phrase = _PHRASE_END.split(match.group(1), maxsplit=1)[0].split()
    return phrase[-1] if phrase else None


def has_figure(text: str) -> bool:
    return bool(_FIGURE.search(text))


def figure_about(subject: str, texts: Sequence[str], terms: Vocabulary | None) -> int | None:
    """Index of the first text holding a figure and the counted subject (or what its
    abbreviation or everyday word stands for), or None."""
    wanted = set(tokens(subject))
    if terms is not None:
        for meaning in terms.expansions(subject):
            wanted |= set(tokens(meaning))
    if not wanted:
        return None
    for index, text in enumerate(texts):
        if has_figure(text) and wanted & set(tokens(text)):
            return index
    return None


def money_in(texts: Sequence[str]) -> bool:
    return any(_MONEY_EVIDENCE.search(t) and has_figure(t) for t in texts)
