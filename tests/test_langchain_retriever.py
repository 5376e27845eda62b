"""LangChain's own standard retriever tests (`langchain-tests`) against
`Assistant.langchain_retriever()`'s class, over the session's sample store."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from assistant.core import Assistant
from assistant.domain.errors import InvalidRequest
from assistant.domain.records import SearchFilters
from assistant.retrieve.hybrid import HybridRetriever
from assistant.retrieve.langchain import InspectionRetriever

QUERY = "what should officers record when they use police protection powers?"


class TestInspectionRetrieverStandard(RetrieversIntegrationTests):
    """The standard tests build the retriever themselves from `retriever_constructor_params`,
    so an autouse fixture hands them the session's hybrid retriever first."""

    hybrid: HybridRetriever

    @pytest.fixture(autouse=True)
    def _sample_store(self, sample_assistant: Assistant) -> None:
        type(self).hybrid = sample_assistant.retriever

    @property
    def retriever_constructor(self) -> type[InspectionRetriever]:
        return InspectionRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"hybrid": self.hybrid, "k": 6}

    @property
    def retriever_query_example(self) -> str:
        return QUERY


def test_the_assistant_hands_out_a_conforming_retriever(sample_assistant: Assistant) -> None:
    retriever = sample_assistant.langchain_retriever(k=4)
    assert isinstance(retriever, InspectionRetriever)
    assert len(retriever.invoke(QUERY)) == 4
    assert len(retriever.invoke(QUERY, k=2)) == 2


async def test_per_call_k_and_filters_reach_the_search(sample_assistant: Assistant) -> None:
    retriever = sample_assistant.langchain_retriever()
    only_2021 = SearchFilters(doc_ids=["staffordshire-2021"])
    docs = await retriever.ainvoke(QUERY, k=5, filters=only_2021)
    assert len(docs) == 5
    assert {d.metadata["doc_id"] for d in docs} == {"staffordshire-2021"}
    assert all(d.metadata["section_path"] and d.id == d.metadata["chunk_id"] for d in docs)


def test_k_below_one_is_refused(sample_assistant: Assistant) -> None:
    with pytest.raises(ValueError):
        InspectionRetriever(hybrid=sample_assistant.retriever, k=0)
    with pytest.raises(InvalidRequest, match="k must be at least 1"):
        sample_assistant.langchain_retriever().invoke(QUERY, k=0)
