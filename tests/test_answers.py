"""The extractive answerer end to end over the bundled sample corpus (the real model): the
issue's done-when questions, citation integrity, conversations, bad input and the CLI."""

from __future__ import annotations

import json
import re

import pytest
from cli_runner import run_cli

from assistant.core import Assistant
from assistant.domain.errors import AssistantError
from assistant.domain.records import Answer, SearchFilters
from assistant.retrieve.hybrid import FilterError

PROTECTION_Q = "what should officers record when they use police protection powers?"
MISSING_2021_Q = "How did the force respond to missing children in 2021?"
ARTHUR_Q = "What mnemonic do officers use to think about children at domestic abuse incidents?"
COMPARE_Q = "What changed between the 2021 and 2025 inspections on missing children?"
PROTECTION_BULLETS = (
    "the scenario;",
    "the parents' attitude;",
    "the child's demeanour, behaviour and appearance; and",
    "the risks they feel are likely to cause harm.",
)
_MARKER = re.compile(r"\[(\d+)\]")


def assert_citations_sound(assistant: Assistant, answer: Answer) -> None:
    """Numbered 1..n; each quote is exactly the stored text at its offsets; every [n] in the
    text has its citation (and, for an answer, every citation is used)."""
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    for citation in answer.citations:
        text = assistant.db.text(citation.doc_id)
        assert text is not None, citation.doc_id
        assert text[citation.start : citation.end] == citation.quote
        assert citation.quote.strip()
        assert citation.section_path
    markers = {int(n) for n in _MARKER.findall(answer.text)}
    assert markers <= {c.n for c in answer.citations}
    if not answer.refused:
        assert markers == {c.n for c in answer.citations}


def test_police_protection_record_comes_back_whole(sample_assistant: Assistant) -> None:
    answer = sample_assistant.ask(PROTECTION_Q)
    assert not answer.refused and answer.grounded
    assert answer.answerer == "extractive"
    matching = [
        c
        for c in answer.citations
        if c.doc_id == "staffordshire-2021"
        and c.section_path[0] == "8. Decision making"
        and "the child's demeanour, behaviour and appearance" in c.quote
    ]
    assert matching, [(c.doc_id, c.section_path, c.quote[:80]) for c in answer.citations]
    assert "police protection form" in matching[0].quote
    for bullet in PROTECTION_BULLETS:
        assert f"- {bullet}" in answer.text, bullet
        assert bullet in matching[0].quote
    assert_citations_sound(sample_assistant, answer)


def test_another_force_is_refused_with_nearest_passages(sample_assistant: Assistant) -> None:
    answer = sample_assistant.ask("what does the report say about Derbyshire Police?")
    assert answer.refused and not answer.grounded
    assert answer.text.startswith("The documents don't cover this")
    assert "Derbyshire" in (answer.reason or "")
    assert answer.citations, "the nearest passages should be offered"
    assert "nearest passages" in answer.text
    assert_citations_sound(sample_assistant, answer)


def test_another_force_by_its_nickname_is_refused_but_its_case_is_answered(
    sample_assistant: Assistant,
) -> None:
    """The reports tell a case West Midlands Police passed to Staffordshire: asked about West
    Mids' own work, they don't cover it; asked about that case, they do."""
    own = sample_assistant.ask("how did west mids police do on missing kids in its own inspection?")
    assert own.refused and "West Midlands" in (own.reason or "")
    case = sample_assistant.ask(
        "in the 2025 case where West Mids asked Staffs to check on a girl, how long did it take to find her?"
    )
    assert not case.refused and "40 hours" in case.text


def test_an_area_of_policing_no_report_mentions_is_refused_by_name(
    sample_assistant: Assistant,
) -> None:
    """Child-protection reports hold text near "stop and search" (searches, children), but
    never the topic itself: the answer says so instead of quoting the nearest sentence."""
    answer = sample_assistant.ask("What's the force's policy on stop and search of under-18s?")
    assert answer.refused
    assert answer.reason == "no document mentions stop and search"
    assert_citations_sound(sample_assistant, answer)
    retriever = sample_assistant.retriever
    assert retriever.uncovered_topics("firearms licensing and tasers") == [
        "firearms licensing",
        "taser",
    ]
    assert retriever.uncovered_topics("were police dogs and drones used to find her?") == []
    searched = sample_assistant.ask("Were police dogs used to search for the missing child?")
    assert not (searched.reason or "").startswith("no document mentions")


def test_a_follow_up_moving_to_a_report_without_the_topic_says_so(
    sample_assistant: Assistant,
) -> None:
    """The 2025 report never discusses custody: "and in 2025?" after a 2021 custody question
    is told so (citing the 2021 passage), not answered from unrelated 2025 text."""
    from assistant.domain.records import Turn

    first = "How long were children kept in custody in 2021?"
    history = [
        Turn(role="user", content=first),
        Turn(role="assistant", content=sample_assistant.ask(first).text),
    ]
    answer = sample_assistant.ask("And in 2025?", history=history)
    assert answer.refused
    assert (
        answer.reason == "the Staffordshire 2025 report doesn't; the Staffordshire 2021 report does"
    )
    assert answer.citations[0].doc_id == "staffordshire-2021"
    assert "custody" in answer.citations[0].quote.lower() or "detain" in answer.citations[0].quote
    assert_citations_sound(sample_assistant, answer)
    typed = sample_assistant.ask("avg time juveniles spent in staffs custody in 2025?")
    assert typed.refused and typed.reason == answer.reason  # "avg": the glossary's "average"
    covered = sample_assistant.ask("How quickly did officers respond to missing children in 2025?")
    assert not covered.refused
    # asked whether it was still so in 2025: nothing to compare, and said so
    still = sample_assistant.ask("is op safenet still sat on a backlog in 2025?")
    assert still.refused and still.reason == answer.reason
    assert still.citations[0].doc_id == "staffordshire-2021"
    assert not sample_assistant.ask("has op safenet cleared its backlog since 2021?").refused


def test_a_finding_the_search_leads_with_answers_when_no_finding_shares_the_words(
    sample_assistant: Assistant,
) -> None:
    """ "What did HMICFRS flag as innovative practice?": no finding holds "flag", and the
    passages alone answer too loosely, but the passage search leads with the innovative
    practice itself: it answers, rather than a refusal."""
    for question in (
        "What did HMICFRS flag as innovative practice in the 2025 inspection?",
        "Was anything in the 2025 report picked out as innovative?",
    ):
        answer = sample_assistant.ask(question)
        assert not answer.refused, question
        assert answer.text.startswith("Staffordshire 2025: the innovative practice:")
        assert "sudden or unexpected death" in answer.text
        assert_citations_sound(sample_assistant, answer)


def test_asking_whether_a_later_report_found_it_better_when_it_never_covers_it_says_so(
    sample_assistant: Assistant,
) -> None:
    """ "Did the 2025 inspection find that had got better?" after a 2021 custody question: the
    2025 report never discusses custody, so there is nothing to compare; a topic it does cover
    ("were PPNs triaged") is compared as before."""
    from assistant.domain.records import Turn

    def then(first: str, followup: str) -> Answer:
        history = [
            Turn(role="user", content=first),
            Turn(role="assistant", content=sample_assistant.ask(first).text),
        ]
        return sample_assistant.ask(followup, history=history)

    custody = then(
        "In 2021, were custody inspectors reviewing children's detention properly?",
        "Did the 2025 inspection find that had got better?",
    )
    assert custody.refused
    assert custody.reason == (
        "the Staffordshire 2025 report doesn't; the Staffordshire 2021 report does"
    )
    assert_citations_sound(sample_assistant, custody)
    triage = then(
        "Were PPNs triaged before they went to CSC in 2021?", "Had that improved by 2025?"
    )
    assert not triage.refused
    assert {c.doc_id for c in triage.citations} == {"staffordshire-2021", "staffordshire-2025"}


def test_grades_of_the_areas_and_grades_given_to_something_else(
    sample_assistant: Assistant,
) -> None:
    """Every graded area, as "area — grade", for a question about the grades; the force's
    self-graded cases are no graded area, so the passages answer that."""
    graded = sample_assistant.ask("2025 grades - which bit did staffs get a good for and which RI?")
    assert "Working with safeguarding partners — Good" in graded.text
    assert graded.text.count("\n- ") == 5
    cases = sample_assistant.ask(
        "the 33 cases the force picked and graded itself - how did its grades compare with hmicfrs's?"
    )
    assert "graded judgments (area — grade)" not in cases.text
    assert not cases.text.startswith("Staffordshire 2021:")  # one report's cases, no comparison
    assert_citations_sound(sample_assistant, cases)


def test_abbreviations_nobody_defined_and_short_years(sample_assistant: Assistant) -> None:
    """ "SUDC" is spelled out by the passages ("sudden or unexpected death in childhood"), so it
    is no unknown name; "in 21 vs 25" names both reports."""
    training = sample_assistant.ask("tell me about the SUDC simulation training - who is it for")
    assert not training.refused, training.reason
    compared = sample_assistant.ask("strategy meetings - outcomes recorded in 21 vs 25?")
    assert {c.doc_id for c in compared.citations} == {"staffordshire-2021", "staffordshire-2025"}


def test_a_typo_is_read_as_the_word_the_reports_use(sample_assistant: Assistant) -> None:
    retriever = sample_assistant.retriever
    assert retriever.expand("tell me about the simulaton training").endswith("(simulation)")
    assert "traffick" not in retriever.expand("how many road traffic collisions were there")
    assert retriever.respell("was exploitaton training given?") == (
        "was exploitation training given?"
    )
    answer = sample_assistant.ask(
        "Where does Staffodrshire Police automatically refer victims of crime for assessment?"
    )
    assert not answer.refused, answer.reason
    assert "Victim Gateway" in answer.text
    assert_citations_sound(sample_assistant, answer)


def test_follow_up_in_a_conversation(sample_assistant: Assistant) -> None:
    conversation = sample_assistant.conversations.create()
    first = sample_assistant.ask(MISSING_2021_Q, conversation_id=conversation)
    assert not first.refused
    assert {c.doc_id for c in first.citations} == {"staffordshire-2021"}

    second = sample_assistant.ask("And in 2025?", conversation_id=conversation)
    assert second.question == "And in 2025?"
    standalone = second.standalone_question.lower()
    assert "2025" in standalone and "missing children" in standalone
    assert "2021" not in standalone
    assert not second.refused and second.citations
    assert {c.doc_id for c in second.citations} == {"staffordshire-2025"}
    assert_citations_sound(sample_assistant, second)

    stored = sample_assistant.conversations.get(conversation)
    assert stored is not None
    turns = stored["turns"]
    assert isinstance(turns, list) and len(turns) == 4
    assert [t["role"] for t in turns] == ["user", "assistant", "user", "assistant"]
    assert [t["content"] for t in turns[::2]] == [MISSING_2021_Q, "And in 2025?"]
    assert turns[0]["answer"] is None
    for turn, answer in ((turns[1], first), (turns[3], second)):
        assert turn["content"] == answer.text
        record = Answer.model_validate(turn["answer"])
        assert record.standalone_question == answer.standalone_question
        assert record.citations == answer.citations


@pytest.mark.parametrize(
    "question",
    [
        ARTHUR_Q,
        # nearest one letter ("T – Take time to speak with children"), the mnemonic still whole
        "what should I teach new response officers about talking to kids at DA incidents? "
        "is there a mnemonic",
    ],
)
def test_arthur_mnemonic_comes_back_whole(sample_assistant: Assistant, question: str) -> None:
    answer = sample_assistant.ask(question)
    assert not answer.refused
    assert "ARTHUR" in answer.text
    for line in (
        "A – Are there children present?",
        "R – Review the circumstances",
        "T – Take time to speak with children",
        "H – How do they appear?",
        "U – Understand their wishes, thoughts and feelings.",
        "R – Record (on force systems)",
    ):
        assert line in answer.text, line
    assert "…" not in answer.text.split("ARTHUR")[1].split("[")[0]
    assert any("ARTHUR" in c.quote and c.doc_id == "staffordshire-2025" for c in answer.citations)


def test_comparison_cites_both_reports_with_a_part_each(sample_assistant: Assistant) -> None:
    answer = sample_assistant.ask(COMPARE_Q)
    assert not answer.refused
    assert {c.doc_id for c in answer.citations} == {"staffordshire-2021", "staffordshire-2025"}
    *parts, changed = answer.text.split("\n\n")
    assert len(parts) == 2
    assert parts[0].startswith("Staffordshire 2021:")
    assert parts[1].startswith("Staffordshire 2025:")
    by_n = {c.n: c.doc_id for c in answer.citations}
    for part, doc_id in zip(parts, ("staffordshire-2021", "staffordshire-2025"), strict=True):
        numbers = [int(n) for n in _MARKER.findall(part)]
        assert numbers and all(by_n[n] == doc_id for n in numbers)
    assert changed.startswith("What changed:")
    assert {by_n[int(n)] for n in _MARKER.findall(changed)} == set(by_n.values())
    assert_citations_sound(sample_assistant, answer)


def test_each_report_is_matched_by_the_topic_not_the_change_words(
    sample_assistant: Assistant,
) -> None:
    """ "since 2021" once led with "The system has been in use across the UK since 2004"."""
    answer = sample_assistant.ask("has police protection recording improved since 2021?")
    first = answer.text.split("\n\n")[0]
    assert first.startswith("Staffordshire 2021:")
    assert "police protection" in first
    assert "since 2004" not in answer.text


@pytest.mark.parametrize(
    "question",
    [
        PROTECTION_Q,
        MISSING_2021_Q,
        COMPARE_Q,
        "How long did the detained 16-year-old girl wait for an appropriate adult?",
        "What grade did the 2025 inspection give for working with safeguarding partners?",
        "What did the inspectors recommend about strategy discussions?",
    ],
)
def test_every_citation_is_exact(sample_assistant: Assistant, question: str) -> None:
    answer = sample_assistant.ask(question)
    assert answer.citations
    assert answer.passages
    assert_citations_sound(sample_assistant, answer)
    chunk_ids = {p.chunk.chunk_id for p in answer.passages}
    assert {c.chunk_id for c in answer.citations} <= chunk_ids


def test_filters_restrict_the_answer(sample_assistant: Assistant) -> None:
    answer = sample_assistant.ask(
        "How does the force respond to missing children?",
        filters=SearchFilters(doc_ids=["staffordshire-2025"]),
    )
    assert answer.citations
    assert {c.doc_id for c in answer.citations} == {"staffordshire-2025"}


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"question": ""}, "empty"),
        ({"question": "   \n\t "}, "empty"),
        ({"question": "why " * 1250}, "too long"),
        ({"question": PROTECTION_Q, "answerer": "oracle"}, "unknown answerer 'oracle'"),
        ({"question": PROTECTION_Q, "conversation_id": "no-such-id"}, "unknown conversation"),
    ],
)
def test_bad_questions_are_refused_with_a_reason(
    sample_assistant: Assistant, kwargs: dict[str, str], message: str
) -> None:
    with pytest.raises(AssistantError, match=re.escape(message)):
        sample_assistant.ask(**kwargs)


def test_unknown_document_filter_is_named(sample_assistant: Assistant) -> None:
    with pytest.raises(FilterError, match="unknown document 'derbyshire-2023'"):
        sample_assistant.ask(PROTECTION_Q, filters=SearchFilters(doc_ids=["derbyshire-2023"]))
    with pytest.raises(FilterError, match="2019"):
        sample_assistant.ask(PROTECTION_Q, filters=SearchFilters(years=[2019]))


def test_llm_answerer_without_an_llm_names_the_setting(sample_assistant: Assistant) -> None:
    assert sample_assistant.settings.llm_base_url is None
    with pytest.raises(AssistantError, match="IA_LLM_BASE_URL"):
        sample_assistant.ask(PROTECTION_Q, answerer="llm")


# --- CLI ------------------------------------------------------------------------------------


def _cli(sample_assistant: Assistant, *args: str, stdin: str | None = None) -> str:
    done = run_cli(sample_assistant.settings.data_dir, *args, stdin=stdin)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_cli_chat_follow_up_and_sources(sample_assistant: Assistant) -> None:
    out = _cli(
        sample_assistant,
        "chat",
        stdin=f"{MISSING_2021_Q}\nAnd in 2025?\n/sources\n/quit\n",
    )
    assert "(understood as: How did the force respond to missing children in 2025?" in out
    follow_up = out.split("(understood as:", 1)[1]
    sources = follow_up.rsplit("you> ", 2)[-2]  # what /sources printed
    assert "[1] Staffordshire 2025 ›" in sources
    assert "Staffordshire 2021" not in sources


def test_cli_ask_json(sample_assistant: Assistant) -> None:
    out = _cli(sample_assistant, "ask", PROTECTION_Q, "--json")
    data = json.loads(out)
    answer = Answer.model_validate(data)
    assert answer.citations and not answer.refused
    assert "passages" not in data
    assert_citations_sound(sample_assistant, answer)


def test_a_definition_question_puts_the_defining_passage_first(sample_assistant: Assistant) -> None:
    """ "What is Op Safenet?": the passage that says what it is leads the evidence, as it leads
    the answer, though other passages use the name more often."""
    answer = sample_assistant.ask("what is Op Safenet?")
    assert "called Operation Safenet" in answer.passages[0].chunk.text
    assert answer.text.startswith("The force has a specialist team called Operation Safenet")
    assert answer.citations[0].chunk_id == answer.passages[0].chunk.chunk_id


def test_recommendations_asked_of_a_report_that_makes_none_list_its_areas_for_improvement(
    sample_assistant: Assistant,
) -> None:
    answer = sample_assistant.ask("list all the recs in the 2025 staffs report pls")
    assert answer.text.startswith(
        "The Staffordshire 2025 report makes no recommendations; it sets areas for improvement."
    )
    assert "9 areas for improvement" in answer.text
    named = sample_assistant.ask("can u list all the AFIs staffs got in the 2025 CP report?")
    assert "9 areas for improvement" in named.text  # "CP" names the report, not a topic
    assert {c.doc_id for c in answer.citations} == {"staffordshire-2025"}
    custody = sample_assistant.ask("what recs did the 2025 report make about custody?")
    assert custody.refused and "2021 report does" in (custody.reason or "")


def test_findings_are_ranked_by_the_questions_subject_as_well_as_its_whole_wording(
    sample_assistant: Assistant,
) -> None:
    """ "What were they told to fix about their IT, and how fast?": the IT recommendation
    leads, though the question's other words ("told", "how fast") suit any recommendation."""
    answer = sample_assistant.ask(
        "what were staffs told to fix about their IT in 2021, and how fast?"
    )
    first = answer.text.splitlines()[1]
    assert "effectiveness of its IT and communication systems" in first
    assert first.startswith("- We recommend") and "— immediately" in first


def test_a_list_narrowed_to_the_chapter_the_question_names(sample_assistant: Assistant) -> None:
    """A chapter named in other words ("the investigations chapter", "the bit about how we
    respond when kids are in danger") narrows the list to that chapter's findings."""
    investigations = sample_assistant.ask(
        "can you list the AFIs in the 2025 report's investigations chapter?"
    )
    assert investigations.text.startswith("Staffordshire 2025: 3 areas for improvement:")
    chapters = {c.section_path[0] for c in investigations.citations}
    assert chapters == {"Investigating reports of abuse, neglect and exploitation of children"}
    responding = sample_assistant.ask(
        "2025 - list what they flagged for improvement under the bit about how we respond "
        "when kids are in danger"
    )
    assert responding.text.startswith("Staffordshire 2025: 3 areas for improvement:")
    assert {c.section_path[0] for c in responding.citations} == {
        "Responding to children at risk of harm"
    }


def test_the_best_mark_leads_with_the_best_grade(sample_assistant: Assistant) -> None:
    answer = sample_assistant.ask("which of the five 2025 judgements was staffs' best mark?")
    first = answer.text.splitlines()[1]
    assert first.startswith("- Working with safeguarding partners — Good")


def test_which_areas_got_a_grade_lists_every_area_that_grade_first(
    sample_assistant: Assistant,
) -> None:
    """The inspectorate's name and the inspection's own subject ("CP work") narrow nothing."""
    for question in (
        "which bits of CP work did HMI rate as RI for staffs in 2025",
        "which areas got requires improvement in 2025?",
    ):
        lines = sample_assistant.ask(question).text.splitlines()
        assert lines[0] == "Staffordshire 2025 graded judgments (area — grade):", question
        assert [line.split(" — ")[1][:20] for line in lines[1:3]] == ["Requires improvement"] * 2
        assert all(line.startswith("- ") and " — " in line for line in lines[1:6])


def test_a_figure_in_a_very_relevant_passage_answers_though_it_words_the_subject_otherwise(
    sample_assistant: Assistant,
) -> None:
    """ "Posts filled by fully trained people": the report gives the share of posts whose
    holders completed their training."""
    answer = sample_assistant.ask(
        "About how many PIP level 2 investigator posts were filled by fully trained people in 2025?"
    )
    assert not answer.refused, answer.reason
    assert "Of 82 professionalising investigation programme (PIP) level 2" in answer.text


def test_a_count_asked_beside_another_question_does_not_refuse_the_whole(
    sample_assistant: Assistant,
) -> None:
    """A count in the asker's own words ("bits of work" for tasks) finds no figure about its
    subject; asked alone it is refused, asked beside another question the rest is answered."""
    alone = sample_assistant.ask("How many children's homes signed up to the Philomena protocol?")
    assert alone.refused and "no report gives a figure" in (alone.reason or "")
    both = sample_assistant.ask(
        "How many children's homes signed up to the Philomena protocol, and when did it start?"
    )
    assert not both.refused, both.reason
    assert "The force implemented the Philomena protocol in June 2021." in both.text
    queue = sample_assistant.ask(
        "the MASH queue in 2021 - how many bits of work were waiting, and how old was the oldest?"
    )
    assert not queue.refused, queue.reason
    assert "112 tasks" in queue.text
    assert_citations_sound(sample_assistant, queue)


def test_a_follow_up_finds_the_earlier_reports_own_word_for_its_topic(
    sample_assistant: Assistant,
) -> None:
    """The 2025 report says "flags" where the 2021 report says "warning markers": asked whether
    2021 found it too, the follow-up is answered from the 2021 markers, not told 2021 has none."""
    from assistant.domain.records import Turn

    first = "what did the 2025 report find about flags on records?"
    history = [
        Turn(role="user", content=first),
        Turn(role="assistant", content=sample_assistant.ask(first).text),
    ]
    answer = sample_assistant.ask("did the 2021 inspection raise that too?", history=history)
    assert not answer.refused, answer.reason
    assert "warning markers on Niche and COMPACT don't always correspond" in answer.text
    assert_citations_sound(sample_assistant, answer)


def test_an_areas_figures_asked_for_lead_with_the_passage_that_gives_them(
    sample_assistant: Assistant,
) -> None:
    """Asked how many, the passage with the closest sentence (the count) leads; asked what to
    do, the passage saying what the force must do."""
    counted = sample_assistant.ask(
        "the 2025 AFI on recording kids' ethnicity - how many files had it missing?"
    )
    assert "In 17 of our 48 case file reviews" in counted.passages[0].chunk.text
    told = sample_assistant.ask("2025 - what did HMI tell staffs to do about its crime allocation?")
    assert "revised crime allocation policy" in told.passages[0].chunk.text


def test_what_inspectors_looked_at_is_what_they_examined(sample_assistant: Assistant) -> None:
    answer = sample_assistant.ask("how many cases did the inspectors look at in 2021?")
    assert not answer.refused, answer.reason
    assert "we examined 77 cases" in answer.text.split("[1]")[0]


def test_a_grade_from_a_year_no_report_is_from_is_refused(sample_assistant: Assistant) -> None:
    """The 2021 report cites Ofsted's 2019 grade; no report grades the force for 2019."""
    answer = sample_assistant.ask("What grade did HMICFRS give Staffordshire Police in 2019?")
    assert answer.refused
    assert "no report covers 2019" in answer.text


def test_a_grade_and_the_areas_for_improvement_under_it(sample_assistant: Assistant) -> None:
    answer = sample_assistant.ask(
        "what grade did the 2025 report give staffs for leadership, and which AFIs came under it?"
    )
    lines = answer.text.splitlines()
    assert lines[0] == "Staffordshire 2025: 3 areas for improvement or graded judgments:"
    assert "leadership of its child protection arrangements is adequate" in lines[1]
    assert {c.section_path[0] for c in answer.citations} == {
        "Leadership of child protection arrangements"
    }
    assert_citations_sound(sample_assistant, answer)


def test_a_practice_answer_leads_with_the_directive_on_what_the_officer_asks(
    sample_assistant: Assistant,
) -> None:
    """ "What am I meant to record?": the answer leads with a should-sentence about recording,
    never with what officers told inspectors."""
    answer = sample_assistant.ask(
        "kids taken into PP but it gets ended early cos gran takes them - what am I meant to record?"
    )
    lead = answer.text.split("[1]")[0]
    assert re.search(r"\bshould\b[^.]*\brecord", lead), lead
    assert "told us" not in lead
    assert_citations_sound(sample_assistant, answer)


def test_an_officers_question_answered_by_a_directive_in_other_words_is_not_refused(
    sample_assistant: Assistant,
) -> None:
    """ "Do I actually need to nick them?" shares few words with "officers should arrest a
    child only when it is absolutely necessary"; a directive near the refusal bar answers it
    (as it may lead a practice answer), whatever else the search ranks beside it."""
    answer = sample_assistant.ask(
        "15yo caught shoplifting, do i actually need to nick them or is there a better way?"
    )
    assert not answer.refused
    assert "absolutely necessary" in answer.text.split("[1]")[0]
    assert_citations_sound(sample_assistant, answer)


def test_a_report_summarised_is_told_by_its_verdict_not_refused_or_described(
    sample_assistant: Assistant,
) -> None:
    """ "Summarise the 2025 report" shares few words with any sentence; the report's summary
    answers it, by its verdict (the grades), not by what the report says it is ("this report
    is a summary of the findings of our inspection")."""
    answer = sample_assistant.ask("summarise the 2025 report")
    assert not answer.refused
    assert "Working with safeguarding partners — Good" in answer.text
    assert_citations_sound(sample_assistant, answer)
    earlier = sample_assistant.ask("give me an overview of the 2021 inspection")
    assert not earlier.refused
    assert "This report is a summary" not in earlier.text
    assert "inadequate in 35 cases" in earlier.text or "fundamental changes" in earlier.text
    assert {c.doc_id for c in earlier.citations} == {"staffordshire-2021"}
    assert_citations_sound(sample_assistant, earlier)


def test_the_passage_giving_the_asked_kind_of_answer_comes_first(
    sample_assistant: Assistant,
) -> None:
    """ "How often?" leads with the passage that says how often ("MARACs take place weekly"),
    not with the one that says most about MARACs ("each hub regularly holds...")."""
    from assistant.domain.records import Turn

    first = "What does the 2021 report say about MARACs?"
    history = [
        Turn(role="user", content=first),
        Turn(role="assistant", content=sample_assistant.ask(first).text),
    ]
    answer = sample_assistant.ask("How often do they meet?", history=history)
    assert "weekly" in answer.text.split("[1]")[0]
    assert "weekly" in answer.passages[0].chunk.text
    assert answer.citations[0].chunk_id == answer.passages[0].chunk.chunk_id
