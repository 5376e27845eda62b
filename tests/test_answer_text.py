"""Pure string-level checks of the answer helpers (no model, no store): citation markers,
answer units, follow-up rewriting, question scope and rank fusion."""

from __future__ import annotations

import pytest

from assistant.answer.citations import cited_numbers, renumber, sentences_citing, strip_invalid
from assistant.answer.rewrite import rewrite_followup
from assistant.answer.units import answer_units, is_mnemonic, render_unit
from assistant.domain.records import Document, FindingType, SectionKind, Turn
from assistant.domain.text import WeightedWords, stem, tokens, without_introduction
from assistant.retrieve.fusion import reciprocal_rank_fusion
from assistant.retrieve.scope import Scope, question_scope

# --- citations ------------------------------------------------------------------------------


def test_strip_invalid_drops_markers_for_passages_not_given() -> None:
    text, numbers = strip_invalid(
        "Officers record the form [1]. They note the risks [9]. Powers last 72 hours [2] [7].", 6
    )
    assert "[9]" not in text and "[7]" not in text
    assert "[1]" in text and "[2]" in text
    assert numbers == [1, 2]
    assert "risks." in text  # no stray space left before the full stop
    assert "  " not in text


def test_strip_invalid_keeps_order_of_first_appearance() -> None:
    text, numbers = strip_invalid("B [3]. A [1]. B again [3]. Zero [0].", 3)
    assert numbers == [3, 1]
    assert "[0]" not in text


def test_strip_invalid_with_only_bogus_markers_leaves_no_numbers() -> None:
    text, numbers = strip_invalid("HACKED [9] [12]", 6)
    assert numbers == []
    assert text == "HACKED"


def test_renumber_maps_old_numbers_to_one_to_k() -> None:
    assert renumber("A [3]. B [1]. C [3] [5].", [3, 1, 5]) == "A [1]. B [2]. C [1] [3]."
    assert cited_numbers(renumber("x [4] y [2]", [4, 2])) == [1, 2]


def test_sentences_citing_returns_the_sentences_carrying_a_marker() -> None:
    text = "Officers record the form [1]. They explain why [2]. Powers last 72 hours [1]."
    found = sentences_citing(text, 1)
    assert len(found) == 2
    assert found[0].startswith("Officers record the form")
    assert found[1].startswith("Powers last 72 hours")
    assert all("[" not in s for s in found)
    assert sentences_citing(text, 3) == []


# --- answer units ---------------------------------------------------------------------------

PROTECTION = (
    "Responding officers record information on the force's police protection form. They say why "
    "they needed to use the power, explaining:\n"
    "- the scenario;\n"
    "- the parents' attitude;\n"
    "- the child's demeanour, behaviour and appearance; and\n"
    "- the risks they feel are likely to cause harm.\n"
    "Forces can use police protection powers for a maximum of 72 hours."
)

RECOMMENDATIONS = (
    "- We recommend that Staffordshire Police immediately improves supervision within the FCC "
    "so that:\n"
    "  - it effectively identifies risk and vulnerability;\n"
    "  - it correctly grades and assigns responses; and\n"
    "  - an audit process is in place.\n"
    "- We recommend that Staffordshire Police immediately improves its arrangements for missing "
    "children.\n"
    "- We recommend that within six months Staffordshire Police trains its staff by:\n"
    "  - training officers to understand the VoC; and\n"
    "  - making sure incidents are supervised effectively."
)

ARTHUR = (
    "Most officers we interviewed understood that they should use the mnemonic ARTHUR:\n\n"
    "A – Are there children present?\n\n"
    "R – Review the circumstances to identify and assess risks.\n\n"
    "T – Take time to speak with children. Use body-worn video.\n\n"
    "H – How do they appear? Look for warning signs.\n\n"
    "U – Understand their wishes, thoughts and feelings.\n\n"
    "R – Record using a protecting vulnerable people form. Include the voice of the child.\n\n"
    "The force has trained its officers."
)


def _texts(text: str) -> list[str]:
    return [text[u.start : u.end] for u in answer_units(text)]


def test_a_list_stays_with_its_lead_sentence() -> None:
    units = answer_units(PROTECTION)
    first = units[0]
    assert first.is_list
    quoted = PROTECTION[first.start : first.end]
    assert quoted.endswith("the risks they feel are likely to cause harm.")
    assert "the child's demeanour, behaviour and appearance" in quoted
    assert PROTECTION[first.start : first.lead_end].endswith("explaining:")
    rendered = render_unit(PROTECTION, first)
    assert rendered.count("\n- ") == 4
    # the sentence after the list is a unit of its own
    assert _texts(PROTECTION)[-1] == (
        "Forces can use police protection powers for a maximum of 72 hours."
    )


def test_a_pronoun_lead_absorbs_the_sentence_before_it() -> None:
    first = answer_units(PROTECTION)[0]
    assert PROTECTION[first.start :].startswith("Responding officers record information")
    assert (
        "They say why they needed to use the power, explaining:"
        in (PROTECTION[first.start : first.lead_end])
    )


def test_nested_recommendation_bullets_stay_with_their_recommendation() -> None:
    texts = _texts(RECOMMENDATIONS)
    assert len(texts) == 3
    first, second, third = texts
    assert first.startswith("We recommend that Staffordshire Police immediately improves")
    assert first.endswith("an audit process is in place.")
    assert "it correctly grades and assigns responses" in first
    assert "missing children" not in first
    assert second.startswith("We recommend") and "missing children" in second
    assert "\n" not in second
    assert third.startswith("We recommend that within six months")
    assert third.endswith("making sure incidents are supervised effectively.")
    rendered = render_unit(RECOMMENDATIONS, answer_units(RECOMMENDATIONS)[0])
    assert rendered.splitlines()[1] == "  - it effectively identifies risk and vulnerability;"


def test_mnemonic_lines_are_absorbed_whole() -> None:
    units = answer_units(ARTHUR)
    mnemonic = ARTHUR[units[0].start : units[0].end]
    for line in ("A – Are", "R – Review", "T – Take", "H – How", "U – Understand", "R – Record"):
        assert line in mnemonic
    # the two-sentence lines come back whole too
    assert "Use body-worn video." in mnemonic
    assert mnemonic.endswith("Include the voice of the child.")
    assert ARTHUR[units[-1].start : units[-1].end] == "The force has trained its officers."


def test_a_mnemonic_is_told_from_other_lists() -> None:
    assert is_mnemonic(ARTHUR, answer_units(ARTHUR)[0])
    assert not any(is_mnemonic(PROTECTION, u) for u in answer_units(PROTECTION))
    assert not any(is_mnemonic(RECOMMENDATIONS, u) for u in answer_units(RECOMMENDATIONS))


def test_a_figure_against_the_year_before_stays_with_its_figure() -> None:
    text = (
        "The number of children in custody in the 12 months to June 2021 was 593. "
        "The previous year, the number was 838. This is a 29 percent reduction."
    )
    units = answer_units(text)
    assert len(units) == 1
    assert render_unit(text, units[0]).endswith("29 percent reduction.")


def test_plain_sentences_are_units_of_their_own() -> None:
    text = "The force audited 20 cases. Most were good. Officers spoke to children."
    assert _texts(text) == [
        "The force audited 20 cases.",
        "Most were good.",
        "Officers spoke to children.",
    ]
    assert not any(u.is_list for u in answer_units(text))


# --- follow-up rewriting --------------------------------------------------------------------

HISTORY: list[Turn] = [
    Turn(role="user", content="How did the force respond to missing children in 2021?"),
    Turn(role="assistant", content="The board recorded fewer children reported missing [1]."),
]


def test_a_year_follow_up_swaps_the_year() -> None:
    assert (
        rewrite_followup("And in 2025?", HISTORY)
        == "How did the force respond to missing children in 2025?"
    )
    for same in ("was it like that in 2025 too?", "was the same true in 2025?"):
        assert rewrite_followup(same, HISTORY) == (
            "How did the force respond to missing children in 2025?"
        ), same


def test_a_follow_up_that_asks_more_than_a_year_keeps_its_words_and_its_year() -> None:
    history: list[Turn] = [
        Turn(role="user", content="when was HMI due back to check on staffs after 2021?"),
        Turn(role="assistant", content="No later than six months after publication [1]."),
    ]
    question = "and what did they have to send in after the 2025 one, and by when?"
    rewritten = rewrite_followup(question, history)
    assert rewritten.startswith(question)
    assert "2021" not in rewritten and "due back" in rewritten
    assert rewrite_followup("what did 2025 say?", history) == (
        "when was HMI due back to check on staffs after 2025?"
    )


def test_a_pronoun_follow_up_gets_the_earlier_question_as_context() -> None:
    rewritten = rewrite_followup("What did they recommend about it?", HISTORY)
    assert rewritten.startswith("What did they recommend about it?")
    assert "How did the force respond to missing children in 2021?" in rewritten
    boy = [
        Turn(role="user", content="the 2025 case of the lad who was extorted online?"),
        Turn(role="assistant", content="He reported it through an online form. [1]"),
    ]
    assert "extorted" in rewrite_followup("how long before officers went to see him?", boy)


def test_a_stand_alone_question_is_unchanged() -> None:
    question = "What mnemonic do officers use at domestic abuse incidents?"
    assert rewrite_followup(question, HISTORY) == question


def test_without_history_the_question_is_unchanged() -> None:
    assert rewrite_followup("And in 2025?", []) == "And in 2025?"
    assert rewrite_followup("  What   did they say?  ", []) == "What did they say?"


def _report(year: int, **metadata: str) -> Document:
    """A Staffordshire report of `year`, with whatever dates a rule reads."""
    return Document(
        doc_id=f"d{year}",
        title="t",
        force="Staffordshire Police",
        year=year,
        source_file="f",
        sha256="x",
        **metadata,
    )


# --- question scope -------------------------------------------------------------------------

DOCS = [
    Document(
        doc_id="staffordshire-2021",
        title="National Child Protection Inspections: Staffordshire Police",
        force="Staffordshire Police",
        year=2021,
        published="April 2022",
        source_file="a.txt",
        sha256="a",
    ),
    Document(
        doc_id="staffordshire-2025",
        title="National child protection inspections: Staffordshire Police",
        force="Staffordshire Police",
        year=2025,
        published="December 2025",
        source_file="b.txt",
        sha256="b",
    ),
]
BOTH = ("staffordshire-2021", "staffordshire-2025")


def test_two_years_make_a_comparison() -> None:
    scope = question_scope("What changed between 2021 and 2025 on missing children?", DOCS)
    assert scope.comparison
    assert scope.doc_ids == BOTH


def test_now_with_the_latest_report_named_dates_the_question_and_compares_nothing() -> None:
    scope = question_scope("how many cadets has staffs got now (2025)?", DOCS)
    assert scope == Scope(("staffordshire-2025",), comparison=False)
    assert question_scope("is anyone checking PPNs now? in 2021 nobody did", DOCS).comparison
    assert question_scope("is DA recording better now in 2025?", DOCS).comparison
    assert question_scope("how many cadets now?", DOCS).comparison


def test_a_change_asked_of_the_latest_report_remembers_that_report() -> None:
    scope = question_scope("is op safenet still sat on a backlog in 2025?", DOCS)
    assert scope == Scope(BOTH, comparison=True, named=("staffordshire-2025",))
    # "since 2021" names the report compared against
    assert question_scope("has PP recording improved since 2021?", DOCS).named == ()


def test_better_now_than_a_year_is_a_comparison() -> None:
    scope = question_scope("Is the force better now than in 2021 at custody?", DOCS)
    assert scope.comparison
    assert scope.doc_ids == BOTH


@pytest.mark.parametrize(
    ("question", "doc_id"),
    [
        ("How did the force handle missing children in 2021?", "staffordshire-2021"),
        ("What grades did the 2025 inspection give?", "staffordshire-2025"),
        ("What did the report published in 2022 say about custody?", "staffordshire-2021"),
    ],
)
def test_a_single_year_names_that_document_only(question: str, doc_id: str) -> None:
    scope = question_scope(question, DOCS)
    assert not scope.comparison
    assert scope.doc_ids == (doc_id,)


@pytest.mark.parametrize(
    "question",
    [
        "What should the force change about police protection, per the 2021 report?",
        "What must the force improve in custody in 2021?",
        "What did the 2021 report say officers need to do better at strategy meetings?",
    ],
)
def test_a_change_asked_for_is_not_a_comparison(question: str) -> None:
    """ "What should the force change" asks for a recommendation in the named report, not
    for what changed between reports."""
    scope = question_scope(question, DOCS)
    assert not scope.comparison
    assert scope.doc_ids == ("staffordshire-2021",)


def test_the_latest_or_previous_inspection_names_a_report_by_its_age() -> None:
    latest = question_scope(
        "who should go to MACE panels, according to the latest inspection?", DOCS
    )
    assert latest.doc_ids == ("staffordshire-2025",) and not latest.comparison
    previous = question_scope("what did the previous report say about custody?", DOCS)
    assert previous.doc_ids == ("staffordshire-2021",)
    both = question_scope("how does the latest report differ from the first one?", DOCS)
    assert both.doc_ids == ("staffordshire-2021", "staffordshire-2025") and both.comparison
    assert question_scope("what is the latest on police protection?", DOCS).doc_ids == ()


def test_areas_for_improvement_are_not_a_comparison() -> None:
    scope = question_scope("List all the areas for improvement in the 2025 report", DOCS)
    assert scope == question_scope("List all the recommendations in the 2025 report", DOCS)
    assert not scope.comparison


def test_no_year_no_scope() -> None:
    scope = question_scope("How does the force look after children in custody?", DOCS)
    assert scope.doc_ids == () and not scope.comparison


# --- rank fusion ----------------------------------------------------------------------------


def test_rrf_sums_reciprocal_ranks() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "d"]], k=60)
    assert fused["a"] == pytest.approx(1 / 61)
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert fused["c"] == pytest.approx(1 / 63)
    assert fused["d"] == pytest.approx(1 / 62)
    assert max(fused, key=fused.__getitem__) == "b"


def test_rrf_weights_scale_each_ranking() -> None:
    fused = reciprocal_rank_fusion([["a"], ["b"]], weights=[2.0, 1.0], k=10)
    assert fused == {"a": pytest.approx(2 / 11), "b": pytest.approx(1 / 11)}
    assert reciprocal_rank_fusion([]) == {}


def test_rrf_needs_a_weight_per_ranking() -> None:
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a"], ["b"]], weights=[1.0])


# --- police vocabulary, answerability, findings-led answers ----------------------------------


def test_abbreviations_defined_in_the_text_are_mined() -> None:
    from assistant.retrieve.vocabulary import mine_abbreviations

    mined = mine_abbreviations(
        [
            "referrals to children's social care (CSC) services. Liaison and diversion (L&D) "
            "staff; recording in public protection notices (PPNs). See Table (A)."
        ]
    )
    assert mined == {
        "CSC": "children's social care",
        "L&D": "Liaison and diversion",
        "PPNs": "public protection notices",
    }


def test_glossary_expands_ranks_and_everyday_words_and_knows_them() -> None:
    from assistant.retrieve.vocabulary import build_vocabulary

    terms = build_vocabulary([])
    expanded = terms.expand("how often should a DI review it? went to a domestic with two kids")
    assert "detective inspector" in expanded and "children" in expanded
    assert "domestic abuse incident" in expanded
    assert terms.expand(expanded) == expanded
    assert terms.expand("the NPCC lead") == "the NPCC lead (National Police Chiefs' Council)"
    assert terms.knows("OK") and terms.knows("DCC") and terms.knows("SOMU")
    assert terms.knows("PP") and "police protection" in terms.expand("PP powers")
    assert "strategy meeting" in terms.expand("did they hold a strat meeting thru the night")
    assert not terms.knows("Derbyshire")
    assert terms.expansions("does each home get a named cop?") == ["police officer"]
    # remembered per text, and a caller changing what it got changes nothing remembered
    terms.expansions("does each home get a named cop?").append("changed")
    assert terms.expansions("does each home get a named cop?") == ["police officer"]
    assert terms.expansions("what does the CoP guidance say?") == ["College of Policing"]
    assert "record" in terms.expansions("PP ended early - do i still need to write something up?")
    assert "missing child" in terms.expansions("regular runner from a care home")
    assert "follow up" in terms.expansions("heard nothing back - am I meant to chase it?")
    assert "mnemonic" in terms.expansions("is there a checklist for the kids at a domestic?")
    # an abbreviation's plural is the abbreviation ("OMs", "DIs"), never a word it starts
    assert terms.expansions("do the OMs and DIs use the PND?") == [
        "detective inspector",
        "offender manager",
        "Police National Database",
    ]
    assert terms.expansions("OMSK") == []
    assert "start" in terms.expansions("joint s47 - how should it kick off?")
    assert "mobile device" in terms.expansions("can I get the toolkit on my phone?")
    assert "warning markers" in terms.expansions("were flags used properly?")
    assert terms.expansions("what did HMICFRS flag as innovative practice?") == []  # a verb
    assert "monitor; oversee" in terms.expansions("what should the insp keep an eye on?")


def test_topics_are_found_as_phrases_singular_or_plural() -> None:
    from assistant.retrieve.vocabulary import build_vocabulary

    terms = build_vocabulary([])
    assert terms.topics_in("What's the policy on stop and search of under-18s?") == [
        "stop and search"
    ]
    assert terms.topics_in("How many police dogs and drones does it have?") == [
        "police dog",
        "drone",
    ]
    assert terms.topics_in("Firearms licensing checks") == ["firearms licensing"]
    assert terms.topics_in("How should I search a child's bedroom?") == []
    # before a determiner a topic's word is a verb: "vetting every form" is checking it
    assert terms.topics_in("did they start vetting every concern form?") == []
    assert terms.topics_in("how is vetting done for PPU staff?") == ["vetting"]


def test_a_word_of_a_glossary_phrase_is_no_unknown_name() -> None:
    from assistant.answer.extractive import unknown_names
    from assistant.retrieve.vocabulary import glossary

    terms = glossary()
    case = "In the 2025 case where West Mids asked Staffs to check on a girl, how long did it take?"
    assert unknown_names(case, {"west", "staffs", "girl"}, terms) == []
    assert unknown_names("were GBH jobs sent to CID?", set(), terms) == []
    assert (
        terms.in_place("how did west mids police score?") == "how did West Midlands police score?"
    )


def test_a_money_question_is_read_within_its_clause() -> None:
    from assistant.retrieve.intent import asks_for_money

    assert not asks_for_money(
        "by how much did missing incidents fall, and how many homes had been given an officer?"
    )
    assert asks_for_money("how much did the force spend on training?")


def test_a_year_in_a_laws_name_picks_no_report() -> None:
    from assistant.domain.text import dated_years

    assert dated_years("a DA victim in their own right under the 2021 Act?") == []
    assert dated_years("what does the Children Act 1989 say, per the 2021 report?") == ["2021"]
    assert dated_years("what did Working Together 2023 change?") == []
    assert question_scope("who counts as a victim under the 2021 Act?", DOCS).doc_ids == ()


def test_a_glossary_phrase_is_found_hyphenated_or_spaced() -> None:
    from assistant.retrieve.vocabulary import glossary

    terms = glossary()
    assert terms.expansions("how much training do the cell-block staff get") == ["custody suite"]
    assert terms.expansions("how many kids were kept in the lock up") == [
        "children",
        "custody suite",
    ]
    assert terms.expansions("cell blocks") == ["custody suites"]


def test_unknown_names_spare_known_words_but_not_other_forces() -> None:
    from assistant.answer.extractive import unknown_names
    from assistant.retrieve.vocabulary import build_vocabulary

    vocabulary = {"somu", "staffordshire", "police", "niche"}
    terms = build_vocabulary([])
    assert unknown_names("Is it OK that SOMU uses Niche?", vocabulary, terms) == []
    assert unknown_names("Is it OK that SOMU uses Niche?", vocabulary) == ["OK"]
    assert unknown_names("What grade did West Mercia Police get?", vocabulary, terms) == [
        "West",
        "Mercia",
    ]


def test_counted_subject_and_figures() -> None:
    from assistant.answer.answerability import (
        counted_subject,
        figure_about,
        has_figure,
        qualifying_words,
        sized_subject,
    )
    from assistant.retrieve.vocabulary import build_vocabulary

    assert counted_subject("How many domestic abuse arrests did Staffs make?") == (
        "domestic abuse arrests"
    )
    assert counted_subject("how many drones does the force have") == "drones"
    assert counted_subject("What was Staffs' charge rate for CSE?") == "charge rate"
    assert counted_subject("How many children were strip-searched?") == "children strip-searched"
    assert counted_subject("how many files didnt have the ethnicity down?") == "files"
    assert counted_subject("how many cases weren’t recorded") == "cases"
    assert counted_subject("By how many points did attendance fall?") is None
    from assistant.answer.answerability import asks_besides_count

    assert asks_besides_count("how many referrals and how old was the oldest?")
    assert asks_besides_count("How many staff, and what share were trained?")
    assert asks_besides_count("who investigates DA? how much goes to response")
    assert asks_besides_count("When was it set up and how many children did it help?")
    assert not asks_besides_count("how many PPNs were submitted in 2021 and 2025?")
    assert not asks_besides_count("How many children did Staffordshire Police arrest in 2024?")
    assert not asks_besides_count("What did the 2021 report recommend?")
    assert counted_subject("What did the 2021 report recommend?") is None
    assert counted_subject("how many referrals and how old was the oldest?") == "referrals"
    assert counted_subject("whats staffs average response time for 999 calls?") == "response time"
    assert counted_subject("average wait from referral to MARAC in 2025?") == "wait"
    assert sized_subject("how big was the MASH review queue when HMI looked?") == (
        "MASH review queue"
    )
    assert sized_subject("size of the ViSOR sign-off backlog for SOMU skippers?") == (
        "ViSOR sign-off backlog"
    )
    assert sized_subject("what is the CPET?") is None
    texts = ["The force used drones and police dogs.", "There were 2,981 allegations."]
    assert figure_about("drones", texts, None) is None
    assert figure_about("allegations", texts, None) == 1
    managed = [
        "At the time of this inspection, Staffordshire Police was managing 1,655 RSOs.",
        "At the time of our inspection, SOMU was reactively managing 145 RSOs.",
    ]
    asked = "how many RSOs was SOMU only managing reactively in 2021?"
    qualifiers = qualifying_words(asked, "RSOs")
    assert figure_about("RSOs", managed, None, qualifiers=qualifiers) == 1
    assert figure_about("RSOs", managed, None) == 0
    cadets = ["There are more than 200 cadets, with a waiting list of about 180 young people."]
    assert figure_about("kids", cadets, build_vocabulary([])) == 0  # children, counted as people
    assert has_figure("ten offender managers") and not has_figure("no figures here")
    terms = build_vocabulary([])
    assert counted_subject("how many intel packages were backed up in 2021?") == (
        "intel packages backed up"
    )
    assert counted_subject("how many kids were strip-searched in 2021?") == "kids strip-searched"
    backlog = ["We found a backlog of about 90 intel packages."]
    assert figure_about("intel packages backed up", backlog, terms) == 0  # the reports' word
    assert figure_about("intel packages backed up", backlog, None) is None
    panels = ["In 2020, the panels discussed 98 children."]
    assert figure_about("young people discussed", panels, terms) == 0
    assert figure_about("adults discussed", panels, terms) is None


def test_a_count_of_two_things_or_of_a_forces_people_is_read_as_asked() -> None:
    """ "What share of control room and response staff..." counts staff as well as the control
    room; "how many people does the force employ" counts its workforce, its staff or its
    officers, but "young people" are no workforce."""
    from assistant.answer.answerability import counted_subject, figure_about

    shared = "What share of control room and response staff had done the vulnerability training?"
    assert counted_subject(shared) == "control room and response staff"
    trained = ["Only 48 percent of the 777 staff in the Contact and Response Directorate had."]
    assert figure_about(counted_subject(shared), trained, None) == 0
    assert figure_about("control room", trained, None) is None
    assert counted_subject("how many arrests or charges were there and how long did it take?") == (
        "arrests or charges"
    )
    employed = counted_subject("How many people did Staffordshire Police employ in 2021?")
    assert employed == "people"
    workforce = ["Staffordshire Police has a workforce of 3,651, comprising 1,813 police officers."]
    assert figure_about(employed, workforce, None) == 0
    assert figure_about("its people", workforce, None) == 0
    assert figure_about("children and young people", workforce, None) is None


def test_a_figure_must_be_about_the_whole_subject_and_its_year() -> None:
    from assistant.answer.answerability import figure_about

    deadline = ["We recommend that within three months it improves its attendance rate."]
    assert figure_about("charge rate", deadline, None) is None
    assert figure_about("attendance rate", ["Its attendance rate was 42 percent."], None) == 0
    held = ["In custody, 593 children were held overnight."]
    assert figure_about("children strip-searched", held, None) is None
    assert figure_about("children", held, None, years=["2024"]) is None
    assert figure_about("children", ["In 2024, 593 children were held."], None, ["2024"]) == 0
    counselling = ["It schedules counselling for these officers every six months."]
    assert figure_about("officers", counselling, None) is None  # a span of time counts no one
    assert figure_about("months", ["The oldest was three months old."], None) == 0


def test_a_figures_year_may_be_set_by_its_paragraph() -> None:
    """ "The force's 2023 review - how many incidents...": the sentence with the figure need
    not repeat the year its paragraph opened with."""
    from assistant.answer.answerability import figure_about

    figure = ["In 304 of 720 incidents, it hadn't recorded the voice of the child."]
    paragraph = ["In September 2023, the force reviewed its response. " + figure[0]]
    assert figure_about("incidents", figure, None, ["2023"]) is None
    assert figure_about("incidents", figure, None, ["2023"], paragraph) == 0
    assert figure_about("incidents", figure, None, ["2024"], paragraph) is None


def test_a_share_question_leads_with_a_share() -> None:
    from assistant.answer.answerability import asks_for_share, counted_subject, figure_about
    from assistant.retrieve.intent import asks_for_figure

    question = "what % of control room staff had done the training?"
    assert asks_for_share(question) and asks_for_figure(question)
    assert counted_subject(question) == "control room staff"
    assert not asks_for_share("how many staff had done the training?")
    texts = [
        "During this period, CSC held 691 conferences about 1,175 children.",
        "The police attended just 23 percent of the conferences.",
    ]
    assert figure_about("conferences", texts, None, share=True) == 1
    assert figure_about("conferences", texts, None) == 0
    assert figure_about("conferences", texts[:1], None, share=True) == 0  # any figure, failing one
    assert (
        figure_about(
            "conferences", ["held 40 conferences in the period of 1 March"], None, share=True
        )
        == 0
    )


def test_a_named_organisation_needs_its_name_in_the_sentence_about_it() -> None:
    from assistant.answer.answerability import names_organisation, organisation_asked

    question = "Which charity delivered the exploitation training to custody staff?"
    assert organisation_asked(question) == "charity"
    assert organisation_asked("Which organisations attend the MARAC?") is None
    unnamed = (
        "Force leaders told us they had approached a charity to give custody staff training. "
        "But staff said their only training was through the National Centre for Learning."
    )
    assert not names_organisation("charity", question, [unnamed])
    assert names_organisation("charity", question, ["The charity Catch22 gave the training."])


def test_person_other_force_and_partial_year_rules() -> None:
    from assistant.answer.answerability import (
        asks_for_person,
        names_person,
        other_forces,
        partial_years,
    )

    assert asks_for_person("What is the name of the current chief constable?")
    assert asks_for_person("Who is the detective chief superintendent who leads it?")
    assert not asks_for_person("Who is the designated safeguarding lead?")
    assert asks_for_person("whats the name of the DCC at staffs?")
    assert asks_for_person("name of the DI who runs CPET north?")
    assert asks_for_person("which HMI signed off the 2021 report?")
    assert not asks_for_person("who leads on child protection now?")
    assert names_person(["The summary is by Michelle Skeer OBE QPM."])
    assert not names_person(["The Staffordshire Police team and the Children Act 1989."])
    docs = [_report(y) for y in (2021, 2025)]
    assert other_forces("How quickly does West Midlands Police respond?", docs) == ["West Midlands"]
    assert other_forces("The girl West Midlands Police asked Staffordshire to find?", docs) == []
    assert partial_years("custody in 2021 and 2024?", docs, "") == [2024]
    assert partial_years("custody in 2024?", docs, "") == []


def test_years_no_document_covers_are_named() -> None:
    from assistant.answer.answerability import periods, uncovered_years

    docs = [
        _report(y, inspection_period=period)
        for y, period in ((2021, "13–24 September 2021"), (2025, "12–23 May 2025"))
    ]
    assert uncovered_years("arrests in 2024?", docs, "nothing about it") == [2024]
    assert uncovered_years("posts created in 2023?", docs, "In March 2023, it created") == []
    assert uncovered_years("what happened in 2021?", docs, "") == []
    assert "Staffordshire 2021 (13–24 September 2021)" in periods(docs)


def test_finding_selection_lists_whole_lists_and_narrows_by_chapter_and_timescale() -> None:
    from assistant.answer.finding_answers import select
    from assistant.domain.records import Finding, FindingType

    def rec(n: int, chapter: str, timescale: str) -> Finding:
        return Finding(
            finding_id=f"f{n}",
            doc_id="d",
            type=FindingType.RECOMMENDATION,
            title=f"R{n}",
            text=f"R{n}",
            section_id="s",
            section_path=[chapter],
            start=n,
            end=n + 1,
            order=n,
            timescale=timescale,
        )

    found = [
        rec(1, "3. Leadership, management and governance", "immediately"),
        rec(2, "3. Leadership, management and governance", "within three months"),
        rec(3, "7. Investigation", "immediately"),
    ]
    typed = {FindingType.RECOMMENDATION}
    chosen = select(
        "which recs did the leadership chapter want done straight away?", typed, [], found
    )
    assert [f.finding_id for f in chosen] == ["f1"]
    assert len(select("list all the recommendations", typed, [], found)) == 3
    single = select("what was recommended about training?", typed, found, found, [0.9, 0.5, 0.4])
    assert [f.finding_id for f in single] == ["f1"]
    other = rec(4, "7. Investigation", "within six months").model_copy(update={"doc_id": "e"})
    ranked = [*found, other]
    both = select(
        "what was recommended about training?", typed, ranked, ranked, [0.9, 0.88, 0.7, 0.86]
    )
    assert [f.finding_id for f in both] == ["f1", "f4"]  # each inspection's best, when close
    far = select(
        "what was recommended about training?", typed, ranked, ranked, [0.9, 0.88, 0.7, 0.6]
    )
    assert [f.finding_id for f in far] == ["f1", "f2"]
    # a question naming its finding's chapter is answered from that chapter, even when the
    # topic search ranked another chapter's finding first or missed the chapter's altogether
    named = "what did the investigation chapter say the force must do about training?"
    assert [f.finding_id for f in select(named, typed, found, found, [0.9, 0.5, 0.4])] == ["f3"]
    assert [f.finding_id for f in select(named, typed, found[:2], found, [0.9, 0.5])] == ["f3"]
    which = "which chapter said the force must do something about training?"  # names none
    assert [f.finding_id for f in select(which, typed, found, found, [0.9, 0.5, 0.4])] == ["f1"]
    power = "what must the force do about taking children under section 7 of the act?"
    assert [f.finding_id for f in select(power, typed, found, found, [0.9, 0.5, 0.4])] == ["f1"]


def test_a_topical_list_keeps_the_findings_about_its_distinctive_words_best_first() -> None:
    from assistant.answer.finding_answers import graded_first, select
    from assistant.domain.records import Finding, FindingType

    def finding(n: int, text: str, grade: str | None = None) -> Finding:
        kind = FindingType.JUDGMENT if grade else FindingType.RECOMMENDATION
        return Finding(
            finding_id=f"f{n}",
            doc_id="d",
            type=kind,
            title=text,
            text=text,
            section_id="s",
            section_path=["Chapter"],
            start=n,
            end=n + 1,
            order=n,
            grade=grade,
        )

    found = [
        finding(1, "improve child protection governance"),
        finding(2, "improve child protection training for custody staff"),
        finding(3, "improve child protection investigations and their supervision"),
        finding(4, "review child protection referrals and investigations"),
    ]
    typed = {FindingType.RECOMMENDATION}
    ranked = [found[3], found[2], found[0], found[1]]
    # "child" and "protection" are in every finding: only "investigations" narrows the list,
    # and the narrowed list keeps the topic ranking.
    chosen = select("list the recs on child protection investigations", typed, ranked, found)
    assert [f.finding_id for f in chosen] == ["f4", "f3"]
    everything = select("list all the child protection recommendations", typed, ranked, found)
    assert [f.finding_id for f in everything] == ["f1", "f2", "f3", "f4"]

    grades = [finding(5, "Leadership", "Adequate"), finding(6, "Partners", "Good")]
    grades += [finding(7, "Responding", "Requires improvement")]
    assert graded_first("which areas were RI?", grades)[0].title == "Responding"
    assert graded_first("top-graded area", grades)[0].title == "Partners"
    assert [f.title for f in graded_first("what grades did they get?", grades)] == [
        "Leadership",
        "Partners",
        "Responding",
    ]


def test_a_change_follow_up_keeps_the_earlier_report_in_play() -> None:
    from assistant.domain.text import attached_topic, own_words

    history = [
        {"role": "user", "content": "How many staff had done the training in 2021?"},
        {"role": "assistant", "content": "56 percent [1]"},
    ]
    changed = rewrite_followup("Has that improved by 2025?", history)  # type: ignore[arg-type]
    assert "2021" in changed and "2025" in changed
    assert own_words(changed) == "Has that improved by 2025?"
    assert attached_topic(changed) == "How many staff had done the training in 2021?"
    assert attached_topic("Has that improved by 2025?") is None
    moved = rewrite_followup("And in 2025?", history)  # type: ignore[arg-type]
    assert moved == "How many staff had done the training in 2025?"


def test_an_inspection_no_document_is_is_named_even_if_its_year_is_mentioned() -> None:
    from assistant.answer.answerability import unheld_inspections

    assert unheld_inspections("How did it do in its 2018 child protection inspection?", DOCS) == [
        2018
    ]
    question = "what were the findings of the 2019 HMICFRS child protection inspection?"
    assert unheld_inspections(question, DOCS) == [2019]
    assert unheld_inspections("What did the report published in 2022 say?", DOCS) == []
    assert unheld_inspections("Was the 2018-19 policing plan out of date in 2021?", DOCS) == []


def test_a_counted_subject_is_read_whole_through_the_glossary() -> None:
    from assistant.answer.answerability import figure_about
    from assistant.retrieve.vocabulary import build_vocabulary

    text = "The number of children in the force's custody in the 12 months was 593."
    assert figure_about("under 18s", [text], build_vocabulary([])) == 0


def test_a_spelled_out_long_form_also_searches_for_its_abbreviation() -> None:
    from assistant.retrieve.vocabulary import build_vocabulary

    terms = build_vocabulary([])
    expanded = terms.expand("How many registered sex offenders was the force managing?")
    assert expanded.endswith("(RSO; RSOs)")
    assert terms.expand(expanded) == expanded


def test_a_count_needs_its_figure_and_subject_in_one_sentence() -> None:
    from assistant.answer.answerability import figure_about
    from assistant.retrieve.vocabulary import build_vocabulary

    terms = build_vocabulary([])
    apart = "In 4 of the 48 cases we reviewed, records were poor. Officers were not trained."
    assert figure_about("police officers", [apart], terms) is None
    assert figure_about("registered sex offenders", ["It was managing 1,655 RSOs."], terms) == 0


def test_a_call_grade_is_not_an_inspection_grade_and_a_target_needs_a_figure() -> None:
    from assistant.answer.answerability import counted_subject
    from assistant.retrieve.intent import finding_types

    question = "whats the target response time for a grade 1 emergency call in Staffs?"
    assert not finding_types(question)
    assert finding_types("what grades did Staffordshire get in 2025?")
    assert counted_subject(question) == "response time"


def test_an_abbreviation_inside_an_everyday_phrase_is_the_phrases() -> None:
    from assistant.retrieve.vocabulary import glossary

    review = glossary().expansions("doing a PACE review on a juvi overnight")
    assert "detention review" in review
    assert "Police and Criminal Evidence Act 1984" not in review
    assert "Police and Criminal Evidence Act 1984" in glossary().expansions("what does PACE say?")


def test_a_graded_area_named_as_where_a_finding_sits_asks_for_the_finding() -> None:
    from assistant.retrieve.intent import finding_types, wanted_kinds

    for question in (
        "what was the only AFI in the 2025 risk assessment & referrals judgement?",
        "AFI on warning flags in the 2025 rpt - which graded area is it under?",
        "what did they want fixed about performance data, and which graded area was that under?",
    ):
        assert FindingType.JUDGMENT not in finding_types(question)
        assert SectionKind.AREAS_FOR_IMPROVEMENT in wanted_kinds(question)
        assert SectionKind.JUDGMENT_AREA not in wanted_kinds(question)
    both = "what grade did the leadership area get and what AFIs were there?"
    assert {FindingType.JUDGMENT, FindingType.AREA_FOR_IMPROVEMENT} <= finding_types(both)
    assert FindingType.JUDGMENT in finding_types("which areas got RI in 2025?")


def test_a_grade_named_without_the_word_grade_asks_for_judgments() -> None:
    from assistant.retrieve.intent import finding_types

    assert FindingType.JUDGMENT in finding_types("which areas got good in 2025?")
    assert FindingType.JUDGMENT in finding_types("did staffs get an inadequate in 2021")
    assert not finding_types("officers got good training on it")


def test_an_undefined_abbreviation_is_found_by_its_initials() -> None:
    from assistant.retrieve.vocabulary import spelled_out

    text = (
        "The force funds training on sudden or unexpected death in childhood. Its child "
        "exploitation teams work with the harm reduction hubs."
    )
    assert spelled_out("SUDC", [text]) == "sudden or unexpected death in childhood"
    assert spelled_out("CE", [text]) == "child exploitation"
    assert spelled_out("ANPR", [text]) is None
    assert spelled_out("TOW", [text]) is None  # function words stand for no capital
    assert spelled_out("ok", [text]) is None
    assert spelled_out("HRH", [text]) == "harm reduction hubs"
    assert spelled_out("HRH", [text], least=2) is None  # written once: maybe a chance run


def test_forces_by_name_in_any_case_and_short_years() -> None:
    from assistant.answer.answerability import other_forces
    from assistant.retrieve.scope import with_full_years
    from assistant.retrieve.vocabulary import glossary

    docs = [_report(2021)]
    known = glossary().forces
    assert other_forces("what did they say about derbyshire's PPN process", docs, known) == [
        "Derbyshire"
    ]
    assert other_forces("derbyshire v staffs", docs, known, "Staffordshire") == []
    assert other_forces("what is a PPN", docs, known) == []
    years = {2021, 2025}
    assert with_full_years("outcomes recorded in 21 vs 25?", years) == (
        "outcomes recorded in 2021 vs 2025?"
    )
    assert with_full_years("the '21 report", years) == "the 2021 report"
    assert with_full_years("within 21 days, in 25 percent of cases", years) == (
        "within 21 days, in 25 percent of cases"
    )
    assert with_full_years("in 23 vs 25", years) == "in 23 vs 2025"


def test_a_story_before_the_question_leaves_the_clause_that_asks() -> None:
    from assistant.retrieve.intent import ask_clause

    assert (
        ask_clause("went to a job last night, kids in a right state. whats the legal power for PP?")
        == "whats the legal power for PP?"
    )
    assert ask_clause("What did the 2021 report say about PPNs?") is None
    assert ask_clause("do they run MARACs as well? how often?") is None  # too short to ask


def test_timescales_named_and_ruled_out() -> None:
    from assistant.answer.finding_answers import timescale_filter
    from assistant.domain.records import Finding, FindingType

    def rec(n: int, timescale: str) -> Finding:
        return Finding(
            finding_id=f"f{n}",
            doc_id="d",
            section_id="s",
            type=FindingType.RECOMMENDATION,
            order=n,
            title="We recommend",
            text="We recommend",
            section_path=["3. X"],
            start=0,
            end=1,
            timescale=timescale,
        )

    recs = [rec(1, "immediately"), rec(2, "within three months"), rec(3, "within six months")]
    picked = timescale_filter("which recs had a 6 month deadline, not immediate or 3 months", recs)
    assert [f.finding_id for f in picked] == ["f3"]
    assert [f.finding_id for f in timescale_filter("not the immediate ones", recs)] == ["f2", "f3"]


def test_abbreviations_typed_in_lower_case_expand_unless_they_are_words() -> None:
    from assistant.retrieve.vocabulary import glossary

    terms = glossary()
    assert "public protection notice" in terms.expansions("did the ppn go to the mash")
    assert "multi-agency safeguarding hub" in terms.expansions("did the ppn go to the mash")
    assert terms.expansions("how does op encompass work") == ["operation"]
    assert terms.expansions("the pace of change") == []
    assert "Police and Criminal Evidence Act 1984" in terms.expansions("rights under PACE")


def test_a_grade_table_reads_as_area_grade_pairs() -> None:
    from assistant.answer.units import answer_units, render_unit

    text = (
        "Our graded judgments are as follows:\n\n"
        "Outstanding\tGood\tAdequate\tRequires improvement\tInadequate\n"
        "\tWorking with partners\tLeadership\tResponding to children\t\n"
        "\t\tRisk assessment\tInvestigating\t\n"
    )
    (unit,) = answer_units(text)
    assert render_unit(text, unit).splitlines() == [
        "Our graded judgments are as follows:",
        "- Working with partners — Good",
        "- Leadership — Adequate",
        "- Responding to children — Requires improvement",
        "- Risk assessment — Adequate",
        "- Investigating — Requires improvement",
    ]


def test_the_inspectorate_named_in_a_question_is_not_its_topic() -> None:
    from assistant.retrieve.vocabulary import glossary

    terms = glossary()
    assert terms.without_publisher("what did hmicfrs want the force to do about the toolkit") == (
        "what did want the force to do about the toolkit"
    )
    assert terms.without_publisher("What does HMICFRS do?") == "What does HMICFRS do?"


def test_the_force_against_the_inspectors_is_no_change_between_reports() -> None:
    from assistant.retrieve.intent import asks_for_change

    assert not asks_for_change("how did its grades compare with hmicfrs's?")
    assert asks_for_change("how does 2025 compare with 2021 on custody?")


def test_an_inspection_year_is_the_year_it_took_place_not_its_publication() -> None:
    from assistant.answer.answerability import unheld_inspections

    held = _report(2021, published="January 2022", inspection_period="13–24 September 2021")
    assert unheld_inspections("What grade did it get in its 2022 inspection?", [held]) == [2022]
    assert unheld_inspections("what did the 2022 report say", [held]) == []
    assert unheld_inspections("what did the 2021 inspection find", [held]) == []


def test_a_definition_question_leads_with_the_sentence_that_defines() -> None:
    from assistant.answer.answerability import defines
    from assistant.retrieve.intent import defined_term

    assert defined_term("wht is COMPACT?") == "COMPACT"
    assert defined_term("what is a PPN?") == "PPN"
    assert defined_term("What is the area for improvement about sudden child deaths?") is None
    assert defines(["COMPACT"], "recorded on COMPACT, the missing person case management system")
    assert defines(["PPN", "public protection notice"], "a public protection notice (PPN) goes")
    assert defines(["FCC"], "the control room, known as the FCC, is in Stafford")
    assert not defines(["COMPACT"], "adding warning markers to the COMPACT record")


def test_a_yes_no_question_is_settled_only_when_the_quote_plainly_does() -> None:
    from assistant.answer.answerability import yes_or_no

    assert (
        yes_or_no(
            "Are the MASH sergeants detectives?", "The sergeants in the MASH aren't detectives."
        )
        == "No."
    )
    assert (
        yes_or_no("Was the policing plan up to date?", "The Policing Plan is out of date.") == "No."
    )
    assert (
        yes_or_no(
            "Did SOMU visit offenders in person?", "SOMU continued to visit offenders in person."
        )
        == "Yes."
    )
    assert yes_or_no("Did SOMU visit offenders in person?", "SOMU managed 145 RSOs.") is None
    assert yes_or_no("Was it good or bad?", "It was good.") is None
    assert yes_or_no("What did SOMU do?", "SOMU visited offenders.") is None


def test_a_follow_up_naming_a_particular_thing_stands_alone() -> None:
    from assistant.domain.records import Turn

    history = [
        Turn(role="user", content="tell me about the 2025 case where a girl went missing"),
        Turn(role="assistant", content="A care home reported a 14-year-old girl missing. [1]"),
    ]
    rare = {"philomena", "protocol", "girl"}

    def rare_words(text: str) -> set[str]:
        return {w for w in text.lower().split() if w in rare}

    own = "whats the philomena protocol and when did they bring it in"
    assert rewrite_followup(own, history, rare=rare_words) == own
    leaning = "when did they find her?"
    assert rewrite_followup(leaning, history, rare=rare_words) != leaning
    rare |= {"wrongly", "entered"}  # rare words, but no phrase the documents write

    def written(phrase: str) -> bool:
        return phrase == "philomena protocol"

    assert rewrite_followup(own, history, rare=rare_words, written=written) == own
    unnamed = "which system did they say it was wrongly entered on?"
    assert rewrite_followup(unnamed, history, rare=rare_words, written=written) != unnamed


def test_another_forces_own_work_a_body_that_never_speaks_and_ranged_years() -> None:
    from assistant.answer.answerability import (
        asks_for_person,
        other_forces,
        speaker_asked,
        speaker_heard,
        unheld_inspections,
    )

    docs = [_report(2025, inspection_period="May 2025")]
    known, mentioned = ("West Midlands", "West Yorkshire"), {"West Midlands"}
    own_work = "what did they find about west midlands police's response to missing kids?"
    assert other_forces(own_work, docs, known, "", mentioned) == ["West Midlands"]
    in_a_case = "what happened when west midlands police asked for a welfare check?"
    assert other_forces(in_a_case, docs, known, "", mentioned) == []
    compared = "how does west yorkshire police handle police protection compared to staffs?"
    assert other_forces(compared, docs, known, "Staffordshire", mentioned) == ["West Yorkshire"]
    assert asks_for_person("whos the current chief constable at staffs")
    assert unheld_inspections("its grade in the 2023–25 PEEL inspection", docs) == [2023]
    council = "what did stoke-on-trent city council say about the report?"
    assert speaker_asked(council) == "stoke-on-trent city council"
    assert speaker_asked("what did the 2021 report say about custody?") is None
    assert not speaker_heard("city council", ["The council runs the MASH with the force."])
    assert speaker_heard("the partnership board", ["The board told us it met monthly."])


def test_time_spent_is_no_money_and_people_who_work_are_counted_as_people() -> None:
    from assistant.answer.answerability import counted_subject
    from assistant.retrieve.intent import asks_for_money
    from assistant.retrieve.vocabulary import glossary

    assert not asks_for_money("typical hours a child spends in cells")
    assert asks_for_money("how much does the force spend on training?")
    assert asks_for_money("how much did the force put into the simulation course?")
    assert not asks_for_money("how much time did officers spend with the child?")
    assert counted_subject("How many people work on the call-handling side?") == "people"
    assert counted_subject("whats the average wait for a kid at the SARC") == "wait"
    assert counted_subject("were they held longer in lockdown? whats the average now") is None
    assert glossary().knows("AWOL") and glossary().knows("VWI")
    assert "modern slavery" in glossary().expansions("human trafficking victims")
    assert glossary().knows("Sept") and "September" in glossary().expansions("review in Sept 2023")


@pytest.mark.parametrize(
    "forms",
    [
        ("investigations", "investigating", "investigated", "investigate"),
        ("abuse", "abused", "abuses"),
        ("protection", "protecting", "protected"),
        ("policing", "police"),
        ("family", "families"),
        ("process", "processes"),
        ("effective", "effectively"),
        ("appropriate", "appropriately"),
    ],
)
def test_a_words_forms_share_one_stem(forms: tuple[str, ...]) -> None:
    assert len({stem(f) for f in forms}) == 1, [stem(f) for f in forms]


def test_a_rare_word_covered_counts_for_more_of_the_question() -> None:
    idf = {"mnemonic": 3.0, "child": 0.5, "officer": 1.0}
    words = WeightedWords({"mnemonic", "child", "unheard"}, idf)
    assert words.coverage({"mnemonic"}) == pytest.approx(3.0 / 6.5)  # unheard weighs as rarest
    assert words.coverage({"child"}) == pytest.approx(0.5 / 6.5)
    assert words.coverage({"mnemonic", "child", "unheard", "officer"}) == pytest.approx(1.0)
    assert WeightedWords(set(), idf).coverage({"child"}) == 0.0


def test_tokens_given_back_are_the_callers_own() -> None:
    first = tokens("Officers recorded the referrals")
    first.append("changed")
    assert tokens("Officers recorded the referrals") == ["officer", "record", "referral"]


def test_capitalised_it_is_a_term_not_a_stopword() -> None:
    assert tokens("did they tell them to sort its IT out") == ["sort", "it"]
    assert "it" not in tokens("what did it say about it")


@pytest.mark.parametrize(
    ("asked", "meant"),
    [
        (
            "sgt here. after we take a kid under s46, what changed?",
            "after we take a kid under s46, what changed?",
        ),
        ("journalist - how many RSOs were managed?", "how many RSOs were managed?"),
        (
            "MASH social worker - was the force told to check PPNs?",
            "was the force told to check PPNs?",
        ),
        ("SOMU OM here - probation passed an RSO back", "probation passed an RSO back"),
        ("hi, im a new PC here - what should I record?", "what should I record?"),
        # a topic before the dash stays: plural roles, and roles with no more question after
        (
            "Response officers - how were they doing in 2025?",
            "Response officers - how were they doing in 2025?",
        ),
        ("PPN review - what did they say?", "PPN review - what did they say?"),
        ("officer safety training - how many days?", "officer safety training - how many days?"),
    ],
)
def test_the_asker_introducing_themselves_is_not_the_question(asked: str, meant: str) -> None:
    assert without_introduction(asked) == meant
