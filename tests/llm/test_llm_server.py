"""The LLM answer path against a real OpenAI-compatible server: llama.cpp's server on a small
Gemma model (see conftest.py). These check our client with real output, not the model's quality:
the answer streams token by token, markers for passages that were not given are removed, an
answer with no valid citation falls back to the extractive one (a "don't cover this" stays a
refusal), a reply is capped in length, and a slow, stopped or failing server ends in a clear
message. Run with `make test-llm`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
from llama_kit import (
    ANSWER,
    COUNT,
    ECHO,
    TINY_CONTEXT,
    LlamaServer,
    SlowProxy,
    assistant_on,
    free_port,
)
from test_llm_answerer import assert_quotes_exact

from assistant.answer.citations import strip_invalid
from assistant.answer.llm import ANSWER_TOKENS, REFUSAL, LLMError, is_refusal
from assistant.answer.pipeline import Event
from assistant.core import Assistant
from assistant.domain.records import Answer
from assistant.embeddings import Embedder

QUESTION = "what should officers record when they use police protection powers?"
FALLBACK = "extractive (fallback)"


@pytest.fixture(scope="module")
def answering(
    sample_assistant: Assistant, embedder: Embedder, llama_server: LlamaServer
) -> Iterator[Assistant]:
    """Answers written by the model from the prompt our code builds."""
    assistant = assistant_on(sample_assistant, embedder, llama_server.base_url, ANSWER)
    try:
        yield assistant
    finally:
        assistant.close()


@pytest.fixture(scope="module")
def echoing(
    sample_assistant: Assistant, embedder: Embedder, llama_server: LlamaServer
) -> Iterator[Assistant]:
    """Answers in which the model copies the question's text: the test picks the shape."""
    assistant = assistant_on(sample_assistant, embedder, llama_server.base_url, ECHO)
    try:
        yield assistant
    finally:
        assistant.close()


def streamed(assistant: Assistant, question: str) -> tuple[list[Event], str, Answer]:
    """(all events, the raw text the model streamed, the final answer)."""
    events = list(assistant.asker.stream(question))
    assert [e.kind for e in events].count("answer") == 1 and events[-1].kind == "answer"
    answer = events[-1].data
    assert isinstance(answer, Answer)
    return events, "".join(e.data for e in events if e.kind == "token"), answer


def extractive_text(assistant: Assistant, question: str) -> str:
    return assistant.ask(question, answerer="extractive").text


def errors(events: list[Event]) -> list[str]:
    return [str(e.data) for e in events if e.kind == "error"]


def test_a_real_answer_streams_token_by_token_and_is_checked(answering: Assistant) -> None:
    events, raw, answer = streamed(answering, QUESTION)
    tokens = [e.data for e in events if e.kind == "token"]
    assert not errors(events)
    assert len(tokens) >= 5, tokens  # streamed as generated, not one blob at the end
    assert len(tokens) <= ANSWER_TOKENS  # the cap reached the server (it ignores
    assert raw.strip()  # `max_completion_tokens`, and would run on to the context's end)
    # whatever the model wrote, the outcome follows from the markers it used
    _, valid = strip_invalid(raw.strip(), len(answer.passages))
    if valid:
        assert answer.answerer == "llm" and answer.grounded
        assert len(answer.citations) == len(valid)
        for citation, n in zip(answer.citations, valid, strict=True):
            assert citation.chunk_id == answer.passages[n - 1].chunk.chunk_id
        assert_quotes_exact(answering, answer)
    elif is_refusal(raw):  # the model found no answer in the passages: a refusal, not a fallback
        assert answer.answerer == "llm" and answer.refused and not answer.grounded
        assert answer.text == REFUSAL and answer.citations == []
    else:
        assert answer.answerer == FALLBACK
        assert events[-2].kind == "replace" and events[-2].data == answer.text
        assert answer.text == extractive_text(answering, QUESTION)


def test_a_model_that_never_stops_is_cut_at_the_length_cap(
    sample_assistant: Assistant, embedder: Embedder, llama_server: LlamaServer
) -> None:
    """The server ignores `max_completion_tokens`, all that langchain-openai sends: without the
    `max_tokens` our client adds, this reply would run on to the end of the 4096-token context."""
    assistant = assistant_on(sample_assistant, embedder, llama_server.base_url, COUNT)
    try:
        events, raw, answer = streamed(assistant, QUESTION)
    finally:
        assistant.close()
    tokens = [e.data for e in events if e.kind == "token"]
    assert raw.lstrip().startswith("11, 12, 13")
    assert ANSWER_TOKENS - 8 <= len(tokens) <= ANSWER_TOKENS
    assert answer.answerer == FALLBACK  # numbers, and no citation among them


def test_markers_for_passages_not_given_are_removed(echoing: Assistant) -> None:
    reply = (
        "Officers record the scenario on the police protection form [1]. They also record the "
        "phase of the moon [9]. Police protection lasts at most 72 hours [2]."
    )
    events, raw, answer = streamed(echoing, reply)
    assert "[9]" in raw and len([e for e in events if e.kind == "token"]) > 10
    assert answer.answerer == "llm"
    assert "[9]" not in answer.text and "the phase of the moon." in answer.text
    assert re.findall(r"\[\d+\]", answer.text) == ["[1]", "[2]"]
    assert [c.chunk_id for c in answer.citations] == [
        answer.passages[0].chunk.chunk_id,
        answer.passages[1].chunk.chunk_id,
    ]
    assert_quotes_exact(echoing, answer)


def test_grouped_markers_are_checked_one_by_one(echoing: Assistant) -> None:
    _, raw, answer = streamed(
        echoing, "Officers record the scenario and the risks to the child [2, 1, 8]."
    )
    assert "[2, 1, 8]" in raw
    assert answer.answerer == "llm"
    assert answer.text.endswith("the risks to the child [1] [2].")
    assert [c.chunk_id for c in answer.citations] == [
        answer.passages[1].chunk.chunk_id,
        answer.passages[0].chunk.chunk_id,
    ]
    assert_quotes_exact(echoing, answer)


@pytest.mark.parametrize(
    "reply",
    [
        "Officers record everything on the police protection form.",
        "Officers record everything [7]. They keep it for ever [12].",
    ],
    ids=["no-markers", "only-bogus-markers"],
)
def test_an_answer_with_no_valid_citation_falls_back(echoing: Assistant, reply: str) -> None:
    events, raw, answer = streamed(echoing, reply)
    assert raw.strip().startswith(reply[:20])
    assert not errors(events)
    assert answer.answerer == FALLBACK
    assert events[-2].kind == "replace" and events[-2].data == answer.text
    assert answer.text == extractive_text(echoing, reply)
    assert answer.citations and not answer.refused
    assert_quotes_exact(echoing, answer)


def test_the_model_declining_is_a_refusal(echoing: Assistant) -> None:
    _, raw, answer = streamed(echoing, REFUSAL)
    assert REFUSAL in raw
    assert answer.answerer == "llm" and answer.refused and not answer.grounded
    assert answer.text == REFUSAL and answer.citations == []


def _fails_over(assistant: Assistant, question: str) -> str:
    """Ask through a server that fails; return the error message streamed before the fallback."""
    events, raw, answer = streamed(assistant, question)
    assert raw == ""
    assert answer.answerer == FALLBACK
    assert answer.text == extractive_text(assistant, question)
    assert_quotes_exact(assistant, answer)
    [message] = errors(events)
    return message


def test_a_slow_server_times_out_with_a_clear_message(
    sample_assistant: Assistant, embedder: Embedder, llama_server: LlamaServer
) -> None:
    reply = "Officers record the scenario on the police protection form [1]."
    with SlowProxy(llama_server.port, delay_s=3) as proxy:
        impatient = assistant_on(sample_assistant, embedder, proxy.base_url, ECHO, timeout_s=1)
        patient = assistant_on(sample_assistant, embedder, proxy.base_url, ECHO, timeout_s=60)
        try:
            message = _fails_over(impatient, reply)
            assert message == (
                f"the LLM at {proxy.base_url} did not answer within 1 s (IA_LLM_TIMEOUT_S); "
                "is it overloaded, or the model too large for this machine?"
            )
            # the same request through the same proxy, given time, is answered by the model
            answer = patient.ask(reply)
            assert answer.answerer == "llm" and answer.text == reply
        finally:
            impatient.close()
            patient.close()


def test_a_stopped_server_fails_with_a_clear_message(
    sample_assistant: Assistant, embedder: Embedder
) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    assistant = assistant_on(sample_assistant, embedder, url, ANSWER)
    try:
        message = _fails_over(assistant, QUESTION)
    finally:
        assistant.close()
    assert (
        message
        == f"could not connect to the LLM at {url}: is the server running? (IA_LLM_BASE_URL)"
    )


def test_the_cli_answers_through_the_server(
    sample_assistant: Assistant, llama_server: LlamaServer
) -> None:
    """`inspection-assistant ask` with only environment variables pointing it at the server."""
    reply = (
        "Officers record the scenario on the police protection form [1]. They also record the "
        "phase of the moon [9]."
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("IA_")}
    env |= {
        "IA_DATA_DIR": str(sample_assistant.settings.data_dir),
        "IA_LLM_BASE_URL": llama_server.base_url,
        "IA_LLM_MODEL": ECHO,
        "IA_ANSWERER": "llm",
    }
    cli = os.path.join(os.path.dirname(sys.executable), "inspection-assistant")
    done = subprocess.run(
        [cli, "ask", reply, "--json"], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["answerer"] == "llm"
    assert answer["text"] == reply.replace(" [9]", "")
    [citation] = answer["citations"]
    assert citation["n"] == 1 and citation["quote"]


def test_a_server_that_fails_mid_request_is_reported(
    sample_assistant: Assistant, embedder: Embedder, llama_server: LlamaServer
) -> None:
    """The prompt does not fit the model's context. Streaming, this server answers 200 and then
    nothing at all (the reason goes to its log only): we say so, and where to look."""
    url = llama_server.base_url
    assistant = assistant_on(sample_assistant, embedder, url, TINY_CONTEXT)
    try:
        message = _fails_over(assistant, QUESTION)
        assert message == (
            f"the LLM at {url} ended its reply before the first word; its log says why (a "
            "prompt longer than the model's context, for one)"
        )
        assert "exceed context window of 256" in llama_server.tail()
        # asked without streaming, the same server answers 400 and its reason is passed on
        passages = assistant.asker.prepare(QUESTION, None, None, None, "extractive")[2]
        assert assistant.llm is not None
        with pytest.raises(LLMError) as failed:
            assistant.llm.generate(QUESTION, passages)
    finally:
        assistant.close()
    assert str(failed.value).startswith(
        f"the LLM at {url} answered HTTP 400: This model's maximum context length is 256 tokens."
    )
