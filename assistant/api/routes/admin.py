"""Administration: export the audit log (who asked what, what was retrieved and answered)."""

from __future__ import annotations

import csv
import io
import json
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from assistant.api.deps import AssistantDep, WriterDep

router = APIRouter(prefix="/v1/admin", tags=["admin"])


@router.get("/audit")
def export_audit(
    assistant: AssistantDep, _: WriterDep, format: Literal["json", "csv"] = "json"
) -> Response:
    rows = assistant.audit.all()
    if format == "json":
        return JSONResponse(rows)
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=["id", "created_at", "who", "action", "question", "passages", "answer"]
    )
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "passages": json.dumps(row["passages"])})
    return Response(
        out.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )
