"""Checking an answer's `[n]` markers against the passages it was given (pure functions)."""

from __future__ import annotations

import re

_MARKER = re.compile(r"\[(\d{1,3})\]")


def cited_numbers(text: str) -> list[int]:
    """The passage numbers cited, in order of first appearance."""
    return list(dict.fromkeys(int(m) for m in _MARKER.findall(text)))


def strip_invalid(text: str, n_passages: int) -> tuple[str, list[int]]:
    """Remove markers that point at passages that were not given; return the cleaned text and
    the valid numbers in order of first appearance."""
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
