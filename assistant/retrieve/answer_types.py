"""What kind of answer a question asks for (a figure, how often, how long, when) and whether a
sentence gives one: "how often do the DA risk conferences sit?" is answered by "In eight hubs,
MARACs take place weekly", not by the passage that says most about MARACs."""

from __future__ import annotations

import re
from enum import StrEnum

from assistant.domain.text import YEAR
from assistant.domain.words import MONTHS, NUMBER_WORDS

_NUMBER = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))


class AnswerType(StrEnum):
    FIGURE = "figure"
    FREQUENCY = "frequency"
    DURATION = "duration"
    DATE = "date"


_ASKED: dict[AnswerType, re.Pattern[str]] = {
    AnswerType.FIGURE: re.compile(
        r"\bhow (?:many|much)\b|\bnumber of\b"
        r"|\bwhat (?:number|proportion|percentage|share|fraction|%|per ?cent)",
        re.I,
    ),
    AnswerType.FREQUENCY: re.compile(
        r"\bhow (?:often|frequently|regularly)\b|\bhow many times\b", re.I
    ),
    AnswerType.DURATION: re.compile(
        r"\bhow (?:long|quickly|soon|fast)\b|\bwithin what\b|\btime ?scales?\b|\bdeadlines?\b"
        r"|\bby when\b|\bhow many (?:minutes|hours|days|weeks|months)\b"
        r"|\b(?:max(?:imum)?|longest) (?:length|time|period|duration)\b",
        re.I,
    ),
    # "when did it start" asks for a date; "when does a child count as a victim" a condition
    AnswerType.DATE: re.compile(
        r"^\s*when (?:did|was|were|had|has|have|will)\b|\bwhat (?:date|year|month)\b"
        r"|\bin which (?:year|month)\b",
        re.I,
    ),
}

_GIVEN: dict[AnswerType, re.Pattern[str]] = {
    AnswerType.FIGURE: re.compile(
        rf"\d|\b(?:{_NUMBER}|half|a third|a quarter)\b|\bper ?cent\b|%", re.I
    ),
    AnswerType.FREQUENCY: re.compile(
        r"\b(?:daily|weekly|fortnightly|monthly|quarterly|annually|yearly|once|twice"
        r"|every (?:day|week|month|year|\w+ (?:days|weeks|months))"
        r"|times? a (?:day|week|month|year)|(?:a|per|each) (?:day|week|month|year))\b",
        re.I,
    ),
    AnswerType.DURATION: re.compile(
        rf"\b(?:\d+|{_NUMBER}) (?:minutes?|hours?|days?|weeks?|months?|years?)\b"
        r"|\b(?:within|immediately|maximum|hours|days)\b",
        re.I,
    ),
    AnswerType.DATE: re.compile(rf"{YEAR.pattern}|\b(?:{MONTHS})\b"),
}


SHOULD = re.compile(r"\b(?:should|must|need to|needs to|expected to)\b", re.I)
"""Where a sentence says what should be done."""
REPORTED = re.compile(
    r"\b(?:told us|told inspectors|we were told|said (?:that|they)|say (?:that|they)|"
    r"explained (?:that|they)|believed|felt that)\b",
    re.I,
)
"""What someone told the inspectors: "officers told us there was no need to record..."."""


def is_directive(sentence: str) -> bool:
    """Says what should or must be done, in the report's own voice: the answer to "what
    should I do" (not what someone told the inspectors they thought)."""
    return bool(SHOULD.search(sentence)) and not REPORTED.search(sentence)


def asked_types(question: str) -> frozenset[AnswerType]:
    """The kinds of answer the question's wording asks for (none for most questions)."""
    return frozenset(kind for kind, pattern in _ASKED.items() if pattern.search(question))


def gives(sentence: str, kinds: frozenset[AnswerType]) -> bool:
    """Whether the sentence holds an answer of one of `kinds`: a figure, a frequency..."""
    return any(_GIVEN[kind].search(sentence) for kind in kinds)
