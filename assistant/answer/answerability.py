"""Whether the evidence answers the question's type, not merely its topic: a "how many" needs a
figure about its subject, a "what budget" needs money, a year no document covers is named as
such. Pure functions over text, so each rule is tested on its own."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence

from assistant.domain.records import Document
from assistant.domain.text import YEAR, dated_years, tokens
from assistant.domain.words import NUMBER_WORDS
from assistant.retrieve.sentences import sentence_spans
from assistant.retrieve.vocabulary import Vocabulary

_COUNT_QUESTION = re.compile(
    r"\b(?:how many|how much|number of|what (?:percentage|proportion|share|per ?cent|%) of)"
    r"\s+(.+)"
    r"|\bwhat(?:'s|s| is| was| were)? (?:the |its |their |[\w']+(?:'s?)? )?(?:average|mean|median|total|"
    r"annual|target) (.+)"
    r"|^\W*(?:the )?(?:average|median) (.+)"
    r"|\bwhat(?:'s|s| is| was| were)? (?:the |its |their |[\w']+'s? )?((?:[\w-]+ ){0,3}rates?)\b",
    re.I,
)
_PHRASE_END = re.compile(
    r"\b(?:and|or|did|does|do|were|was|are|is|have|has|had|went|go|got|get|in|on|at|for|from|by|"
    r"during|per|a|an|the|with|of|there|does|will|would|could|can|work|works|live|lives|attend|"
    r"attended|received|waited|stayed|spent|needed|used|took|made|saw|came|left|now|then|today|"
    r"currently|these days|nowadays|overall|again|when|while|where|"
    r"(?:did|does|do|were|was|are|is|have|has|had|could|would|should|ca|wo)n['’]?t)\b|[?,.]",
    re.I,
)
_FIGURE = re.compile(
    r"\d|\b(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\b|\bhalf\b", re.I
)
_PARTICLES = frozenset({"up", "out", "off", "down"})
_DONE_TO = re.compile(
    rf"\s*(?:were|was|have been|had been|got)\s+([\w-]+ed(?: (?:{'|'.join(sorted(_PARTICLES))})\b)?)\b",
    re.I,
)
_DIFFERENCE = re.compile(r"\bby how (?:many|much)\b", re.I)
_GENERIC_HEAD = re.compile(r"rates?|times?|levels?|figures?|numbers?", re.I)
"""Heads that need their modifier to name a subject ("charge rate", "response time")."""
_DEADLINE = re.compile(r"\bwithin (?:[\w-]+ ){1,2}(?:days?|weeks?|months?|years?)\b", re.I)
_MONTH = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\b"
)
_MONEY_EVIDENCE = re.compile(r"£|\bbudget\b|\bspen[dt]\b|\bfunding of\b|\bmillion\b", re.I)


def document_years(documents: Iterable[Document]) -> set[int]:
    years: set[int] = set()
    for document in documents:
        if document.year:
            years.add(document.year)
        for text in (document.published, document.inspection_period):
            years |= {int(y) for y in YEAR.findall(text or "")}
    return years


def uncovered_years(question: str, documents: Iterable[Document], evidence: str) -> list[int]:
    """Years the question asks about that no document is from and the evidence never
    mentions ("arrests in 2024" when the reports are from 2021 and 2025)."""
    held = document_years(documents)
    asked = [int(y) for y in dated_years(question)]
    return [y for y in dict.fromkeys(asked) if y not in held and str(y) not in evidence]


def periods(documents: Iterable[Document]) -> str:
    """The periods the documents cover, for a refusal to name."""
    parts = []
    for document in sorted(documents, key=lambda d: d.year or 0):
        when = document.inspection_period or (str(document.year) if document.year else "")
        parts.append(f"{document.label} ({when})" if when else document.label)
    return ", ".join(parts)


def counted_subject(question: str) -> str | None:
    """The phrase a "how many" question counts, up to its verb ("how many domestic abuse
    arrests did..." -> "domestic abuse arrests"); None for other questions and for a
    difference ("by how many points...") that the reports may leave to be worked out."""
    match = _COUNT_QUESTION.search(question)
    if not match or _DIFFERENCE.search(question):
        return None
    counted = next(g for g in match.groups() if g)
    phrase = _PHRASE_END.split(counted, maxsplit=1)[0].split()
    if not phrase:
        return None
    rest = counted[len(" ".join(phrase)) :]
    joined = _CONJUNCT.match(rest)  # "control room and response staff": both are counted
    if joined:
        second = _PHRASE_END.split(rest[joined.end() :], maxsplit=1)[0].split()
        if second:
            phrase += [joined.group(1), *second]
            rest = rest[joined.end() + len(" ".join(second)) :]
    done = _DONE_TO.match(rest)
    return " ".join(phrase + ([done.group(1)] if done else []))


_CONJUNCT = re.compile(
    r"\s+(and|or)\s+(?!(?:how|what|when|where|who|why|which|whose|is|are|was|were|did|do|"
    r"does|has|have|had|if|whether)\b)",
    re.I,
)
"""Where a counted subject goes on to a second noun phrase, not to a second question."""


def asks_besides_count(question: str) -> bool:
    """Whether a "how many" question asks something else too ("how many referrals, and how old
    was the oldest?", "breakdown of who investigates them? how much goes to response"): a count
    whose subject the reports word differently ("tip-offs" for intelligence notifications) is
    no reason to leave the other part unanswered."""
    match = _COUNT_QUESTION.search(question)
    if not match:
        return False
    before, after = question[: match.start()], question[match.end(match.lastindex or 0) :]
    counted = match.group(match.lastindex or 0) or ""
    return bool(
        _ANOTHER_QUESTION.search(counted)
        or _ANOTHER_QUESTION.search(after)
        or re.search(r"\?\s*\S", question.strip())
        or (before.strip() and _ANOTHER_QUESTION.search(before))
        or re.search(r"(?:,|\band)\s*$", before.strip())
    )


_ANOTHER_QUESTION = re.compile(
    r"(?:,|\band\b|\?)\s*(?:and\s+)?(?:how|what|when|where|who|why|which|whose|is|are|was|were|"
    r"did|does|do|has|have|had)\b",
    re.I,
)
"""A second question joined to the first ("..., and what fraction", "... and how did they")."""


def sized_subject(question: str) -> str | None:
    """What a "how big / what size" question measures ("how big was the MASH review queue" ->
    "MASH review queue"): a figure about it leads the answer, but its wording may be the
    asker's own ("queue" for "tasks waiting"), so finding none refuses nothing."""
    match = _SIZE_QUESTION.search(question)
    if not match:
        return None
    measured = next(g for g in match.groups() if g)
    phrase = _PHRASE_END.split(measured, maxsplit=1)[0].split()
    return " ".join(phrase) or None


_SIZE_QUESTION = re.compile(
    r"\b(?:how (?:big|large|long|bad)|what size) (?:was|is|were|are|had|has) (?:the |its |their )?"
    r"(.+)|\bsize of (?:the |its |their )?(.+)",
    re.I,
)


def _readings(subject: str, terms: Vocabulary | None) -> list[set[str]]:
    """Word sets any one of which, found whole in a text, makes it about the counted subject:
    the head noun of each thing counted ("control room and response staff": room, staff; with
    its modifier when the head is generic: "charge rate"), what it stands for, or a force's
    workforce for its "people"; with what was done to it, when the question says ("children
    were strip-searched")."""
    words = subject.split()
    verb = ""
    if len(words) > 2 and words[-1] in _PARTICLES and words[-2].endswith("ed"):
        verb = " ".join(words[-2:])  # "backed up"
        words = words[:-2]
    elif len(words) > 1 and words[-1].endswith("ed"):
        verb = words.pop()
    heads = []
    staffed = False  # "how many people work in...", "what share of its people": its workforce
    for conjunct in _JOINED.split(" ".join(words)):
        part = conjunct.split()
        size = 2 if len(part) >= 2 and _GENERIC_HEAD.fullmatch(part[-1]) else 1
        head = " ".join(part[-size:])
        heads += [head, head[:-1]] if len(head) > 2 and head.endswith("s") else [head]
        staffed = staffed or (len(said := tokens(conjunct)) == 1 and said[0] in _PEOPLE)
    readings = [set(tokens(h)) for h in heads]  # "PPNs" are counted as "one PPN"
    if staffed:
        readings += [set(tokens(w)) for w in _WORKFORCE]
    # what was done, or the reports' word for it: children "booked" into custody are detained
    done = [set(tokens(verb))] if verb else [set()]
    if terms is not None:
        readings += [set(tokens(meaning)) for h in heads for meaning in terms.expansions(h)]
        # the whole subject too: "under 18s" are children, "registered sex offenders" RSOs
        readings += [set(tokens(meaning)) for meaning in terms.expansions(" ".join(words))]
        done += [set(tokens(meaning)) for meaning in terms.expansions(verb)]
    readings += [_YOUNG for r in readings if r & _CHILD_WORDS and len(r) == 1]
    if set(tokens(" ".join(words))) >= _YOUNG_PEOPLE:
        readings.append(_CHILD)
    return [r | d for r in readings if r for d in done]


_JOINED = re.compile(r"\s+(?:and|or)\s+", re.I)
_PEOPLE = frozenset(tokens("people persons personnel employees workers"))
_WORKFORCE = ("staff", "officers", "workforce", "employees", "personnel")
"""What a force's people are counted as: "a workforce of 3,651", "48 percent of the 777 staff"."""
_CHILD_WORDS = frozenset(tokens("child children"))
_YOUNG = set(tokens("young"))
"""Reports count children as "young people" too ("a waiting list of about 180 young people")."""
_YOUNG_PEOPLE = frozenset(tokens("young people"))
_CHILD = set(tokens("children"))
"""And "young people" asked about are counted as children ("the panels discussed 98 children")."""


def has_figure(text: str) -> bool:
    return bool(_FIGURE.search(text))


def foreign_years(question: str, documents: Iterable[Document]) -> list[str]:
    """Years the question names that are no document's own year: a figure "in 2024" must say
    2024, since a 2025 report's figures are not 2024's."""
    own = {str(d.year) for d in documents if d.year}
    return [y for y in dict.fromkeys(dated_years(question)) if y not in own]


_INSPECTION_YEAR = re.compile(
    r"\b((?:19|20)\d{2})(?:[–-]\d{2,4})?\s+(?:[\w-]+\s+){0,3}?(?:inspection|re-?inspection|visit|"
    r"report)s?\b"
    r"|\b(?:inspection|re-?inspection|visit|report|inspected|revisited|visited)s?\s+"
    r"(?:[\w'-]+\s+){0,4}?(?:in|from|of|during)\s+((?:19|20)\d{2})\b",
    re.I,
)


def unheld_inspections(question: str, documents: Iterable[Document]) -> list[int]:
    """Years the question names as an inspection's or a report's ("its 2018 inspection", "the
    report from 2019") that no document is: the evidence may mention the year (a 2018-19 plan),
    but no report of it is held. A report is held for its own year and its publication's; an
    inspection only for the year it took place."""
    documents = list(documents)
    held = document_years(documents)
    inspected = {d.year for d in documents if d.year} | {
        int(y) for d in documents for y in YEAR.findall(d.inspection_period or "")
    }
    unheld = []
    for match in _INSPECTION_YEAR.finditer(question):
        year = int(match.group(1) or match.group(2))
        # a report published in 2022 is held; an inspection in 2022 is not, unless one was
        if year not in (held if "report" in match.group(0).lower() else inspected):
            unheld.append(year)
    return list(dict.fromkeys(unheld))


def partial_years(question: str, documents: Iterable[Document], evidence: str) -> list[int]:
    """The uncovered years of a question that also asks about a covered one ("2021 and 2024"):
    answered for the covered year, with a caveat naming the rest."""
    held = document_years(documents)
    missing = uncovered_years(question, documents, evidence)
    asked = {int(y) for y in dated_years(question)}
    return missing if missing and asked & held else []


_PERSON_QUESTION = re.compile(
    r"\b(?:name of|who(?:'s|’s|s)|who (?:is|was|are|were)) (?:the |its |their |[\w']+'s? )?"
    r"(?:current |new |"
    r"former |present )?(?:[\w-]+ ){0,2}(?:constable|con|superintendent|super|inspector|commissioner|"
    r"sergeant|officer|director|manager|head|dcc|acc|dci|di|ds|dc|pc|cc|sgt|insp|supt|pcc|pfcc)s?\b"
    r"|\b(?:who|which (?:hmi|inspector|person|officer)) (?:\w+ )?(?:signed|wrote|authored)\b",
    re.I,
)
_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame)\.? [A-Z][a-z]+|\b([A-Z][a-z]+) ([A-Z][a-z]+)\b"
)
_NOT_NAMES = frozenset(
    tokens(
        "police act council children child safeguarding partnership board team unit office "
        "college policing service national operation majesty inspectorate constabulary "
        "staffordshire stoke trent county city chief local home social care health probation "
        "court crown public protection force"
    )
)


_FORCE = re.compile(r"\b((?:[A-Z][a-z]+ ){1,3})(?:Police|Constabulary)\b")


def other_forces(
    question: str,
    documents: Iterable[Document],
    known: Sequence[str] = (),
    held_as: str = "",
    mentioned: Collection[str] = (),
) -> list[str]:
    """Forces the question is about that no document is from ("how quickly does West Midlands
    Police respond...", or `known` force names in any case: "derbyshire's PPN process"), when
    it names none that is held (nor does `held_as`, the question with its abbreviations
    spelled out: "Staffs") or compares a held one with them; a held force named beside another
    ("the girl West Midlands Police asked Staffordshire to check on") is a question about it.
    A known force the reports `mentioned` (a case with British Transport Police) counts only
    as the question's subject ("west mids police's response", "how does West Midlands...")."""
    held = {
        d.force.lower().removesuffix(" police").removesuffix(" constabulary").strip()
        for d in documents
        if d.force
    }
    if not held:
        return []
    lowered = question.lower()
    named = [m.strip() for m in _FORCE.findall(question)]
    named += [
        name
        for name in known
        if _named(name, lowered) and (name not in mentioned or _as_subject(name, lowered))
    ]
    others = [f for f in dict.fromkeys(named) if f.lower() not in held]
    naming = f"{lowered} {held_as.lower()}"
    names_held = any(h and h in naming for h in held) or "the force" in lowered
    return others if others and (not names_held or _COMPARING.search(question)) else []


_COMPARING = re.compile(r"\bcompared? (?:to|with)\b|\bvs\.?(?!\w)|\bversus\b|\bthan\b", re.I)


def _as_subject(name: str, lowered: str) -> bool:
    """The force is what the question asks about: "how does X police...", "X police's..."."""
    force = re.escape(name.lower())
    return (
        re.search(
            rf"\b(?:about|does|did|do|is|was|are|were|how)\s+(?:the\s+)?{force}\b"
            rf"|\b{force}(?:\s+(?:police|constabulary))?(?:'s|’s)",
            lowered,
        )
        is not None
    )


def _named(name: str, lowered: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(name.lower())}(?![\w-])", lowered) is not None


def asks_for_person(question: str) -> bool:
    """ "What is the name of the chief constable", "who is the detective superintendent...":
    the answer must be a person's name, not a role."""
    return bool(_PERSON_QUESTION.search(question))


_ORGANISATION_QUESTION = re.compile(
    r"\b(?:which|what|name of the|name the) (?:[\w-]+ )?(charity|company|firm|supplier|"
    r"consultancy|contractor|vendor)\b",
    re.I,
)
_CAPITALISED = re.compile(
    r"(?<![.?!:]\s)(?<!^)\b([A-Z][\w'&-]+(?: (?:of |for |and )?[A-Z][\w'&-]+)*)"
)


def organisation_asked(question: str) -> str | None:
    """ "Which charity delivered the training": the kind of organisation whose name is the
    answer, or None."""
    match = _ORGANISATION_QUESTION.search(question)
    return match.group(1).lower() if match else None


def names_organisation(kind: str, question: str, texts: Sequence[str]) -> bool:
    """Whether a sentence that mentions the kind of organisation ("charity") also names one: a
    capitalised name the question does not already hold ("the NSPCC", "Barnardo's")."""
    asked = {t.lower() for t in re.findall(r"[\w'&-]+", question)}
    sentences = [t[a:b] for t in texts for a, b in sentence_spans(t)]
    for sentence in sentences:
        if kind not in sentence.lower():
            continue
        for name in _CAPITALISED.findall(sentence):
            words = [w for w in tokens(name) if w not in _NOT_NAMES]
            if words and not {w.lower() for w in name.split()} <= asked:
                return True
    return False


def names_person(texts: Sequence[str]) -> bool:
    """Whether any text names a person (a title and surname, or two capitalised words that are
    not an organisation, place or heading)."""
    for text in texts:
        for match in _NAME.finditer(text):
            words = [w for w in match.groups() if w]
            found = tokens(" ".join(words))
            if len(found) == len(words) and not any(t in _NOT_NAMES for t in found):
                return True
    return False


def figure_about(
    subject: str,
    texts: Sequence[str],
    terms: Vocabulary | None,
    years: Sequence[str] = (),
    settings: Sequence[str] | None = None,
    share: bool = False,
    qualifiers: frozenset[str] = frozenset(),
) -> int | None:
    """Index of the first text with a sentence holding both a figure and the counted subject
    (or what its abbreviation or everyday word stands for), the text or its setting (the
    paragraph leading up to it: "In September 2023, the force reviewed...") naming each of
    `years`; or None. One sentence: "in 4 of 48 cases, officers..." is no count of officers
    unless the figure and the subject meet. Asked for a `share`, a text giving one leads, else
    any with a figure. A later text leads when its sentence holds more of the question's other
    words (`qualifiers`): "how many RSOs was SOMU managing reactively" is answered by "SOMU was
    reactively managing 145 RSOs", not by the 1,655 RSOs managed in all."""
    readings = _readings(subject, terms)
    if not readings:
        return None
    timed = any(r & _TIME_UNITS for r in readings)
    found: list[tuple[bool, int, int]] = []  # (gives a share, held qualifiers, index)
    for index, text in enumerate(texts):
        setting = settings[index] if settings is not None else text
        if not all(y in setting for y in years):
            continue
        held = -1
        shared = False
        for start, end in sentence_spans(text):
            sentence = text[start:end]
            words = set(tokens(sentence))
            counted = sentence if timed else _DURATION.sub(" ", sentence)
            figure = _FIGURE.search(_DEADLINE.sub(" ", YEAR.sub(" ", counted)))
            if figure and any(r <= words for r in readings):
                held = max(held, len(qualifiers & words))
                shared = shared or bool(share and _SHARE.search(sentence))
        if held >= 0:
            found.append((shared, held, index))
    # a later text must hold strictly more: ties go to the earlier (more relevant) one
    return max(found, key=lambda f: (f[0], f[1], -f[2]))[2] if found else None


def qualifying_words(question: str, subject: str) -> frozenset[str]:
    """The question's words besides its counted subject and its asking words: what tells one
    count of the subject from another ("reactively", "SOMU")."""
    return frozenset(tokens(question)) - set(tokens(subject)) - _ASKING_WORDS


_ASKING_WORDS = frozenset(
    tokens("how many much number what percentage proportion share per cent average total did does")
)


_SHARE = re.compile(
    r"%|\bper ?cent\b|\bhalf\b|\b(?:\d[\d,]*|"
    + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
    + r") (?:in|out of|of) (?:every |the )?\d",
    re.I,
)
"""A share of something ("42 percent", "304 of 720", "one in five"): what a "what percentage"
question leads with, over any other figure about its subject."""
_SHARE_QUESTION = re.compile(
    r"\bwhat (?:percentage|proportion|share|per ?cent)\b|\bwhat ?%|\bhow many percent", re.I
)


def asks_for_share(question: str) -> bool:
    return bool(_SHARE_QUESTION.search(question))


_TIME_UNITS = frozenset(
    tokens("minute minutes hour hours day days week weeks month months year years")
)
"""A count of these ("how many hours") is a span of time; of anything else, a span of time
("every six months") is no count of it."""
_DURATION = re.compile(
    r"\b(?:\d+|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r"|a|an|several|a few)"
    r"[ -](?:minutes?|hours?|days?|weeks?|months?|years?)\b|\bimmediate(?:ly)?\b|\bovernight\b",
    re.I,
)


def has_duration(text: str) -> bool:
    """A span of time ("within eight weeks", "72 hours", "immediately"): what a "how long"
    answer leads with."""
    return bool(_DURATION.search(text))


def has_figure_or_date(text: str) -> bool:
    """A figure, a timescale or a date (a year or a month): what a "how long / when" answer
    must hold."""
    return has_figure(text) or bool(_MONTH.search(text))


def money_in(texts: Sequence[str]) -> bool:
    return any(_MONEY_EVIDENCE.search(t) and has_figure(t) for t in texts)


def defines(forms: Sequence[str], text: str) -> bool:
    """Whether `text` defines a term under any of its forms ("COMPACT, the missing person case
    management system"; "a public protection notice (PPN)"; "known as the FCC"; "ViSOR is
    used to...")."""
    for form in forms:
        term = re.escape(form.strip())
        if not term:
            continue
        patterns = (
            rf"\b{term}s?\b\s+(?:is|are|was|were)\s+(?:a|an|the|its|their|used|how|where|when)\b",
            rf"\b{term}s?\b\s*(?:,|\(|–|—)\s*(?:the|a|an|which|where|our|its|[A-Z])",
            rf"\b(?:called|known as|named)\s+(?:the\s+|a\s+|an\s+)?{term}\b",
            rf"\({term}s?\)",
            rf"\b{term}s?\b[^.]{{0,40}}\b(?:which|that) (?:is|are)\b",
        )
        if any(re.search(p, text, re.I) for p in patterns):
            return True
    return False


_YES_NO = re.compile(
    r"^\s*(?:yes or no\W*)?(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would)\b",
    re.I,
)
_NEGATION = re.compile(
    r"\b(?:not|no|never|none|nor|neither|without|rarely|out of date|out-of-date)\b|n't\b", re.I
)
_ASIDE = frozenset(
    tokens("staffordshire staffs force police report reports inspection inspections hmicfrs yes")
)


def yes_or_no(question: str, sentence: str) -> str | None:
    """ "Yes." or "No." for a yes/no question whose every content word the sentence holds
    (one negated and the other not: no); None when the sentence does not settle it that
    plainly ("Was the plan up to date?" / "the plan is out of date": no)."""
    if not _YES_NO.search(question) or re.search(r"\bor\b", question.split(":")[-1], re.I):
        return None
    wanted = {t for t in tokens(question) if not t.isdigit()} - _ASIDE
    if len(wanted) < _SETTLING_WORDS or not wanted <= set(tokens(sentence)):
        return None
    asked_negated = bool(_NEGATION.search(question))
    return "No." if asked_negated != bool(_NEGATION.search(sentence)) else "Yes."


_SETTLING_WORDS = 2


_SAID_BY = re.compile(
    r"\bwhat (?:did|does|do|has|have) (?:the )?(?P<who>[\w'’&-]+(?: [\w'’&-]+){0,6}?) "
    r"(?:say|said|think|thought|make of|tell|told|respond(?:ed)?)\b",
    re.I,
)
_BODIES = frozenset(
    tokens(
        "council panel partnership board trust charity agency commissioner government ofsted "
        "cps nspcc union federation ministry authority court nhs hospital coroner"
    )
)
"""Organisations whose say a question may ask for, which the reports rarely give."""
_SPEECH = re.compile(
    r"\b(?:said|says|told|stated|states|described|felt|feel|believed|explained|commented|"
    r"responded|agreed|raised|welcomed)\b",
    re.I,
)


def speaker_asked(question: str) -> str | None:
    """The organisation "what did X say / think" asks to hear from ("the city council", "the
    Child Safeguarding Practice Review Panel"); None for the report's own voice or people."""
    match = _SAID_BY.search(question)
    if match is None:
        return None
    who = match.group("who")
    head = tokens(who.split()[-1])
    return who if head and head[0] in _BODIES else None


def speaker_heard(who: str, texts: Sequence[str]) -> bool:
    """Whether a sentence has the speaker (its head word, or an acronym it is called by)
    saying something: "CPET staff told us...", "partners said..."."""
    words = who.split()
    names = {tokens(words[-1])[0]} if tokens(words[-1]) else set()
    names |= {w.lower() for w in words if w.isupper() and len(w) > 1}
    for text in texts:
        for a, b in sentence_spans(text):
            sentence = text[a:b]
            if _SPEECH.search(sentence) and names & {t.lower() for t in tokens(sentence)}:
                return True
    return False
