"""What our OpenAI-compatible client puts on the wire, against the scripted server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_llm import FakeLLM
from langchain_core.messages import HumanMessage

from assistant.answer.llm import chat_model, token_cap
from assistant.settings import Settings


@pytest.fixture
def fake() -> Iterator[FakeLLM]:
    server = FakeLLM().start()
    try:
        yield server
    finally:
        server.stop()


def test_the_length_cap_is_sent_under_both_names_to_other_servers(fake: FakeLLM) -> None:
    """llama.cpp's Python server reads only `max_tokens`; OpenAI wants `max_completion_tokens`."""
    model = chat_model(Settings(llm_base_url=fake.base_url, llm_model="fake"), max_tokens=77)
    model.invoke([HumanMessage("hello")])
    [request] = fake.requests
    assert request["max_tokens"] == 77 and request["max_completion_tokens"] == 77


def test_openai_itself_gets_only_max_completion_tokens() -> None:
    assert token_cap("https://api.openai.com/v1", 50) == {"max_tokens": 50}
    assert token_cap("http://127.0.0.1:8080/v1", 50) == {
        "max_tokens": 50,
        "extra_body": {"max_tokens": 50},
    }
