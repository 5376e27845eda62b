"""Documents: list, read (metadata, section tree, a section's text), upload (ingested in the
background, with a job to poll) and delete. Every action is one call into the library service."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Response, UploadFile

from assistant.api.access import AccessPolicy, Caller
from assistant.api.deps import AccessDep, AssistantDep, CallerDep, WriterDep
from assistant.api.schemas import DocumentDetail, DocumentSummary, Job, SectionText
from assistant.core import Assistant
from assistant.domain.records import Job as StoredJob

router = APIRouter(prefix="/v1", tags=["documents"])


def _public(job: StoredJob) -> Job:
    return Job(**job.model_dump(exclude={"path"}))


def ingest_and_record(
    assistant: Assistant, access: AccessPolicy, caller: Caller, job_id: str
) -> StoredJob:
    """Run an upload's ingest and audit what it did: added a document, replaced one (a new
    version of a document id already held), or failed."""
    held = {d.doc_id for d in assistant.library.documents()}
    job = assistant.library.run_job(job_id)
    action = "replace" if job.doc_id in held else "ingest"
    access.record(caller, action, job.filename, f"{job.status}: {job.doc_id or job.message}")
    return job


@router.get("/documents")
def list_documents(assistant: AssistantDep, _: CallerDep) -> list[DocumentSummary]:
    library = assistant.library
    counts = library.chunk_counts()
    return [
        DocumentSummary(
            document=d, sections=len(library.sections(d.doc_id)), chunks=counts.get(d.doc_id, 0)
        )
        for d in library.documents()
    ]


@router.get("/documents/{doc_id}")
def get_document(doc_id: str, assistant: AssistantDep, _: CallerDep) -> DocumentDetail:
    library = assistant.library
    return DocumentDetail(document=library.document(doc_id), sections=library.sections(doc_id))


@router.get("/documents/{doc_id}/sections/{section_id}")
def get_section(doc_id: str, section_id: str, assistant: AssistantDep, _: CallerDep) -> SectionText:
    section, text = assistant.library.section(doc_id, section_id)
    return SectionText(doc_id=doc_id, section=section, text=text)


@router.post("/documents", status_code=202)
async def upload_document(
    file: UploadFile,
    background: BackgroundTasks,
    assistant: AssistantDep,
    access: AccessDep,
    caller: WriterDep,
) -> Job:
    """Upload one file (.txt .md .pdf .docx .html); it is ingested in the background, replacing
    an earlier version of the same document. Poll `GET /v1/jobs/{job_id}` for the result."""
    library = assistant.library
    library.check_upload(file.filename, file.size or 1)
    data = await file.read(library.max_upload_mb * 1024 * 1024 + 1)
    job = library.upload(file.filename, data)
    access.record(caller, "upload", job.filename, f"job {job.job_id}")
    background.add_task(ingest_and_record, assistant, access, caller, job.job_id)
    return _public(job)


@router.get("/jobs/{job_id}")
def get_job(job_id: str, assistant: AssistantDep, _: CallerDep) -> Job:
    return _public(assistant.library.job(job_id))


@router.delete("/documents/{doc_id}", status_code=204)
def delete_document(
    doc_id: str, assistant: AssistantDep, access: AccessDep, caller: WriterDep
) -> Response:
    assistant.library.remove(doc_id)
    access.record(caller, "delete", doc_id)
    return Response(status_code=204)
