"""Questions from teaching facts: multiple choice, true/false (true and false versions framed
alike, the false one changing one element), select-all-that-apply and ordering. Distractors
come from other chapters (easy) or the same chapter (hard), of the same kind and of a length
close to the answer's, never from the cited passage."""

from __future__ import annotations

import hashlib
import random
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.quiz.checks import flat
from assistant.quiz.records import Difficulty, QuestionType, QuizQuestion
from assistant.quiz.statements import contains
from assistant.quiz.teaching import _TIME, Fact

TF = ["True", "False"]
_ODD_ITEM = re.compile(r"^(?:\d|[A-Z] [–-] |of \d|[Oo]f \d)")
"""List items that would stand out among others: figures, mnemonic letters."""
_NEGATED = re.compile(r"\b(?:not|no|never|none|nor|without)\b|n[’']t\b", re.I)
_LENDERS = {"case_finding": "finding"}
"""Groups whose distractors come from another group: a case's finding from the findings."""
SUPPORTED: dict[str, tuple[QuestionType, ...]] = {
    "practice": ("mcq", "true_false"),
    "finding": ("mcq", "true_false"),
    "scenario": ("mcq", "true_false"),
    "multi_select": ("multi", "mcq"),
    "ordering": ("ordering",),
}


@dataclass(frozen=True)
class Option:
    text: str
    feedback: str


@dataclass
class Draft:
    """A question, and for a false true/false statement the true one it was made from."""

    question: QuizQuestion
    true_claim: str = ""
    fact_uid: str = ""


def draft_id(uid: str, qtype: str, variant: str = "") -> str:
    return "q-" + hashlib.sha1(f"{uid}|{qtype}|{variant}".encode()).hexdigest()[:8]


def _words(text: str) -> int:
    return len(text.split())


def _alike(items: list[str], k: int, rng: random.Random) -> list[str]:
    """`k` items (in their list order) whose lengths sit closest together, so no option
    stands out by its length; ties broken by `rng`."""
    if len(items) <= k:
        return list(items)
    windows = []
    by_length = sorted(range(len(items)), key=lambda i: (_words(items[i]), i))
    for at in range(len(by_length) - k + 1):
        chosen = by_length[at : at + k]
        spread = _words(items[chosen[-1]]) - _words(items[chosen[0]])
        windows.append((spread, rng.random(), sorted(chosen)))
    return [items[i] for i in min(windows)[2]]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class FactWriter:
    """Writes questions from facts, with distractors drawn from every fact in `pool`."""

    def __init__(self, pool: Sequence[Fact], difficulty: Difficulty = "easy") -> None:
        self.difficulty = difficulty
        self.by_group: dict[str, list[Fact]] = defaultdict(list)
        for f in pool:
            self.by_group[f.group].append(f)

    # distractors ---------------------------------------------------------------------------

    def _rivals(self, f: Fact) -> list[list[tuple[str, str]]]:
        """Candidate (text, feedback) lists, best first for the difficulty; every candidate
        is wrong for this stem."""
        same_chapter: list[tuple[str, str]] = []
        other_chapters: list[tuple[str, str]] = []
        same_doc: list[tuple[str, str]] = []
        for o in self.by_group[_LENDERS.get(f.group, f.group)]:
            if o.uid == f.uid:
                continue
            for text, note in self._offers(f, o):
                if o.chapter == f.chapter:
                    same_chapter.append((text, note))
                else:
                    other_chapters.append((text, note))
                    if o.doc_id == f.doc_id:
                        same_doc.append((text, note))
        if self.difficulty == "hard":
            return [same_chapter, same_doc, other_chapters]
        return [other_chapters, same_chapter]

    def _offers(self, f: Fact, o: Fact) -> list[tuple[str, str]]:
        """What `o` may lend `f` as wrong options, with why each is wrong."""
        if f.group == "list":
            if o.chapter == f.chapter and o.anchor == f.anchor:
                return []
            note = f"Not on this list: the report lists it under ‘{o.anchor}’ ({o.where})."
            return [(item, note) for item in o.items if not _ODD_ITEM.match(item)]
        if f.group == "action":
            if o.chapter == f.chapter and o.anchor == f.anchor:
                return []
            return [(o.key, f"The report says that about ‘{o.anchor}’ ({o.where}), not here.")]
        if f.group in ("finding", "case_finding"):
            if o.polarity == "mixed":  # praise and criticism at once: wrong for no stem
                return []
            sign = "+" if f.polarity == "+" else "-"
            if o.chapter == f.chapter:
                if o.polarity == sign:
                    return []
                said = "done well" if o.polarity == "+" else "needing to improve"
                return [(o.key, f"The inspection found this {said}, in the same chapter.")]
            if o.polarity != sign:
                return []
            return [(o.key, f"That finding is from another chapter: {o.where}.")]
        if f.group == "evidence":
            # under a finding of the same chapter and the same leaning, it might fit here too
            if o.anchor == f.anchor or (o.chapter == f.chapter and o.polarity == f.polarity):
                return []
            return [(o.key, f"Inspectors reported that under ‘{o.anchor}’ ({o.where}).")]
        if f.group == "verdict":
            return [(o.key, f"That was the verdict on another case ({o.where}).")]
        return []

    def distractors(
        self,
        f: Fact,
        k: int,
        rng: random.Random,
        exclude: Sequence[str] = (),
        target: float | None = None,
    ) -> list[Option]:
        """Up to `k` wrong options: valid for the stem, not in the cited passage, unique,
        and close to `target` words (the answer's length)."""
        seen = {flat(x).casefold() for x in (f.key, *f.items, *exclude)}
        if target is None:
            target = (
                _words(f.key) if f.group != "list" else sum(map(_words, f.items)) / len(f.items)
            )
        out: list[Option] = []
        shown = flat(f"{f.citation.quote} {f.stem}").casefold()
        for tier in self._rivals(f):
            fresh: dict[str, Option] = {}
            for text, note in tier:
                norm = flat(text).casefold()
                if norm in seen or norm in fresh:
                    continue
                # a cheap substring test first: whole words can only match where it does
                if norm in shown and (contains(f.citation.quote, text) or contains(f.stem, text)):
                    continue
                fresh[norm] = Option(text, note)
            near = sorted(fresh.values(), key=lambda o: (abs(_words(o.text) - target), o.text))
            window = near[: max(2 * (k - len(out)), 4)]
            for option in rng.sample(window, min(k - len(out), len(window))):
                seen.add(flat(option.text).casefold())
                out.append(option)
            if len(out) >= k:
                break
        return out

    # questions -----------------------------------------------------------------------------

    def build(
        self, f: Fact, qtype: QuestionType, seed: int | str, truth: bool = True
    ) -> Draft | None:
        if qtype not in SUPPORTED.get(f.kind, ()):
            return None
        rng = random.Random(f"{seed}|{f.uid}|{qtype}|{truth}|{self.difficulty}")
        if qtype == "mcq":
            return self._mcq(f, rng)
        if qtype == "true_false":
            return self._true_false(f, rng, truth)
        if qtype == "multi":
            return self._multi(f, rng)
        return self._ordering(f, rng)

    def explanation(self, f: Fact) -> str:
        label = f.citation.doc_label
        if f.group == "evidence":
            return f"Under ‘{f.anchor}’, the {label} report says: “{f.key}.”"
        if f.group == "case_finding":
            return f"The {label} report gives this case under its finding ‘{f.key}’."
        if f.kind == "finding":
            return f"In ‘{f.anchor}’, the {label} inspection found: {f.key}."
        if f.kind == "scenario":
            practice = f" ({f.polarity} practice)" if f.polarity else ""
            return f"Inspectors' verdict on the case{practice}: {f.key}."
        if f.kind == "multi_select":
            return f"The {label} report's list: {'; '.join(f.items)}."
        if f.kind == "ordering":
            return f"The order the {label} report gives: {' → '.join(f.items)}."
        return f"The {label} report says: “{flat(f.citation.quote)}”"

    def _question(
        self,
        f: Fact,
        qtype: QuestionType,
        stem: str,
        options: list[str],
        answer: int | list[int],
        feedback: list[str],
        variant: str = "",
        changed: str = "",
    ) -> QuizQuestion:
        return QuizQuestion(
            id=draft_id(f.uid, qtype, variant),
            type=qtype,
            stem=stem,
            options=options,
            answer=answer,
            explanation=self.explanation(f),
            feedback=feedback,
            citation=f.citation,
            kind=f.kind,
            changed=changed,
        )

    def _mcq(self, f: Fact, rng: random.Random) -> Draft | None:
        if f.kind == "multi_select":
            right = rng.choice(f.items)
            stem = f.stem.replace(
                "Which of these are on its list? Select all that apply.",
                "Which of these is on its list?",
            )
            found = self.distractors(f, 3, rng)
            key, note = right, f"It is on the list: “{right}”."
        else:
            stem, key = f.stem, _cap(f.key) if f.group == "verdict" else f.key
            found = self.distractors(f, 3, rng)
            note = ""
        if len(found) < 2:
            return None
        options = [key, *(o.text for o in found)]
        feedback = [note if f.kind == "multi_select" else "", *(o.feedback for o in found)]
        order = list(range(len(options)))
        rng.shuffle(order)
        return Draft(
            self._question(
                f,
                "mcq",
                stem,
                [options[i] for i in order],
                order.index(0),
                [feedback[i] for i in order],
            ),
            fact_uid=f.uid,
        )

    def _multi(self, f: Fact, rng: random.Random) -> Draft | None:
        right = _alike(list(f.items), 3, rng)
        wrong = self.distractors(f, 2, rng, target=sum(map(_words, right)) / len(right))
        if len(right) < 2 or len(wrong) < 2:
            return None
        options = [*right, *(o.text for o in wrong)]
        feedback = ["Yes: the report lists it." for _ in right] + [o.feedback for o in wrong]
        order = list(range(len(options)))
        rng.shuffle(order)
        answer = sorted(order.index(i) for i in range(len(right)))
        return Draft(
            self._question(
                f,
                "multi",
                f.stem,
                [options[i] for i in order],
                answer,
                [feedback[i] for i in order],
            ),
            fact_uid=f.uid,
        )

    def _ordering(self, f: Fact, rng: random.Random) -> Draft | None:
        items = list(f.items)
        if len(items) < 3 or len({flat(i).casefold() for i in items}) != len(items):
            return None
        order = list(range(len(items)))
        while order == sorted(order):
            rng.shuffle(order)
        shown = [items[i] for i in order]
        answer = [order.index(i) for i in range(len(items))]
        feedback = [f"Step {order[j] + 1} of {len(items)}." for j in range(len(shown))]
        return Draft(self._question(f, "ordering", f.stem, shown, answer, feedback), fact_uid=f.uid)

    def _true_false(self, f: Fact, rng: random.Random, truth: bool) -> Draft | None:
        if not f.claim:
            return None
        if f.group == "verdict":
            if f.polarity not in ("good", "poor"):
                return None
            other = "poor" if f.polarity == "good" else "good"
            true_claim = f.claim.format(f.polarity)
            false_claim, changed = f.claim.format(other), f"practice: {f.polarity} → {other}"
            why_false = f"It is false: inspectors judged it {f.polarity} practice: {f.key}."
        elif f.group == "evidence":
            true_claim = f.claim.format(f.anchor)
            elsewhere = self._other_finding(f, rng)
            if elsewhere is None:
                return None
            false_claim = f.claim.format(elsewhere)
            changed = f"finding: {f.anchor} → {elsewhere}"
            why_false = f"It is false: the report gives this under ‘{f.anchor}’, not ‘{elsewhere}’."
        else:
            true_claim = f.claim.format(f.key)
            swap = self._swap(f, rng)
            if swap is None:
                return None
            false_claim, changed, why_false = swap
        where = f"It is true: {self.explanation(f)}"
        if truth:
            question = self._question(f, "true_false", true_claim, list(TF), 0, ["", where], "true")
            return Draft(question, fact_uid=f.uid)
        question = self._question(
            f, "true_false", false_claim, list(TF), 1, [why_false, ""], "false", changed
        )
        return Draft(question, true_claim=true_claim, fact_uid=f.uid)

    def _other_finding(self, f: Fact, rng: random.Random) -> str | None:
        """A finding of the same chapter that says the opposite (praise for criticism), so
        the evidence cannot belong to it."""
        if f.polarity not in ("+", "-"):
            return None
        others = sorted(
            {
                o.key
                for o in self.by_group["finding"]
                if o.chapter == f.chapter and o.polarity in ("+", "-") and o.polarity != f.polarity
            }
        )
        plain = [o for o in others if not _NEGATED.search(o)]  # a swap must not read as "not"
        pool = plain or others
        return rng.choice(pool) if pool else None

    def _swap(self, f: Fact, rng: random.Random) -> tuple[str, str, str] | None:
        """A false statement changing one element: the timescale, the actor, or the
        practice (another one from elsewhere)."""
        time = list(_TIME.finditer(f.key))
        if len(time) == 1:
            match = time[0]
            others = sorted(
                {
                    m.group(0)
                    for o in self.by_group[f.group]
                    for m in _TIME.finditer(o.key)
                    if m.group("unit").lower() == match.group("unit").lower()
                    and m.group("n") != match.group("n")
                    and m.group(0).split()[0].lower() == match.group(0).split()[0].lower()
                }
            )
            if others:
                new = rng.choice(others)
                value = f.key[: match.start()] + new + f.key[match.end() :]
                return (
                    f.claim.format(value),
                    f"timescale: {match.group(0)} → {new}",
                    f"It is false: the report says {match.group(0)}, not {new}.",
                )
        actor = f.extra.get("actor", "")
        if actor and actor != "the force" and f.claim.count(actor) == 1:
            actors = sorted(
                {
                    o.extra.get("actor", "")
                    for o in self.by_group[f.group]
                    if o.extra.get("actor", "") not in ("", actor, "the force")
                    and o.extra.get("modal") == f.extra.get("modal")
                    and actor.casefold() not in o.extra.get("actor", "").casefold()
                }
            )
            if actors:
                new = rng.choice(actors)
                return (
                    f.claim.replace(actor, new, 1).format(f.key),
                    f"actor: {actor} → {new}",
                    f"It is false: the report says this of {actor}, not {new}.",
                )
        found = self.distractors(f, 1, rng)
        if not found:
            return None
        option = found[0]
        return (
            f.claim.format(option.text),
            f"{'practice' if f.kind == 'practice' else 'finding'}: {f.key} → {option.text}",
            f"It is false. {option.feedback} The report says: {f.key}.",
        )
