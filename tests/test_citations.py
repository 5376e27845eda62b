"""Grouped citation markers, as real models write them, are checked one by one."""

from __future__ import annotations

from assistant.answer.citations import split_groups, strip_invalid


def test_grouped_markers_are_written_one_by_one() -> None:
    assert split_groups("A [1, 3]. B [2-4]. C [2 and 5]. D [1; 6].") == (
        "A [1] [3]. B [2] [3] [4]. C [2] [5]. D [1] [6]."
    )
    assert split_groups("Plain [1] and [2], a year [2021] and a list [a, b].") == (
        "Plain [1] and [2], a year [2021] and a list [a, b]."
    )


def test_a_runaway_range_cites_its_first_passage_only() -> None:
    assert split_groups("All of them [1-40].") == "All of them [1]."


def test_a_group_is_checked_like_single_markers() -> None:
    text, numbers = strip_invalid("Officers record the scenario [1, 9]. Reviews follow [2-3].", 6)
    assert text == "Officers record the scenario [1]. Reviews follow [2] [3]."
    assert numbers == [1, 2, 3]
    text, numbers = strip_invalid("Nothing valid here [7, 8].", 6)
    assert (text, numbers) == ("Nothing valid here.", [])
