"""The LLM answerer: a LangChain chat model on any OpenAI-compatible endpoint (Ollama, vLLM,
llama.cpp server, a hosted API), held to the same citation rules as the extractive answerer.

After generation every `[n]` is checked: markers for passages that were not given are removed,
and each remaining one is tied to the exact sentence of its passage that best supports the
answer sentence citing it. An answer left with no valid citation is not trusted (the caller
falls back to the extractive answer).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from assistant.answer.citations import renumber, sentences_citing, strip_invalid
from assistant.answer.extractive import Draft, citation_for
from assistant.answer.prompts import load_prompt
from assistant.domain.records import Document, ScoredChunk, Turn, place
from assistant.embeddings import Embedder
from assistant.retrieve.sentences import SentenceVectors, sentence_spans
from assistant.settings import Settings

REFUSAL = "The documents don't cover this."


class LLMError(RuntimeError):
    """The model server failed, timed out or answered with nothing usable."""


def chat_model(settings: Settings) -> BaseChatModel:
    """The configured chat model: any OpenAI-compatible endpoint, deterministic, no retries
    (a failure falls back to the offline path at once)."""
    from langchain_openai import ChatOpenAI

    if not settings.llm_base_url:
        raise LLMError("no LLM configured: set IA_LLM_BASE_URL (and IA_LLM_MODEL)")
    return ChatOpenAI(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key,  # type: ignore[arg-type]
        timeout=settings.llm_timeout_s,
        max_retries=0,
        temperature=0,
    )


def format_passages(passages: Sequence[ScoredChunk]) -> str:
    blocks = []
    for n, hit in enumerate(passages, start=1):
        where = place(hit.doc_label, hit.chunk.section_path)
        blocks.append(f'<passage n="{n}" source="{where}">\n{hit.chunk.text}\n</passage>')
    return "\n\n".join(blocks)


class LLMAnswerer:
    name = "llm"

    def __init__(self, settings: Settings, embedder: Embedder, sentence_vectors: SentenceVectors):
        self.embedder = embedder
        self.sentence_vectors = sentence_vectors
        self.model = chat_model(settings)

    def messages(self, question: str, passages: Sequence[ScoredChunk]) -> list[BaseMessage]:
        user = load_prompt("answer_user").format(
            passages=format_passages(passages), question=question
        )
        return [SystemMessage(load_prompt("answer_system")), HumanMessage(user)]

    def stream_text(self, question: str, passages: Sequence[ScoredChunk]) -> Iterator[str]:
        """Tokens as the model produces them."""
        try:
            for piece in self.model.stream(self.messages(question, passages)):
                if isinstance(piece.content, str) and piece.content:
                    yield piece.content
        except Exception as error:  # the client raises many types: timeouts, HTTP, parsing
            raise LLMError(f"LLM request failed: {type(error).__name__}: {error}") from error

    def generate(self, question: str, passages: Sequence[ScoredChunk]) -> str:
        try:
            reply = self.model.invoke(self.messages(question, passages))
        except Exception as error:
            raise LLMError(f"LLM request failed: {type(error).__name__}: {error}") from error
        content = reply.content if isinstance(reply, AIMessage) else ""
        return content if isinstance(content, str) else ""

    def finish(
        self, raw: str, passages: Sequence[ScoredChunk], documents: dict[str, Document]
    ) -> Draft | None:
        """Check the model's answer; None when it has no valid citation (and isn't a refusal)."""
        text, numbers = strip_invalid(raw.strip(), len(passages))
        if REFUSAL.lower().rstrip(".") in text.lower() and not numbers:
            return Draft(
                text=REFUSAL, citations=[], refused=True, reason="the model found no answer"
            )
        if not numbers:
            return None
        citations = []
        for new_n, old_n in enumerate(numbers, start=1):
            hit = passages[old_n - 1]
            start, end = self._supporting_span(hit, sentences_citing(text, old_n))
            citations.append(citation_for(new_n, hit, start, end, documents.get(hit.chunk.doc_id)))
        return Draft(text=renumber(text, numbers), citations=citations, refused=False)

    def _supporting_span(self, hit: ScoredChunk, claims: list[str]) -> tuple[int, int]:
        spans = sentence_spans(hit.chunk.text)
        if not spans:
            return 0, len(hit.chunk.text)
        if not claims:
            return spans[0]
        sentence_vecs = self.sentence_vectors.get([hit.chunk.text[s:e] for s, e in spans])
        claim_vecs = self.embedder.encode(claims)
        best = int(np.argmax((sentence_vecs @ claim_vecs.T).max(axis=1)))
        return spans[best]

    def rewrite(self, question: str, history: Sequence[Turn]) -> str:
        transcript = "\n".join(f"{t['role']}: {t['content']}" for t in history[-6:])
        messages = [
            SystemMessage(load_prompt("rewrite_system")),
            HumanMessage(f"Conversation:\n{transcript}\n\nLast question: {question}"),
        ]
        try:
            reply = self.model.invoke(messages)
        except Exception as error:
            raise LLMError(f"LLM request failed: {type(error).__name__}: {error}") from error
        text = reply.content if isinstance(reply.content, str) else ""
        return " ".join(text.split()) or question
