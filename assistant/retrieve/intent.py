"""What kind of section a question is looking for, read from its words: "recommend" looks for
recommendations, "what needs fixing" for recommendations and areas for improvement, "an
example" or "the case of" for case studies. Retrieval gives such sections a small lift."""

from __future__ import annotations

import re

from assistant.domain.records import FindingType
from assistant.domain.records import SectionKind as K
from assistant.domain.text import own_words, tokens

_FORCE = r"(?:the force|the police|staffs|staffordshire|it|they|them)"
_WANTED_DONE = (
    r"\bwant(?:s|ed)? (?:\w+ ){0,3}?(?:done|doing|changed|fixed|improved|sorted|addressed|"
    r"tackled|put right)(?: differently)?\b"
)
_WANTED_DONE_RE = re.compile(_WANTED_DONE, re.I)
_ASKED_TO_FIX = re.compile(
    r"\bareas? for improvement|\bAFIs?\b|\bneed(?:s|ed)? (?:fixing|improving|sorting)\b"
    r"|\b(?:flagged|marked|highlighted|identified|singled out|picked out|pointed out|called out)"
    r" (?:\w+ ){0,2}?(?:for|as needing|as in need of) (?:improvement|improving|attention)\b"
    r"|\b(?:needs?|needed|needing|room for) (?:some |more )?improvement\b"
    r"|\b(?:change|fix|improve) about\b|\bwhat should the force\b"
    r"|\b(?:the|their|its|hmi(?:c|cfrs)?['’]s|inspectors?['’]s?) asks?\b"
    r"|\bwhat (?:needs|has) to (?:change|improve)\b"
    r"|\b(?:improvements?|changes?|actions?) (?:were|was|are|is|had been|have been) (?:\w+ )?"
    r"(?:demanded|required|expected|asked for|wanted|recommended|called for)\b"
    r"|(?<!\bi )(?<!\bwe )(?<!you )need(?:s|ed)? to (?:change|improve|do|fix|sort|be (?:fixed|"
    r"changed|improved|sorted))\b"
    r"|(?<!\bi )(?<!\bwe )(?<!you )\b(?:has|have|had|got|get) (?:got )?to (?:do|change|improve|"
    r"fix|sort|put right)\b"
    rf"|\b(?:tell|told|want(?:s|ed)?|ask(?:s|ed)?|expect(?:s|ed)?|require[sd]?) {_FORCE} to\b"
    r"|\b(?:were|was|is|are|been|being|get|got) (?:\w+ ){0,3}?(?:told|asked|expected|required|"
    r"instructed|directed|urged) to\b"
    r"|\b(?:hmi|hmic|hmicfrs|inspectors?|inspectorate|report|inspection) (?:\w+ )?(?:want|wants|"
    r"wanted|ask|asks|asked|call(?:s|ed)? (?:for|on)|demand\w*|expect\w*|require[sd]?|urge[sd]?)\b"
    rf"|{_WANTED_DONE}|\bsort(?:ed)? out\b|\bput (?:\w+ )?right\b"
    rf"|\bwhat (?:should|must|does|do|did) {_FORCE} (?:\w+ ){{0,2}}(?:change|improve|fix|do better|"
    r"do about)\b"
    r"|\b(?:hmi|hmic|hmicfrs|inspectors?|inspectorate|report|they) (?:\w+ )?(?:say|said|says) "
    r"(?:\w+ ){0,3}?(?:had|has|have|needed|needs|must) to\b|\b(?:has|have|had) to happen\b",
    re.I,
)
"""What the inspectors told the force to do, in the words of someone who does not say
"recommend": "what did HMI want changed", "what were staffs told to fix", "what did the
report call for". Both recommendations and areas for improvement answer it."""
_ACTIVITY = "".join(  # one fixed-width look-behind per word, as `re` requires
    rf"(?<!\b{word} )"
    for word in (
        "review",
        "reviews",
        "investigation",
        "investigations",
        "response",
        "attendance",
        "visit",
        "visiting",
        "referral",
        "assessment",
        "supervision",
        "bail",
        "detention",
        "custody",
        "allocation",
    )
)
"""Before a deadline word, the activity whose timescale it is ("the review timescales for a
crime"): officers' practice, not a recommendation's timescale."""
_DEADLINE = re.compile(
    rf"{_ACTIVITY}(?:\bdeadlines?\b|\btimescales?\b|\btime ?frames?\b)"
    rf"|\bhow long (?:were|was|did|do|does|have|has|had) {_FORCE} (?:been )?(?:given|get|got|have|had)"
    r"\b(?! to (?:wait|stay|spend|remain|be held))"
    r"|\bhow long did (?:hmi|hmic|hmicfrs|the inspectors?|the inspectorate|the report|they) give\b"
    rf"|\bby when (?:did|do|does|had|has|have|was|were) {_FORCE} (?:have|need|got|been (?:told|"
    r"asked|given|expected|required)) to\b"
    rf"|\bby when (?:must|should) {_FORCE}\b",
    re.I,
)
"""Recommendations carry timescales; areas for improvement and findings do not."""
_RECOMMEND = re.compile(r"\brecommend\w*|\brecs?\b", re.I)

_STORY = re.compile(
    r"\bcase stud\w*|\bexample\b|\bthe (?:job|one) (?:where|when)\b"
    r"|(?<!still )(?<!is )(?<!was )(?<!be )\b(?:the|that|this|\d{4}) (?!(?:kind|type|sort) of)"
    r"(?:\w+ ){0,2}case\b(?! (?:files?|conf\w*|reviews?|manag\w*|audits?|load|work|law|stud))",
    re.I,
)
"""A question about one case ("the 2025 case where it took 40 hours to find a girl", "2021
misper case - what went wrong?"), not about case files or case conferences, nor "still the
case"."""
_NAMED_FINDING = re.compile(rf"{_RECOMMEND.pattern}|\bAFIs?\b|\bareas? for improvement", re.I)
_RATED_AS = (
    r"|\brate[ds]? (?:as|it|them)\b|(?-i:\bRI\b)"
    r"|\b(?:got|get|gets|given|received|achieved|awarded) (?:an? |the )?(?:outstanding|good|"
    r"adequate|inadequate|requires improvement)(?=\s*(?:$|[?,.;]|\b(?:in|for|and|or|at|on|from)\b))"
)
"""Grades asked for without the word: "which areas did HMI rate as RI", "which areas got good
in 2025" (not "got good training")."""

_GRADE_CUE = re.compile(
    r"\bgraded?\b(?!\s*\d)|\bgrades\b|\bjudg(?:e)?ments?\b|\brated\b" + _RATED_AS, re.I
)
_JUDGMENT_CUE = re.compile(
    r"\bgrades?\b(?!\s*\d)|\bgraded\b|\brated\b|\brating\b|\bjudg(?:e)?ments?\b" + _RATED_AS,
    re.I,
)
_PRAISED = re.compile(
    r"\brat(?:e|ed|es|ing)\b(?=(?: \w+){0,2}? (?:positively|highly|well|favou?rably|poorly|"
    r"badly|negatively)\b)",
    re.I,
)
_WHY_RATED = re.compile(r"(\bwhy\b[^?.;]*?\b)rat(?:e|ed)\b", re.I)
_GRADE_NAMED = re.compile(
    r"\b(?:outstanding|good|adequate|inadequate|requir\w* improvement)\b|\brat(?:e|ed) as\b"
    r"|(?-i:\bRI\b)",
    re.I,
)


def without_appraisal(question: str) -> str:
    """The question with a rating that only praises or criticises read as "assessed" ("what
    did the 2021 inspectors rate positively", "why did they rate the hubs?": the 2021 report
    grades nothing), so that no grade cue reads it; "why was it rated RI" keeps its grade."""
    question = _PRAISED.sub("assessed", question)
    if _GRADE_NAMED.search(question):
        return question
    return _WHY_RATED.sub(r"\1assessed", question)


_GRADE_PLACE = re.compile(
    r"\b(?:graded|judg(?:e)?ment) areas?\b"
    r"|\b(?:in|under|within|for|from|of) (?:the |that |this |its |which |what )?(?:\d{4} )?"
    r"(?:[\w&'’-]+ ){0,5}?judg(?:e)?ments?\b",
    re.I,
)
"""A graded area named as where a finding sits ("the only AFI in the risk assessment
judgement", "which graded area is it under"): the finding is asked for, not the grade."""


def _grade_only_places(question: str) -> bool:
    """Whether the question asks what the force must fix and names a grade only as the place
    of the finding."""
    return bool(
        (_ASKED_TO_FIX.search(question) or _NAMED_FINDING.search(question))
        and _JUDGMENT_CUE.search(question)
        and not _JUDGMENT_CUE.search(_GRADE_PLACE.sub(" ", question))
    )


_VERDICT_CUE = re.compile(
    r"\bbottom line\b|\bverdict\b|\boverall\b|\bin summary\b|\bconclu\w*", re.I
)
"""A report's summary or conclusion asked for, whatever the topic ("the overall verdict on
custody"); "summarise how X moved" only asks for brevity, unless X is the whole report."""
_OVERVIEW_ASKED = re.compile(
    _VERDICT_CUE.pattern + r"|"
    r"\bsumm(?:ary|ari[sz]\w*)\b|\bsum (?:it |them |that )?up\b|\boverview\b|"
    r"\bin a nutshell\b|\btl;?dr\b|\bbig picture\b|\bgist\b|"
    r"\b(?:key|main) (?:findings|points|messages|takeaways)\b|\bheadlines\b",
    re.I,
)
"""A report's summary asked for: "summarise the 2025 report", "the bottom line", "key findings"."""
_REPORT_WORDS = frozenset(
    tokens(
        "what whats was were is are the a an of on in for from about me us give tell please pls "
        "report reports inspection inspections force staffordshire staffs police hmicfrs hmic hmi "
        "inspectorate inspectors say said says find found whole latest last first child children "
        "protection cp quick short brief briefly can could you i its their"
    )
)


VERDICT_ASKED = (
    "Overall, we found the force is good, requires improvement or is inadequate at protecting "
    "children, and it needs to improve"
)
"""What a question asking for a report's summary is searched and quoted by: the report's
verdict, not its sentences about itself ("this report is a summary of the findings...")."""


def asks_for_overview(question: str) -> bool:
    """ "Summarise the 2025 report", "what was the bottom line of the 2021 inspection?": the
    whole report's verdict, with no topic inside it ("a summary of custody in 2021" has one)."""
    if not _OVERVIEW_ASKED.search(question):
        return False
    rest = tokens(_OVERVIEW_ASKED.sub(" ", question))
    return not [t for t in rest if t not in _REPORT_WORDS and not t.isdigit()]


_CUES: list[tuple[re.Pattern[str], set[K]]] = [
    (_RECOMMEND, {K.RECOMMENDATIONS}),
    (_DEADLINE, {K.RECOMMENDATIONS}),
    (_ASKED_TO_FIX, {K.AREAS_FOR_IMPROVEMENT, K.RECOMMENDATIONS}),
    (_STORY, {K.CASE_STUDY}),
    (re.compile(r"\binnovati\w*", re.I), {K.INNOVATIVE_PRACTICE}),
    (_GRADE_CUE, {K.JUDGMENT_AREA, K.SUMMARY}),
    (re.compile(r"\bmain findings?\b", re.I), {K.MAIN_FINDINGS}),
    (
        re.compile(
            r"\bnext steps?\b|\baction plan\b|\bwhat happens next\b|\bfollow[- ]up\b|"
            r"\b(?:come|go|coming|going|due) back\b|\brevisit\w*\b|"
            r"\b(?:send|sent|submit|submitted) (?:in|back)\b|"
            r"\b(?:respond|reply|report back|answer) to (?:the |its |these |those |this )?"
            r"(?:\d{4} )?(?:recommendations|areas for improvement|AFIs|report|inspection)\b|"
            r"\b(?:tell|update|inform|write to) (?:HMICFRS|HMIC|HMI|the inspectorate) (?:in writing|"
            r"what|how|about)\b|"
            r"\b(?:(?:how long|by when) (?:has|have|does|did|do|must|should)|when (?:has|have|"
            r"does|do|must|should)) (?:the force|it|they|we|you|staffs|staffordshire) "
            r"(?:got |have |had )?(?:to )?(?:respond|reply|tell|report|update|send|"
            r"say|explain|give(?! (?:staffs|staffordshire|the force|them|it)\b)|get back|"
            r"write back)\b",
            re.I,
        ),
        {K.NEXT_STEPS},
    ),
    (
        _VERDICT_CUE,
        {K.SUMMARY, K.CONCLUSION},
    ),
]


def wanted_kinds(question: str) -> set[K]:
    """The section kinds the question asks for; what to do next about a report's findings is
    its next steps, not the findings, and who asked whom to do what in a case is the case's."""
    question = without_appraisal(question)
    kinds: set[K] = set()
    for pattern, found in _CUES:
        if pattern.search(question):
            kinds |= found
    asked_elsewhere = K.CASE_STUDY in kinds or bool(_SOMEONE_ELSE_ASKED.search(question))
    if K.NEXT_STEPS in kinds or (asked_elsewhere and not _NAMED_FINDING.search(question)):
        kinds -= {K.AREAS_FOR_IMPROVEMENT, K.RECOMMENDATIONS}
    if _grade_only_places(question):
        kinds -= {K.JUDGMENT_AREA, K.SUMMARY}
    return kinds


def followup_kinds(standalone: str) -> set[K]:
    """The section kinds a stand-alone question asks for: a follow-up's own cues ("and by
    when?" borrows the earlier "what did they recommend"), but a follow-up asking whether
    things changed ("was it still an issue in 2025?") is no longer after the earlier
    question's recommendations."""
    own = own_words(standalone)
    kinds = wanted_kinds(own)
    if kinds or own == standalone:
        return kinds
    return set() if asks_for_change(own) else wanted_kinds(standalone)


_FINDING_CUES: list[tuple[re.Pattern[str], tuple[FindingType, ...]]] = [
    (_RECOMMEND, (FindingType.RECOMMENDATION,)),
    (_DEADLINE, (FindingType.RECOMMENDATION,)),
    (_ASKED_TO_FIX, (FindingType.AREA_FOR_IMPROVEMENT, FindingType.RECOMMENDATION)),
    (re.compile(r"\bcauses? (?:of|for) concern\b", re.I), (FindingType.CAUSE_OF_CONCERN,)),
    (_JUDGMENT_CUE, (FindingType.JUDGMENT,)),
    (re.compile(r"\binnovati\w*", re.I), (FindingType.INNOVATIVE_PRACTICE,)),
]
_LIST = re.compile(
    r"\blist\b|\ball (?:the|of)\b|\bevery\b|\beach\b|\bwhich (?:things|ones|areas|recs?\b|"
    r"recommendations)|\b(?:recommendations|recs|areas for improvement|AFIs|grades)\b",
    re.I,
)
_FIGURE = re.compile(
    r"\bhow (?:many|much|big|long|fast|quick(?:ly)?|soon|often|far)\b|\bwhat (?:percentage|"
    r"proportion|share|number|per ?cent)\b|\bwhat ?%|\bnumber of\b|\bbudget\b|\bspend\b|\bcost\b|\brate\b|"
    r"\bwhen (?:did|was|were|is|does|do|will|should|must|can)\b|\bby when\b|"
    r"\bwhat (?:time|hours|date|year|age)\b|\bhow old\b|\b(?:on )?average\b",
    re.I,
)
_MONEY = re.compile(
    r"\bbudget\b|\bspending\b|\bspend(?:s|ing)? (?:on|money)\b|\bcosts?\b|\bfunding\b|"
    r"\bhow much money\b|"
    r"\bhow much (?:did|does|do|has|have|had|was|were|is|will)\b[^?,;]*\b(?:pay|paid|cost|invest\w*|"
    r"fund\w*|charge\w*|spen[dt]|put (?:in|into)|sp[eu]nk|give|gave|given|allocat\w*)\b",
    re.I,
)
_PRACTICE = re.compile(
    r"\bwhat (?:should|must|do) (?:i|we|officers?|staff)\b|\bhow (?:should|do) (?:officers?)\b|"
    r"\b(?:do|should|must|can|could|may|shall|have) (?:i|we)\b(?! know\b)|"
    r"\b(?:am i|are we|is an? (?:officer|sergeant|sgt|inspector|insp)) (?:\w+ )?(?:meant|supposed|"
    r"expected|allowed|ok|okay|required)\b|"
    r"\b(?:meant|ment|supposed) to\b(?! (?:achieve|accomplish|land|come in|start|"
    r"be (?:coming|mandatory|ready|in place|launched|introduced|finished|done by)))|"
    r"\b(?:is it|it's|its) (?:\w+ )?(?:ok|okay|alright|fine|acceptable)\b|\b(?:ok|okay) to\b|"
    r"\bexpected of (?:me|us)\b|\bwhat(?:'s| is|s) (?:expected|required)\b|"
    r"\bhow (?:soon|quickly|quick|often|fast) (?:should|must)\b|"
    r"\bwhat (?:should|must|needs to|has to) happen\b|"
    r"\bshould (?:it|this|that|he|she|they|the (?:child|kid|girl|boy|victim)) (?:\w+ )?be\b",
    re.I,
)
"""An officer asking what to do: "should I", "do we need to", "am I meant to", "is it OK to",
"should it be a missing person report?"; not what a thing is meant to do ("what was the
recommendation meant to achieve", "when is the dashboard meant to land")."""
_TYPED_SHOULD = r"(?:shud|shd|shld)"
_MODAL = rf"(?:should|{_TYPED_SHOULD}|must|ought to|has to|have to|needs? to)"
_ROLE = (
    r"(?:the |a |an |my |our |your )?(?:officers?|pcs?|oics?|sios?|insp(?:ector)?s?|sergeants?|"
    r"sgts?|skippers?|ds|di|dc|detectives?|supervisors?|investigators?|custody(?: staff| "
    r"sergeants?| officers?)?|response(?: officers?| pcs?)?|call handlers?|(?:my |our )team|you)"
)
_ROLE_OWES = re.compile(
    rf"\b{_MODAL}\s+{_ROLE}\b|\b{_ROLE}\s+(?:\w+\s+)?{_MODAL}\b|\b{_TYPED_SHOULD} (?:i|we)\b|"
    r"\bwhat(?:'s| is|s) the (?:right|best|correct|proper) (?:approach|way|mindset|response)\b|"
    r"\bwhat does good (?:practice )?look like\b|\bbest practice\b",
    re.I,
)
"""What someone doing the job should do ("what shud officers be recording", "what should the
OIC be doing", "should my team keep it", "what's the right approach for the SIO", "what does
good look like"), not what the force should do (a recommendation) nor what a thing should
hold ("what should go on the form": the passage describing the form answers that)."""


_COMPARING = (
    r"improv(?:e[ds]?|ing)|better|worse|chang\w*|progress\w*|any ?more|any longer|since|"
    r"compare\w*|comparison|differ\w*|trend|moved on|got on|between|now|again"
)
_EACH_REPORT = r"(?:both|each|either|the two) (?:times?|inspections?|reports?|visits?)"
"""What each report found, asked in one question ("what did each inspection make of them?",
"rated positively both times?"): a comparison, though its words are the topic's frame."""
_CHANGE = re.compile(rf"\b(?:{_COMPARING}|{_EACH_REPORT}|still)\b", re.I)
_COMPARING_WORDS = re.compile(rf"\b(?:{_COMPARING})\b", re.I)
"""The change words but "still", which is often the finding's own ("RSOs still assigned to
an officer who retired")."""
_DIRECTIVE = re.compile(
    r"\b(?:should|must|needs?|has to|have to|ought to|asked to|told to|wants? (?:\w+ )?to|"
    r"to be|to)\s+(?:\w+\s+){0,3}?(?:change|improve|do better|be better|get better)\b"
    r"|\b(?:do|doing|did|done) (?:it |things |this |that )?better\b"
    r"|\bwhat (?:to|should|must) (?:i |we |officers? )?do now\b"
    r"|\b(?:look|looks|looking|looked|think|thinking|go|going|review|reviewed|check|checked)"
    r"(?: (?:at|into|over))?(?: (?:it|this|that|them|the \w+))? again\b"
    r"|\bchanges? (?:\w+ ){0,4}?(?:asked|told|expected|required|recommended|wanted|needed)\b"
    r"|\b(?:deadline|timescale|time ?frame)s? for (?:\w+ ){0,4}?changes?\b",
    re.I,
)
"""Change-words that ask for something to be done ("what should the force change", "what
must it improve"), not what differs between reports."""
_WITHIN_REPORT = re.compile(
    r"\b(?:compared? (?:with|to) |than |since )?(?:the |a )?(?:(?:previous|prior|preceding) "
    r"(?:year|12 months|twelve months|period|quarter|month)|(?:year|month|period|quarter)s? "
    r"(?:before|earlier)|last year)\b"
    r"|\bcompared? (?:with|to) (?:what )?(?:the )?(?:hmicfrs|hmic|hmi|inspectors?|inspectorate)\b",
    re.I,
)
"""A change against the year before, which one report gives ("how many children were
detained in the year to June 2021 compared with the year before"), or the force's own view
against the inspectors' ("its grades compared with HMICFRS's")."""


def asks_for_change(question: str) -> bool:
    """ "Did it improve", "what changed", "compare", "still", "since 2021": each report in turn,
    then what changed; not "what should the force change", which asks for a recommendation."""
    asked = _ASKED_TO_FIX.sub(" ", _WANTED_DONE_RE.sub(" ", _DIRECTIVE.sub(" ", question)))
    return bool(_CHANGE.search(_WITHIN_REPORT.sub(" ", asked)))


def change_topic(question: str) -> str:
    """What a change question is about, without its change words ("has PP recording improved
    since 2021?" -> "has PP recording 2021?"): words to match each report's passages by."""
    return " ".join(_COMPARING_WORDS.sub(" ", question).split())


def changed_since_latest(question: str) -> bool:
    """Whether a change-question's only change-word is "now" ("how many cadets has it got now
    (2025)?"): with the latest report named, "now" dates the question; it compares nothing."""
    return asks_for_change(question) and not asks_for_change(_NOW.sub(" ", question))


_NOW = re.compile(r"\bnow\b", re.I)


def asks_for_next_steps(question: str) -> bool:
    """ "How long has the force got to respond to the areas for improvement": what the force
    must do about a report (its next steps), not the findings themselves."""
    return K.NEXT_STEPS in wanted_kinds(question)


_SOMEONE_ELSE_ASKED = re.compile(
    r"\b(?:(?!HMI\b|HMIC\b|HMICFRS\b)[A-Z]{2,}s?|(?i:bosses|boss|managers?|officers?|social "
    r"workers?|social care|everyone|sergeants?|supervisors?|parents?|mum|dad|partners?|schools?|"
    r"the council))\s+(?:\w+\s+)?(?i:asked|told|wanted|said|says|expected|required)\b"
)
"""Someone other than the inspectors asking the force to do something ("WMP asked staffs to
check on a girl", "bosses said everyone had to do the training"): a case or a fact, not a
recommendation."""


def finding_types(question: str) -> set[FindingType]:
    """The finding types a question asks about (recommendations, areas for improvement,
    causes of concern, graded judgments, innovative practice); empty when it asks for none.
    A grade another body gave ("what Ofsted grade did the council get?") is no judgment of
    the force's."""
    question = without_appraisal(question)
    found: set[FindingType] = set()
    for pattern, types in _FINDING_CUES:
        if pattern.search(question):
            found |= set(types)
    if _OTHER_GRADER.search(question) or _grade_only_places(question):
        found.discard(FindingType.JUDGMENT)
    if (
        _STORY.search(question) or _SOMEONE_ELSE_ASKED.search(question)
    ) and not _NAMED_FINDING.search(question):
        # "who asked staffs to check on her?" in a story is asked of the case, not of HMI
        found -= {FindingType.RECOMMENDATION, FindingType.AREA_FOR_IMPROVEMENT}
    return found


_OTHER_GRADER = re.compile(
    r"\b(?:ofsted|cqc|care quality commission|hmip|hmi probation|estyn|council|councils|local "
    r"authorit(?:y|ies)|csc|children's social care|social care|social services|probation)\b",
    re.I,
)


def asks_for_list(question: str) -> bool:
    """ "List...", "all the...", "every...", or a plural ("what were the recommendations")."""
    return bool(_LIST.search(question))


def asks_for_figure(question: str) -> bool:
    """ "How many / how long / how often / when / what percentage": the answer leads with a
    figure, a date or a timescale."""
    return bool(_FIGURE.search(question))


_DURATION_QUESTION = re.compile(
    r"\bhow (?:long|soon|quickly|fast)\b|\bby when\b|\bwhat (?:timescale|deadline|time ?frame)\b|"
    r"\bwithin what\b",
    re.I,
)


def asks_for_duration(question: str) -> bool:
    """ "How long / by when / what timescale": the answer leads with a span of time ("within
    eight weeks", "72 hours"), not any date."""
    return bool(_DURATION_QUESTION.search(question))


def asks_for_money(question: str) -> bool:
    return bool(_MONEY.search(question))


def asks_for_practice(question: str) -> bool:
    """ "What should I do / record": the answer leads with what officers should do."""
    return bool(_PRACTICE.search(question) or _ROLE_OWES.search(question))


_CLAUSE_END = re.compile(r"(?<=[.!?])\s+|\s+[-–—]\s+|\s*\n+\s*")
_ASKING = re.compile(
    r"\?\s*$|^(?:what|whats|what's|which|who|whose|when|where|why|how|is|are|was|were|do|does|"
    r"did|can|could|should|must|has|have|had|will|would|any|anything|tell|list|give)\b",
    re.I,
)


def ask_clause(question: str) -> str | None:
    """The clause that asks, when a question tells a story first ("went to a job last night,
    kids in a right state. whats the legal power for PP?"): the last clause that reads as a
    question; None when the question is one clause."""
    clauses = [c.strip() for c in _CLAUSE_END.split(question.strip()) if c and c.strip()]
    if len(clauses) < 2:
        return None
    asking = [c for c in clauses if _ASKING.search(c) and len(tokens(c)) >= _ASK_WORDS]
    return asking[-1] if asking and asking[-1] != clauses[0] else None


_ASK_WORDS = 3
"""Fewer content words ("how often?") say too little to choose quotes by."""


_DEFINITION = re.compile(
    r"^\s*(?:so\s+)?(?:wh?at|wht)\s*(?:'s|’s|s|is|are)\s+(?:a |an |the )?"
    r"(?P<term>[\w'’&/-]+(?: [\w'’&/-]+){0,3}?)\s*(?:exactly|actually)?\s*\??\s*$",
    re.I,
)


def defined_term(question: str) -> str | None:
    """ "What is COMPACT?", "whats a PPN": the term a question asks to have defined."""
    match = _DEFINITION.match(question)
    return match.group("term") if match else None
