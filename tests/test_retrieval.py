"""Retrieval behind its two faces (our `run()` and LangChain's `BaseRetriever`), filters,
comparison scope, and the optional cross-encoder reranker."""

from __future__ import annotations

import dataclasses
import re
from types import SimpleNamespace

import numpy as np
import pytest

from assistant.core import Assistant
from assistant.domain.records import (
    Chunk,
    Document,
    ScoredChunk,
    SearchFilters,
    SectionKind,
    Turn,
)
from assistant.embeddings import packaged_model_path
from assistant.retrieve.cross_encoder import CrossEncoderReranker
from assistant.retrieve.hybrid import RERANK_FEATURES, HybridRetriever
from assistant.retrieve.scope import followup_year

DETENTION = "how long did the detained 16-year-old girl wait for an appropriate adult"


def test_langchain_retriever_returns_cited_documents(sample_assistant: Assistant) -> None:
    retriever = sample_assistant.langchain_retriever(k=3)
    documents = retriever.invoke(DETENTION)
    assert len(documents) == 3
    top = documents[0]
    assert top.metadata["section_path"][0] == "11. Police detention"
    text = sample_assistant.db.text(top.metadata["doc_id"]) or ""
    assert text[top.metadata["start"] : top.metadata["end"]] == top.page_content
    assert [d.metadata["chunk_id"] for d in documents] == [
        h.chunk.chunk_id for h in sample_assistant.search(DETENTION, k=3)
    ]


def test_an_abbreviation_nobody_defined_searches_for_the_phrase_the_reports_write(
    sample_assistant: Assistant,
) -> None:
    retriever = sample_assistant.retriever
    assert retriever.expand("how many HRHs are there?").endswith("(harm reduction hubs)")
    assert "(" not in retriever.expand("what did the ABC say?")  # no phrase written twice
    assert "(" not in retriever.expand("what does the WT say?")  # two letters: chance runs
    held = retriever.lexical.initial_runs("hrh", 200)  # read from the index, not every passage
    chunks = retriever.corpus().chunks
    assert any("harm reduction hub" in chunks[c].text for c in held)
    assert len(held) < len(chunks) / 4
    top = sample_assistant.search("how many HRHs does the force have?", k=1)[0]
    assert "harm reduction hubs" in top.chunk.text
    # and the answerer counts them by that phrase, rather than finding no figure for "HRHs"
    assert retriever.terms_for("how many HRHs?").abbreviations["HRH"] == "harm reduction hubs"
    answer = sample_assistant.ask("How many HRHs does the force have?")
    assert not answer.refused and "ten harm reduction hubs" in answer.text


def test_officers_everyday_words_find_the_reports_words(sample_assistant: Assistant) -> None:
    uni = sample_assistant.search("which uni ran the safeguarding course for the hubs?", k=3)
    assert any("Keele University" in h.chunk.text for h in uni)
    lockups = sample_assistant.search("what are the two lock-ups called?", k=3)
    assert any("two custody suites" in h.chunk.text for h in lockups)
    laptops = sample_assistant.search("were staff working off their own laptops in 2021?", k=3)
    assert any("personal computers" in h.chunk.text for h in laptops)
    cfs = sample_assistant.ask("kids closed as CFS instead of mispers - still happening in 2025?")
    assert not cfs.refused, cfs.reason
    juvs = sample_assistant.ask("how many juvs went thru custody jul 2020 - jun 2021?")
    assert not juvs.refused and "593" in juvs.text, juvs.text


def test_filters_restrict_by_document_year_and_kind(sample_assistant: Assistant) -> None:
    hits = sample_assistant.search(
        "what should the force improve",
        k=5,
        filters=SearchFilters(years=[2025], section_kinds=[SectionKind.AREAS_FOR_IMPROVEMENT]),
    )
    assert hits
    assert all(h.chunk.doc_id == "staffordshire-2025" for h in hits)
    assert all(h.chunk.section_kind is SectionKind.AREAS_FOR_IMPROVEMENT for h in hits)


def test_a_comparison_retrieves_from_each_report(sample_assistant: Assistant) -> None:
    hits = sample_assistant.search("What changed between 2021 and 2025 on missing children?", k=6)
    assert {h.chunk.doc_id for h in hits} == {"staffordshire-2021", "staffordshire-2025"}
    assert [h.chunk.doc_id for h in hits[:2]] != [hits[0].chunk.doc_id] * 2  # interleaved


def test_a_comparison_leads_with_the_newest_report_unless_the_older_answers_clearly_better(
    sample_assistant: Assistant,
) -> None:
    margin = sample_assistant.retriever.config.newest_first_margin
    now = sample_assistant.search("Does anyone check the quality of PPNs now, compared with 2021?")
    assert now[0].chunk.doc_id == "staffordshire-2025"  # "anyone ... now": the 2025 audits
    assert 0 < now[1].score - now[0].score <= margin  # though 2021's passage scores higher
    answer = sample_assistant.ask("Does anyone check the quality of PPNs now, compared with 2021?")
    assert answer.text.index("2021") < answer.text.index("2025")  # quoted in report order
    then = sample_assistant.search("What changed between 2021 and 2025 on missing children?")
    assert then[0].chunk.doc_id == "staffordshire-2021"
    assert then[0].score - then[1].score > margin


def test_a_followup_naming_a_year_leads_its_comparison_with_that_report(
    sample_assistant: Assistant,
) -> None:
    history = [
        Turn(role="user", content="In 2021 did anyone triage PPNs before they went to CSC?"),
        Turn(role="assistant", content="No. Officers sent PPNs to CSC without research."),
    ]
    later = sample_assistant.ask("Did that improve by 2025?", history=history)
    assert later.standalone_question != "Did that improve by 2025?"  # the topic is attached
    assert [p.chunk.doc_id for p in later.passages[:2]] == [
        "staffordshire-2025",
        "staffordshire-2021",
    ]
    back = sample_assistant.ask(
        "Was it working that well back in 2021 tho",
        history=[
            Turn(role="user", content="How does Operation Encompass work now?"),
            Turn(role="assistant", content="Schools hear before the next school day."),
        ],
    )
    assert back.passages[0].chunk.doc_id == "staffordshire-2021"


def test_the_sections_a_question_asks_for_join_the_candidates_however_crowded_out(
    sample_assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    question = "sgt here. after we take a kid under s46, what did the 2021 report want us doing?"

    def recommendation_found() -> bool:
        hits = sample_assistant.search(question, k=5)
        return any("taken into police protection, making sure" in h.chunk.text for h in hits)

    assert recommendation_found()
    retriever = sample_assistant.retriever
    monkeypatch.setattr(
        retriever, "config", dataclasses.replace(retriever.config, kind_candidates=0)
    )
    assert not recommendation_found()  # passages on police protection crowd it out of the lists


def test_followup_year_is_the_year_asked_about_not_the_one_measured_from() -> None:
    def asked(question: str) -> int | None:
        return followup_year(f"{question} (about: were PPNs checked in 2021?)")

    assert asked("did that improve by 2025?") == 2025
    assert asked("was it working that well back in 2021 tho") == 2021
    assert asked("and in 2025, was PP still an issue?") == 2025
    assert asked("any better since 2021?") is None
    assert asked("is it better than in 2021?") is None
    assert asked("compared with 2021, how is it now?") is None
    assert asked("what changed between 2021 and 2025?") is None
    assert asked("has that improved?") is None
    assert followup_year("is the force better at it than it was in 2021?") is None  # alone


def test_a_comparison_between_forces_leads_with_the_better_passage(
    sample_assistant: Assistant,
) -> None:
    def report(doc_id: str, force: str, year: int) -> Document:
        return Document(
            doc_id=doc_id, title=doc_id, force=force, year=year, source_file="", sha256=""
        )

    def hit(doc_id: str, score: float) -> ScoredChunk:
        chunk = Chunk(
            chunk_id=f"{doc_id}:1",
            doc_id=doc_id,
            section_id="s",
            section_path=[],
            section_kind=SectionKind.MAIN_FINDINGS,
            text="t",
            start=0,
            end=1,
            order=0,
        )
        return ScoredChunk(chunk=chunk, score=score, doc_label=doc_id)

    retriever = sample_assistant.retriever
    turn = [hit("a-2021", 0.6), hit("b-2025", 0.55)]
    forces = {"a-2021": report("a-2021", "A", 2021), "b-2025": report("b-2025", "B", 2025)}
    years = retriever._years_if_one_force(list(forces), SimpleNamespace(documents=forces))  # type: ignore[arg-type]
    assert years == {}
    assert [h.chunk.doc_id for h in retriever._turn(turn, years)] == ["a-2021", "b-2025"]
    one = {"a-2021": forces["a-2021"], "b-2025": report("b-2025", "A", 2025)}
    years = retriever._years_if_one_force(list(one), SimpleNamespace(documents=one))  # type: ignore[arg-type]
    assert [h.chunk.doc_id for h in retriever._turn(turn, years)] == ["b-2025", "a-2021"]
    far = [hit("a-2021", 0.9), hit("b-2025", 0.5)]  # 2021 better by far more than the margin
    assert [h.chunk.doc_id for h in retriever._turn(far, years)] == ["a-2021", "b-2025"]
    assert [h.chunk.doc_id for h in retriever._turn(far, years, 2025)] == ["b-2025", "a-2021"]
    assert [h.chunk.doc_id for h in retriever._turn(turn, years, 2021)] == ["a-2021", "b-2025"]


def test_an_everyday_words_expansion_does_not_make_a_comparison(
    sample_assistant: Assistant,
) -> None:
    # The glossary reads "sorted" as "improved", a change-word; the question compares nothing.
    scope = sample_assistant.retriever.scope("what did they want sorted in the FCC in 2021?")
    assert not scope.comparison
    assert scope.doc_ids == ("staffordshire-2021",)
    assert sample_assistant.retriever.scope("has the FCC improved since 2021?").comparison
    answer = sample_assistant.ask("what did they want sorted in the FCC in 2021?")
    assert answer.citations
    assert {c.doc_id for c in answer.citations} == {"staffordshire-2021"}
    assert "2025" not in answer.text and "We recommend" in answer.text


def test_an_abbreviation_stands_for_a_phrase_bm25_matches(sample_assistant: Assistant) -> None:
    """ "PP" is police protection: two words too common to search by alone, a phrase that
    is not."""
    from assistant.domain.text import tokens
    from assistant.retrieve.lexical import read_words

    retriever = sample_assistant.retriever
    words = read_words(sample_assistant.db)
    plain = retriever.lexical.run("was PP still an issue?", 10, words)
    phrased = retriever.lexical.run(
        "was PP still an issue?", 10, words, phrases=[tuple(tokens("police protection"))]
    )
    chunks = {c.chunk_id: c for c in sample_assistant.db.chunks()}

    def about(hits: list[tuple[str, float]]) -> int:
        return sum("police protection" in chunks[cid].text for cid, _ in hits)

    assert about(phrased) > about(plain)
    meanings = retriever._search("was PP still an issue?").meanings
    assert tuple(tokens("police protection")) in meanings


@pytest.mark.parametrize(
    ("feature", "question", "penalised"),
    [
        ("case_study", "bail refused for a child: where do they stay the night?", True),
        ("case_study", "give me a case study of a child refused bail", False),
        ("practice_story", "15yo caught shoplifting, do i actually need to nick them?", True),
        ("practice_story", "what happened to the girl arrested for shoplifting?", False),
    ],
)
def test_a_case_study_is_marked_down_unless_asked_for_and_further_for_an_officers_question(
    sample_assistant: Assistant, feature: str, question: str, penalised: bool
) -> None:
    """A story shares a question's words without saying what the inspectors found; when an
    officer asks what to do, the story of one job is not the practice expected either."""
    column = RERANK_FEATURES.index(feature)
    assert sample_assistant.retriever.config.rerank_weights()[column] < 0
    chunks, features = sample_assistant.retriever.candidate_features(question)
    stories = [
        i
        for i, c in enumerate(chunks)
        if c.section_kind == SectionKind.CASE_STUDY and "national guidance" not in c.text
    ]
    assert stories
    assert all(features[i, column] == float(penalised) for i in stories)
    others = [i for i, c in enumerate(chunks) if c.section_kind != SectionKind.CASE_STUDY]
    assert all(features[i, column] == 0.0 for i in others)


def test_a_case_study_saying_what_guidance_directs_is_not_marked_down_as_a_story(
    sample_assistant: Assistant,
) -> None:
    """ "Can SOMU carry on with probation's risk assessment?" is answered inside a case study:
    "contrary to national guidance, which advises police managers to make a new assessment"."""
    column = RERANK_FEATURES.index("practice_story")
    question = "RSO handed over from probation - can I just carry on using their risk assessment?"
    chunks, features = sample_assistant.retriever.candidate_features(question)
    stories = [i for i, c in enumerate(chunks) if c.section_kind == SectionKind.CASE_STUDY]
    guided = [i for i in stories if "contrary to national guidance" in chunks[i].text]
    assert guided and all(features[i, column] == 0.0 for i in guided)
    assert any(features[i, column] == 1.0 for i in stories if i not in guided)


def test_an_officers_practice_question_is_ranked_with_its_own_shift(
    sample_assistant: Assistant,
) -> None:
    """Practice questions weigh the features otherwise (fitted on the tune split's practice
    questions): a story saying what guidance directs may answer "can I just use probation's
    risk assessment?" ("contrary to national guidance, which advises police managers to make
    a new assessment"), while the unshifted weights lead with a general passage on guidance."""
    retriever = sample_assistant.retriever
    question = (
        "OM here - probation are handing an RSO back to us. ok to just use their risk assessment?"
    )
    assert retriever.asks_for_practice(retriever.search_text(question))
    plain, shifted = retriever.config.rerank_weights(), retriever.config.rerank_weights(True)
    story = RERANK_FEATURES.index("case_study")
    assert shifted[story] > 0 > plain[story]
    unshifted = set(range(len(RERANK_FEATURES))) - {
        RERANK_FEATURES.index(name) for name, _ in retriever.config.practice_shift
    }
    assert all(shifted[i] == plain[i] for i in unshifted)
    chunks, features = retriever.candidate_features(question)
    before = chunks[int(np.argmax(features @ plain))]
    after = chunks[int(np.argmax(features @ shifted))]
    assert "contrary to national guidance" not in before.text
    assert "contrary to national guidance" in after.text
    assert retriever.run(question, k=1)[0].chunk.chunk_id == after.chunk_id
    assert not retriever.asks_for_practice(retriever.search_text("how many RSOs did SOMU manage?"))


def test_the_kind_of_answer_asked_for_is_read_from_the_question() -> None:
    from assistant.retrieve.answer_types import AnswerType, asked_types, gives

    assert asked_types("how often do MARACs sit?") == {AnswerType.FREQUENCY}
    assert asked_types("what % of staff had done it, and by when?") == {
        AnswerType.FIGURE,
        AnswerType.DURATION,
    }
    assert asked_types("when did the force join the Philomena protocol?") == {AnswerType.DATE}
    assert asked_types("when does a child count as a victim?") == set()
    assert asked_types("what should I record at a domestic?") == set()
    assert gives("In eight hubs, MARACs take place weekly.", asked_types("how often?"))
    assert not gives("Each hub regularly holds MARACs.", asked_types("how often?"))
    assert asked_types("max length of police protection?") == {AnswerType.DURATION}
    assert gives("only 48 percent of the 777 staff", asked_types("what share?"))
    assert gives("We recommend that within six months", asked_types("by when?"))


@pytest.mark.parametrize(
    ("question", "quoted"),
    [
        (
            "what % of control room staff had done the vulnerability training in 2021",
            "only 48 percent of the 777 staff",
        ),
        (
            "how many PPNs do staffs and the partners dip-sample together every month?",
            "together they audit ten",
        ),
    ],
)
def test_a_passage_giving_the_kind_of_answer_asked_for_comes_first(
    sample_assistant: Assistant, question: str, quoted: str
) -> None:
    """ "What % of staff had done the training" is answered by the sentence with the
    percentage, not by the passage that says most about the training."""
    retriever = sample_assistant.retriever
    column = RERANK_FEATURES.index("answer_type")
    assert retriever.config.rerank_weights()[column] > 0
    chunks, features = retriever.candidate_features(question)
    answering = [i for i, c in enumerate(chunks) if quoted in " ".join(c.text.split())]
    assert answering and all(features[i, column] == 1.0 for i in answering)
    assert quoted in " ".join(retriever.run(question, k=1)[0].chunk.text.split())
    _, unasked = retriever.candidate_features("what should officers record at a domestic?")
    assert not unasked[:, column].any()


def test_a_directive_sentence_is_the_report_saying_what_should_be_done() -> None:
    from assistant.retrieve.answer_types import is_directive

    assert is_directive("Officers who review children's detention must visit them.")
    assert is_directive("FIMs should review all missing person reports.")
    assert not is_directive("Officers told us they should not need to submit a PPN.")
    assert not is_directive("Custody staff have only two training days a year.")


def test_an_officers_practice_question_lifts_the_passage_whose_directive_is_nearest(
    sample_assistant: Assistant,
) -> None:
    """ "Doing a PACE review on a juvenile - what am I supposed to do?" is answered by
    "officers who review children's detention must visit them", not by the passage about
    custody training that shares more of its words; a question not asking what to do gets
    no lift."""
    retriever = sample_assistant.retriever
    column = RERANK_FEATURES.index("directive")
    assert retriever.config.rerank_weights()[column] > 0
    question = "doing a PACE review on a juvenile in the cells - what am I supposed to actually do?"
    chunks, features = retriever.candidate_features(question)
    directing = [i for i, c in enumerate(chunks) if "must visit them" in c.text]
    plain = [i for i, c in enumerate(chunks) if not re.search(r"should|must|need", c.text)]
    assert directing and plain
    assert all(features[i, column] > 0.3 for i in directing)
    assert all(features[i, column] == 0.0 for i in plain)
    assert "must visit them" in retriever.run(question, k=1)[0].chunk.text
    _, unasked = retriever.candidate_features("how were children reviewed in custody in 2021?")
    assert not unasked[:, column].any()


def test_no_overlapping_or_repeated_passages(sample_assistant: Assistant) -> None:
    hits = sample_assistant.search("missing children risk assessment", k=10)
    for i, a in enumerate(hits):
        for b in hits[i + 1 :]:
            same_doc = a.chunk.doc_id == b.chunk.doc_id
            assert not (same_doc and a.chunk.start < b.chunk.end and b.chunk.start < a.chunk.end)


class KeywordJudge:
    """A stand-in cross-encoder that scores a pair by whether the passage says "18 hours":
    it tests that our code hands the ranking to the cross-encoder, not any model's quality."""

    def __init__(self) -> None:
        self.calls = 0

    def predict(self, pairs: list[tuple[str, str]], **_: object) -> np.ndarray:
        self.calls += 1
        return np.array([4.0 if "18 hours" in passage else -4.0 for _, passage in pairs])


def test_a_configured_cross_encoder_decides_the_order(sample_assistant: Assistant) -> None:
    judge = KeywordJudge()
    base = sample_assistant.retriever
    retriever = HybridRetriever(
        base.db,
        base.vectors,
        base.embedder,
        base.sentence_vectors,
        base.config,
        CrossEncoderReranker(judge),
    )
    hits = retriever.run("custody delays for children", k=3)
    assert judge.calls == 1
    assert "18 hours" in hits[0].chunk.text
    assert hits[0].score > 0.9 > hits[-1].score


def test_a_cross_encoder_loads_from_a_local_path_offline() -> None:
    """No cross-encoder ships offline, but the loader works from a local path: the packaged
    MiniLM with a fresh (untrained) head scores pairs without touching the network."""
    reranker = CrossEncoderReranker(packaged_model_path())
    scores = reranker.score("appropriate adult", ["an appropriate adult came", "the weather"])
    assert scores.shape == (2,) and np.all((scores > 0) & (scores < 1))


def test_the_rerank_score_is_its_weights_over_named_features(sample_assistant: Assistant) -> None:
    """What the sweep fits is what retrieval scores by: one column per named feature, and
    the passage a question quotes word for word has the best BM25 of its candidates."""
    retriever = sample_assistant.retriever
    chunks, features = retriever.candidate_features(DETENTION)
    assert features.shape == (len(chunks), len(RERANK_FEATURES)) and len(chunks) > 5
    bm25 = features[:, RERANK_FEATURES.index("bm25")]
    assert bm25.max() == 1.0 and (bm25 >= 0).all()
    best = chunks[int(np.argmax(features @ retriever.config.rerank_weights()))]
    assert best.chunk_id == retriever.run(DETENTION, k=1)[0].chunk.chunk_id


def test_topic_scores_leave_out_the_section_kind_lift(sample_assistant: Assistant) -> None:
    """A report with no graded judgments still covers the cases it graded: comparing
    reports by topic must not favour the one with a judgments section."""
    retriever = sample_assistant.retriever
    question = "what grades did the case audit give"
    search = retriever._search(question)
    docs = list(retriever.corpus().documents)
    lifted = {h.chunk.chunk_id: h.score for h in retriever._ranked(search, docs, set(), 10)}
    topical = {
        h.chunk.chunk_id: h.score for h in retriever._ranked(search, docs, set(), 10, topical=True)
    }
    shared = lifted.keys() & topical.keys()
    lifts = {round(lifted[c] - topical[c], 3) for c in shared}
    assert lifts <= {0.0, round(retriever.config.intent_weight, 3)} and len(lifts) == 2


def test_the_inspectorate_named_as_asking_still_asks_for_its_recommendations(
    sample_assistant: Assistant,
) -> None:
    """The inspectorate's names are left out of the search text (every report names them),
    but "what did HMICFRS ask for" asks for recommendations: the section kinds are read with
    the names kept."""
    for question in (
        "what did HMICFRS ask for on custody in 2021?",
        "custody for kids, 2021: what did the inspectorate call for?",
    ):
        top = sample_assistant.search(question, k=1)[0].chunk
        assert top.section_path[-1] == "Recommendation", question
