"""Who signed a report: the inspector's name closing its summary, found and cited as written."""

from __future__ import annotations

import pytest

from assistant.answer.signatures import asks_who_signed, signature
from assistant.core import Assistant


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("who was the HMI that signed the 2025 staffs report?", True),
        ("who signed off the 2025 report as HMI?", True),
        ("which HMI wrote it?", True),
        ("whose signature is on the 2025 one?", True),
        ("who was the lead inspector in 2021?", True),
        ("who wrote the PPNs?", False),
        ("who signed off on police protection?", False),
        ("which HMI report covers custody?", False),
        ("who was the inspector who reviewed the detention?", False),
    ],
)
def test_who_signed_questions(question: str, asks: bool) -> None:
    assert asks_who_signed(question) is asks


def test_a_signature_is_a_name_above_the_inspectors_title() -> None:
    text = "I will monitor its progress.\n\nMichelle Skeer OBE QPM\n\nHis Majesty's Inspector of Constabulary"
    start, end, name = signature(text) or (0, 0, "")
    assert name == "Michelle Skeer OBE QPM"
    assert text[start:end].endswith("His Majesty's Inspector of Constabulary")
    assert (
        signature("Her Majesty's Inspectorate of Constabulary and Fire & Rescue Services") is None
    )


def test_who_signed_is_answered_with_the_signature_and_an_unsigned_report_is_said_to_be(
    sample_assistant: Assistant,
) -> None:
    answer = sample_assistant.ask("who was the HMI that signed the 2025 staffs report?")
    assert answer.text.startswith(
        "The Staffordshire 2025 report is signed by Michelle Skeer OBE QPM, His Majesty's "
        "Inspector of Constabulary. [1]"
    )
    assert answer.citations[0].section_path[-1] == "HM Inspector's summary"
    assert answer.passages[0].chunk.chunk_id == answer.citations[0].chunk_id
    both = sample_assistant.ask("who signed the reports?")
    assert "The Staffordshire 2021 report carries no inspector's signature." in both.text
    unsigned = sample_assistant.ask("who signed the 2021 report?")
    assert unsigned.refused and "2021 report carries no inspector's signature" in unsigned.text
