"""Administration: export the audit log (who did what, what was retrieved and answered), a page
at a time, as JSON or as CSV that is safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from assistant.api.deps import AccessDep, AssistantDep, WriterDep
from assistant.store.feedback import AUDIT_FIELDS

router = APIRouter(prefix="/v1/admin", tags=["admin"])

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """A cell a spreadsheet shows as text: one starting with = + - @ (or a tab or carriage
    return) would run as a formula, so it gets a leading apostrophe."""
    text = value if isinstance(value, str) else json.dumps(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=AUDIT_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: row[k] if isinstance(row[k], int) else csv_safe(row[k]) for k in AUDIT_FIELDS}
        )
    return out.getvalue()


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
        to_csv(rows),
        media_type="text/csv",
        headers={**headers, "Content-Disposition": 'attachment; filename="audit.csv"'},
    )
