"""Audit action names and the small table helper for the audit screen."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from lib.store.redact import MASK
from lib.store.types import AuditEntry

ORG_CREATED = "org_created"
ORG_ADDED = "org_added"
INTEGRATION_STARTED = "integration_started"
CODE_EXCHANGED = "code_exchanged"
INTEGRATION_ABANDONED = "integration_abandoned"
LOCATIONS_INGESTED = "locations_ingested"
LOCATIONS_BOUND = "locations_bound"
ALERT_ACKNOWLEDGED = "alert_acknowledged"

ACTIONS: tuple[str, ...] = (
    ORG_CREATED,
    ORG_ADDED,
    INTEGRATION_STARTED,
    CODE_EXCHANGED,
    INTEGRATION_ABANDONED,
    LOCATIONS_INGESTED,
    LOCATIONS_BOUND,
    ALERT_ACKNOWLEDGED,
)

ACTION_LABELS: dict[str, str] = {
    ORG_CREATED: "Org created",
    ORG_ADDED: "Org added by id",
    INTEGRATION_STARTED: "Integration started",
    CODE_EXCHANGED: "Code exchanged",
    INTEGRATION_ABANDONED: "Integration abandoned (console only)",
    LOCATIONS_INGESTED: "Locations ingested",
    LOCATIONS_BOUND: "Locations bound",
    ALERT_ACKNOWLEDGED: "Alert acknowledged",
}

AUDIT_COLUMNS: tuple[str, ...] = ("when", "actor", "action", "org_id", "outcome", "summary")
_SUMMARY_MAX = 160


def _scalar_items(data: Mapping[str, Any], limit: int = 4) -> list[str]:
    parts = [
        f"{k}={v}" for k, v in data.items() if isinstance(v, str | int | float | bool) and v not in ("", MASK)
    ]
    return parts[:limit]


def summarize(entry: AuditEntry) -> str:
    """One readable line for an entry: the error when it failed, else what was asked and counts."""
    if entry.outcome != "ok":
        # The request id first: a long error is cut at the end, and the id is what support asks for.
        request = f"(request id {entry.request_id}) " if entry.request_id else ""
        text = f"failed: {request}{entry.error or 'no detail'}"
    else:
        parts = _scalar_items(entry.request)
        for key, value in (entry.detail or {}).items():
            if isinstance(value, list):
                parts.append(f"{len(value)} {key}")
        for key, value in entry.request.items():
            if isinstance(value, list) and not any(p.endswith(f" {key}") for p in parts):
                parts.append(f"{len(value)} {key}")
        text = ", ".join(parts) or "-"
    return text if len(text) <= _SUMMARY_MAX else text[: _SUMMARY_MAX - 1] + "…"


def audit_frame(entries: Iterable[AuditEntry], full: bool = False) -> pd.DataFrame:
    """Entries as a DataFrame (when, actor, action, org_id, outcome, summary); full adds JSON for export."""
    rows: list[dict[str, Any]] = []
    for e in entries:
        row: dict[str, Any] = {
            "when": e.at,
            "actor": e.actor,
            "action": e.action,
            "org_id": e.org_id,
            "outcome": e.outcome,
            "summary": summarize(e),
        }
        if full:
            row["id"] = e.id
            row["request"] = json.dumps(e.request, sort_keys=True)
            row["detail"] = json.dumps(e.detail, sort_keys=True) if e.detail is not None else None
            row["error"] = e.error
            row["request_id"] = e.request_id
        rows.append(row)
    columns = list(AUDIT_COLUMNS) + (["id", "request", "detail", "error", "request_id"] if full else [])
    frame = pd.DataFrame(rows, columns=columns)
    frame["when"] = pd.to_datetime(frame["when"], utc=True)
    return frame
