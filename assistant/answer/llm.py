"""The LLM answerer: a LangChain chat model on any OpenAI-compatible endpoint (Ollama, vLLM,
llama.cpp server, a hosted API), held to the same citation rules as the extractive answerer.

After generation every `[n]` is checked: markers for passages that were not given are removed,
and each remaining one is tied to the exact sentence of its passage that best supports the
answer sentence citing it. An answer left with no valid citation is not trusted (the caller
falls back to the extractive answer).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from assistant.answer.citations import renumber, sentences_citing, strip_invalid
from assistant.answer.extractive import Draft, citation_for
from assistant.answer.prompts import load_prompt
from assistant.domain.errors import Unavailable
from assistant.domain.records import Document, ScoredChunk, Turn, place
from assistant.embeddings import Embedder
from assistant.retrieve.sentences import SentenceVectors, sentence_spans
from assistant.settings import Settings

REFUSAL = "The documents don't cover this."
ANSWER_TOKENS = 512
"""Room for three to six sentences and a list kept whole; a model that rambles is cut here."""
REWRITE_TOKENS = 96
DEFAULT_TOKENS = 2048


class LLMError(Unavailable):
    """The model server failed, timed out or answered with nothing usable."""


def token_cap(base_url: str, n: int) -> dict[str, Any]:
    """Request fields that cap a reply at `n` tokens. langchain-openai sends only
    `max_completion_tokens`, which OpenAI requires (it rejects `max_tokens` for newer models);
    llama-cpp-python's server, llamafile and older Ollama read only `max_tokens` and, without it,
    generate until the context is full. So hosts other than OpenAI's get both."""
    if urlsplit(base_url).hostname == "api.openai.com":
        return {"max_tokens": n}
    return {"max_tokens": n, "extra_body": {"max_tokens": n}}


def chat_model(settings: Settings, max_tokens: int = DEFAULT_TOKENS) -> BaseChatModel:
    """The configured chat model: any OpenAI-compatible endpoint, deterministic, no retries
    (a failure falls back to the offline path at once)."""
    from langchain_openai import ChatOpenAI

    if not settings.llm_base_url:
        raise LLMError("no LLM configured: set IA_LLM_BASE_URL (and IA_LLM_MODEL)")
    return ChatOpenAI(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key,
        timeout=settings.llm_timeout_s,
        max_retries=0,
        temperature=0,
        **token_cap(settings.llm_base_url, max_tokens),
    )


def failure(error: Exception, settings: Settings, streamed: bool = True) -> LLMError:
    """An `LLMError` that says what went wrong in the user's terms and which setting to look at
    (the client raises a different type for each: timeouts, refused connections, HTTP errors,
    a stream cut short). `streamed` is False when a streamed reply failed before any event:
    llama-cpp-python's server, for one, answers 200 with an empty stream when the request fails
    (a prompt longer than the context), which langchain reports as a bare ValueError."""
    import httpx
    import openai

    where = f"the LLM at {settings.llm_base_url}"
    if isinstance(error, openai.APITimeoutError | httpx.TimeoutException):
        message = (
            f"{where} did not answer within {settings.llm_timeout_s:g} s "
            "(IA_LLM_TIMEOUT_S); is it overloaded, or the model too large for this machine?"
        )
    elif isinstance(error, openai.APIConnectionError | httpx.ConnectError):
        message = f"could not connect to {where}: is the server running? (IA_LLM_BASE_URL)"
    elif isinstance(error, openai.APIStatusError):
        message = f"{where} answered HTTP {error.status_code}: {_server_message(error)}"
    elif not streamed and isinstance(error, ValueError):
        message = (
            f"{where} ended its reply before the first word; its log says why (a prompt longer "
            "than the model's context, for one)"
        )
    else:
        message = f"{where} failed: {type(error).__name__}: {error}"
    return LLMError(message)


def _server_message(error: Any) -> str:
    body = error.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        detail = inner.get("message") if isinstance(inner, dict) else inner
        if detail:
            return " ".join(str(detail).split())[:300]
    return str(error.message)


def format_passages(passages: Sequence[ScoredChunk]) -> str:
    blocks = []
    for n, hit in enumerate(passages, start=1):
        where = place(hit.doc_label, hit.chunk.section_path)
        blocks.append(f'<passage n="{n}" source="{where}">\n{hit.chunk.text}\n</passage>')
    return "\n\n".join(blocks)


def is_refusal(text: str) -> bool:
    """The model's "don't cover this", whichever apostrophe it typed."""
    return REFUSAL.lower().rstrip(".") in text.lower().replace("\u2019", "'")


class LLMAnswerer:
    name = "llm"

    def __init__(self, settings: Settings, embedder: Embedder, sentence_vectors: SentenceVectors):
        self.embedder = embedder
        self.sentence_vectors = sentence_vectors
        self.settings = settings
        self.model = chat_model(settings, ANSWER_TOKENS)

    def messages(self, question: str, passages: Sequence[ScoredChunk]) -> list[BaseMessage]:
        user = load_prompt("answer_user").format(
            passages=format_passages(passages), question=question
        )
        return [SystemMessage(load_prompt("answer_system")), HumanMessage(user)]

    def stream_text(self, question: str, passages: Sequence[ScoredChunk]) -> Iterator[str]:
        """Tokens as the model produces them."""
        streamed = False
        try:
            for piece in self.model.stream(self.messages(question, passages)):
                streamed = True
                if isinstance(piece.content, str) and piece.content:
                    yield piece.content
        except Exception as error:  # the client raises many types: timeouts, HTTP, parsing
            raise failure(error, self.settings, streamed) from error

    def generate(self, question: str, passages: Sequence[ScoredChunk]) -> str:
        try:
            reply = self.model.invoke(self.messages(question, passages))
        except Exception as error:
            raise failure(error, self.settings) from error
        content = reply.content if isinstance(reply, AIMessage) else ""
        return content if isinstance(content, str) else ""

    def finish(
        self, raw: str, passages: Sequence[ScoredChunk], documents: dict[str, Document]
    ) -> Draft | None:
        """Check the model's answer; None when it has no valid citation (and isn't a refusal)."""
        text, numbers = strip_invalid(raw.strip(), len(passages))
        if is_refusal(text) and not numbers:
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
            reply = self.model.invoke(
                messages, **token_cap(self.settings.llm_base_url or "", REWRITE_TOKENS)
            )
        except Exception as error:
            raise failure(error, self.settings) from error
        text = reply.content if isinstance(reply.content, str) else ""
        return " ".join(text.split()) or question
