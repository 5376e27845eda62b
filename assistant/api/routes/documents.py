"""Documents: list, read (metadata, section tree, a section's text), upload (ingested in the
background, with a job to poll) and delete."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from fastapi import APIRouter, BackgroundTasks, Response, UploadFile

from assistant.api.deps import AssistantDep, CallerDep, WriterDep
from assistant.api.errors import ApiError
from assistant.api.schemas import DocumentDetail, DocumentSummary, Job, SectionText
from assistant.core import Assistant
from ingest.loaders import SUPPORTED_SUFFIXES

router = APIRouter(prefix="/v1", tags=["documents"])
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str | None) -> str:
    """A file name that cannot escape the upload folder or surprise a shell: the last path
    component only, unusual characters replaced, no leading dots."""
    base = re.split(r"[\\/]", name or "")[-1]
    cleaned = _UNSAFE.sub("_", base).lstrip("._")[:120]
    return cleaned or "upload"


@router.get("/documents")
def list_documents(assistant: AssistantDep, _: CallerDep) -> list[DocumentSummary]:
    counts = assistant.db.chunk_counts()
    return [
        DocumentSummary(
            document=d, sections=len(assistant.sections(d.doc_id)), chunks=counts.get(d.doc_id, 0)
        )
        for d in assistant.documents()
    ]


def _document_or_404(assistant: Assistant, doc_id: str):
    document = assistant.document(doc_id)
    if document is None:
        raise ApiError(404, f"unknown document {doc_id!r}")
    return document


@router.get("/documents/{doc_id}")
def get_document(doc_id: str, assistant: AssistantDep, _: CallerDep) -> DocumentDetail:
    document = _document_or_404(assistant, doc_id)
    return DocumentDetail(document=document, sections=assistant.sections(doc_id))


@router.get("/documents/{doc_id}/sections/{section_id}")
def get_section(doc_id: str, section_id: str, assistant: AssistantDep, _: CallerDep) -> SectionText:
    _document_or_404(assistant, doc_id)
    section = next((s for s in assistant.sections(doc_id) if s.section_id == section_id), None)
    if section is None:
        raise ApiError(404, f"unknown section {section_id!r} in {doc_id!r}")
    text = assistant.db.text(doc_id) or ""
    return SectionText(doc_id=doc_id, section=section, text=text[section.start : section.end])


def _forget_upload(assistant: Assistant, source: str) -> None:
    """Delete a file we saved from an upload (never a file the user ingested from disk)."""
    uploads = (assistant.settings.data_dir / "uploads").resolve()
    path = Path(source).resolve()
    if path.parent == uploads:
        path.unlink(missing_ok=True)


def _run_job(assistant: Assistant, job_id: str, path: Path) -> None:
    assistant.jobs.update(job_id, "running")
    try:
        report = assistant.ingest([path], progress=False, replace=True)
    except Exception as error:  # a job must always end in a state a client can read
        path.unlink(missing_ok=True)
        assistant.jobs.update(job_id, "failed", f"ingest failed: {error}")
        return
    if report.failed:
        path.unlink(missing_ok=True)
        assistant.jobs.update(job_id, "failed", report.failed[0][1])
        return
    for _, old_source in report.replaced:
        _forget_upload(assistant, old_source)
    doc_ids = report.added + report.updated + report.unchanged
    assistant.jobs.update(job_id, "done", report.summary(), doc_ids[0] if doc_ids else None)


@router.post("/documents", status_code=202)
async def upload_document(
    file: UploadFile, background: BackgroundTasks, assistant: AssistantDep, _: WriterDep
) -> Job:
    """Upload one file (.txt .md .pdf .docx .html); it is ingested in the background. Poll
    `GET /v1/jobs/{job_id}` for the result."""
    name = safe_filename(file.filename)
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ApiError(
            415,
            f"unsupported file type {suffix or '(none)'!r}; upload one of {', '.join(SUPPORTED_SUFFIXES)}",
        )
    limit = assistant.settings.max_upload_mb * 1024 * 1024
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, f"file too large (limit {assistant.settings.max_upload_mb} MB)")
    if not data:
        raise ApiError(400, "the file is empty")
    digest = hashlib.sha256(data).hexdigest()
    duplicate = assistant.db.find_by(sha256=digest)
    if duplicate:
        raise ApiError(409, f"duplicate upload: this file is already ingested as {duplicate[0]!r}")
    folder = assistant.settings.data_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest[:12]}-{name}"
    path.write_bytes(data)
    job_id = assistant.jobs.create(name)
    background.add_task(_run_job, assistant, job_id, path)
    return Job(job_id=job_id, filename=name, status="queued")


@router.get("/jobs/{job_id}")
def get_job(job_id: str, assistant: AssistantDep, _: CallerDep) -> Job:
    job = assistant.jobs.get(job_id)
    if job is None:
        raise ApiError(404, f"unknown job {job_id!r}")
    return Job(**{k: job[k] for k in ("job_id", "filename", "status", "message", "doc_id")})


@router.delete("/documents/{doc_id}", status_code=204)
def delete_document(doc_id: str, assistant: AssistantDep, _: WriterDep) -> Response:
    _document_or_404(assistant, doc_id)
    source = assistant.db.source_paths().get(doc_id)
    assistant.remove(doc_id)
    if source:
        _forget_upload(assistant, source)
    return Response(status_code=204)
