"""The audit trail as the faces use it: the log requests are recorded in, and its export as CSV
that is safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from assistant.store.feedback import AUDIT_FIELDS, AuditLog

__all__ = ["AUDIT_FIELDS", "AuditLog", "audit_csv", "csv_safe"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """A cell a spreadsheet shows as text: one starting with = + - @ (or a tab or carriage
    return) would run as a formula, so it gets a leading apostrophe."""
    text = value if isinstance(value, str) else json.dumps(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def audit_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=AUDIT_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: row[k] if isinstance(row[k], int) else csv_safe(row[k]) for k in AUDIT_FIELDS}
        )
    return out.getvalue()
