"""Compare you can trust: on the sample reports, every piece of evidence is read one way only,
"improved" rests on like-for-like evidence, key passages are whole sentences and
recommendations are quoted with their sub-points."""

from __future__ import annotations

import pytest

from assistant.core import Assistant
from assistant.domain.records import FindingType
from assistant.services.findings import passage_units

D2021, D2025 = "staffordshire-2021", "staffordshire-2025"
TOPICS = ["missing children", "voice of the child", "police protection"]


@pytest.mark.parametrize("topic", TOPICS)
def test_no_evidence_is_listed_under_two_statuses(sample_assistant: Assistant, topic: str) -> None:
    comparison = sample_assistant.compare(topic, D2021, D2025)
    assert comparison.changes
    status_of: dict[int, str] = {}
    for change in comparison.changes:
        for citation in change.a + change.b:
            assert status_of.setdefault(citation.n, change.status) == change.status, (
                f"[{citation.n}] is evidence for both {status_of[citation.n]} and {change.status}"
            )
        assert len(change.b) <= 1  # one later item per change: it has one status


@pytest.mark.parametrize("topic", TOPICS)
def test_improved_and_worse_rest_on_like_for_like_evidence(
    sample_assistant: Assistant, topic: str
) -> None:
    comparison = sample_assistant.compare(topic, D2021, D2025)
    kinds = {
        f.citation.n: f.finding.type for side in (comparison.a, comparison.b) for f in side.findings
    }
    for change in comparison.changes:
        if change.status not in ("improved", "worsened"):
            continue
        later = kinds.get(change.b[0].n)
        for citation in change.a:
            earlier = kinds.get(citation.n)
            # one case study is evidence against another case study, never against a finding
            assert (earlier is FindingType.CASE_STUDY) == (later is FindingType.CASE_STUDY)


@pytest.mark.parametrize("topic", TOPICS)
def test_key_passages_are_whole_sentences_and_recommendations_whole(
    sample_assistant: Assistant, topic: str
) -> None:
    comparison = sample_assistant.compare(topic, D2021, D2025)
    for side in (comparison.a, comparison.b):
        for passage in side.passages:
            quote = passage.quote.strip()
            assert quote[0].isupper() or quote[0].isdigit() or quote[0] in "\"'‘“", quote
            assert quote[-1] in ".!?;)\"'’”", quote
        for cited in side.findings:
            if cited.finding.type is FindingType.RECOMMENDATION:
                for point in cited.finding.sub_points:
                    assert " ".join(point.split()) in " ".join(cited.citation.quote.split())


def test_passage_units_keep_a_list_with_its_lead() -> None:
    text = (
        "The meeting focused on three areas:\n\n1. children arrested;\n2. children harmed; and\n"
        "3. children reported missing overnight.\n\nThe meeting also reviewed referrals."
    )
    units = [text[s:e] for s, e in passage_units(text)]
    assert units == [
        "The meeting focused on three areas:\n\n1. children arrested;\n2. children harmed; and\n"
        "3. children reported missing overnight.",
        "The meeting also reviewed referrals.",
    ]


def test_what_each_report_found_is_answered_report_by_report(sample_assistant: Assistant) -> None:
    answer = sample_assistant.ask("warning markers on records - what did each report find?")
    assert "Staffordshire 2021:" in answer.text
    assert "Staffordshire 2025:" in answer.text


def test_a_rating_asked_about_in_a_report_without_grades_is_answered_by_its_praise(
    sample_assistant: Assistant,
) -> None:
    answer = sample_assistant.ask("The harm reduction hubs: why did the 2021 inspectors rate them?")
    assert "no graded judgments" not in answer.text
    assert "progressive and ambitious" in answer.text


def test_the_inspectorate_named_in_a_question_does_not_search_its_boilerplate(
    sample_assistant: Assistant,
) -> None:
    """ "HMICFRS" means "the report": what it stands for would match every report's
    about-us page, not the follow-up the question asks for."""
    passages = sample_assistant.ask(
        "What follow-up did HMICFRS require after each report?"
    ).passages
    assert {p.chunk.doc_id for p in passages[:2] if p.chunk.section_path[-1] == "Next steps"} == {
        D2021,
        D2025,
    }
