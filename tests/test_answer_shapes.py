"""Answer shapes by intent: long lists quoted by their relevant items, change questions with a
line on what changed, findings followed by their supporting passages, and follow-ups that lean
on the conversation without saying so."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.answer.extractive import Draft, ExtractiveAnswerer, change_line, citation_for
from assistant.answer.finding_answers import with_support
from assistant.answer.rewrite import rewrite_followup
from assistant.answer.units import answer_units, render_unit
from assistant.domain.records import Chunk, FindingType, ScoredChunk, SectionKind, Turn
from assistant.domain.records import SectionKind as K
from assistant.retrieve.intent import (
    asks_for_change,
    asks_for_next_steps,
    change_topic,
    finding_types,
    wanted_kinds,
)

_ITEMS = [
    "officers give detained children their rights and entitlements when first in custody",
    "there are long delays in appropriate adults attending to see detained children",
    "in most cases we saw there were delays before health care professionals saw children",
    "inspectors review detention but these reviews are often conducted remotely",
    "officers don't routinely complete public protection notices to refer children",
    "custody officers don't fully understand the need to find alternative accommodation",
]
THEMES = "Common themes include:\n\n" + "\n".join(f"- {item};" for item in _ITEMS)


class KeywordVectors:
    """Sentence vectors that only tell whether a sentence mentions `keyword` (or the lead)."""

    def __init__(self, keyword: str, lead: str = "\0") -> None:
        self.keyword, self.lead = keyword, lead

    def get(self, texts: Sequence[str]) -> np.ndarray:
        def vector(text: str) -> list[float]:
            if self.keyword in text:
                return [1.0, 0.0, 0.0]
            return [0.0, 0.0, 1.0] if self.lead in text else [0.0, 1.0, 0.0]

        return np.array([vector(t) for t in texts])


def _hit(text: str, doc_id: str = "force-2021", label: str = "Force 2021") -> ScoredChunk:
    chunk = Chunk(
        chunk_id=f"{doc_id}-c1",
        doc_id=doc_id,
        section_id="s1",
        section_path=["Custody"],
        section_kind=SectionKind.CHAPTER,
        text=text,
        start=0,
        end=len(text),
        order=0,
    )
    return ScoredChunk(chunk=chunk, score=1.0, doc_label=label)


def _answerer(keyword: str, lead: str = "\0") -> ExtractiveAnswerer:
    return ExtractiveAnswerer(KeywordVectors(keyword, lead))  # type: ignore[arg-type]


def test_a_long_list_is_quoted_by_its_items_nearest_the_question() -> None:
    question = np.array([[1.0, 0.0, 0.0]])
    [best] = _answerer("remotely").score_units(["detention reviews"], question, [_hit(THEMES)])
    rendered = render_unit(best.passage.chunk.text, best.unit, best.keep)
    assert rendered.startswith("Common themes include:")
    assert "conducted remotely" in rendered
    assert "alternative accommodation" not in rendered
    assert "…" in rendered


def test_a_list_question_or_a_list_led_by_its_lead_is_quoted_whole() -> None:
    question = np.array([[1.0, 0.0, 0.0]])
    hit = _hit(THEMES)
    [asked] = _answerer("remotely").score_units(["list"], question, [hit], whole_lists=True)
    assert asked.keep is None
    lead_first = np.array([[0.0, 0.0, 1.0]])
    [led] = _answerer("remotely", lead="themes").score_units(["themes"], lead_first, [hit])
    assert led.keep is None


def test_render_unit_keeps_only_the_chosen_items_in_order() -> None:
    [unit] = answer_units(THEMES)
    rendered = render_unit(THEMES, unit, {3, 1})
    lines = rendered.split("\n")
    assert lines[0] == "Common themes include:"
    assert lines[1] == "…"
    assert "appropriate adults" in lines[2]
    assert lines[3] == "…"
    assert "remotely" in lines[4]


def test_change_line_reads_each_report_and_cites_both() -> None:
    concern = [(1, "Officers missed opportunities to safeguard children.")]
    praise = [(2, "The force was good at recording discussion outcomes.")]
    improved = change_line([("Force 2021", concern), ("Force 2025", praise)], [])
    assert improved.startswith("What changed: appears to have improved")
    assert "[1]" in improved and "[2]" in improved
    worse = change_line([("Force 2021", praise), ("Force 2025", concern)], [])
    assert "got worse" in worse
    both = change_line([("Force 2021", concern), ("Force 2025", concern)], [])
    assert "concerns appear in both" in both


def test_change_line_says_when_only_one_report_covers_the_topic() -> None:
    line = change_line([("Force 2021", [(1, "Children waited hours.")])], ["Force 2025"])
    assert "only the Force 2021 report covers this" in line


def test_change_questions_are_recognised() -> None:
    assert asks_for_change("has that got any better by 2025?")
    assert asks_for_change("How has recording the voice of the child changed?")
    assert not asks_for_change("How many children were detained in 2021?")
    # re-examining a case is no change between reports; a finding made again is
    assert not asks_for_change("what did the force say when asked to look at it again?")
    assert asks_for_change("was it flagged again in 2025?")


def test_findings_are_followed_by_the_passages_that_add_to_them() -> None:
    text = "The force should improve its arrangements at night. An on-call SIO responds."
    hit = _hit(text)
    finding = citation_for(1, hit, 0, 51, None)
    led = Draft(
        text="- The force should improve its arrangements at night [1]",
        citations=[finding],
        refused=False,
    )
    repeat = citation_for(1, hit, 0, 51, None)
    extra = citation_for(2, hit, 52, len(text), None)
    support = Draft(
        text="The force should improve its arrangements at night. [1] An on-call SIO responds. [2]",
        citations=[repeat, extra],
        refused=False,
    )
    answer = with_support(led, support)
    assert answer.text.endswith("An on-call SIO responds. [2]")
    assert answer.text.count("arrangements at night") == 1
    assert [c.n for c in answer.citations] == [1, 2]
    assert answer.citations[1].quote == "An on-call SIO responds."


def test_a_refused_passage_answer_adds_nothing_to_the_findings() -> None:
    hit = _hit("The force should improve its arrangements at night.")
    led = Draft(text="- finding [1]", citations=[citation_for(1, hit, 0, 10, None)], refused=False)
    assert with_support(led, Draft(text="no", citations=[], refused=True)) is led


def test_a_forced_rewrite_carries_the_topic_of_the_earlier_answer() -> None:
    history = [
        Turn(role="user", content="What did the 2025 report highlight as innovative practice?"),
        Turn(role="assistant", content="Simulation training on sudden child deaths [1]. More."),
    ]
    question = "When did the sessions run, and who came to observe?"
    assert rewrite_followup(question, history) == question
    forced = rewrite_followup(question, history, force=True)
    assert forced.startswith(question)
    assert "innovative practice" in forced
    assert "Simulation training on sudden child deaths." in forced
    assert "[1]" not in forced


def test_what_the_force_must_do_about_its_findings_is_its_next_steps() -> None:
    question = "How long has the force got to respond to the 2025 areas for improvement?"
    assert asks_for_next_steps(question)
    assert wanted_kinds(question) == {K.NEXT_STEPS}
    assert not asks_for_next_steps("List all the areas for improvement in the 2025 report")
    assert asks_for_next_steps("how long did staffs have to get back to HMI after the report?")
    # the asker's own force ("we"), and telling the inspectorate what it will do
    assert asks_for_next_steps("how long have we got to tell hmic what we're doing about AFIs")
    assert asks_for_next_steps("when does the force have to update HMICFRS about its plans?")
    assert not asks_for_next_steps("when did the force tell officers about the toolkit?")
    assert K.AREAS_FOR_IMPROVEMENT in wanted_kinds("List the areas for improvement in 2025")


def test_what_the_force_should_change_asks_for_its_recommendations() -> None:
    assert finding_types("What should the force change about police protection in 2021?")
    assert not asks_for_change("What should the force change about police protection?")
    assert not asks_for_change("Were fewer children held than the previous year?")
    assert asks_for_change("Has police protection recording improved since 2021?")


def test_a_change_question_is_matched_to_each_report_by_its_topic() -> None:
    assert change_topic("has PP recording improved since 2021?") == "has PP recording 2021?"
    assert change_topic("is it any better now?") == "is it any ?"
    # "still" is the finding's own word as often as a change word
    question = "Were any sex offenders still allocated to officers who had left?"
    assert change_topic(question) == question


def test_what_the_inspectors_asked_for_is_a_recommendation_whatever_the_words() -> None:
    asked = [
        "what did the 2021 report want changed on PP and how long did they have",
        "deadline for the PPN review process HMI asked for in 2021",
        "what were staffs told to fix on missing kids",
        "what did the report call for on training",
        "which improvements did HMICFRS ask staffs to make",
        "what has the force got to do about its PPNs and by when",
        "what did HMI say needed fixing around taking kids into PP?",
        "what was the ask on sex offender management in the 2021 report?",
        "how long were staffs given to review how they share information?",
        "what improvements were demanded around children taken into police protection?",
        "by when did staffs have to stop response cops missing kids at linked addresses?",
        "how long did they give Staffordshire to look again at how it spots vulnerable kids?",
        "2025 - list what they flagged for improvement on missing children",
    ]
    for question in asked:
        assert FindingType.RECOMMENDATION in finding_types(question), question
        assert K.RECOMMENDATIONS in wanted_kinds(question), question
        assert not asks_for_change(question), question
    assert not finding_types("what did children say they wanted from the police?")
    assert not finding_types("WMP asked us to do a safe and well check on a 12 year old")
    assert not finding_types("how long did they have to wait for an appropriate adult?")
    assert not finding_types("by when did the force introduce child exploitation teams?")
    # the timescale of an activity officers carry out is practice, not a recommendation's
    assert not finding_types("as a new DS what review timescales am I expected to hit on crimes?")
    assert not finding_types("what are the custody timescales for a juvenile?")
    assert FindingType.RECOMMENDATION in finding_types("what's the timescale on the review rec?")
    assert K.NEXT_STEPS in wanted_kinds("how long did staffs have to respond to the report?")
    assert asks_for_change("Did the force improve on what HMI asked it to do in 2021?")
    assert not asks_for_change("Did HMI tell the force to look again at its training?")
    assert asks_for_change("did the same problem come up again in 2025?")


def test_an_officer_asking_what_to_do_is_a_practice_question_not_a_recommendation() -> None:
    from assistant.retrieve.intent import asks_for_practice

    asking = [
        "child victim on my CE job - do I need to do a needs assessment under VCOP?",
        "15yo caught shoplifting, do i actually need to nick them?",
        "OM here - ok to just use probation's risk assessment?",
        "control room logged it as concern for safety. should it be a misper?",
        "what am i meant to record when gran takes the kids?",
        "im an insp doing a review on a juvi overnight - whats expected of me?",
        # what someone doing the job should do, however it is typed
        "at a DA job with kids at address what shud officers be recording",
        "sextortion job on a teen - what should the OIC be doing",
        "skipper here - should my team keep a job with a CSE risk?",
        "sudden unexpected child death - whats the right approach for the SIO",
        "what does good look like for a daily exploitation triage meeting?",
        "doing a review on a juvenile in custody, what shud i be doing",
    ]
    for question in asking:
        assert asks_for_practice(question), question
    assert not finding_types(asking[0])  # "I need to do" is no ask of the force
    assert not asks_for_practice("do we know how many children were arrested?")
    assert not asks_for_practice("What did HMI recommend about police protection?")
    assert finding_types("what does the force need to do about PP?")
    # what a thing is meant to achieve, or when it is meant to land, is no officer's practice
    assert asks_for_practice("whats the mnemonic we're meant to use at a DA call?")
    assert not asks_for_practice("what is the Philomena protocol meant to achieve?")
    assert not asks_for_practice("when is the PVP dashboard meant to land?")
    assert not asks_for_practice("wasn't the course meant to be mandatory?")
    # not what the force should do, nor what a form should hold (the passage describing the
    # form answers that)
    assert not asks_for_practice("what should the force do about its PPN backlog?")
    assert not asks_for_practice("what needs to go on the police protection form?")
    assert not asks_for_practice("anything the report says partners should check?")


def test_a_summary_of_the_whole_report_is_told_from_a_summary_of_a_topic() -> None:
    from assistant.retrieve.intent import asks_for_overview, wanted_kinds

    for question in [
        "summarise the 2025 report",
        "key findings of the 2025 report?",
        "give me an overview of the 2021 inspection",
        "what was the bottom line of the 2021 inspection?",
        "tl;dr of the 2021 child protection inspection pls",
    ]:
        assert asks_for_overview(question), question
    assert not asks_for_overview("summary of what HMI found on custody in 2021")
    assert not asks_for_overview("Who wrote the HM Inspector's summary in the 2025 report?")
    # "summarise how X moved" asks for brevity about X, not for the report's summary section
    assert not wanted_kinds("please summarise how the view of missing children moved")


def test_who_asked_the_force_to_do_something_in_a_case_is_asked_of_the_case() -> None:
    question = "the 2025 case where it took 40 hrs to find a girl - who asked staffs to check?"
    assert not finding_types(question)
    assert wanted_kinds(question) == {K.CASE_STUDY}
    # a case named by its year or a few words, and what HMI "calls" it, is still the case's
    question = "2021 case with the drunk mum pushing a pram - why does HMI call it a failure?"
    assert not finding_types(question)
    assert wanted_kinds(question) == {K.CASE_STUDY}
    assert wanted_kinds("2021 misper case - lad from a care home. what went wrong?") == {
        K.CASE_STUDY
    }
    # case files, case conferences and "still the case" are no story
    for question in (
        "hubs - HMI loved them in 2021, still the case in 2025?",
        "which area had the most case files rated inadequate?",
        "what deadline did they get for getting more cops at the CP case confs?",
    ):
        assert K.CASE_STUDY not in wanted_kinds(question), question
    assert finding_types("in the case of the missing girl, what did HMI recommend?")


def test_another_bodys_grade_is_no_judgment_of_the_force() -> None:
    assert FindingType.JUDGMENT in finding_types("what grade did staffs get for leadership?")
    assert not finding_types("in the 2021 report what Ofsted grade did Stoke CSC have?")
    assert not finding_types("how was the council's children's services rated?")


def test_a_follow_up_asking_whether_it_changed_drops_the_earlier_questions_kind() -> None:
    from assistant.domain.text import with_topic
    from assistant.retrieve.intent import followup_kinds

    earlier = "how long did staffs get to fix their PP practice after 2021?"
    assert K.RECOMMENDATIONS in followup_kinds(with_topic("and by when?", earlier))
    assert followup_kinds(with_topic("and in 2025, was PP still an issue?", earlier)) == set()
    assert followup_kinds(with_topic("any case studies on it?", earlier)) == {K.CASE_STUDY}
    assert K.RECOMMENDATIONS in followup_kinds(earlier)


def test_a_how_long_question_leads_with_a_span_of_time() -> None:
    from assistant.answer.answerability import has_duration
    from assistant.retrieve.intent import asks_for_duration

    assert asks_for_duration("By when does the force have to tell HMICFRS?")
    assert asks_for_duration("how long are phones waiting at the DFU?")
    assert not asks_for_duration("When was the report published?")
    assert has_duration("Within eight weeks of this report's publication, the force should")
    assert has_duration("a nine-month delay") and has_duration("held for 72 hours")
    assert not has_duration("We inspected the force in 2022 and re-inspected it in 2023.")


def test_a_follow_up_of_its_own_is_not_answered_from_the_earlier_findings() -> None:
    from assistant.answer.finding_answers import _asks_elsewhere

    earlier = " (about: What did the 2025 report highlight as innovative practice?)"
    assert _asks_elsewhere("When did the sessions run, and who came to observe?" + earlier)
    assert not _asks_elsewhere("And which one came out best?" + earlier)
    assert not _asks_elsewhere("And the recommendations about custody?" + earlier)
    assert not _asks_elsewhere("What innovative practice did the 2025 report highlight?")


def test_the_other_hubs_stay_with_the_sentence_they_answer() -> None:
    text = "In eight hubs, MARACs take place weekly. In the other two, they take place monthly."
    assert len(answer_units(text)) == 1


def test_a_follow_up_pointing_at_another_finding_stays_with_the_findings() -> None:
    from assistant.answer.finding_answers import _asks_elsewhere

    earlier = " (about: What did the leadership chapter recommend?)"
    assert not _asks_elsewhere(
        "there was a third one in that chapter too wasnt there? what was it" + earlier
    )
    assert not asks_for_next_steps(
        "What was recommended about custody, and how long did they have?"
    )


def test_a_finding_the_passage_search_ranked_high_gets_a_lift() -> None:
    from assistant.answer.finding_answers import PASSAGE_WEIGHT, passage_bonus, subject_text
    from assistant.domain.records import Finding

    hit = _hit("We recommend that the force reviews Operation Safenet.")
    inside = Finding(
        finding_id="f1",
        doc_id=hit.chunk.doc_id,
        type=FindingType.RECOMMENDATION,
        title="t",
        text="t",
        section_id="s",
        section_path=["Chapter"],
        start=hit.chunk.start,
        end=hit.chunk.end,
        order=0,
    )
    elsewhere = inside.model_copy(update={"doc_id": "another-report"})
    assert passage_bonus(inside, [hit]) == PASSAGE_WEIGHT
    assert passage_bonus(elsewhere, [hit]) == 0.0
    assert subject_text("Op Safenet - what did HMICFRS want changed and how fast?") == (
        "Op Safenet"
    )


def test_grades_asked_of_something_no_area_is_named_after_come_from_the_passages() -> None:
    from assistant.answer.finding_answers import _grades_elsewhere, topic_words
    from assistant.domain.records import Finding

    def area(n: int, title: str) -> Finding:
        return Finding(
            finding_id=f"j{n}",
            doc_id="d",
            type=FindingType.JUDGMENT,
            title=title,
            text=title,
            section_id="s",
            section_path=[title],
            start=n,
            end=n + 1,
            order=n,
            grade="Good",
        )

    areas = [area(1, "Working with safeguarding partners"), area(2, "Leadership")]
    hubs = topic_words("harm reduction hubs - HMI rated them in 2021, still working well?")
    assert _grades_elsewhere(hubs, areas)
    partners = topic_words("what grade did working with safeguarding partners get?")
    assert not _grades_elsewhere(partners, areas)


def test_a_findings_quoted_sentence_further_on_cites_its_own_passage_first() -> None:
    """An area for improvement runs over several passages; the sentence quoted as closest to
    the question ("when is the dashboard due?") is cited where it is, and that passage leads."""
    from assistant.answer.finding_answers import render
    from assistant.domain.records import Finding

    first = "The force should improve its data. Leaders need better reports."
    second = "It has no dashboard. The force planned the dashboard within 12 months."
    text = f"{first} {second}"
    chunks = [
        Chunk(
            chunk_id=f"force-2025-c{i}",
            doc_id="force-2025",
            section_id="s1",
            section_path=["Leadership", "The force should improve its data"],
            section_kind=SectionKind.CHAPTER,
            text=part,
            start=start,
            end=start + len(part),
            order=i,
        )
        for i, (part, start) in enumerate([(first, 0), (second, len(first) + 1)])
    ]
    finding = Finding(
        finding_id="f1",
        doc_id="force-2025",
        type=FindingType.AREA_FOR_IMPROVEMENT,
        title="The force should improve its data",
        text=text,
        section_id="s1",
        section_path=chunks[0].section_path,
        start=0,
        end=len(text),
    )

    def nearest(sentences: Sequence[str]) -> int:
        return next(i for i, s in enumerate(sentences) if "12 months" in s)

    line, citations, cited = render(
        "when is the dashboard due?", [finding], {"force-2025": chunks}, {}, {}, False, nearest
    )
    assert [c.chunk.chunk_id for c in cited] == ["force-2025-c1", "force-2025-c0"]
    assert citations[1].quote == "The force planned the dashboard within 12 months."
    assert line.endswith("[1] [2]") and "within 12 months" in line


def test_a_rating_that_praises_or_asks_why_is_no_grade() -> None:
    """The 2021 report grades nothing: "why did the inspectors rate them?" asks what they
    praised, and "rated positively" is praise; a grade named keeps the question a grade's."""
    assert not finding_types("The harm reduction hubs: why did the 2021 inspectors rate them?")
    assert not finding_types("What did the inspectors rate positively about the hubs?")
    assert K.JUDGMENT_AREA not in wanted_kinds(
        "the MARACs - were they rated positively both times?"
    )
    assert FindingType.JUDGMENT in finding_types("why was the force rated requires improvement?")
    assert FindingType.JUDGMENT in finding_types("which areas did HMI rate as RI?")
    assert FindingType.JUDGMENT in finding_types(
        "how was the force rated for working with partners?"
    )


def test_what_each_report_found_is_a_comparison() -> None:
    assert asks_for_change("harm reduction hubs - what did each inspection make of them?")
    assert asks_for_change("warning markers - same problem in both reports?")
    assert asks_for_change("was that a thing in either inspection?")
    assert not asks_for_change("the two custody suites - where are they?")
    # the report words frame the topic: they are no change words to drop from its search
    assert change_topic("what did each report say about CAID?") == (
        "what did each report say about CAID?"
    )


def test_every_passage_the_answer_quotes_is_listed_in_view() -> None:
    """A quote from the seventh passage takes the place of the lowest uncited passage in the
    first five; the first passage and the cited ones in view keep their places."""
    from assistant.answer.pipeline import cited_in_view

    hits = [_hit(f"passage {i}.", doc_id=f"d{i}") for i in range(8)]
    quoted = [hits[0], hits[2], hits[6]]
    draft = Draft(
        text="[1] [2] [3]",
        citations=[citation_for(n, h, 0, 9, None) for n, h in enumerate(quoted, 1)],
        refused=False,
    )
    order = [h.chunk.doc_id for h in cited_in_view(hits, draft)]
    assert order == ["d0", "d1", "d2", "d3", "d6", "d4", "d5", "d7"]
    refused = Draft(text="", citations=[], refused=True)
    assert cited_in_view(hits, refused) == hits
