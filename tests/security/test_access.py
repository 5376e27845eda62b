"""Probe rows: the UI's own endpoints behind the same keys (critical), no endpoint reads a path
the server did not write (critical), files deleted through the API are gone from the UI's file
routes, and the small row (404 format, /readyz, offline docs, non-ASCII names, writer=llm)."""

from __future__ import annotations

import re
import time
import uuid

import httpx
import pytest
from served import FULL, ROOT, Served, gradio_call, wait_job

UI_PROBES = [
    ("GET", "/config"),
    ("GET", "/gradio_api/info"),
    ("GET", "/gradio_api/openapi.json"),
    ("POST", "/gradio_api/call/ask"),
    ("POST", "/gradio_api/call/ingest"),
    ("POST", "/gradio_api/queue/join"),
    ("POST", "/gradio_api/upload"),
    ("GET", "/gradio_api/file=/etc/hostname"),
    ("GET", "/"),
]


@pytest.mark.parametrize(("method", "path"), UI_PROBES)
def test_every_ui_endpoint_needs_a_key(anonymous: httpx.Client, method: str, path: str) -> None:
    r = anonymous.request(method, path, json={"data": []} if method == "POST" else None)
    assert r.status_code == 401, (path, r.status_code, r.text[:200])
    assert r.json()["error"]["status"] == 401
    wrong = anonymous.request(method, path, headers={"X-API-Key": "not-a-key"})
    assert wrong.status_code == 401


def test_a_browser_without_a_session_is_sent_to_the_login_form(anonymous: httpx.Client) -> None:
    r = anonymous.get("/", headers={"Accept": "text/html"})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    form = anonymous.get("/login")
    assert form.status_code == 200 and 'type="password"' in form.text


def test_login_sets_an_http_only_session_cookie_that_opens_the_ui(server: Served) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as browser:
        refused = browser.post("/login", data={"key": "guess"})
        assert refused.status_code == 401 and "not valid" in refused.text
        r = browser.post("/login", data={"key": FULL, "next": "//evil.example/"})
        assert r.status_code == 303 and r.headers["location"] == "/"
        cookie = r.headers["set-cookie"]
        assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
        assert FULL not in cookie, "the key itself never goes into a cookie"
        assert browser.get("/config").status_code == 200
        assert browser.get("/v1/documents").status_code == 401, "the API takes only the header"
        browser.get("/logout")
        assert browser.get("/config").status_code == 401


def test_readonly_key_may_use_the_ui_but_not_upload(readonly: httpx.Client, server: Served) -> None:
    assert readonly.get("/config").status_code == 200
    r = readonly.post("/gradio_api/upload", files={"files": ("x.txt", b"some text")})
    assert r.status_code == 403
    with server.client() as full:
        path = full.post("/gradio_api/upload", files={"files": ("r.txt", b"x y z")}).json()[0]
    status, stream = gradio_call(
        readonly, "ingest", [{"path": path, "meta": {"_type": "gradio.FileData"}}]
    )
    assert status == 200 and "read-only" in stream


def _document_ids(client: httpx.Client) -> set[str]:
    return {d["document"]["doc_id"] for d in client.get("/v1/documents").json()}


@pytest.mark.parametrize("target", [ROOT / "README.md", ROOT / "data" / "sample"])
def test_ui_ingest_refuses_any_path_it_was_not_handed_by_an_upload(
    full: httpx.Client, target
) -> None:
    files = [target] if target.is_file() else sorted(target.iterdir())
    before = _document_ids(full)
    for path in files[:2]:
        data = [{"path": str(path), "meta": {"_type": "gradio.FileData"}}]
        status, stream = gradio_call(full, "ingest", data)
        assert status == 200 and "not uploaded in this session" in stream, stream[-400:]
    assert _document_ids(full) == before


@pytest.mark.parametrize(
    "target",
    [
        str(ROOT / "README.md"),
        "/etc/hostname",
        "../../../../etc/hostname",
        "http://127.0.0.1:1/",
    ],
)
def test_file_routes_serve_nothing_the_app_did_not_write(full: httpx.Client, target: str) -> None:
    for prefix in ("/gradio_api/file=", "/file=", "/gradio_api/proxy="):
        r = full.get(prefix + target)
        assert r.status_code == 404, (prefix, target, r.status_code)


def test_a_ui_upload_is_ingested_once_and_its_copy_is_gone(full: httpx.Client) -> None:
    text = f"Report {uuid.uuid4().hex}\n\nOfficers recorded the voice of the child.\n".encode()
    path = full.post("/gradio_api/upload", files={"files": ("ui-report.txt", text)}).json()[0]
    assert full.get(f"/gradio_api/file={path}").status_code == 200, "its own upload is served"
    status, stream = gradio_call(
        full, "ingest", [{"path": path, "meta": {"_type": "gradio.FileData"}}]
    )
    assert status == 200 and "stored as" in stream, stream[-500:]
    doc_id = re.search(r"stored as `([^`]+)`", stream).group(1)
    assert full.get(f"/gradio_api/file={path}").status_code == 404
    status, again = gradio_call(
        full, "ingest", [{"path": path, "meta": {"_type": "gradio.FileData"}}]
    )
    assert "not uploaded in this session" in again
    assert full.delete(f"/v1/documents/{doc_id}").status_code == 204


def test_a_document_deleted_through_the_api_is_not_downloadable(
    full: httpx.Client, server: Served
) -> None:
    body = f"Deleted report {uuid.uuid4().hex}\n\nA case about detention.\n".encode()
    job = full.post("/v1/documents", files={"file": ("gone.txt", body)}).json()
    job = wait_job(full, job["job_id"])
    assert job["status"] == "done", job
    assert full.delete(f"/v1/documents/{job['doc_id']}").status_code == 204
    assert not list((server.data_dir / "uploads").glob("*gone.txt"))
    for anywhere in [
        server.data_dir / "uploads" / "x-gone.txt",
        server.data_dir / "assistant.sqlite3",
    ]:
        assert full.get(f"/gradio_api/file={anywhere}").status_code == 404


def test_unknown_routes_answer_in_the_api_error_format(full: httpx.Client) -> None:
    for path in ("/nope", "/v1/nope", "/gradio_api/nope"):
        r = full.get(path)
        assert r.status_code == 404 and r.json() == {
            "error": {"status": 404, "message": "no such route"}
        }, (path, r.text)
    r = full.get("/v1/documents/not-a-document")
    assert r.status_code == 404 and "unknown document" in r.json()["error"]["message"]


def test_readyz_tells_the_document_count_only_with_a_key(
    anonymous: httpx.Client, readonly: httpx.Client
) -> None:
    assert "documents" not in anonymous.get("/readyz").json()
    assert readonly.get("/readyz").json()["documents"] >= 2


def test_api_docs_load_no_asset_from_outside(anonymous: httpx.Client) -> None:
    for page in ("/docs", "/redoc"):
        html = anonymous.get(page).text
        assets = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert assets and all(a.startswith("/docs-static/") for a in assets), assets
        assert "cdn" not in html.lower() and "fonts.googleapis" not in html
        for asset in assets:
            assert anonymous.get(asset).status_code == 200


def test_non_ascii_file_names_are_accepted(full: httpx.Client) -> None:
    body = f"Отчёт {uuid.uuid4().hex}\n\nInspectors found delays in custody.\n".encode()
    r = full.post("/v1/documents", files={"file": ("отчёт.txt", body)})
    assert r.status_code == 202, r.text
    job = wait_job(full, r.json()["job_id"])
    assert job["status"] == "done", job
    assert full.delete(f"/v1/documents/{job['doc_id']}").status_code == 204
    odd = full.post("/v1/documents", files={"file": ("отчёт.тхт", body)})
    assert odd.status_code == 415 and "'.тхт'" in odd.json()["error"]["message"]


def test_llm_writer_without_an_llm_is_a_client_error(full: httpx.Client) -> None:
    r = full.post("/v1/quiz", json={"topic": "custody", "writer": "llm", "n": 2})
    assert r.status_code == 400 and "IA_LLM_BASE_URL" in r.json()["error"]["message"]
    r = full.post("/v1/ask", json={"question": "custody", "answerer": "llm"})
    assert r.status_code == 400


def test_auth_failures_are_audited_without_the_key(
    full: httpx.Client, anonymous: httpx.Client
) -> None:
    anonymous.get("/config", headers={"X-API-Key": "stolen-guess"})
    time.sleep(0.1)
    rows = full.get("/v1/admin/audit", params={"limit": 5000}).json()["rows"]
    failures = [r for r in rows if r["action"] == "auth_failure"]
    assert failures and all("stolen-guess" not in str(r) for r in rows)
    assert any(r["question"] == "GET /config" and r["who"].startswith("key:") for r in failures)
