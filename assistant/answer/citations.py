"""Checking an answer's `[n]` markers against the passages it was given (pure functions)."""

from __future__ import annotations

import re

_MARKER = re.compile(r"\[(\d{1,3})\]")
_GROUP = re.compile(r"\[(\d{1,3}(?:\s*(?:,|;|-|–|and)\s*\d{1,3})+)\]")
_RANGE = re.compile(r"(\d+)\s*[-–]\s*(\d+)")
_LONGEST_RANGE = 10


def cited_numbers(text: str) -> list[int]:
    """The passage numbers cited, in order of first appearance."""
    return list(dict.fromkeys(int(m) for m in _MARKER.findall(text)))


def split_groups(text: str) -> str:
    """Write grouped markers one by one: `[1, 3]` → `[1] [3]`, `[2-4]` → `[2] [3] [4]`. Models
    often group them, and a group left as it is would be neither checked nor tied to a quote."""

    def numbers(group: str) -> list[int]:
        out: list[int] = []
        for part in re.split(r"\s*(?:,|;|and)\s*", group):
            span = _RANGE.fullmatch(part)
            low, high = (int(span[1]), int(span[2])) if span else (int(part), int(part))
            if high - low >= _LONGEST_RANGE:
                high = low  # a runaway range cites its first passage only
            out += range(low, max(low, high) + 1)
        return out

    return _GROUP.sub(lambda m: " ".join(f"[{n}]" for n in numbers(m.group(1))), text)


def strip_invalid(text: str, n_passages: int) -> tuple[str, list[int]]:
    """Remove markers that point at passages that were not given; return the cleaned text and
    the valid numbers in order of first appearance."""
    text = split_groups(text)
    cleaned = _MARKER.sub(lambda m: m.group(0) if 1 <= int(m.group(1)) <= n_passages else "", text)
    cleaned = re.sub(r"[ \t]+([.,;:])", r"\1", re.sub(r"[ \t]{2,}", " ", cleaned)).strip()
    return cleaned, cited_numbers(cleaned)


def renumber(text: str, order: list[int]) -> str:
    """Renumber markers 1..k in the order given (old numbers in `order`)."""
    mapping = {old: new for new, old in enumerate(order, start=1)}
    return _MARKER.sub(lambda m: f"[{mapping.get(int(m.group(1)), int(m.group(1)))}]", text)


def sentences_citing(text: str, n: int) -> list[str]:
    """The sentences of an answer that carry marker [n] (for finding the quote they rest on)."""
    parts = re.split(r"(?<=[.!?\]])\s+(?=[A-Z])|\n+", text)
    return [_MARKER.sub("", p).strip() for p in parts if f"[{n}]" in p]
