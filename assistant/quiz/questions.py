"""Questions from statements: the key blanked or asked, distractors of the same kind drawn
from elsewhere in the corpus (another percentage, another grade, another timescale), and for
every wrong option a line saying why it is wrong. `problems` checks any question, however it
was written, against its cited passage."""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.domain.records import Citation
from assistant.domain.words import GRADES, timescale_key
from assistant.quiz.records import QuestionType, QuizQuestion
from assistant.quiz.statements import Statement, contains, flat, number_value

BLANK = "_____"
KIND_OF = {"mnemonic": "practice", "grade": "finding"}
"""The quiz kind a statement's question counts as: a mnemonic letter is practice, a graded
judgment a finding."""
_OPTIONS = 4
_TF = ["True", "False"]


@dataclass(frozen=True)
class Distractor:
    text: str
    feedback: str


def question_id(statement_uid: str, qtype: str) -> str:
    return "q-" + hashlib.sha1(f"{statement_uid}|{qtype}".encode()).hexdigest()[:8]


def snippet(text: str, around: str, width: int = 150) -> str:
    """A window of `text` of about `width` characters around `around`, on one line."""
    text = flat(text)
    at = text.lower().find(flat(around).lower())
    if len(text) <= width or at < 0:
        return text if len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + "…"
    start = max(0, at - (width - len(around)) // 2)
    end = min(len(text), start + width)
    start = max(0, end - width)
    piece = text[start:end]
    if start > 0:
        piece = "…" + piece.split(" ", 1)[-1]
    if end < len(text):
        piece = piece.rsplit(" ", 1)[0] + "…"
    return piece


def blank(text: str, key: str) -> str:
    """`text` with `key` (once, as whole words) replaced by a blank."""
    pattern = re.compile(r"(?<![\w.])" + re.escape(key) + r"(?!\w)")
    return pattern.sub(BLANK, text, count=1)


def _match_case(text: str, like: str) -> str:
    if like[:1].isupper() and text[:1].islower():
        return text[:1].upper() + text[1:]
    if like[:1].islower() and text[:1].isupper() and not text[:2].isupper():
        return text[:1].lower() + text[1:]
    return text


def _common(name: str) -> str:
    """ "Continuing professional development" → "continuing professional development"; proper
    names ("British Transport Police") stay as they are."""
    words = name.split()
    if len(words) > 1 and all(w[:1].islower() for w in words[1:]):
        return name[:1].lower() + name[1:]
    return name


class QuestionWriter:
    """Builds questions from statements, drawing distractors from `pool` (the whole corpus)."""

    def __init__(self, pool: Sequence[Statement]) -> None:
        self.by_category: dict[str, list[Statement]] = defaultdict(list)
        for s in pool:
            self.by_category[s.category].append(s)
        self.acronyms = [s for s in pool if s.kind == "term" and s.category == "term"]

    # distractors ---------------------------------------------------------------------

    def distractors(self, s: Statement, stem: str, rng: random.Random, k: int) -> list[Distractor]:
        """Up to `k` same-type wrong answers, none equal to the key or to each other, none in
        the stem or the cited passage."""
        if s.kind == "figure":
            found = self._figure_distractors(s, stem, rng, k)
        elif s.kind == "grade":
            found = self._grade_distractors(s)
        elif s.kind == "timescale":
            found = self._timescale_distractors(s, rng, k)
        elif s.kind == "mnemonic":
            found = self._mnemonic_distractors(s, rng, k)
        elif s.category == "acronym":
            found = self._acronym_distractors(s, rng, k)
        else:
            found = self._term_distractors(s, stem, rng, k)
        seen = {flat(s.key).casefold()}
        out = []
        for d in found:
            norm = flat(d.text).casefold()
            if norm in seen or contains(stem, d.text) or contains(s.citation.quote, d.text):
                continue
            seen.add(norm)
            out.append(d)
        return out[:k]

    def _figure_distractors(
        self, s: Statement, stem: str, rng: random.Random, k: int
    ) -> list[Distractor]:
        assert s.value is not None
        in_stem = {number_value(m) for m in re.findall(r"\d[\d,.]*", stem)}
        by_value: dict[float, Statement] = {}
        for other in self.by_category[s.category]:
            v = other.value
            if v is None or v == s.value or v in in_stem or v in by_value:
                continue
            by_value[v] = other
        base = s.value
        near = sorted(by_value, key=lambda v: (abs(math.log((v + 1) / (base + 1))), v))
        window = near[: max(k + 2, 5)]
        chosen = rng.sample(window, min(k, len(window)))
        out = []
        for v in chosen:
            other = by_value[v]
            text = _match_case(other.key, s.key)
            out.append(
                Distractor(
                    text,
                    f"{text} is another figure in the reports: “{snippet(other.text, other.key)}” "
                    f"({other.where}). This passage gives {s.key}.",
                )
            )
        # too few in the corpus: nearby values, told apart plainly
        unit = s.key.split(maxsplit=1)[1] if " " in s.key else ""
        steps = [0.5, 1.5, 2.0, 0.75, 1.25, 3.0]
        for factor in steps:
            if len(out) >= k:
                break
            v = round(s.value * factor) if s.value >= 4 else s.value + factor * 4
            if s.category == "percent" and not 0 < v < 100:
                continue
            if v == s.value or v in by_value or v in in_stem or v in chosen:
                continue
            chosen.append(v)
            number = f"{v:g}"
            text = f"{number}%" if s.key.endswith("%") else f"{number} {unit}".strip()
            out.append(Distractor(text, f"The report gives {s.key}, not {text}."))
        return out

    def _grade_distractors(self, s: Statement) -> list[Distractor]:
        label = s.citation.doc_label
        others = {
            o.key: o.subject
            for o in self.by_category["grade"]
            if o.citation.doc_id == s.citation.doc_id and o.subject != s.subject
        }
        out = []
        for grade in GRADES:
            if grade == s.key:
                continue
            reason = f"The {label} inspection graded ‘{s.subject}’ as {s.key}, not {grade}."
            if grade in others:
                reason += f" {grade} was its grade for ‘{others[grade]}’."
            out.append(Distractor(grade, reason))
        return out

    def _timescale_distractors(self, s: Statement, rng: random.Random, k: int) -> list[Distractor]:
        examples: dict[str, list[Statement]] = defaultdict(list)
        for o in self.by_category["timescale"]:
            if o.key != s.key:
                examples[o.key].append(o)
        keys = sorted(examples, key=timescale_key)
        if len(keys) > k:
            keys = sorted(rng.sample(keys, k), key=timescale_key)
        out = []
        for key in keys:
            example = rng.choice(examples[key])
            out.append(
                Distractor(
                    key,
                    f"This recommendation was to be met {s.key}. {key[:1].upper() + key[1:]} "
                    f"was the timescale for others, such as: “{snippet(example.text, key, 120)}” "
                    f"({example.where}).",
                )
            )
        return out

    def _mnemonic_distractors(self, s: Statement, rng: random.Random, k: int) -> list[Distractor]:
        others = [o for o in self.by_category[s.category] if o.key != s.key]
        chosen = rng.sample(others, min(k, len(others)))
        acronym = s.category.split(":", 1)[1]
        return [
            Distractor(o.key, f"That is what {o.subject} of {acronym} stands for.") for o in chosen
        ]

    def _acronym_distractors(self, s: Statement, rng: random.Random, k: int) -> list[Distractor]:
        others = [o for o in self.acronyms if o.extra.get("acronym") != s.key]
        chosen = rng.sample(others, min(k, len(others)))
        return [
            Distractor(
                o.extra["acronym"],
                f"{o.extra['acronym']} is the {_common(o.extra['expansion'])}, not {s.subject}.",
            )
            for o in chosen
        ]

    def _term_distractors(
        self, s: Statement, stem: str, rng: random.Random, k: int
    ) -> list[Distractor]:
        others = [
            o
            for o in self.acronyms
            if o.key != s.key
            and len(o.key) <= 50
            and not contains(stem, o.extra.get("acronym", o.key))
        ]
        chosen = rng.sample(others, min(k + 2, len(others)))
        return [
            Distractor(
                o.key,
                f"The reports use {o.key} elsewhere: “{snippet(o.text, o.key)}” ({o.where}).",
            )
            for o in chosen
        ]

    # questions -------------------------------------------------------------------------

    def supports(self, s: Statement, qtype: QuestionType) -> bool:
        if qtype == "short":
            return s.kind != "mnemonic"
        if qtype == "true_false":
            # a swapped name makes nonsense; a figure's claim would quote the report verbatim
            return s.kind not in ("term", "figure")
        return True

    def build(
        self, s: Statement, qtype: QuestionType, seed: int | str, truth: bool | None = None
    ) -> QuizQuestion | None:
        """One question of `qtype` from `s`, or None when it can't be made well."""
        question, found = self.checked(s, qtype, seed, truth)
        return None if found else question

    def checked(
        self, s: Statement, qtype: QuestionType, seed: int | str, truth: bool | None = None
    ) -> tuple[QuizQuestion | None, list[str]]:
        """The question and what is wrong with it against its cited passage (nothing built:
        no problems). `truth` asks for the true or the false version of a true/false item."""
        if not self.supports(s, qtype):
            return None, []
        rng = random.Random(f"{seed}|{s.uid}|{qtype}")
        if qtype == "mcq":
            question = self._mcq(s, rng)
        elif qtype == "true_false":
            question = self._true_false(s, rng, truth)
        else:
            question = self._short(s)
        if question is None:
            return None, []
        q = question.question
        q.kind = KIND_OF.get(s.kind, s.kind)
        distractors = [o for i, o in enumerate(q.options) if i != q.answer]
        if qtype == "true_false":
            distractors = [question.explanation_false] if question.explanation_false else []
        return q, problems(q, s.key, distractors)

    def _where(self, s: Statement) -> str:
        return f"{s.citation.doc_label} report ({s.citation.section_path[0]})"

    def _fill_in(self, s: Statement) -> str:
        return blank(s.text, s.key)

    def explanation(self, s: Statement) -> str:
        if s.kind == "grade":
            return f"The {s.citation.doc_label} inspection graded ‘{s.subject}’ as {s.key}."
        if s.kind == "mnemonic":
            acronym = s.category.split(":", 1)[1]
            return f"In {acronym}, {s.subject} stands for “{s.key}”"
        said = snippet(s.text, s.key, 220)
        said = said[:-1] + "…" if said.endswith(":") else said
        return f"The {self._where(s)} says: “{said}”"

    def _mcq(self, s: Statement, rng: random.Random) -> _Draft | None:
        if s.prompt:
            stem = s.prompt
        else:
            what = "figure" if s.kind == "figure" else "term"
            stem = f"In the {self._where(s)}, which {what} fills the blank? “{self._fill_in(s)}”"
        wanted = 4 if s.kind == "grade" else _OPTIONS - 1
        found = self.distractors(s, stem, rng, wanted)
        if len(found) < 2:
            return None
        options = [s.key, *(d.text for d in found)]
        feedback = ["", *(d.feedback for d in found)]
        if s.kind in ("grade", "timescale"):
            order = sorted(
                range(len(options)),
                key=lambda i: (
                    GRADES.index(options[i]) if s.kind == "grade" else timescale_key(options[i])
                ),
            )
        else:
            order = list(range(len(options)))
            rng.shuffle(order)
        return _Draft(
            self._question(
                s,
                "mcq",
                stem,
                [options[i] for i in order],
                order.index(0),
                [feedback[i] for i in order],
            )
        )

    def _true_false(
        self, s: Statement, rng: random.Random, truth: bool | None = None
    ) -> _Draft | None:
        make_false = rng.random() < 0.5 if truth is None else not truth
        swap: Distractor | None = None
        if make_false:
            candidates = self.distractors(s, s.text if not s.prompt else s.prompt, rng, 3)
            if s.kind == "mnemonic":  # only a letter's own other expansion is a fair swap
                letter = s.subject[-1]
                candidates = [
                    d for d in candidates if d.text[:1] == letter and d.text[:1] == s.key[:1]
                ]
            swap = candidates[0] if candidates else None
        claim = self._claim(s, swap.text if swap else s.key)
        if claim is None:
            return None
        if swap:
            reason = swap.feedback
            if reason.startswith(("This ", "The ")):
                reason = reason[0].lower() + reason[1:]
            wrong = f"It is false: {reason}"
            return _Draft(
                self._question(s, "true_false", claim, list(_TF), 1, [wrong, ""]),
                explanation_false=swap.text,
            )
        right = f"It is true: the {self._where(s)} says “{snippet(s.citation.quote, s.key)}”"
        return _Draft(self._question(s, "true_false", claim, list(_TF), 0, ["", right]))

    def _claim(self, s: Statement, value: str) -> str | None:
        label = s.citation.doc_label
        if s.kind == "grade":
            return f"The {label} inspection graded the force {value} for ‘{s.subject}’."
        if s.kind == "timescale":
            force_name = s.prompt.split("recommend that ", 1)[1].removesuffix("?")
            if value == "immediately":
                return f"The {label} report recommended that {_insert_now(force_name)}."
            return f"The {label} report recommended that, {value}, {force_name}."
        if s.kind == "mnemonic":
            acronym = s.category.split(":", 1)[1]
            return f"In the {acronym} mnemonic ({label} report), {s.subject} stands for “{value}”"
        claim = re.sub(
            r"(?<![\w.])" + re.escape(s.key) + r"(?!\w)",
            lambda _: _match_case(value, s.key),
            s.text,
            count=1,
        )
        return f"The {self._where(s)} says: “{claim}”"

    def _short(self, s: Statement) -> _Draft | None:
        if s.kind in ("grade", "timescale"):
            stem, answer = s.prompt, s.key
            alternatives = list(s.alternatives)
        elif s.category == "term":
            stem = f"What does {s.subject} stand for, in the {self._where(s)}?"
            answer = s.extra["expansion"]
            alternatives = []
        else:
            stem = f"Fill in the blank. {self._where(s)}: “{self._fill_in(s)}”"
            answer, alternatives = s.key, list(s.alternatives)
        question = self._question(s, "short", stem, [], answer, [])
        question.alternatives = alternatives
        return _Draft(question)

    def _question(
        self,
        s: Statement,
        qtype: QuestionType,
        stem: str,
        options: list[str],
        answer: int | str,
        feedback: list[str],
    ) -> QuizQuestion:
        citation: Citation = s.citation
        return QuizQuestion(
            id=question_id(s.uid, qtype),
            type=qtype,
            stem=stem,
            options=options,
            answer=answer,
            explanation=self.explanation(s),
            feedback=feedback,
            citation=citation,
            kind=s.kind,
        )


def _insert_now(force_and_clause: str) -> str:
    """ "Staffordshire Police improves X" → "Staffordshire Police immediately improves X"."""
    match = re.match(r"((?:[A-Z][\w&'-]* )+?(?:Police|Constabulary)) (.+)$", force_and_clause)
    if not match:
        return f"{force_and_clause} immediately"
    return f"{match.group(1)} immediately {match.group(2)}"


@dataclass
class _Draft:
    question: QuizQuestion
    explanation_false: str = ""
    """For a false true/false claim: the value swapped in."""


def problems(question: QuizQuestion, key: str, distractors: Sequence[str]) -> list[str]:
    """Why `question` can't be trusted against its cited passage; empty when it can.

    The key must appear in the quote and no distractor may; options must be distinct; the
    answer must not be given away by the stem; feedback runs parallel to the options."""
    found: list[str] = []
    quote = question.citation.quote
    if not key.strip() or not contains(quote, key):
        found.append(f"the answer ‘{key}’ is not in the cited passage")
    for d in distractors:
        if contains(quote, d):
            found.append(f"the wrong option ‘{d}’ appears in the cited passage")
    if question.type in ("mcq", "true_false"):
        if not isinstance(question.answer, int) or not 0 <= question.answer < len(question.options):
            found.append("the answer is not one of the options")
        if len(question.feedback) != len(question.options):
            found.append("feedback does not match the options")
        norm = [flat(o).casefold() for o in question.options]
        if len(set(norm)) != len(norm) or not all(norm):
            found.append("options repeat or are empty")
    if question.type == "mcq":
        if len(question.options) < 3:
            found.append("fewer than three options")
        elif isinstance(question.answer, int) and question.answer < len(question.options):
            right = question.options[question.answer]
            if flat(right).casefold() != flat(key).casefold():
                found.append("the right option is not the key")
            if contains(question.stem, right):
                found.append("the stem gives the answer away")
            for i, option in enumerate(question.options):
                if i != question.answer and contains(question.stem, option):
                    found.append(f"the stem contains the wrong option ‘{option}’")
            if any(not f.strip() for i, f in enumerate(question.feedback) if i != question.answer):
                found.append("a wrong option has no feedback")
    if question.type == "true_false" and question.options != _TF:
        found.append("true/false options must be True, False")
    if question.type == "short":
        answer = question.answer if isinstance(question.answer, str) else ""
        if not answer.strip():
            found.append("no answer")
        elif contains(question.stem, answer):
            found.append("the stem gives the answer away")
    if "\n" in question.explanation or not question.explanation.strip():
        found.append("the explanation must be one line")
    return found
