"""Follow-up questions rewritten into stand-alone ones, deterministically (no model needed).

"And in 2025?" after "How did the force respond to missing children in 2021?" becomes "How did
the force respond to missing children in 2025?"; a question that leans on earlier turns ("that
meeting", "they") gets the earlier question's topic attached so retrieval can find it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import pairwise

from assistant.domain.records import Turn
from assistant.domain.text import YEAR, own_words, tokens, with_topic

_LEANING = re.compile(
    r"^(?:and|but|also|so|what about|how about)\b|\b(?:it|its|they|them|their|that|those|these|this|"
    r"there|he|she|him|his|her|hers|himself|herself|themselves|the same|such)\b",
    re.I,
)

_MARKERS = re.compile(r"\s*\[\d{1,3}\]")
_GIST_CHARS = 240
_CHANGE = re.compile(
    r"\b(?:improv\w*|better|worse|changed?|progress\w*|still|any ?more|since)\b", re.I
)


def needs_context(question: str) -> bool:
    """Whether a question leans on earlier turns: very short, or opening with "and", or
    pointing back ("that meeting", "they")."""
    return len(tokens(question)) <= 3 or bool(_LEANING.search(question))


def rewrite_followup(
    question: str,
    history: Sequence[Turn],
    force: bool = False,
    rare: Callable[[str], set[str]] | None = None,
    written: Callable[[str], bool] | None = None,
) -> str:
    """A stand-alone version of `question` given the earlier turns (unchanged if it stands
    alone already, unless `force`: a question that looked stand-alone but that nothing
    answers on its own, "when did the sessions run?", gets the conversation's topic).
    Earlier follow-ups are made stand-alone first, so topics carry along. With `rare` (the
    corpus's rare words in a text), a question naming a rare thing the earlier one did not
    ("whats the philomena protocol and when did they bring it in") stands alone: its "it" is
    its own subject; with `written` (whether the documents write a phrase), only a pair they
    write as a phrase names a thing ("wrongly entered" is no name)."""
    standalone: list[str] = []
    replies: list[str] = []
    for turn in history:
        if turn["role"] == "user":
            standalone.append(_rewrite_one(turn["content"], standalone[-1] if standalone else None))
        else:
            replies.append(turn["content"])
    previous = standalone[-1] if standalone else None
    if force and previous is not None and replies:
        previous = f"{own_words(previous)} {_gist(replies[-1])}"
    elif (
        previous is not None
        and rare is not None
        and _names_a_thing(question, previous, rare, written)
        and not _CHANGE.search(question)
        and not YEAR.search(question)
    ):
        return " ".join(question.split())
    return _rewrite_one(question, previous, force)


def _names_a_thing(
    question: str,
    previous: str,
    rare: Callable[[str], set[str]],
    written: Callable[[str], bool] | None = None,
) -> bool:
    """Two rare words side by side that the earlier question lacks (and, with `written`, that
    the documents write side by side): the name of a particular thing ("philomena protocol"),
    which the question is about."""
    new = {t for t in rare(question) - rare(previous) if len(t) > 2}
    words = _WORDS.findall(question)
    return any(
        len(pair := tokens(f"{a} {b}")) == 2
        and new >= set(pair)
        and (written is None or written(f"{a} {b}"))
        for a, b in pairwise(words)
    )


_WORDS = re.compile(r"[\w'’-]+")


def _gist(reply: str) -> str:
    """The opening sentence of an earlier answer, without citation markers: what it was
    about, when the user's own question did not say."""
    text = _MARKERS.sub("", " ".join(reply.split()))
    return text[: (text.find(". ") + 1) or _GIST_CHARS][:_GIST_CHARS]


_BARE = re.compile(
    r"\b(?:and|but|so|then|what|how|about|for|in|the|same|was|were|is|it|that|this|those|"
    r"there|report|inspection|one|again|too|please|pls|did|does|do|say|says|said|show|shows|"
    r"find|finds|found|like|also|as well|similar|similarly|the case|true|happening|happen)\b|"
    r"[^\w\s]",
    re.I,
)


def _bare_year(question: str) -> bool:
    """ "And in 2025?", "what about the 2025 report?", "was it like that in 2021 too?": nothing
    but a year to put in the earlier question's place ("and what did they have to send in after
    the 2025 one?" asks more)."""
    return not _BARE.sub(" ", YEAR.sub(" ", question)).split()


def _rewrite_one(question: str, previous: str | None, force: bool = False) -> str:
    question = " ".join(question.split())
    if previous is None or not (force or needs_context(question)):
        return question
    previous = own_words(previous)
    years = YEAR.findall(question)
    if _CHANGE.search(question):
        # "Has that improved by 2025?" compares with the earlier question's report, not replaces it.
        return with_topic(question, previous)
    if years and _bare_year(question):
        if YEAR.search(previous):
            return YEAR.sub(years[0], previous)
        return f"{previous.rstrip('?')} in {years[0]}?"
    if years:  # "and what did they send in after the 2025 one?": its year, not the earlier one's
        previous = " ".join(YEAR.sub("", previous).split())
    return with_topic(question, previous)
