"""Item checks every question must pass before a quiz may use it, whoever wrote it. Each
failure is a short reason, so a quiz run can count what it dropped and why."""

from __future__ import annotations

import difflib
import re

from assistant.domain.text import STOPWORDS, tokens
from assistant.domain.words import GRADES, parse_timescale
from assistant.quiz.records import QuizQuestion

NO_PASSAGE = "no cited passage"
NO_FEEDBACK = "a wrong option has no feedback"
REPEATS = "options repeat or are empty"
MIXED = "options are not of one kind"
LENGTHS = "options differ too much in length"
GIVEAWAY = "the stem gives the answer away"
PRONOUN = "the stem leans on an unresolved this/it/they"
NEGATION = "the false statement is a negation"
TWO_CHANGES = "the false statement changes more than one element"
FEW_OPTIONS = "too few options"

_PRONOUN_START = re.compile(
    r"^(?:this|these|those|it|its|they|them|their|he|she|his|her|such)\b", re.I
)
_BARE_DEMONSTRATIVE = re.compile(
    r"(?<!of )\b(?:this|these|those|that)\s+(?:is|was|are|were|means|meant|has|had|shows|showed|led|"
    r"included|includes)\b",
    re.I,
)
_NEGATIONS = {"not", "no", "never", "none", "nor", "n't", "without"}
_APART = 3
_QUOTED = re.compile(r"“([^”]*)”")


def flat(text: str) -> str:
    return " ".join(text.split())


def _content(text: str) -> set[str]:
    return {t for t in tokens(text) if t not in STOPWORDS}


def option_class(text: str) -> str:
    """What an option is: a grade, a timescale, a number, or words."""
    value = flat(text)
    if value in GRADES:
        return "grade"
    if parse_timescale(value) and len(value.split()) <= 4:
        return "timescale"
    if re.match(r"^[\d.,]+%?(?:\s|$)", value):
        return "number"
    return "words"


def unresolved_pronoun(stem: str) -> bool:
    """True when the stem's opening, or a statement it quotes, starts with a pronoun that has
    nothing before it to refer to, or uses "this is"/"these were" with no noun."""
    first = re.split(r"(?<=[.?!])\s+", flat(stem), maxsplit=1)[0]
    quoted = [q for q in _QUOTED.findall(stem) if q.strip()]
    starts = [first, *(q.lstrip("…").strip() for q in quoted)]
    if any(_PRONOUN_START.match(s) for s in starts):
        return True
    return bool(_BARE_DEMONSTRATIVE.search(first))


def gives_away(stem: str, right: str, wrong: list[str]) -> bool:
    """The right option stands in the stem, or shares far more of its words with the stem
    than any wrong option does (a clang cue)."""
    low = flat(stem).casefold()
    if flat(right).casefold() in low:
        return True
    words = _content(right)
    if len(words) < 3:
        return False
    stem_words = _content(stem)

    def overlap(text: str) -> float:
        w = _content(text)
        return len(w & stem_words) / len(w) if w else 0.0

    return overlap(right) >= 0.7 and all(overlap(o) <= 0.3 for o in wrong)


def _lengths_differ(options: list[str]) -> bool:
    sizes = [len(o.split()) for o in options]
    return max(sizes) > 2.5 * min(sizes) + 4


def false_claim_problems(true_claim: str, false_claim: str) -> list[str]:
    """A false statement must differ from the true one in one place, and not by negating."""
    a = re.findall(r"[\w'’]+", true_claim.lower())
    b = re.findall(r"[\w'’]+", false_claim.lower())
    added = set(b) - set(a)
    if added & _NEGATIONS or any(w.endswith(("n't", "n’t")) for w in added):
        return [NEGATION]
    ops = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    # a swapped phrase may share a stray word with the one it replaces ("the force …"): only
    # an unchanged run of `_APART` words or more separates two changes
    changes, apart = 0, True
    for tag, a0, a1, _, _ in ops:
        if tag == "equal":
            apart = apart or a1 - a0 >= _APART
        else:
            changes += apart
            apart = False
    return [TWO_CHANGES] if changes != 1 else []


def item_problems(q: QuizQuestion, true_claim: str = "") -> list[str]:
    """Why `q` may not go in a quiz; empty when it may. `true_claim` is, for a false
    true/false statement, the true statement it was made from."""
    found: list[str] = []
    if not q.citation.quote.strip():
        found.append(NO_PASSAGE)
    if _PRONOUN_START.match(flat(q.stem)) or unresolved_pronoun(q.stem):
        found.append(PRONOUN)
    if q.type == "short":
        answer = q.answer if isinstance(q.answer, str) else ""
        if not answer.strip() or flat(answer).casefold() in flat(q.stem).casefold():
            found.append(GIVEAWAY)
        return found
    norm = [flat(o).casefold() for o in q.options]
    if len(set(norm)) != len(norm) or not all(norm):
        found.append(REPEATS)
    right = set(q.right)
    if len(q.feedback) != len(q.options) or any(
        not f.strip() for i, f in enumerate(q.feedback) if i not in right or q.type == "ordering"
    ):
        found.append(NO_FEEDBACK)
    if q.type == "true_false":
        if q.answer == 1 and true_claim:
            found += false_claim_problems(true_claim, q.stem)
        return found
    if len(q.options) < 3:
        found.append(FEW_OPTIONS)
    if q.type == "ordering":
        return found
    if len({option_class(o) for o in q.options}) > 1:
        found.append(MIXED)
    if q.options and _lengths_differ(q.options):
        found.append(LENGTHS)
    wrong = [o for i, o in enumerate(q.options) if i not in right]
    if any(gives_away(q.stem, q.options[i], wrong) for i in right):
        found.append(GIVEAWAY)
    return found
