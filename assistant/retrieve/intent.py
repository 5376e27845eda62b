"""What kind of section a question is looking for, read from its words: "recommend" looks for
recommendations, "what needs fixing" for recommendations and areas for improvement, "an
example" or "the case of" for case studies. Retrieval gives such sections a small lift."""

from __future__ import annotations

import re

from assistant.domain.records import SectionKind as K

_CUES: list[tuple[re.Pattern[str], set[K]]] = [
    (re.compile(r"\brecommend\w*", re.I), {K.RECOMMENDATIONS}),
    (
        re.compile(
            r"\bareas? for improvement|\bneeds? (?:fixing|to improve|improving)|\bwhat should the force\b"
            r"|\b(?:change|fix|improve) about\b",
            re.I,
        ),
        {K.AREAS_FOR_IMPROVEMENT, K.RECOMMENDATIONS},
    ),
    (
        re.compile(
            r"\bcase stud\w*|\bexample\b|\bthe case (?:of|where|with)\b|\bin the \d{4} case\b", re.I
        ),
        {K.CASE_STUDY},
    ),
    (re.compile(r"\binnovati\w*", re.I), {K.INNOVATIVE_PRACTICE}),
    (
        re.compile(r"\bgraded?\b|\bgrades\b|\bjudg(?:e)?ments?\b|\brated\b", re.I),
        {K.JUDGMENT_AREA, K.SUMMARY},
    ),
    (re.compile(r"\bmain findings?\b", re.I), {K.MAIN_FINDINGS}),
    (
        re.compile(r"\bbottom line\b|\bverdict\b|\boverall\b|\bin summary\b|\bconclu\w*", re.I),
        {K.SUMMARY, K.CONCLUSION},
    ),
]


def wanted_kinds(question: str) -> set[K]:
    kinds: set[K] = set()
    for pattern, found in _CUES:
        if pattern.search(question):
            kinds |= found
    return kinds
