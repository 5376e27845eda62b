"""Who signed a report: the inspector's name closing its summary, answered as it is written.

A signature is a name on a line of its own above the inspector's title ("Michelle Skeer OBE
QPM / His Majesty's Inspector of Constabulary"). It shares no words with "who signed the 2025
report?", so the passage search never finds it; a report that carries none is said to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from assistant.answer.extractive import Draft, citation_for
from assistant.domain.records import Chunk, Citation, Document, ScoredChunk

_SIGNATURE = re.compile(
    r"(?m)^[ \t]*([A-Z][\w'.-]+(?:[ \t]+[A-Z][\w'.-]+){1,5})[ \t]*\n(?:[ \t]*\n)*"
    r"[ \t]*((?:His|Her) Majesty's (?:Chief )?Inspector of [A-Z][\w ,&]+?)[ \t]*$"
)
_SIGNED_QUESTION = re.compile(
    r"\bwho (?:\w+ ){0,5}?(?:signed|signs|sign(?:ed)? off|wrote|authored)(?: off)?"
    r"(?: (?:it|this|that)\b| (?:[\w'-]+ ){0,3}?(?:report|inspection|letter|summary)s?\b)"
    r"|\bsignator(?:y|ies)\b|\bwhose signature\b"
    r"|\bwhich (?:hmi|inspector|hm inspector) (?:\w+ )?(?:signed|wrote|led|authored)\b"
    r"|\bwho (?:was|is|were) (?:the )?(?:hmi|lead inspector|hm inspector)\b",
    re.I,
)


def asks_who_signed(question: str) -> bool:
    """ "Who signed the 2025 report?", "which HMI signed it off?", "who was the HMI?"."""
    return bool(_SIGNED_QUESTION.search(question))


def signature(text: str) -> tuple[int, int, str] | None:
    """The signature in `text`: its span (name to title) and the signatory's name."""
    match = _SIGNATURE.search(text)
    return (match.start(1), match.end(2), match.group(1)) if match else None


def signed_first(
    passages: Sequence[ScoredChunk], signed: Sequence[ScoredChunk]
) -> list[ScoredChunk]:
    """The passages with the signed ones first: what a "who signed" answer rests on."""
    held = {s.chunk.chunk_id for s in signed}
    return [*signed, *(p for p in passages if p.chunk.chunk_id not in held)]


def signed_passages(
    doc_ids: Sequence[str], chunks: Mapping[str, Sequence[Chunk]], labels: Mapping[str, str]
) -> list[ScoredChunk]:
    """Each document's passage holding its signature, for the documents asked about."""
    found = []
    for doc_id in doc_ids:
        chunk = next((c for c in chunks.get(doc_id, ()) if signature(c.text)), None)
        if chunk is not None:
            found.append(ScoredChunk(chunk=chunk, score=1.0, doc_label=labels.get(doc_id, "")))
    return found


def signed_answer(
    doc_ids: Sequence[str],
    signed: Sequence[ScoredChunk],
    documents: Mapping[str, Document],
    labels: Mapping[str, str],
) -> Draft | None:
    """One cited line per signed report asked about, and a line for each that is not signed;
    None when none is."""
    lines: list[str] = []
    citations: list[Citation] = []
    for hit in signed:
        held = signature(hit.chunk.text)
        if held is None:
            continue
        start, end, name = held
        n = len(citations) + 1
        citations.append(citation_for(n, hit, start, end, documents.get(hit.chunk.doc_id)))
        title = hit.chunk.text[start:end].splitlines()[-1].strip()
        lines.append(f"The {hit.doc_label} report is signed by {name}, {title}. [{n}]")
    if not citations:
        return None
    held_by = {h.chunk.doc_id for h in signed}
    lines += [
        f"The {labels.get(d, d)} report carries no inspector's signature."
        for d in doc_ids
        if d not in held_by
    ]
    return Draft(text="\n".join(lines), citations=citations, refused=False)
