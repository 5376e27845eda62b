"""The HTTP API over real HTTP: `create_app` served by uvicorn on 127.0.0.1 in a background
thread, driven by `httpx.Client` (no in-process transport).

Two kinds of server:

* `api` serves the session `sample_assistant` (read-only by convention; no API keys): questions,
  search, documents, conversations and the error rules.
* `secured` serves an Assistant of this module's own (API keys, a 1 MB upload limit) over a
  store that starts empty: uploads, deletes, feedback, the audit export and the key rules.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from live_server import LiveServer

from assistant.api.main import create_app
from assistant.core import Assistant
from assistant.embeddings import Embedder
from assistant.settings import Settings

RW, RO = "rw-key", "ro-key"
VOICE = "What did inspectors find about officers recording the voice of the child?"

REPORT = """Inspection of Northshire Police custody suites

Northshire Police
3-7 March 2024

Summary

Inspectors visited the custody suites at Northshire and found that detainees were treated with
respect. The force kept a clear record of every detainee's welfare checks.

Main findings

The force uses a bespoke lantern scheme to light the cells at night, which inspectors judged to
be innovative practice. Staff explained the lantern scheme to every detainee on arrival.

Areas for improvement

The force should make sure that interpreters are booked promptly for detainees who need them.
"""

OTHER_REPORT = """Inspection of Southmoor Constabulary missing children work

Southmoor Constabulary
10-14 June 2023

Summary

Inspectors found that the constabulary searched promptly for missing children and that the
heron protocol helped officers share information with care homes.

Areas for improvement

The constabulary should record return home interviews consistently.
"""


# --- a live server ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api(sample_assistant: Assistant) -> Iterator[httpx.Client]:
    """A client of a server over the shared, read-only sample corpus (no API keys)."""
    with (
        LiveServer(create_app(sample_assistant, warm=False)) as server,
        httpx.Client(base_url=server.url, timeout=60) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def secured_assistant(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder
) -> Iterator[Assistant]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("api-store"),
        api_keys=[RW],
        readonly_api_keys=[RO],
        max_upload_mb=1,
    )
    assistant = Assistant(settings, embedder=embedder)
    try:
        yield assistant
    finally:
        assistant.close()


@pytest.fixture(scope="module")
def secured_url(secured_assistant: Assistant) -> Iterator[str]:
    with LiveServer(create_app(secured_assistant, warm=False)) as server:
        yield server.url


def _client(url: str, key: str | None) -> httpx.Client:
    headers = {"X-API-Key": key} if key else {}
    return httpx.Client(base_url=url, headers=headers, timeout=60)


@pytest.fixture(scope="module")
def rw(secured_url: str) -> Iterator[httpx.Client]:
    with _client(secured_url, RW) as client:
        yield client


@pytest.fixture(scope="module")
def ro(secured_url: str) -> Iterator[httpx.Client]:
    with _client(secured_url, RO) as client:
        yield client


@pytest.fixture(scope="module")
def anon(secured_url: str) -> Iterator[httpx.Client]:
    with _client(secured_url, None) as client:
        yield client


def upload(
    client: httpx.Client, name: str, data: bytes, mime: str = "text/plain"
) -> httpx.Response:
    return client.post("/v1/documents", files={"file": (name, data, mime)})


def wait_for_job(client: httpx.Client, job_id: str, timeout_s: float = 90) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        r = client.get(f"/v1/jobs/{job_id}")
        assert r.status_code == 200, r.text
        job = r.json()
        if job["status"] in ("done", "failed"):
            return job
        assert time.monotonic() < deadline, f"job still {job['status']}: {job}"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def northshire(rw: httpx.Client) -> str:
    """The small report uploaded (once) to the secured server; its doc_id."""
    r = upload(rw, "northshire-2024.txt", REPORT.encode())
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["status"] == "queued" and job["filename"] == "northshire-2024.txt"
    job = wait_for_job(rw, job["job_id"])
    assert job["status"] == "done", job
    assert job["doc_id"] == "northshire-2024"
    return job["doc_id"]


def assert_error(r: httpx.Response, status: int, *needles: str) -> dict[str, Any]:
    """The response is the JSON error shape with this status, and no stack trace."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json"), r.headers
    assert "Traceback" not in r.text
    body = r.json()
    assert set(body) == {"error"}, body
    assert body["error"]["status"] == status
    message = body["error"]["message"]
    assert isinstance(message, str) and message
    for needle in needles:
        assert needle.lower() in message.lower(), message
    return body["error"]


def sse_events(text: str) -> list[tuple[str, Any]]:
    events = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        events.append((fields["event"], json.loads(fields["data"])))
    return events


# --- health ------------------------------------------------------------------------------------


def test_healthz(api: httpx.Client) -> None:
    r = api.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_readyz_turns_ready_once_the_model_is_loaded(tmp_path: Path) -> None:
    fresh = Assistant(Settings(data_dir=tmp_path / "store"), embedder=Embedder())
    try:
        with (
            LiveServer(create_app(fresh, warm=False)) as server,
            httpx.Client(base_url=server.url, timeout=60) as client,
        ):
            r = client.get("/readyz")
            assert r.status_code == 503, r.text
            assert r.json() == {
                "ready": False,
                "store": True,
                "model_loaded": False,
                "documents": 0,
            }
            fresh.embedder.encode_one("warm up")
            r = client.get("/readyz")
            assert r.status_code == 200, r.text
            assert r.json()["ready"] is True and r.json()["model_loaded"] is True
    finally:
        fresh.close()


def test_readyz_counts_documents(api: httpx.Client) -> None:
    r = api.get("/readyz")
    assert r.status_code == 200
    assert r.json() == {"ready": True, "store": True, "model_loaded": True, "documents": 2}


# --- asking --------------------------------------------------------------------------------


def test_ask_answers_with_citations(api: httpx.Client) -> None:
    r = api.post("/v1/ask", json={"question": "Was the policing plan up to date in 2021?"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["conversation_id"]
    answer = body["answer"]
    assert answer["text"] and answer["citations"] and answer["grounded"]
    assert answer["answerer"] == "extractive"
    for c in answer["citations"]:
        assert c["doc_id"] in ("staffordshire-2021", "staffordshire-2025")
        assert c["section_id"] and c["section_path"] and c["quote"]
        assert f"[{c['n']}]" in answer["text"]
    assert set(answer["timings_ms"]) >= {"rewrite_ms", "retrieve_ms", "answer_ms", "total_ms"}


def test_follow_up_in_the_same_conversation(api: httpx.Client) -> None:
    first = api.post(
        "/v1/ask", json={"question": "How did the force record the voice of the child in 2021?"}
    )
    assert first.status_code == 200, first.text
    conversation_id = first.json()["conversation_id"]
    r = api.post("/v1/ask", json={"question": "And in 2025?", "conversation_id": conversation_id})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["conversation_id"] == conversation_id
    standalone = body["answer"]["standalone_question"]
    assert "2025" in standalone and "2021" not in standalone, standalone
    assert "voice of the child" in standalone.lower(), standalone
    assert body["answer"]["citations"], body["answer"]
    assert any(c["doc_id"] == "staffordshire-2025" for c in body["answer"]["citations"])


def test_ask_stream_sends_events_in_order(api: httpx.Client) -> None:
    with api.stream("POST", "/v1/ask", json={"question": VOICE, "stream": True}) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        text = r.read().decode()
    events = sse_events(text)
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "conversation" and events[0][1]["conversation_id"]
    assert kinds[-3:] == ["citations", "answer", "done"], kinds
    tokens = kinds[1:-3]
    assert tokens and set(tokens) == {"token"}, kinds
    answer = events[-2][1]
    assert answer["text"] == "".join(data["text"] for kind, data in events if kind == "token")
    assert events[-3][1] == answer["citations"] and answer["citations"]
    # the stream's conversation exists and holds the turn
    conversation = api.get(f"/v1/conversations/{events[0][1]['conversation_id']}")
    assert conversation.status_code == 200


def test_done_when_question_is_cited_and_the_section_can_be_fetched(api: httpx.Client) -> None:
    r = api.post("/v1/ask", json={"question": VOICE})
    assert r.status_code == 200, r.text
    answer = r.json()["answer"]
    assert answer["grounded"] and not answer["refused"]
    assert "voice of the child" in answer["text"].lower()
    assert answer["citations"]
    for citation in answer["citations"]:
        s = api.get(f"/v1/documents/{citation['doc_id']}/sections/{citation['section_id']}")
        assert s.status_code == 200, s.text
        section = s.json()
        assert section["doc_id"] == citation["doc_id"]
        assert section["section"]["section_id"] == citation["section_id"]
        assert section["section"]["path"] == citation["section_path"]
        assert " ".join(citation["quote"].split()) in " ".join(section["text"].split())


def test_ask_with_a_filter(api: httpx.Client) -> None:
    r = api.post(
        "/v1/ask",
        json={
            "question": "What did inspectors find?",
            "filters": {"doc_ids": ["staffordshire-2021"]},
        },
    )
    assert r.status_code == 200, r.text
    cited = {c["doc_id"] for c in r.json()["answer"]["citations"]}
    assert cited <= {"staffordshire-2021"}


# --- search -----------------------------------------------------------------------------------


def test_search_returns_ranked_chunks_with_section_paths(api: httpx.Client) -> None:
    r = api.post("/v1/search", json={"query": "voice of the child", "k": 4})
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert 1 <= len(results) <= 4
    scores = [hit["score"] for hit in results]
    assert scores == sorted(scores, reverse=True)
    for hit in results:
        assert hit["chunk"]["section_path"] and hit["chunk"]["text"] and hit["doc_label"]
    assert "voice of the child" in results[0]["chunk"]["text"].lower()


def test_search_with_filters(api: httpx.Client) -> None:
    r = api.post(
        "/v1/search",
        json={"query": "custody", "k": 5, "filters": {"years": [2025]}},
    )
    assert r.status_code == 200, r.text
    assert {hit["chunk"]["doc_id"] for hit in r.json()["results"]} == {"staffordshire-2025"}


# --- conversations ---------------------------------------------------------------------------


def test_conversation_read_and_delete(api: httpx.Client) -> None:
    r = api.post("/v1/ask", json={"question": "What is the trusted adult?"})
    conversation_id = r.json()["conversation_id"]
    got = api.get(f"/v1/conversations/{conversation_id}")
    assert got.status_code == 200, got.text
    assert "What is the trusted adult?" in got.text
    assert api.delete(f"/v1/conversations/{conversation_id}").status_code == 204
    assert_error(api.get(f"/v1/conversations/{conversation_id}"), 404, "unknown conversation")
    assert_error(api.delete(f"/v1/conversations/{conversation_id}"), 404, "unknown conversation")
    # a deleted conversation cannot be continued
    followup = {"question": "And then?", "conversation_id": conversation_id}
    assert_error(api.post("/v1/ask", json=followup), 404, "unknown conversation")


def test_unknown_conversation(api: httpx.Client) -> None:
    assert_error(api.get("/v1/conversations/nope"), 404, "unknown conversation")
    assert_error(api.delete("/v1/conversations/nope"), 404)


# --- documents (read) ---------------------------------------------------------------------------


def test_list_documents(api: httpx.Client) -> None:
    r = api.get("/v1/documents")
    assert r.status_code == 200
    listed = {d["document"]["doc_id"]: d for d in r.json()}
    assert set(listed) == {"staffordshire-2021", "staffordshire-2025"}
    for summary in listed.values():
        assert summary["sections"] > 5 and summary["chunks"] > 10


def test_document_detail_with_sections_and_grades(api: httpx.Client) -> None:
    r = api.get("/v1/documents/staffordshire-2025")
    assert r.status_code == 200, r.text
    detail = r.json()
    assert detail["document"]["year"] == 2025
    assert detail["document"]["judgments"], "the 2025 report grades its areas"
    assert all(j["grade"] for j in detail["document"]["judgments"])
    sections = detail["sections"]
    assert sections and all(s["section_id"] and s["path"] for s in sections)
    assert any(s["grade"] for s in sections)


def test_section_text_and_404s(api: httpx.Client) -> None:
    sections = api.get("/v1/documents/staffordshire-2021").json()["sections"]
    section = next(s for s in sections if s["end"] - s["start"] > 100)
    r = api.get(f"/v1/documents/staffordshire-2021/sections/{section['section_id']}")
    assert r.status_code == 200, r.text
    assert len(r.json()["text"]) == section["end"] - section["start"]
    assert_error(api.get("/v1/documents/nope"), 404, "unknown document")
    assert_error(api.get("/v1/documents/nope/sections/s001"), 404, "unknown document")
    assert_error(api.get("/v1/documents/staffordshire-2021/sections/s999"), 404, "unknown section")


def test_unknown_job(api: httpx.Client) -> None:
    assert_error(api.get("/v1/jobs/nope"), 404, "unknown job")


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ({"question": "   "}, 400, "empty"),
        ({"question": "why " * 1250}, 413, "too long"),
        ({"question": "x?", "filters": {"doc_ids": ["nope"]}}, 400, "unknown document"),
        ({"question": "x?", "filters": {"years": [1999]}}, 400, "1999"),
        ({"question": "x?", "filters": {"section_kinds": ["gossip"]}}, 422, "section_kinds"),
        ({"question": "x?", "answerer": "oracle"}, 422, "answerer"),
        ({"question": "x?", "answerer": "llm"}, 400, "IA_LLM_BASE_URL"),
        ({"question": "x?", "answerer": "llm", "stream": True}, 400, "llm"),
        ({"question": "x?", "stream": True, "filters": {"doc_ids": ["nope"]}}, 400, "unknown"),
        ({"question": "x?", "conversation_id": "nope"}, 404, "unknown conversation"),
        ({}, 422, "question"),
    ],
)
def test_ask_errors(api: httpx.Client, body: dict[str, Any], status: int, needle: str) -> None:
    assert_error(api.post("/v1/ask", json=body), status, needle)


def test_invalid_json_body(api: httpx.Client) -> None:
    r = api.post(
        "/v1/ask",
        content=b'{"question": "unterminated',
        headers={"content-type": "application/json"},
    )
    assert_error(r, 422, "invalid request")


def test_search_errors(api: httpx.Client) -> None:
    assert_error(api.post("/v1/search", json={"query": "  "}), 400, "empty")
    assert_error(api.post("/v1/search", json={"query": "a" * 5000}), 413, "too long")
    assert_error(api.post("/v1/search", json={"query": "x", "k": 0}), 422, "k")
    assert_error(api.post("/v1/search", json={"query": "x", "k": 51}), 422, "k")
    bad = {"query": "x", "filters": {"forces": ["Atlantis"]}}
    assert_error(api.post("/v1/search", json=bad), 400, "Atlantis")


def test_unknown_route(api: httpx.Client) -> None:
    assert_error(api.get("/v1/nothing-here"), 404, "no such route")
    assert_error(api.get("/nothing-here"), 404)


def test_wrong_method(api: httpx.Client) -> None:
    assert_error(api.get("/v1/ask"), 405)


def test_oversized_json_body(api: httpx.Client) -> None:
    body = json.dumps({"question": "x?", "padding": "a" * (1024 * 1024 + 10)})
    r = api.post("/v1/ask", content=body, headers={"content-type": "application/json"})
    assert_error(r, 413, "too large")


# --- uploads, deletes, feedback, audit (own store, API keys) ---------------------------------


def test_upload_is_listed_and_searchable(rw: httpx.Client, northshire: str) -> None:
    listed = {d["document"]["doc_id"] for d in rw.get("/v1/documents").json()}
    assert northshire in listed
    r = rw.post("/v1/search", json={"query": "lantern scheme for the cells"})
    assert r.status_code == 200, r.text
    top = r.json()["results"][0]["chunk"]
    assert top["doc_id"] == northshire and "lantern" in top["text"]
    r = rw.post("/v1/ask", json={"question": "What scheme lights the cells at night?"})
    assert r.status_code == 200, r.text
    assert "lantern" in r.json()["answer"]["text"]


def test_duplicate_upload_is_409(rw: httpx.Client, northshire: str) -> None:
    assert_error(upload(rw, "copy-of-report.txt", REPORT.encode()), 409, northshire)


@pytest.mark.parametrize("name", ["tool.exe", "bundle.zip", "noextension", "report.txt.exe"])
def test_unsupported_file_type_is_415(rw: httpx.Client, name: str) -> None:
    assert_error(upload(rw, name, b"MZ\x90\x00 not a report", "application/octet-stream"), 415)


def test_empty_file_is_400(rw: httpx.Client) -> None:
    assert_error(upload(rw, "empty.txt", b""), 400, "empty")


def test_file_over_the_limit_is_413(rw: httpx.Client, secured_assistant: Assistant) -> None:
    assert secured_assistant.settings.max_upload_mb == 1
    body = (b"All work and no play makes a long report.\n" * 40_000)[: 1536 * 1024]
    assert_error(upload(rw, "big.txt", body), 413, "too large")


def test_upload_without_a_file_is_422(rw: httpx.Client) -> None:
    assert_error(rw.post("/v1/documents", data={"note": "no file"}), 422, "file")


def test_corrupt_pdf_fails_the_job_and_changes_nothing(
    rw: httpx.Client, northshire: str, secured_assistant: Assistant
) -> None:
    before_docs = rw.get("/v1/documents").json()
    before_chunks = secured_assistant.vectors.count()
    r = upload(
        rw, "broken.pdf", b"%PDF-1.7\n1 0 obj <<\ngarbage, not a real pdf", "application/pdf"
    )
    assert r.status_code == 202, r.text
    job = wait_for_job(rw, r.json()["job_id"])
    assert job["status"] == "failed", job
    assert "broken.pdf" in job["message"] or "pdf" in job["message"].lower(), job
    assert job["doc_id"] is None
    assert rw.get("/v1/documents").json() == before_docs
    assert secured_assistant.vectors.count() == before_chunks
    uploads = secured_assistant.settings.data_dir / "uploads"
    assert not [p for p in uploads.iterdir() if p.name.endswith("broken.pdf")]


def test_path_traversal_filename_is_made_safe(
    rw: httpx.Client, secured_assistant: Assistant
) -> None:
    data_dir = secured_assistant.settings.data_dir
    r = upload(rw, "../../etc/passwd.txt", OTHER_REPORT.encode())
    assert r.status_code == 202, r.text
    assert r.json()["filename"] == "passwd.txt"
    job = wait_for_job(rw, r.json()["job_id"])
    assert job["status"] == "done", job
    stored = list((data_dir / "uploads").glob("*passwd.txt"))
    assert len(stored) == 1 and stored[0].read_text() == OTHER_REPORT
    assert stored[0].name.endswith("-passwd.txt") and ".." not in stored[0].name
    assert not (data_dir.parent / "etc").exists()
    assert not (data_dir / "etc").exists()
    # delete: 204, then it is gone
    doc_id = job["doc_id"]
    assert doc_id == "southmoor-2023"
    assert rw.get(f"/v1/documents/{doc_id}").status_code == 200
    assert rw.delete(f"/v1/documents/{doc_id}").status_code == 204
    assert_error(rw.get(f"/v1/documents/{doc_id}"), 404)
    assert_error(rw.delete(f"/v1/documents/{doc_id}"), 404)
    assert doc_id not in {d["document"]["doc_id"] for d in rw.get("/v1/documents").json()}
    hits = rw.post("/v1/search", json={"query": "heron protocol"}).json()["results"]
    assert all(h["chunk"]["doc_id"] != doc_id for h in hits)


def test_feedback(rw: httpx.Client, secured_assistant: Assistant) -> None:
    r = rw.post(
        "/v1/feedback",
        json={"question": "Q one?", "answer": "A one.", "rating": "up", "comment": "useful"},
    )
    assert r.status_code == 201, r.text
    up_id = r.json()["id"]
    r = rw.post("/v1/feedback", json={"question": "Q two?", "answer": "A two.", "rating": "down"})
    assert r.status_code == 201, r.text
    rows = {row["id"]: row for row in secured_assistant.feedback.all()}
    assert rows[up_id]["rating"] == 1 and rows[up_id]["comment"] == "useful"
    assert rows[r.json()["id"]]["rating"] == -1 and rows[r.json()["id"]]["question"] == "Q two?"
    bad = {"question": "Q?", "answer": "A.", "rating": "meh"}
    assert_error(rw.post("/v1/feedback", json=bad), 422, "rating")
    assert_error(
        rw.post("/v1/feedback", json={"question": "", "answer": "A.", "rating": "up"}), 422
    )


def test_audit_export(rw: httpx.Client, ro: httpx.Client, northshire: str) -> None:
    asked_rw = "Were interpreters booked promptly in Northshire?"
    asked_ro = "How were detainees treated in the custody suites?"
    assert rw.post("/v1/ask", json={"question": asked_rw}).status_code == 200
    assert ro.post("/v1/ask", json={"question": asked_ro}).status_code == 200
    r = rw.get("/v1/admin/audit")
    assert r.status_code == 200, r.text
    rows = r.json()["rows"]
    by_question = {row["question"]: row for row in rows}
    assert {asked_rw, asked_ro} <= set(by_question)
    for row in rows:
        assert row["who"].startswith("key:") or row["who"] == "none"
    assert by_question[asked_rw]["action"] == by_question[asked_ro]["action"] == "ask"
    assert (by_question[asked_rw]["role"], by_question[asked_ro]["role"]) == ("full", "readonly")
    assert by_question[asked_rw]["who"] != by_question[asked_ro]["who"]
    assert by_question[asked_rw]["passages"], "the retrieved passages are logged"
    assert RW not in r.text and RO not in r.text
    csv = rw.get("/v1/admin/audit", params={"format": "csv"})
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert (
        csv.text.splitlines()[0].strip() == "id,created_at,who,role,action,question,passages,answer"
    )
    assert asked_rw in csv.text and asked_ro in csv.text
    assert RW not in csv.text and RO not in csv.text
    assert_error(rw.get("/v1/admin/audit", params={"format": "xml"}), 422)


# --- API keys ---------------------------------------------------------------------------------


def test_no_key_is_401_naming_the_header(anon: httpx.Client, northshire: str) -> None:
    for method, path, kw in [
        ("POST", "/v1/ask", {"json": {"question": "What scheme lights the cells?"}}),
        ("POST", "/v1/search", {"json": {"query": "lantern"}}),
        ("GET", "/v1/documents", {}),
        ("GET", f"/v1/documents/{northshire}", {}),
        ("GET", "/v1/conversations/nope", {}),
        ("GET", "/v1/jobs/nope", {}),
        ("POST", "/v1/feedback", {"json": {"question": "q", "answer": "a", "rating": "up"}}),
        ("DELETE", f"/v1/documents/{northshire}", {}),
        ("GET", "/v1/admin/audit", {}),
    ]:
        assert_error(anon.request(method, path, **kw), 401, "X-API-Key")
    assert_error(upload(anon, "x.txt", b"some text"), 401, "X-API-Key")


def test_wrong_key_is_401(secured_url: str, northshire: str) -> None:
    with _client(secured_url, "not-a-key") as client:
        assert_error(client.get("/v1/documents"), 401, "invalid API key")
        assert_error(client.post("/v1/ask", json={"question": "lantern?"}), 401)
        assert_error(client.get("/v1/admin/audit"), 401)
    with _client(secured_url, RW.upper()) as client:
        assert_error(client.get("/v1/documents"), 401)


def test_readonly_key_may_read_but_not_write(ro: httpx.Client, northshire: str) -> None:
    r = ro.post("/v1/ask", json={"question": "What scheme lights the cells at night?"})
    assert r.status_code == 200, r.text
    conversation_id = r.json()["conversation_id"]
    assert ro.get(f"/v1/conversations/{conversation_id}").status_code == 200
    assert ro.post("/v1/search", json={"query": "lantern"}).status_code == 200
    assert ro.get("/v1/documents").status_code == 200
    sections = ro.get(f"/v1/documents/{northshire}").json()["sections"]
    section_id = sections[0]["section_id"]
    assert ro.get(f"/v1/documents/{northshire}/sections/{section_id}").status_code == 200
    assert_error(upload(ro, "ro-upload.txt", b"Some report text."), 403, "read-only")
    assert_error(ro.delete(f"/v1/documents/{northshire}"), 403, "read-only")
    assert_error(ro.get("/v1/admin/audit"), 403, "read-only")
    assert ro.get(f"/v1/documents/{northshire}").status_code == 200, "the document survived"


def test_readwrite_key_may_do_everything(rw: httpx.Client, northshire: str) -> None:
    r = rw.post("/v1/ask", json={"question": "What scheme lights the cells at night?"})
    assert r.status_code == 200, r.text
    conversation_id = r.json()["conversation_id"]
    assert rw.get(f"/v1/conversations/{conversation_id}").status_code == 200
    assert rw.delete(f"/v1/conversations/{conversation_id}").status_code == 204
    assert rw.post("/v1/search", json={"query": "lantern"}).status_code == 200
    assert rw.get("/v1/admin/audit").status_code == 200
    # upload + delete with the read-write key is covered by the upload tests above


def test_health_routes_need_no_key(anon: httpx.Client) -> None:
    assert anon.get("/healthz").status_code == 200
    assert anon.get("/readyz").status_code in (200, 503)
    assert "X-API-Key" not in anon.get("/readyz").text
