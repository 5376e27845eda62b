"""Police vocabulary: abbreviations and everyday words, so "DI", "kids" or "the NPCC" find the
reports that write "detective inspector", "children" and "National Police Chiefs' Council".

Two sources: abbreviations the documents define themselves ("children's social care (CSC)"),
mined from their text, and a maintained glossary (`glossary.json`, data not code) of the ones
reports spell out or assume. Both expand queries and count as known words for the unknown-name
check, which must never refuse a question for a rank or an everyday word.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from importlib import resources

from assistant.domain.text import tokens

_DEFINED = re.compile(r"\(([A-Z][A-Za-z&]{1,7})\)")
_WORD = re.compile(r"[\w'’&-]+")
_LONGEST_WINDOW = 160
_LOWERCASE_FROM = 3
_TOPIC_WORDS = 3
_DETERMINERS = r"(?:every|each|all|the|a|an|its|their|his|her|these|those|any|our|my|your)\b"


_MEMO_SIZE = 4096
"""Texts whose expansions a vocabulary remembers (questions, and the texts made from them)."""


@dataclass(frozen=True)
class Vocabulary:
    abbreviations: dict[str, str] = field(default_factory=dict)
    """Abbreviation (as written) -> what it stands for; matched case-sensitively."""
    everyday: dict[str, str] = field(default_factory=dict)
    """Lower-cased word or phrase -> the reports' words for it."""
    topics: tuple[str, ...] = ()
    """Areas of policing (lower-cased, singular) a question may be about: one no document
    mentions is a topic the documents don't cover."""
    forces: tuple[str, ...] = ()
    """Police forces by name ("West Midlands"): a question about one no document is from is
    about another force, however it is typed."""
    also_words: frozenset[str] = frozenset()
    """Abbreviations that are everyday words in lower case ("send", "pace"): only their
    capitals expand."""
    publishers: tuple[str, ...] = ()
    """The inspectorate's names: "what did HMICFRS recommend" means "what did the report"."""

    @cached_property
    def _publisher_pattern(self) -> re.Pattern[str] | None:
        if not self.publishers:
            return None
        body = "|".join(re.escape(p) for p in sorted(self.publishers, key=len, reverse=True))
        return re.compile(rf"(?<![\w-])(?:{body})(?:['’]s?)?(?![\w-])", re.I)

    def without_publisher(self, text: str) -> str:
        """The text without the inspectorate's names, when enough else remains to search by
        (every report's boilerplate names the inspectorate; the question's topic is the rest)."""
        pattern = self._publisher_pattern
        if pattern is None:
            return text
        rest = " ".join(pattern.sub(" ", text).split())
        return rest if len(tokens(rest)) >= _TOPIC_WORDS else text

    @cached_property
    def _lowercase(self) -> dict[str, str]:
        """Abbreviations of three letters or more as typed in lower case ("ppn", "somu")."""
        return {
            short.lower(): short
            for short in self.abbreviations
            if len(short) >= _LOWERCASE_FROM
            and short.lower() != short
            and short.lower() not in self.also_words
        }

    @cached_property
    def _patterns(
        self,
    ) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None, re.Pattern[str] | None]:
        """One alternation per kind, compiled once: expanding costs one scan, not one per term."""

        def alternation(
            words: Iterable[str], edge: str, plural: str = "", joined: bool = False
        ) -> re.Pattern[str] | None:
            ordered = sorted(words, key=len, reverse=True)
            if not ordered:
                return None
            escaped = (re.escape(w) for w in ordered)
            if joined:
                escaped = (re.sub(r"\\[ -]|-", "[ -]", e) for e in escaped)
            body = "|".join(escaped)
            return re.compile(rf"(?=(?<![\w{edge}])({body}){plural}(?![\w{edge}]))")

        return (
            alternation(self.abbreviations, "&", "s?"),  # "OMs", "DIs": plurals of their own
            # "cell-block" is the "cell block" of the glossary, and "lock up" its "lock-up"
            alternation(self.everyday, "-", joined=True),
            alternation(self._lowercase, "&"),
        )

    @cached_property
    def _meanings(self) -> dict[str, str]:
        """The everyday words and phrases keyed as matched: hyphens as spaces."""
        return {_joined(w): meaning for w, meaning in self.everyday.items()}

    def expansions(self, text: str) -> list[str]:
        """What the abbreviations and everyday words in `text` stand for, in order, without
        the ones the text already spells out (remembered: one question asks this a dozen
        times, and each answer tries every long form)."""
        memo = self._expansions
        if text not in memo:
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            memo[text] = self._expand_terms(text)
        return list(memo[text])

    @cached_property
    def _expansions(self) -> dict[str, list[str]]:
        return {}

    def _expand_terms(self, text: str) -> list[str]:
        lowered = text.lower()
        short, everyday, typed_lower = self._patterns
        words = _spans(everyday, lowered)
        # an abbreviation inside an everyday phrase is the phrase's: "PACE review" is a
        # detention review, not the Act
        found_short = {
            term
            for start, end, term in [*_spans(short, text), *_spans(typed_lower, text)]
            if not any(a <= start and end <= b and b - a > end - start for a, b, _ in words)
        }
        found_short = {self._lowercase.get(s, s) for s in found_short}
        # "CoP" typed in its capitals is the abbreviation, not the everyday "cop"
        found_words = {_joined(w) for _, _, w in words} - {s.lower() for s in found_short}
        # the inspectorate's name means "the report": what it stands for is boilerplate
        found = [
            long
            for s, long in self.abbreviations.items()
            if s in found_short and s not in self.publishers
        ]
        found += [meaning for w, meaning in self._meanings.items() if w in found_words]
        spelled = " ".join([lowered, *found]).lower()  # what it says, and what it stands for
        found += [s for s in self._short_forms(spelled) if s not in found_short]
        return [e for e in dict.fromkeys(found) if e.lower() not in lowered]

    def adding(self, abbreviations: dict[str, str]) -> Vocabulary:
        """This vocabulary with more abbreviations (itself when none are new)."""
        new = {k: v for k, v in abbreviations.items() if k not in self.abbreviations}
        return replace(self, abbreviations={**self.abbreviations, **new}) if new else self

    def in_place(self, text: str) -> str:
        """The text with each everyday word or phrase replaced by the reports' word for it
        ("how did west mids police do" -> "how did West Midlands police do"), longest first
        where they overlap."""
        _, everyday, _ = self._patterns
        out, end = [], 0
        for start, stop, phrase in _spans(everyday, text.lower()):
            if start < end:
                continue
            out += [text[end:start], self._meanings[_joined(phrase)].split(";")[0].strip()]
            end = stop
        return "".join([*out, text[end:]])

    def words_in_phrases(self, text: str) -> set[str]:
        """The lower-cased words of the glossary's phrases the text uses: "Mids" in "West
        Mids" is a known word, not an unknown name."""
        _, everyday, _ = self._patterns
        return {
            word
            for _, _, phrase in _spans(everyday, text.lower())
            for word in _joined(phrase).split()
        }

    def _short_forms(self, lowered: str) -> list[str]:
        """Abbreviations whose long form (two words or more) the text spells out: a report
        that defines "registered sex offenders (RSOs)" goes on to count "1,655 RSOs"."""
        return [
            short
            for short, long in self.abbreviations.items()
            if " " in long and _spelled(long.lower(), lowered)
        ]

    def expand(self, query: str) -> str:
        """The query with its expansions appended (unchanged when there are none); applying it
        twice adds nothing more."""
        extra = self.expansions(query)
        return f"{query} ({'; '.join(extra)})" if extra else query

    @cached_property
    def _topic_pattern(self) -> re.Pattern[str] | None:
        if not self.topics:
            return None
        body = "|".join(re.escape(t) for t in sorted(self.topics, key=len, reverse=True))
        # a topic straight before a determiner is a verb: "vetting every form" is checking it
        return re.compile(rf"(?<![\w-])({body})(?:s|es|ing|ed)?(?![\w-])(?!\s+{_DETERMINERS})")

    def topics_in(self, text: str) -> list[str]:
        """The areas of policing `text` names, in order, or its abbreviations stand for
        ("CPS": the Crown Prosecution Service)."""
        pattern = self._topic_pattern
        found = pattern.findall(self.expand(text).lower()) if pattern is not None else []
        return list(dict.fromkeys(found))

    def knows(self, word: str) -> bool:
        """Whether a word is a known abbreviation or everyday word (any case for all-caps)."""
        if word in self.abbreviations or word.lower() in self.everyday:
            return True
        upper = {a.upper() for a in self.abbreviations}
        return word.upper() in upper or word.upper().removesuffix("S") in upper


def _spelled(long: str, lowered: str) -> bool:
    """Whether the text holds an alternative of a long form ("a; b") as whole words, or its
    plural (a substring test first: this runs for every abbreviation on every expansion)."""
    return any(
        part in lowered and re.search(rf"(?<![\w-]){re.escape(part)}s?(?![\w-])", lowered)
        for part in (p.strip() for p in long.split(";"))
        if part
    )


def _joined(phrase: str) -> str:
    """A phrase with its hyphens as spaces: how the glossary and a question may differ."""
    return phrase.replace("-", " ")


def _spans(pattern: re.Pattern[str] | None, text: str) -> list[tuple[int, int, str]]:
    """Every term the (look-ahead) pattern finds with its span, overlapping ones included
    ("child sexual exploitation" and "CSE" inside it), the longest at each position."""
    if pattern is None:
        return []
    return [(m.start(1), m.end(1), m.group(1)) for m in pattern.finditer(text)]


_FUNCTION_WORDS = r"(?:or|and|of|in|the|to|for|on|with|at|by|&)"
_GLUE = rf"(?:\s+{_FUNCTION_WORDS})*\s+"
"""Function words a long form may hold between the words its capitals stand for ("sudden or
unexpected death in childhood")."""


def spelled_out(acronym: str, texts: Iterable[str], least: int = 1) -> str | None:
    """The phrase of `texts` whose words' initials spell `acronym`, the most frequent one
    ("SUDC": "sudden or unexpected death in childhood"; "CE": "child exploitation"): an
    abbreviation nobody defined, whose long form the documents still write (at least `least`
    times: a phrase written once is as likely a chance run of initials)."""
    if not (acronym.isupper() and acronym.isalpha() and 2 <= len(acronym) <= 6):
        return None
    letters = acronym.lower()
    pattern = re.compile(
        r"(?<![\w'’-])"
        + _GLUE.join(rf"(?!{_FUNCTION_WORDS}\b){c}[a-z'’-]*" for c in letters)
        + r"(?![\w'’-])",
        re.I,
    )
    counts: dict[str, int] = {}
    for text in texts:
        for match in pattern.finditer(text):
            phrase = " ".join(match.group(0).lower().split())
            counts[phrase] = counts.get(phrase, 0) + 1
    best = max(counts, key=lambda p: counts[p]) if counts else None
    return best if best is not None and counts[best] >= least else None


def mine_abbreviations(texts: Iterable[str]) -> dict[str, str]:
    """Abbreviations defined in running text as "long form (ABBR)": the long form is the
    run of words before the bracket, about as long as its capitals (as long
    as them first), that starts with the abbreviation's first letter."""
    found: dict[str, str] = {}
    for text in texts:
        for match in _DEFINED.finditer(text):
            short = match.group(1)
            capitals = [c for c in short.removesuffix("s") if c.isupper()]
            if len(capitals) < 2 or short in found:
                continue
            words = _WORD.findall(text[max(0, match.start() - _LONGEST_WINDOW) : match.start()])
            n = len(capitals)
            for k in (n, n - 1, n + 1, n - 2, n + 2):
                if 1 <= k <= len(words) and words[-k][0].lower() == short[0].lower():
                    found[short] = " ".join(words[-k:])
                    break
    return found


@cache
def glossary() -> Vocabulary:
    """The maintained glossary shipped with the package."""
    raw = json.loads(
        resources.files("assistant.retrieve").joinpath("glossary.json").read_text("utf-8")
    )
    return Vocabulary(
        dict(raw["abbreviations"]),
        {k.lower(): v for k, v in raw["everyday"].items()},
        tuple(t.lower() for t in raw.get("topics", ())),
        tuple(raw.get("forces", ())),
        frozenset(raw.get("also_words", ())),
        tuple(raw.get("publishers", ())),
    )


def build_vocabulary(texts: Iterable[str]) -> Vocabulary:
    """The glossary plus every abbreviation the documents define (the documents' own long
    forms win: they are how the reports will say it)."""
    return with_abbreviations(mine_abbreviations(texts))


def with_abbreviations(mined: dict[str, str]) -> Vocabulary:
    """The glossary plus these document-defined abbreviations (theirs listed first)."""
    base = glossary()
    merged = dict(base.abbreviations)
    for short, long in mined.items():
        merged[short] = long if short not in merged else f"{long}; {merged[short]}"
    return replace(base, abbreviations=merged)
