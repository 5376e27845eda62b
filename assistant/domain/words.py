"""The domain's words as value types: grades (with their order), timescales (parsed and ordered),
number words, section kinds and finding types. Defined once; parsing, findings, quizzes and the
UI all read them from here."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Literal


class SectionKind(StrEnum):
    """What a section is for. Child sections inherit their parent's kind unless their heading
    names a kind of its own (a case study inside "Main findings" is a `case_study`)."""

    FRONT_MATTER = "front_matter"
    CONTENTS = "contents"
    FOREWORD = "foreword"
    SUMMARY = "summary"
    INTRODUCTION = "introduction"
    CHAPTER = "chapter"
    JUDGMENT_AREA = "judgment_area"
    MAIN_FINDINGS = "main_findings"
    AREAS_FOR_IMPROVEMENT = "areas_for_improvement"
    RECOMMENDATIONS = "recommendations"
    CASE_STUDY = "case_study"
    INNOVATIVE_PRACTICE = "innovative_practice"
    CONCLUSION = "conclusion"
    NEXT_STEPS = "next_steps"
    ANNEX = "annex"


class FindingType(StrEnum):
    """What a finding is: the things a lead reads a report for."""

    RECOMMENDATION = "recommendation"
    AREA_FOR_IMPROVEMENT = "area_for_improvement"
    CAUSE_OF_CONCERN = "cause_of_concern"
    JUDGMENT = "judgment"
    CASE_STUDY = "case_study"
    INNOVATIVE_PRACTICE = "innovative_practice"
    HEADLINE_FIGURE = "headline_figure"


# --- grades --------------------------------------------------------------------------------------


class Grade(StrEnum):
    """The inspectorate's grading scale, best first."""

    OUTSTANDING = "Outstanding"
    GOOD = "Good"
    ADEQUATE = "Adequate"
    REQUIRES_IMPROVEMENT = "Requires improvement"
    INADEQUATE = "Inadequate"

    @property
    def rank(self) -> int:
        """0 for the worst grade, 4 for the best: for charts and sorting."""
        return len(GRADES) - 1 - GRADES.index(self)

    @property
    def is_poor(self) -> bool:
        return self in (Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE)

    @property
    def reading(self) -> Literal["good", "mixed", "poor"]:
        """How a lead reads the grade: good practice, mixed, or poor."""
        if self in (Grade.OUTSTANDING, Grade.GOOD):
            return "good"
        return "poor" if self.is_poor else "mixed"

    @classmethod
    def leading(cls, text: str) -> Grade | None:
        """The grade `text` starts with ("35 inadequate" → no; "inadequate cases" → yes)."""
        lowered = " ".join(text.split()).lower()
        return next((g for g in cls if lowered.startswith(g.value.lower())), None)

    @classmethod
    def parse(cls, text: str) -> Grade | None:
        """The grade `text` is, ignoring case and spacing; None when it is no grade."""
        wanted = " ".join(text.split()).lower()
        return next((g for g in cls if g.value.lower() == wanted), None)


GRADES: tuple[Grade, ...] = tuple(Grade)
"""Best first, as the reports list them."""


# --- numbers -------------------------------------------------------------------------------------

NUMBER_WORDS: dict[str, int] = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
}
"""Numbers the reports write as words."""

_WORD_FOR = {n: w for w, n in NUMBER_WORDS.items()}


def number_word(n: int) -> str:
    """3 → "three"; numbers the reports write as digits stay digits."""
    return _WORD_FOR.get(n, str(n))


def parse_number(text: str) -> int | None:
    """ "three" or "3" → 3 ("a"/"an" count as one); None for anything else."""
    word = text.strip().lower()
    if word.isdigit():
        return int(word)
    if word in ("a", "an"):
        return 1
    return NUMBER_WORDS.get(word)


# --- timescales ----------------------------------------------------------------------------------

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_TIMESCALE = re.compile(
    r"\b(?P<now>immediately)\b"
    r"|\bwithin\s+(?:the\s+next\s+)?(?P<n>\d{1,3}|an?|" + "|".join(NUMBER_WORDS) + r")\s+"
    r"(?P<unit>day|week|month|year)s?\b"
    r"|\bby\s+(?P<date>(?:the\s+end\s+of\s+)?(?:\d{1,2}\s+)?(?:" + MONTHS + r")(?:\s+\d{4})?"
    r"|\d{1,2}/\d{1,2}/\d{2,4}|(?:the\s+end\s+of\s+)?\d{4}\b)",
    re.I,
)
_WITHIN = re.compile(r"^within\s+(\w+)\s+(day|week|month|year)s?$")


def parse_timescale(text: str) -> str | None:
    """The first timescale `text` states, in one canonical wording: "immediately", "within three
    months" (numbers as words up to twelve, units pluralised as needed), "by 31 March 2023"."""
    match = _TIMESCALE.search(text)
    if match is None:
        return None
    if match.group("now"):
        return "immediately"
    if match.group("date"):
        return "by " + " ".join(match.group("date").split())
    n = parse_number(match.group("n")) or 0
    unit = match.group("unit").lower() + ("s" if n != 1 else "")
    return f"within {number_word(n) if n <= 12 else n} {unit}"


def timescale_days(timescale: str) -> float | None:
    """How many days a "within N units" timescale allows (0 for "immediately"); None for dated
    or other wording."""
    text = " ".join(timescale.lower().split())
    if text == "immediately":
        return 0.0
    match = _WITHIN.match(text)
    if match:
        n = parse_number(match.group(1))
        if n is not None:
            return float(n * _UNIT_DAYS[match.group(2)])
    return None


def timescale_key(timescale: str) -> tuple[int, float, str]:
    """Order timescales by urgency: immediately, then "within N days/weeks/months/years" by
    length, then dated or other wording, then "no timescale"."""
    text = " ".join(timescale.lower().split())
    days = timescale_days(text)
    if days is not None:
        return (0 if days == 0 else 1, days, text)
    if text == "no timescale":
        return (3, 0.0, text)
    return (2, 0.0, text)
