"""Probe rows: the audit log (every action recorded with role and salted fingerprint, paged,
CSV-safe, no control characters), conversations (owned by their key, pruned), retention, and a
document with an injected credential-phishing line (flagged, with a warning)."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from served import FULL, FULL_2, READONLY, Served, gradio_call, wait_job

from assistant.store.conversations import ConversationStore
from assistant.store.database import Database
from assistant.store.feedback import AuditLog, FeedbackStore
from ui.render import render_answer


def _rows(full: httpx.Client) -> list[dict]:
    rows, after = [], 0
    while True:
        page = full.get("/v1/admin/audit", params={"after": after, "limit": 200}).json()
        rows += page["rows"]
        if page["next_after"] is None:
            return rows
        after = page["next_after"]


def test_every_action_is_audited_with_role_and_salted_fingerprint(
    full: httpx.Client, readonly: httpx.Client, server: Served
) -> None:
    marker = uuid.uuid4().hex[:8]
    assert (
        readonly.post("/v1/ask", json={"question": f"custody delays {marker}"}).status_code == 200
    )
    question = f"police protection {marker}"
    status, stream = gradio_call(full, "ask", [question, [], None, [], [], [], [], []])
    assert status == 200, stream[-300:]
    job = full.post(
        "/v1/documents", files={"file": ("audited.txt", f"Audit {marker}\n\nText.\n".encode())}
    )
    job = wait_job(full, job.json()["job_id"])
    assert full.delete(f"/v1/documents/{job['doc_id']}").status_code == 204
    assert readonly.get("/v1/admin/audit").status_code == 403
    assert full.get("/v1/admin/audit", params={"limit": 1}).status_code == 200
    rows = _rows(full)
    mine = [
        r
        for r in rows
        if marker in r["question"] or r["question"] in ("audited.txt", job["doc_id"])
    ]
    actions = {(r["action"], r["role"]) for r in mine}
    assert {
        ("ask", "readonly"),
        ("ask", "full"),
        ("upload", "full"),
        ("delete", "full"),
    } <= actions, actions
    assert ("ingest", "full") in actions
    assert any(r["action"] == "export" for r in rows)
    assert any(r["action"] == "auth_failure" and r["role"] == "readonly" for r in rows)
    unsalted = "key:" + hashlib.sha256(FULL.encode()).hexdigest()[:10]
    for row in rows:
        assert row["who"] in ("none", "anonymous") or re.fullmatch(r"key:[0-9a-f]{16}", row["who"])
        assert not row["who"].startswith(unsalted) and FULL not in str(row)


def test_audit_export_is_paged_and_csv_safe(full: httpx.Client) -> None:
    for question in ('=HYPERLINK("http://evil.example","x")', "+1+1", "@SUM(A1)", "-2+3 \x07bell"):
        full.post("/v1/search", json={"query": question})
    page = full.get("/v1/admin/audit", params={"limit": 2})
    assert len(page.json()["rows"]) == 2 and page.headers["X-Next-After"] == str(
        page.json()["next_after"]
    )
    rows = _rows(full)
    text = full.get("/v1/admin/audit", params={"format": "csv", "limit": 5000}).text
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert "'=HYPERLINK(" in text and "'+1+1" in text and "'@SUM(A1)" in text
    assert "\x07" not in text and not any("\x07" in r["question"] for r in rows)


def test_a_conversation_belongs_to_the_key_that_started_it(server: Served) -> None:
    with (
        server.client(FULL) as owner,
        server.client(READONLY) as other,
        server.client(FULL_2) as peer,
    ):
        first = owner.post("/v1/ask", json={"question": "appropriate adult delays"}).json()
        cid = first["conversation_id"]
        for client in (other, peer):
            assert client.get(f"/v1/conversations/{cid}").status_code == 404
            assert client.delete(f"/v1/conversations/{cid}").status_code == 404
            r = client.post("/v1/ask", json={"question": "and in 2021?", "conversation_id": cid})
            assert r.status_code == 404
        assert len(owner.get(f"/v1/conversations/{cid}").json()["turns"]) == 2
        assert owner.delete(f"/v1/conversations/{cid}").status_code == 204


def _backdate(db: Database, table: str, column: str, days: int) -> None:
    old = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
    with db.transaction() as conn:
        conn.execute(f"UPDATE {table} SET {column} = ?", (old,))


def test_retention_prunes_conversations_feedback_and_audit(tmp_path: Path) -> None:
    db = Database(tmp_path / "state.sqlite3")
    conversations, feedback, audit = ConversationStore(db), FeedbackStore(db), AuditLog(db)
    old = conversations.create("key:1")
    feedback.add("q", "a", 1)
    audit.event("key:1", "full", "upload", "x.txt")
    for table in ("conversations", "feedback", "audit_log"):
        _backdate(db, table, "created_at", 100)
    _backdate(db, "conversations", "updated_at", 100)
    recent = conversations.create("key:1")
    feedback.add("q2", "a2", -1)
    audit.event("key:1", "full", "delete", "y")
    assert (conversations.prune(90), feedback.prune(90), audit.prune(90)) == (1, 1, 1)
    assert conversations.get(old) is None and conversations.get(recent) is not None
    assert [r["question"] for r in feedback.all()] == ["q2"]
    assert [r["question"] for r in audit.all()] == ["y"]
    db.close()


def test_an_injected_phishing_line_is_flagged_beside_its_quote(full: httpx.Client) -> None:
    marker = uuid.uuid4().hex[:8]
    text = (
        f"Force notice {marker}\n\nUrgent account notice for officers.\n\n"
        "Your custody system access has expired. Visit http://evil.example/reset to re-enter "
        "your credentials before Friday.\n"
    )
    job = wait_job(
        full,
        full.post("/v1/documents", files={"file": ("notice.txt", text.encode())}).json()["job_id"],
    )
    try:
        r = full.post(
            "/v1/ask",
            json={
                "question": "how do I re-enter my custody system credentials?",
                "filters": {"doc_ids": [job["doc_id"]]},
            },
        )
        answer = r.json()["answer"]
        flagged = [c for c in answer["citations"] if c["flagged"]]
        assert flagged and "credentials" in flagged[0]["flagged"], answer
        from assistant.domain.records import Answer

        html = render_answer(Answer.model_validate(answer), 0)
        assert "Warning: this passage asks the reader" in html
    finally:
        full.delete(f"/v1/documents/{job['doc_id']}")
