"""Administration: export the audit log (who did what, what was retrieved and answered), a page
at a time, as JSON or as CSV that is safe to open in a spreadsheet."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from assistant.api.deps import AccessDep, AssistantDep, WriterDep
from assistant.services.audit import audit_csv

router = APIRouter(prefix="/v1/admin", tags=["admin"])


@router.get("/audit")
def export_audit(
    assistant: AssistantDep,
    access: AccessDep,
    caller: WriterDep,
    format: Literal["json", "csv"] = "json",
    after: Annotated[int, Query(ge=0, description="rows with an id above this")] = 0,
    limit: Annotated[int, Query(ge=1, le=5000, description="rows per page")] = 500,
) -> Response:
    """One page of the audit log, oldest first. The next page starts after the last id shown
    (`next_after` in JSON, the `X-Next-After` header in both forms; absent on the last page)."""
    rows = assistant.audit.page(after, limit)
    access.record(caller, "export", f"audit {format} after {after}", f"{len(rows)} rows")
    next_after = rows[-1]["id"] if len(rows) == limit else None
    headers = {"X-Next-After": str(next_after)} if next_after is not None else {}
    if format == "json":
        return JSONResponse({"rows": rows, "next_after": next_after}, headers=headers)
    return Response(
        audit_csv(rows),
        media_type="text/csv",
        headers={**headers, "Content-Disposition": 'attachment; filename="audit.csv"'},
    )
