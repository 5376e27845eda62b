"""Small pure text helpers shared by lexical retrieval, reranking and answer selection."""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from assistant.domain.errors import InvalidRequest, TooLarge

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "aren't",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "can't",
        "cannot",
        "could",
        "couldn't",
        "did",
        "didn't",
        "do",
        "does",
        "doesn't",
        "doing",
        "don't",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "hadn't",
        "has",
        "hasn't",
        "have",
        "haven't",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "isn't",
        "it",
        "it's",
        "its",
        "itself",
        "let's",
        "me",
        "more",
        "most",
        "mustn't",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "ought",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "shouldn't",
        "so",
        "some",
        "such",
        "than",
        "that",
        "that's",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "there's",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "wasn't",
        "we",
        "were",
        "weren't",
        "what",
        "what's",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "with",
        "won't",
        "would",
        "wouldn't",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "did",
        "does",
        "say",
        "says",
        "said",
        "tell",
        "told",
        "report",
        "reports",
        "inspection",
        "inspectors",
        "force's",
    ]
)
_SUFFIXES = ("ions", "ion", "ings", "ing", "ies", "ied", "es", "ed", "ly", "s")
_REPLACED = {"ies": "y", "ied": "y"}
_MIN_STEM = {"ly": 5}
"""An adverb keeps a longer stem: "quickly" is "quick", but "family" is no "fami-ly"."""
_KEPT_ENDINGS = ("ss", "us", "is")
"""Not plurals: "process" stays whole, to meet "processes"."""


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix-stripping stemmer: "investigations", "investigating" and "investigated"
    meet, as "abuse" and "abused" do, while "manager" stays apart from "managing" (a Porter
    stemmer joins them, and a count of offenders managed then ranks below offender managers)."""
    if word.isdigit() or len(word) <= 4 or word.endswith(_KEPT_ENDINGS):
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM.get(suffix, 4):
            if suffix == "ly":  # the adjective's own stem: "effectively" meets "effective"
                return stem(word[:-2])
            return word[: -len(suffix)] + _REPLACED.get(suffix, "")
    return word[:-1] if word.endswith("e") and len(word) >= 5 else word


TOKENS_VERSION = "suffixes-4"
"""Names what `tokens()` yields; a store whose lexical index was written by another version
is indexed again (a stem that changed would otherwise never match)."""


_TERMS_IN_CAPITALS = frozenset({"IT"})
"""Stopwords that written in capitals are terms: "its IT systems" is about information
technology, which a stopword filter would otherwise leave out of every search."""


def tokens(text: str) -> list[str]:
    """Lower-cased, stemmed content words (with the terms that lower-cased are stopwords)."""
    return list(_tokens(text))


@lru_cache(maxsize=32768)
def _tokens(text: str) -> tuple[str, ...]:
    """`tokens`, remembered: every question reads the same passages' words again."""
    return tuple(
        stem(lowered)
        for word in _ANY_CASE_WORD.findall(text.replace("’", "'"))
        if (lowered := word.lower()) not in STOPWORDS or word in _TERMS_IN_CAPITALS
    )


_ANY_CASE_WORD = re.compile(_WORD.pattern, re.I)
"""A word as `_WORD` reads it, matched in the text as written so its capitals can be told."""


YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
"""A year as the reports and questions write one ("2021")."""
_TITLE_YEAR = re.compile(
    r"\b(?:act|order|regulations|working together(?: to safeguard children)?)\s+(?:of\s+)?"
    r"(?:19|20)\d{2}\b|\b(?:19|20)\d{2}\s+(?:act|order|regulations)\b",
    re.I,
)


def dated_years(text: str) -> list[str]:
    """The years a text dates things by, without the ones in a law's or guidance's name ("the
    Children Act 1989", "the 2021 Act", "Working Together 2023"): those pick no report."""
    return YEAR.findall(_TITLE_YEAR.sub(" ", text))


_ROLE = (
    r"(?:officer|constable|pc|pcso|dc|ds|di|dci|sgt|sergeant|inspector|insp|supt|detective|"
    r"om|offender manager|supervisor|call handler|call taker|dispatcher|analyst|trainer|"
    r"tutor|student|probationer|probie|recruit|special|social worker|teacher|nurse|"
    r"health visitor|councillor|journalist|reporter|researcher|volunteer|parent|mum|dad)"
)
_INTRODUCTION = re.compile(
    rf"^\s*(?:(?:hi|hello|hiya)\b[,!.]?\s*)?(?:i'?m (?:an? )?|i am (?:an? )?)?"
    rf"(?:[\w'’-]+ ){{0,3}}?{_ROLE}(?:\s+here\b\s*[-–—:.,!]?|\s*[-–—:])\s+(?=\S+ \S+ \S)",
    re.I,
)


def without_introduction(question: str) -> str:
    """The question without the asker introducing themselves ("sgt here.", "journalist -",
    "MASH social worker -"): who asks is not what they ask about, and a role's words would
    pull in passages about that role."""
    return _INTRODUCTION.sub("", question, count=1)


def word_pairs(words: Sequence[str]) -> set[tuple[str, str]]:
    """Neighbouring words, in order: a phrase ("police protection") as against its words
    apart ("child protection" by the police)."""
    return set(itertools.pairwise(words))


def common_words(word_sets: Sequence[Iterable[str]]) -> set[str]:
    """Words more than half the sets hold ("child", "protection" across a child protection
    report's findings): a topic made of them tells none apart."""
    counts = Counter(word for words in word_sets for word in set(words))
    return {word for word, n in counts.items() if 2 * n > len(word_sets)}


def inverse_document_frequencies(documents: Iterable[set[str]]) -> dict[str, float]:
    """BM25-style idf of each token over a collection of token sets."""
    counts: Counter[str] = Counter()
    total = 0
    for toks in documents:
        counts.update(toks)
        total += 1
    return {t: math.log(1 + (total - n + 0.5) / (n + 0.5)) for t, n in counts.items()}


class WeightedWords:
    """A question's words, each weighted by its rarity, to measure how much of the question a
    passage covers: finding "mnemonic" matters more than finding "children", and words the
    corpus never uses weigh the most. Built once per question, for its many passages."""

    def __init__(self, wanted: Iterable[str], idf: Mapping[str, float]) -> None:
        unseen: float | None = None
        self.weights: dict[str, float] = {}
        for word in wanted:
            weight = idf.get(word)
            if weight is None:
                unseen = max(idf.values(), default=1.0) if unseen is None else unseen
                weight = unseen
            self.weights[word] = weight
        self.total = sum(self.weights.values())

    def coverage(self, have: set[str]) -> float:
        """The share of the question's weight that `have` holds."""
        if not self.total:
            return 0.0
        return sum(w for t, w in self.weights.items() if t in have) / self.total


# C0 and C1 controls (tab and newline kept), and the bidirectional overrides that disguise text.
_ABOUT = re.compile(r" \(about: .*\)$")


def with_topic(question: str, topic: str) -> str:
    """A follow-up with the earlier question it leans on attached, so retrieval finds the
    topic ("how often do they meet? (about: is there a daily triage meeting?)")."""
    return f"{question} (about: {topic})"


def attached_topic(standalone: str) -> str | None:
    """The earlier question a rewritten follow-up carries (None: it stands alone)."""
    match = _ABOUT.search(standalone)
    return match.group(0)[len(" (about: ") : -1] if match else None


def own_words(standalone: str) -> str:
    """A rewritten follow-up without the earlier question attached: what the user asked now,
    which decides the answer's type (a figure, a name), while the attached topic only helps
    retrieval."""
    return _ABOUT.sub("", standalone)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Text safe to store and export: control characters dropped, invalid Unicode replaced."""
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("", text))


def clean_input(text: str | None, what: str, limit: int, required: bool = True) -> str:
    """A user's question, query or topic made safe to process: lone surrogates (invalid
    Unicode) refused, control characters dropped, white space folded. Raises `InvalidRequest`
    when it is empty (and required) or not valid text, `TooLarge` when over `limit`."""
    raw = text or ""
    if _SURROGATE.search(raw):
        raise InvalidRequest(f"the {what} is not valid Unicode text (it holds a lone surrogate)")
    cleaned = " ".join(_CONTROL.sub(" ", raw).split())
    if required and not cleaned:
        raise InvalidRequest(f"the {what} is empty")
    if len(cleaned) > limit:
        raise TooLarge(f"the {what} is too long ({len(cleaned)} characters; the limit is {limit})")
    return cleaned
