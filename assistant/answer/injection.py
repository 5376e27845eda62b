"""Documents are data, never instructions: a passage that addresses instructions to an
assistant, or asks the reader for credentials (the phishing pattern "visit this link to re-enter
your password"), is flagged, so every face can show a warning beside the quote instead of
presenting it as plain guidance. Rules, not a model: cheap, predictable and testable."""

from __future__ import annotations

import re

from assistant.domain.records import Citation

_URL = r"(?:https?://|www\.)\S+"
_CREDENTIAL = (
    r"(?:password|passcode|pin\b|credentials?|log-?in details|login|user ?name|account details"
    r"|security code|one-time code|bank details|card number)"
)
_ASK = r"(?:enter|re-?enter|type|provide|send|submit|confirm|verify|update|reset|share|give)"

_RULES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            rf"{_URL}[^.!?]{{0,120}}\b{_ASK}\b[^.!?]{{0,60}}{_CREDENTIAL}"
            rf"|\b{_ASK}\b[^.!?]{{0,60}}{_CREDENTIAL}[^.!?]{{0,120}}{_URL}",
            re.IGNORECASE,
        ),
        "asks the reader to give credentials at a link",
    ),
    (
        re.compile(
            r"\b(?:ignore|disregard|forget|override)\b[^.!?]{0,40}"
            r"\b(?:previous|prior|above|earlier|all|your|the system)\b[^.!?]{0,20}"
            r"\b(?:instructions?|prompts?|rules|guidelines)\b"
            r"|\b(?:you are now|act as|pretend to be)\b[^.!?]{0,40}"
            r"\b(?:assistant|ai|chatbot|model|gpt|llm)\b"
            r"|\b(?:system prompt|developer mode|jailbreak)\b"
            r"|\b(?:assistant|ai|chatbot|language model|llm)\s*[,:]\s*(?:please\s+)?"
            r"(?:ignore|say|tell|reply|respond|answer|output|write|reveal|print)\b",
            re.IGNORECASE,
        ),
        "contains instructions addressed to an assistant",
    ),
]


def suspicious(text: str) -> str | None:
    """Why a passage looks like an injected instruction or a phishing lure, or None."""
    return next((reason for pattern, reason in _RULES if pattern.search(text)), None)


def flag_citations(citations: list[Citation], texts: dict[str, str]) -> list[Citation]:
    """The citations, each flagged when its quote or the chunk it comes from (`texts`, by chunk
    id) looks like an instruction rather than report content."""
    return [
        c.model_copy(
            update={"flagged": suspicious(c.quote) or suspicious(texts.get(c.chunk_id, ""))}
        )
        for c in citations
    ]
