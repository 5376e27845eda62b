"""The ask path: validate → rewrite a follow-up → retrieve → answer → check citations → record.

One place for it, used by the CLI, the API, the UI and the eval, so they all answer alike.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.answer.extractive import WEAK, Draft, ExtractiveAnswerer, covered_elsewhere
from assistant.answer.finding_answers import asks_for_whole_list, findings_answer, with_support
from assistant.answer.injection import flag_citations
from assistant.answer.llm import LLMAnswerer, LLMError
from assistant.answer.reports_used import reports_used
from assistant.answer.rewrite import rewrite_followup
from assistant.answer.signatures import (
    asks_who_signed,
    signed_answer,
    signed_first,
    signed_passages,
)
from assistant.domain.errors import InvalidRequest, NotFound
from assistant.domain.records import Answer, ScoredChunk, SearchFilters, Turn
from assistant.domain.text import (
    YEAR,
    attached_topic,
    clean_input,
    own_words,
    without_introduction,
)
from assistant.retrieve.answer_types import asked_types, gives
from assistant.retrieve.hybrid import HybridRetriever
from assistant.retrieve.intent import defined_term
from assistant.retrieve.scope import Scope, with_full_years
from assistant.store.conversations import ConversationStore

if TYPE_CHECKING:
    from assistant.services.findings import FindingQueries

ANSWERERS = ("extractive", "llm")
MAX_SUPPORTED = 2
"""A findings-led answer about this many findings or fewer is followed by the passage
answer's quotes (more findings make a list, which stands alone)."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class Event:
    """A streaming event: `token` (text), `replace` (the whole text so far was replaced),
    `answer` (the final record), `error`."""

    kind: str
    data: Any


class AskPipeline:
    def __init__(
        self,
        retriever: HybridRetriever,
        extractive: ExtractiveAnswerer,
        conversations: ConversationStore,
        llm: LLMAnswerer | None = None,
        default_answerer: str = "extractive",
        max_question_chars: int = 2000,
        k: int = 6,
        findings: FindingQueries | None = None,
    ) -> None:
        self.retriever = retriever
        self.extractive = extractive
        self.conversations = conversations
        self.llm = llm
        self.default_answerer = default_answerer
        self.max_question_chars = max_question_chars
        self.k = k
        self.findings = findings
        """Recommendations, areas for improvement, grades...: questions about them are
        answered from the findings store first (None: passages only)."""

    def validate(self, question: str, answerer: str | None, conversation_id: str | None) -> str:
        question = clean_input(question, "question", self.max_question_chars)
        chosen = answerer or self.default_answerer
        if chosen not in ANSWERERS:
            raise InvalidRequest(
                f"unknown answerer {chosen!r}; choose one of {', '.join(ANSWERERS)}"
            )
        if chosen == "llm" and self.llm is None:
            raise InvalidRequest(
                "the llm answerer needs an LLM: set IA_LLM_BASE_URL (and IA_LLM_MODEL)"
            )
        if conversation_id is not None and not self.conversations.exists(conversation_id):
            raise NotFound(f"unknown conversation {conversation_id!r}")
        return chosen

    def standalone(
        self, question: str, history: Sequence[Turn], answerer: str, force: bool = False
    ) -> str:
        if not history:
            return question
        if answerer == "llm" and self.llm is not None and not force:
            try:
                return self.llm.rewrite(question, history)
            except LLMError:
                pass
        retriever = self.retriever
        return rewrite_followup(
            question, history, force, retriever.rare_words, retriever.lexical.mentions
        )

    def prepare(
        self,
        question: str,
        conversation_id: str | None,
        history: Sequence[Turn] | None,
        filters: SearchFilters | None,
        answerer: str | None,
        in_context: bool = False,
    ) -> tuple[str, str, list[ScoredChunk], dict[str, float], Any, Scope]:
        """Everything before answering: (answerer, stand-alone question, passages, timings,
        query vector, scope: the documents the question names and whether it compares);
        `in_context` attaches the conversation's topic even to a question that looks
        stand-alone."""
        started = time.perf_counter()
        chosen = self.validate(question, answerer, conversation_id)
        question = " ".join(_CONTROL.sub(" ", question).split())
        held = {d.year for d in self.retriever.corpus().documents.values() if d.year}
        question = without_introduction(with_full_years(question, held))  # "in 21 vs 25"
        turns = list(history or [])
        if conversation_id is not None:
            turns = self.conversations.history(conversation_id) + turns
        standalone = self.standalone(question, turns, chosen, in_context)
        rewritten = time.perf_counter()
        vector = self.retriever.embedder.encode_one(self.retriever.search_text(standalone))
        scope = self.retriever.scope(standalone)
        passages = self.retriever.run(standalone, k=self.k, filters=filters, query_vector=vector)
        passages = signed_first(passages, self._signed(standalone, scope, passages)[1])
        retrieved = time.perf_counter()
        timings = {
            "rewrite_ms": (rewritten - started) * 1000,
            "retrieve_ms": (retrieved - rewritten) * 1000,
        }
        return chosen, standalone, passages, timings, vector, scope

    def _extractive(
        self,
        question: str,
        standalone: str,
        vector: Any,
        passages: list[ScoredChunk],
        scope: Scope,
    ) -> Draft:
        corpus = self.retriever.corpus()
        typed = None
        if standalone != question:
            typed = (question, self.retriever.embedder.encode_one(question))
        respelled = self.retriever.respell(standalone)
        return self.extractive.run(
            standalone,
            vector,
            passages,
            corpus.documents,
            scope.comparison or scope.per_force,
            corpus.vocabulary,
            typed,
            corpus.idf,
            self.retriever.terms_for(standalone),
            self.retriever.uncovered_topics(standalone),
            self._elsewhere(standalone, vector, passages, scope),
            respelled if respelled != standalone else None,
        )

    def _signed(
        self, standalone: str, scope: Scope, passages: list[ScoredChunk]
    ) -> tuple[Sequence[str], list[ScoredChunk]]:
        """For "who signed the report?", the reports it names (or, naming none, the reports its
        passages come from) and their signed passages; nothing for other questions."""
        if not asks_who_signed(standalone):
            return (), []
        corpus = self.retriever.corpus()
        asked = scope.doc_ids or tuple(dict.fromkeys(p.chunk.doc_id for p in passages))
        return asked, signed_passages(asked, corpus.by_doc, corpus.labels)

    def _elsewhere(
        self, standalone: str, vector: Any, passages: list[ScoredChunk], scope: Scope
    ) -> ScoredChunk | None:
        """For a question about some of a force's reports ("custody in 2025", "was it still
        happening in 2025?"), the passage of another of its reports that answers far better, if
        any: these reports don't cover it."""
        asked = scope.named if scope.comparison else scope.doc_ids
        if not asked or not passages:
            return None
        topic = attached_topic(standalone) if scope.comparison else None
        if topic:  # "did that improve by 2025?": is the earlier question's topic in 2025 at all?
            retriever = self.retriever
            undated = " ".join(YEAR.sub(" ", topic).split())
            ratio = retriever.config.followup_elsewhere_ratio
            return retriever.better_elsewhere(undated, None, asked, ratio)
        return self.retriever.better_elsewhere(standalone, vector, asked)

    def _findings_led(
        self,
        standalone: str,
        vector: Any,
        passages_draft: Draft,
        filters: SearchFilters | None,
        scope: Scope,
        passages: list[ScoredChunk],
    ) -> tuple[Draft, list[ScoredChunk]] | None:
        """The findings-led answer when the question asks for findings and some match; the
        passage answer's best sentence supports it."""
        if self.findings is None or (
            passages_draft.refused
            and passages_draft.reason != WEAK
            and not (covered_elsewhere(passages_draft.reason) and asks_for_whole_list(standalone))
        ):
            return None
        corpus = self.retriever.corpus()
        allowed = self.retriever.allowed_docs(filters)
        expanded = self.retriever.expand(standalone)
        doc_ids = [d for d in scope.doc_ids if d in allowed] or (allowed if filters else [])
        led = findings_answer(
            expanded,
            vector,
            doc_ids,
            self.findings.list_findings,
            corpus.by_doc,
            corpus.documents,
            corpus.labels,
            lambda sentences: int(
                np.argmax(self.extractive.sentence_vectors.get(list(sentences)) @ vector)
            ),
            passages,
            self.retriever.search_text(standalone),
            weak=passages_draft.refused and passages_draft.reason == WEAK,
        )
        if led is None or len(led[0].citations) > MAX_SUPPORTED:
            return led
        return with_support(led[0], passages_draft), led[1]

    def run(
        self,
        question: str,
        conversation_id: str | None = None,
        history: Sequence[Turn] | None = None,
        filters: SearchFilters | None = None,
        answerer: str | None = None,
    ) -> Answer:
        return _last_answer(self.stream(question, conversation_id, history, filters, answerer))

    def stream(
        self,
        question: str,
        conversation_id: str | None = None,
        history: Sequence[Turn] | None = None,
        filters: SearchFilters | None = None,
        answerer: str | None = None,
    ) -> Iterator[Event]:
        """Answer, streaming: LLM tokens as they come, or the extractive answer sentence by
        sentence; always ending with the `answer` event carrying the full record."""
        started = time.perf_counter()
        chosen, standalone, passages, timings, vector, scope = self.prepare(
            question, conversation_id, history, filters, answerer
        )
        answer_started = time.perf_counter()
        used = chosen
        draft: Draft | None = None
        fallback_reason: str | None = None
        # The answerability rules hold for every answerer: what the reports can't answer
        # (another force, an uncovered year, no figure for a "how many") is not sent to an LLM.
        llm = self.llm if chosen == "llm" else None
        ruled = None
        if llm is not None:
            ruled = self._extractive(question, standalone, vector, passages, scope)
        if ruled is not None and ruled.refused:
            used = "extractive (refused before the LLM)"
            draft = ruled
            yield Event("token", draft.text)
        elif llm is not None:
            raw: list[str] = []
            try:
                for token in llm.stream_text(standalone, passages):
                    raw.append(token)
                    yield Event("token", token)
                draft = llm.finish("".join(raw), passages, self.retriever.corpus().documents)
            except LLMError as error:
                fallback_reason = str(error)
                yield Event("error", str(error))
            if draft is None:
                used = "extractive (fallback)"
                fallback_reason = (
                    fallback_reason or "the LLM's answer cited no passage it was given"
                )
                draft = ruled or self._extractive(question, standalone, vector, passages, scope)
                yield Event("replace", draft.text)
        else:
            draft = self._extractive(question, standalone, vector, passages, scope)
            in_conversation = bool(history) or conversation_id is not None
            if draft.refused and draft.reason == WEAK and in_conversation:
                # In a conversation, "when did the sessions run?" may lean on the topic
                # without saying so, and "was it working back in 2021?" on what the last answer
                # was about: asked again with it, unless it still finds nothing.
                again = self.prepare(question, conversation_id, history, filters, answerer, True)
                if again[1] != standalone:
                    retry = self._extractive(question, again[1], again[4], again[2], again[5])
                    if not retry.refused:
                        _, standalone, passages, _, vector, scope = again
                        draft = retry
            asked, signed = self._signed(standalone, scope, passages)
            if asked:
                corpus = self.retriever.corpus()
                draft = signed_answer(asked, signed, corpus.documents, corpus.labels) or (
                    self.extractive.refusal(
                        passages,
                        corpus.documents,
                        f"the {' and '.join(corpus.labels[d] for d in asked)} report carries no "
                        "inspector's signature",
                    )
                )
                led = None
            else:
                led = self._findings_led(standalone, vector, draft, filters, scope, passages)
            if led is not None:
                draft, cited = led
                held = {p.chunk.chunk_id for p in cited}
                passages = cited + [p for p in passages if p.chunk.chunk_id not in held]
            elif defined_term(own := own_words(standalone)) is not None or _leads_with_the_answer(
                own, draft, scope
            ):
                passages = _lead_first(passages, draft)
            for piece in _pieces(draft.text):
                yield Event("token", piece)
        if not draft.refused:
            used_line = reports_used(
                draft.citations,
                self.retriever.corpus().documents,
                scope.doc_ids,
                filters is not None and not filters.is_empty(),
            )
            if used_line:
                draft = replace(draft, text=f"{draft.text}\n\n{used_line}")
                yield Event("token", f"\n\n{used_line}")
        passages = cited_in_view(passages, draft)
        finished = time.perf_counter()
        timings["answer_ms"] = (finished - answer_started) * 1000
        timings["total_ms"] = (finished - started) * 1000
        answer = Answer(
            question=" ".join(question.split()),
            standalone_question=standalone,
            text=draft.text,
            citations=flag_citations(
                draft.citations, {p.chunk.chunk_id: p.chunk.text for p in passages}
            ),
            grounded=not draft.refused and bool(draft.citations),
            refused=draft.refused,
            reason=fallback_reason or draft.reason,
            answerer=used,
            passages=passages,
            timings_ms={k: round(v, 1) for k, v in timings.items()},
        )
        if conversation_id is not None:
            self.conversations.record(conversation_id, answer)
        yield Event("answer", answer)


_IN_VIEW = 5
"""The passages a reader sees first (the UI's sources)."""


def cited_in_view(passages: list[ScoredChunk], draft: Draft) -> list[ScoredChunk]:
    """The passages with every one the answer quotes among the first five: a quote from the
    seventh passage is otherwise cited from a source listed out of view. They take the places
    of the lowest uncited passages in view; the first passage keeps its place."""
    if draft.refused or not draft.citations:
        return passages
    cited = {c.chunk_id for c in draft.citations}
    late = [p for p in passages[_IN_VIEW:] if p.chunk.chunk_id in cited]
    if not late:
        return passages
    uncited = [p for p in passages[1:_IN_VIEW] if p.chunk.chunk_id not in cited]
    out = uncited[::-1][: len(late)]
    moved = late[: len(out)]
    shown = [p for p in passages[:_IN_VIEW] if p not in out] + moved
    return shown + out + [p for p in passages[_IN_VIEW:] if p not in moved]


def _lead_first(passages: list[ScoredChunk], draft: Draft) -> list[ScoredChunk]:
    """The passages with the one the answer leads with first: for "what is X?" the answer
    leads with the sentence that says what X is, wherever the search ranked its passage."""
    if draft.refused or not draft.citations:
        return passages
    lead = draft.citations[0].chunk_id
    return sorted(passages, key=lambda p: p.chunk.chunk_id != lead)


def _leads_with_the_answer(question: str, draft: Draft, scope: Scope) -> bool:
    """Whether the answer leads with the kind of answer asked for ("how often": "MARACs take
    place weekly"): its passage then comes first, wherever the search ranked it."""
    kinds = asked_types(question)
    return (
        bool(kinds)
        and not scope.comparison
        and not draft.refused
        and bool(draft.citations)
        and gives(draft.citations[0].quote, kinds)
    )


def _pieces(text: str) -> list[str]:
    """Split an extractive answer into streamable pieces (after each citation marker)."""
    pieces, current = [], ""
    for char in text:
        current += char
        if char == "]":
            pieces.append(current)
            current = ""
    return [*pieces, current] if current else pieces


def _last_answer(events: Iterator[Event]) -> Answer:
    answer = None
    for event in events:
        if event.kind == "answer":
            answer = event.data
    assert isinstance(answer, Answer)
    return answer
