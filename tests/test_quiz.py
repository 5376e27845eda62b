"""The quiz builder over the bundled sample corpus: questions cited exactly, distractors of the
same kind, reproducible for a seed; the exports (GIFT, Moodle XML, CSV, Markdown) read back;
the CLI, the LLM path (fake server) and the API over real HTTP."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cli_runner import run_cli
from fake_llm import FakeLLM
from live_server import LiveServer

from assistant.api.main import create_app
from assistant.core import Assistant
from assistant.domain.errors import InvalidRequest, NotFound
from assistant.domain.words import GRADES
from assistant.embeddings import Embedder
from assistant.quiz.builder import quotas
from assistant.quiz.exporters import export, to_gift
from assistant.quiz.gift import escape, parse_gift
from assistant.quiz.records import QuizQuestion, QuizResult
from assistant.quiz.statements import contains
from assistant.settings import Settings

TOPIC = "police detention"
ALL_TYPES = ["mcq", "true_false", "short"]


def _cli(assistant: Assistant, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(assistant.settings.data_dir, *args)


def assert_sound(assistant: Assistant, q: QuizQuestion) -> None:
    """Cited exactly; the key in the quote, no distractor in it; options distinct; the
    answer not in the stem; feedback for every wrong option."""
    c = q.citation
    assert (assistant.db.text(c.doc_id) or "")[c.start : c.end] == c.quote, q.id
    assert c.section_path and c.quote.strip()
    assert q.explanation and "\n" not in q.explanation
    if q.type == "mcq":
        assert isinstance(q.answer, int)
        if q.kind in ("figure", "timescale", "term"):  # asked of the passage itself
            assert contains(c.quote, q.answer_text), (q.answer_text, c.quote)
        folded = [" ".join(o.split()).casefold() for o in q.options]
        assert len(set(folded)) == len(folded) >= 3, q.options
        assert not contains(q.stem, q.answer_text), (q.stem, q.answer_text)
        for i, option in enumerate(q.options):
            if i != q.answer:
                assert not contains(c.quote, option), (option, c.quote)
                assert q.feedback[i].strip(), (q.id, option)
    elif q.type == "true_false":
        assert q.options == ["True", "False"] and q.answer in (0, 1)
        assert q.feedback[1 - q.answer].strip()
    else:
        assert isinstance(q.answer, str) and q.answer
        assert not contains(q.stem, q.answer), (q.stem, q.answer)


# --- the builder -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def quiz(sample_assistant: Assistant) -> QuizResult:
    return sample_assistant.quiz.run(topic=TOPIC, n=12, types=ALL_TYPES, seed=7, writer="rules")


def test_questions_are_sound_and_cited(sample_assistant: Assistant, quiz: QuizResult) -> None:
    assert len(quiz.questions) == 12
    assert {q.type for q in quiz.questions} == set(ALL_TYPES)
    assert len({q.id for q in quiz.questions}) == 12
    # several may share a passage, but none shows another's answer
    for q in quiz.questions:
        for other in quiz.questions:
            if other is not q and q.type != "short":
                assert not any(contains(other.stem, q.options[i]) for i in q.right), q.stem
    assert any("Police detention" in q.citation.section_path[0] for q in quiz.questions)
    for q in quiz.questions:
        assert_sound(sample_assistant, q)


def test_same_seed_same_quiz_other_seed_other(sample_assistant: Assistant) -> None:
    def run(seed: int) -> str:
        result = sample_assistant.quiz.run(topic=TOPIC, n=10, types=ALL_TYPES, seed=seed)
        return json.dumps([q.model_dump() for q in result.questions])

    assert run(3) == run(3)
    assert run(3) != run(4)


def test_distractors_are_of_the_same_kind(sample_assistant: Assistant) -> None:
    questions = []
    for seed in range(3):
        for topic, kind in (
            ("missing children", "figure"),
            ("missing children", "finding"),
            ("graded judgment working with safeguarding partners", "finding"),
        ):
            questions += sample_assistant.quiz.run(
                topic=topic, n=15, types=["mcq"], seed=seed, kinds=[kind]
            ).questions
    figures = [q for q in questions if q.kind == "figure"]
    assert figures
    for q in figures:
        unit = q.answer_text.split()[-1].lower().rstrip("s")
        for option in q.options:
            assert re.match(r"^(?:[\d.,]+%?|\w+) ", option + " "), option
            assert option.split()[-1].lower().rstrip("s") == unit or option.endswith("%"), q.options
    grades = [q for q in questions if set(q.options) == set(GRADES)]
    assert grades
    for q in grades:
        assert q.options == list(GRADES)
        assert "‘" in q.stem and q.answer_text not in q.stem


def test_arthur_mnemonic_letters(sample_assistant: Assistant) -> None:
    result = sample_assistant.quiz.run(
        section="provides training, guidance and tools", n=20, types=["mcq"], seed=1
    )
    letters = [q for q in result.questions if q.stem.startswith("In the ARTHUR")]
    assert letters, [q.stem for q in result.questions]
    for q in letters:
        assert q.stem.startswith("In the ARTHUR mnemonic")
        letter = re.search(r"the (?:first |final )?([A-Z]) stand", q.stem).group(1)  # type: ignore[union-attr]
        assert q.answer_text.startswith(letter)
        assert q.citation.quote.startswith(f"{letter} – ")
        assert_sound(sample_assistant, q)


def test_recommendation_timescales(sample_assistant: Assistant) -> None:
    result = sample_assistant.quiz.run(
        section="Recommendation", n=20, types=["mcq"], seed=2, kinds=["timescale"]
    )
    timescales = [q for q in result.questions if q.kind == "timescale"]
    assert timescales
    for q in timescales:
        assert q.stem.startswith("Within what timescale did the Staffordshire 2021 report")
        assert set(q.options) <= {"immediately", "within three months", "within six months"}
        assert_sound(sample_assistant, q)


def test_errors_and_shortfall(sample_assistant: Assistant) -> None:
    with pytest.raises(NotFound, match="no quizzable statements found for topic"):
        sample_assistant.quiz.run(topic="xyzzy quantum chromodynamics")
    with pytest.raises(InvalidRequest, match="a topic, a section, chapters or reports"):
        sample_assistant.quiz.run()
    with pytest.raises(InvalidRequest, match="unknown question type"):
        sample_assistant.quiz.run(topic=TOPIC, types=["essay"])
    with pytest.raises(InvalidRequest, match="unknown question kind"):
        sample_assistant.quiz.run(topic=TOPIC, kinds=["trivia"])
    with pytest.raises(InvalidRequest, match="difficulty"):
        sample_assistant.quiz.run(topic=TOPIC, difficulty="brutal")
    with pytest.raises(InvalidRequest, match="too long"):
        sample_assistant.quiz.run(topic="x " * 400)
    with pytest.raises(NotFound, match="unknown document"):
        sample_assistant.quiz.run(topic=TOPIC, doc_ids=["nope"])
    with pytest.raises(NotFound, match="unknown chapter"):
        sample_assistant.quiz.run(chapters=["no such chapter"])
    with pytest.raises(InvalidRequest, match="IA_LLM_BASE_URL"):
        sample_assistant.quiz.run(topic=TOPIC, writer="llm")
    small = sample_assistant.quiz.run(section="Working with safeguarding partners", n=40)
    assert 0 < len(small.questions) < 40
    assert "only" in small.summary() and "asked for 40" in small.summary()
    only_2025 = sample_assistant.quiz.run(topic=TOPIC, doc_ids=["staffordshire-2025"], n=5)
    assert {q.citation.doc_id for q in only_2025.questions} == {"staffordshire-2025"}


def test_quotas() -> None:
    assert quotas(10, ["mcq", "true_false"]) == {"mcq": 6, "true_false": 4}
    assert sum(quotas(7, ["mcq", "true_false", "short"]).values()) == 7


# --- exports read back -----------------------------------------------------------------------


def test_gift_escaping_round_trip() -> None:
    for text in ("a ~ b = c # d { e } f : g \\ h", "Source: x › y (p. 3)", "50% #1"):
        assert parse_gift(f"::t::{escape(text)} {{=ok}}")[0]["stem"] == text


def test_exports_show_document_html_and_never_run_it(quiz: QuizResult) -> None:
    """Report text is data: HTML in a passage reaches GIFT and Markdown as entities."""
    hostile = '<img src=x onerror="alert(1)"> & <script>steal()</script>'
    question = quiz.questions[0].model_copy(update={"stem": f"{hostile} Which?"})
    for fmt in ("gift", "md"):
        text = export([question], fmt, "t")
        assert "<script>" not in text and "<img" not in text, fmt
        assert "&lt;script&gt;" in text, fmt
    assert parse_gift(to_gift([question], "t"))[0]["stem"] == f"{hostile} Which?"


def test_gift_read_back(quiz: QuizResult) -> None:
    parsed = parse_gift(to_gift(quiz.questions, "Quiz: police: detention {x}"))
    assert len(parsed) == len(quiz.questions)
    for q, back in zip(quiz.questions, parsed, strict=True):
        assert back["title"] == q.label and back["type"] == q.type
        assert back["stem"] == q.stem
        assert q.source in back["general_feedback"] and q.explanation in back["general_feedback"]
        if q.type == "short":
            assert back["answer"] == [q.answer, *q.alternatives]
        else:
            assert back["options"] == q.options
            assert back["answer"] == q.answer
            assert back["feedback"] == q.feedback


def _xml_text(element: ET.Element | None) -> str:
    raw = (element.findtext("text") if element is not None else "") or ""
    return html.unescape(re.sub(r"</?p>", " ", raw)).strip()


def test_moodle_xml_read_back(quiz: QuizResult) -> None:
    root = ET.fromstring(export(quiz.questions, "moodle-xml", "Quiz"))
    assert root.tag == "quiz"
    questions = [q for q in root.findall("question") if q.get("type") != "category"]
    kinds = {"mcq": "multichoice", "true_false": "truefalse", "short": "shortanswer"}
    assert len(questions) == len(quiz.questions)
    for q, element in zip(quiz.questions, questions, strict=True):
        assert element.get("type") == kinds[q.type]
        assert element.findtext("name/text") == q.label
        assert element.find("questiontext").get("format") == "html"  # type: ignore[union-attr]
        assert _xml_text(element.find("questiontext")) == q.stem
        general = _xml_text(element.find("generalfeedback"))
        assert q.explanation in general and q.source in general
        answers = element.findall("answer")
        right = [_xml_text(a) for a in answers if a.get("fraction") == "100"]
        if q.type == "short":
            assert right == [q.answer, *q.alternatives]
            continue
        texts = [_xml_text(a) for a in answers]
        feedback = [_xml_text(a.find("feedback")) for a in answers]
        if q.type == "true_false":
            assert texts == ["true", "false"]
        else:
            assert texts == q.options
        assert right == [texts[q.answer]]  # type: ignore[index]
        assert feedback == q.feedback


def test_csv_and_markdown(quiz: QuizResult) -> None:
    rows = list(csv.DictReader(io.StringIO(export(quiz.questions, "csv"))))
    assert len(rows) == len(quiz.questions)
    for q, row in zip(quiz.questions, rows, strict=True):
        assert row["id"] == q.id and row["type"] == q.type and row["question"] == q.stem
        assert row["options"].split(" | ") == q.options if q.options else row["options"] == ""
        assert row["answer"] == q.answer_text
        assert row["explanation"] == q.explanation and row["source"] == q.source
    md = export(quiz.questions, "md", "Quiz: police detention")
    assert md.startswith("# Quiz: police detention")
    assert "## Questions" in md and "## Answers" in md
    assert md.count("Source: ") == len(quiz.questions)


# --- the CLI (the done-when) ---------------------------------------------------------


def test_cli_gift_done_when(sample_assistant: Assistant, tmp_path: Path) -> None:
    out = tmp_path / "quiz.gift"
    args = ["quiz", "--topic", TOPIC, "--n", "10", "--format", "gift", "-o", str(out)]
    done = _cli(sample_assistant, *args)
    assert done.returncode == 0, done.stderr[-2000:]
    assert re.search(r"10 questions \(\d+ mcq(, \d+ \w+)*\) from \d reports? → ", done.stderr)
    parsed = parse_gift(out.read_text(encoding="utf-8"))
    assert len(parsed) == 10
    expected = sample_assistant.quiz.run(topic=TOPIC, n=10)
    for q, back in zip(expected.questions, parsed, strict=True):
        assert back["stem"] == q.stem
        assert "Source: Staffordshire 20" in back["general_feedback"]
    missing = _cli(sample_assistant, "quiz", "--topic", "xyzzy quantum", "--n", "3")
    assert missing.returncode != 0
    assert "no quizzable statements found for topic" in missing.stderr


# --- the LLM path ----------------------------------------------------------------------------

GOOD_QUOTE = "The previous year, the number was 838. This is a 29 percent reduction."


@pytest.fixture(scope="module")
def fake_llm() -> Iterator[FakeLLM]:
    server = FakeLLM().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def llm_assistant(
    sample_assistant: Assistant, fake_llm: FakeLLM, embedder: Embedder
) -> Iterator[Assistant]:
    settings = Settings(
        data_dir=sample_assistant.settings.data_dir,
        llm_base_url=fake_llm.base_url,
        llm_model="fake",
        llm_timeout_s=5,
    )
    assistant = Assistant(settings, embedder)
    try:
        yield assistant
    finally:
        assistant.close()


def test_llm_questions_checked_against_their_quote(
    llm_assistant: Assistant, fake_llm: FakeLLM
) -> None:
    good = {
        "type": "mcq",
        "quote": GOOD_QUOTE,
        "stem": "By what percentage did the number of children in the force's custody fall "
        "in the 12 months to June 2021?",
        "options": ["22 percent", "29 percent", "48 percent", "56 percent"],
        "answer": 1,
        "key": "29 percent",
        "explanation": "The number fell from 838 to 593, a 29 percent reduction.",
        "feedback": ["22 percent is the fall in overnight detentions.", "", "No.", "No."],
    }
    unsupported = {
        **good,
        "stem": "How many custody facilities does the force have?",
        "options": ["one", "two", "three"],
        "answer": 2,
        "key": "three",
        "feedback": ["No.", "No.", ""],
    }
    fake_llm.script("```json\n" + json.dumps([good, unsupported]) + "\n```")
    result = llm_assistant.quiz.run(topic=TOPIC, n=4, types=["mcq"], seed=1)
    assert len(fake_llm.requests) == 1
    prompt = json.dumps(fake_llm.requests[0]["messages"])
    assert "Police detention" in prompt and "JSON" in prompt
    llm = [q for q in result.questions if q.origin == "llm"]
    assert [q.stem for q in llm] == [good["stem"]]
    assert llm[0].answer_text == "29 percent" and llm[0].citation.quote == GOOD_QUOTE
    assert_sound(llm_assistant, llm[0])
    assert len(result.rejected) == 1 and "not in the cited passage" in result.rejected[0]
    assert len(result.questions) == 4  # the rules fill the rest
    assert all(q.origin == "rules" for q in result.questions if q not in llm)


def test_llm_garbage_falls_back_to_rules(llm_assistant: Assistant, fake_llm: FakeLLM) -> None:
    fake_llm.script("I cannot write questions today.")
    result = llm_assistant.quiz.run(topic=TOPIC, n=3, seed=1)
    assert len(result.questions) == 3 and all(q.origin == "rules" for q in result.questions)
    assert result.rejected == ["the LLM reply was not a JSON list of questions"]


# --- the API over real HTTP ------------------------------------------------------------------


@pytest.fixture(scope="module")
def api(sample_assistant: Assistant) -> Iterator[httpx.Client]:
    with (
        LiveServer(create_app(sample_assistant, warm=False)) as server,
        httpx.Client(base_url=server.url, timeout=120) as client,
    ):
        yield client


def test_api_quiz_json_and_download(api: httpx.Client, sample_assistant: Assistant) -> None:
    body = {"topic": TOPIC, "n": 5, "types": ["mcq", "short"], "seed": 9}
    response = api.post("/v1/quiz", json=body)
    assert response.status_code == 200, response.text
    result = QuizResult.model_validate(response.json())
    assert len(result.questions) == 5
    for q in result.questions:
        assert_sound(sample_assistant, q)
    again = api.post("/v1/quiz", json=body).json()
    assert again == response.json()

    download = api.post("/v1/quiz", json={**body, "format": "gift"})
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/plain")
    assert 'filename="quiz.gift"' in download.headers["content-disposition"]
    assert [p["stem"] for p in parse_gift(download.text)] == [q.stem for q in result.questions]
    xml = api.post("/v1/quiz", json={**body, "format": "moodle-xml"})
    assert xml.headers["content-type"].startswith("application/xml")
    assert ET.fromstring(xml.text).tag == "quiz"

    assert api.post("/v1/quiz", json={"n": 3}).status_code == 400
    assert api.post("/v1/quiz", json={"topic": TOPIC, "types": ["essay"]}).status_code == 422
    missing = api.post("/v1/quiz", json={"topic": "xyzzy quantum"})
    assert missing.status_code == 404
    assert "no quizzable statements" in missing.json()["error"]["message"]
