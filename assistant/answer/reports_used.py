"""The line that says which reports an answer used, in a store that holds several forces: there
an answer mixing forces, or silently scoped to one, would mislead, so it names its reports and
why those ("the question names them", "your filters", or the best matches of how many held)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from assistant.domain.records import Citation, Document


def reports_used(
    citations: Sequence[Citation],
    documents: Mapping[str, Document],
    named: Iterable[str] = (),
    filtered: bool = False,
) -> str | None:
    """ "Reports used: A, B (…)." for an answer citing these reports, or None when the store
    holds one force (nothing to tell apart) or the answer cites nothing."""
    if len({d.force for d in documents.values() if d.force}) <= 1:
        return None
    cited = list(dict.fromkeys(c.doc_id for c in citations if c.doc_id in documents))
    if not cited:
        return None
    labels = ", ".join(documents[d].label for d in cited)
    these = "the report" if len(cited) == 1 else "the reports"
    if set(named) & set(cited):
        why = f"{these} the question names"
    elif filtered:
        why = f"{these} your filters allow"
    else:
        why = (
            f"the best matches of the {len(documents)} reports held; name a force or a year "
            "to narrow"
        )
    return f"Reports used: {labels} ({why})."
