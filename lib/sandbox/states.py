"""Real-world states on demand: DSP store statuses, inactive or paused locations, as the org view shows.

A merchant's integrations get disconnected, marketplaces reject or pause stores, and locations close for the
night. The rules that turn stored facts into the statuses of `GET /onboarding/org/{id}/locations` live here,
so the view, the bind answer and the admin endpoints agree.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator

from . import merchants
from .db import Database
from .errors import ApiError

# The DSP statuses real merchants get into (api-notes: open text with known values).
DSP_STATUSES = ("PENDING", "APPROVED", "REJECTED", "PAUSED", "PENDING_REVIEW")
# A binding whose DSP integration was deprovisioned: orders can no longer flow through it.
DEPROVISIONED = "DEPROVISIONED"
ACTIVE, INACTIVE = "active", "inactive"

StatusText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class StoreStatusIn(BaseModel):
    """PUT /sandbox/orgs/{org_id}/stores/{dsp_provider_id}: a status, or null for the time-driven one."""

    model_config = ConfigDict(extra="forbid")

    status: StatusText | None


class LocationStateIn(BaseModel):
    """PUT /sandbox/orgs/{org_id}/locations/{location}: active/inactive and/or a pause until a time."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["active", "inactive"] | None = None
    paused_until: float | datetime | None = None

    @field_validator("paused_until")
    @classmethod
    def _epoch(cls, value: float | datetime | None) -> float | datetime | None:
        if isinstance(value, datetime) and value.tzinfo is None:
            raise ValueError("must carry a time zone, e.g. 2026-01-31T18:00:00Z")
        return value

    def until_epoch(self) -> float | None:
        """paused_until as seconds since the epoch (None = not paused)."""
        if isinstance(self.paused_until, datetime):
            return self.paused_until.timestamp()
        return self.paused_until


def iso(epoch: float) -> str:
    """Seconds since the epoch as ISO 8601 UTC text, the way the view shows paused_until."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def rejected_by_chance(org_id: str, store_id: str, rate: float) -> bool:
    """Whether the time-driven mode ends this binding REJECTED: a stable draw per org and store."""
    if rate <= 0:
        return False
    digest = hashlib.sha256(f"{org_id}/{store_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < rate


def binding_status(
    *,
    override: str | None,
    dsp_onboarding_status: str,
    bound_at: float,
    now: float,
    approve_after: float,
    rejected: bool,
) -> str:
    """A binding's status: DSP deprovisioned, else a status set by hand, else PENDING then an outcome."""
    if dsp_onboarding_status == "deprovisioned":
        return DEPROVISIONED
    if override is not None:
        return override
    if now - bound_at < approve_after:
        return "PENDING"
    return "REJECTED" if rejected else "APPROVED"


def location_status(
    stored: str, paused_until: float | None, pos_onboarding_status: str, now: float
) -> tuple[str, float | None]:
    """(status, paused_until or None) of a location: a disconnected POS or a pause make it inactive."""
    if pos_onboarding_status == "deprovisioned":
        return INACTIVE, None
    if paused_until is not None and paused_until > now:
        return INACTIVE, paused_until
    return stored, None


class StateControls:
    """The /sandbox endpoints that put an org's stores and locations into real-world states."""

    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self.clock = clock

    def set_store_status(self, org_id: str, store_id: str, status: str | None) -> dict[str, Any]:
        """Fix a DSP store's status (any text) or, with None, hand it back to the time-driven lifecycle."""
        with self.db.transaction() as conn:
            _require_org(conn, org_id)
            _require_store(conn, org_id, store_id)
            if status is None:
                conn.execute(
                    "DELETE FROM store_states WHERE org_id = ? AND dsp_provider_id = ?", (org_id, store_id)
                )
            else:
                conn.execute(
                    "INSERT INTO store_states (org_id, dsp_provider_id, status) VALUES (?, ?, ?)"
                    " ON CONFLICT (org_id, dsp_provider_id) DO UPDATE SET status = excluded.status",
                    (org_id, store_id, status),
                )
        return {"org_id": org_id, "dsp_provider_id": store_id, "status": status}

    def set_location_state(self, org_id: str, location: str, body: LocationStateIn) -> dict[str, Any]:
        """Set an ingested location active/inactive and/or pause it until a time (null ends a pause)."""
        until = body.until_epoch()
        with self.db.transaction() as conn:
            _require_org(conn, org_id)
            row = conn.execute(
                "SELECT id FROM locations WHERE org_id = ? AND (provider_id = ? OR id = ?)",
                (org_id, location, location),
            ).fetchone()
            if row is None:
                raise ApiError(
                    404,
                    f"Location '{location}' is not an ingested location of organization '{org_id}' "
                    "(give its POS provider_id or its _id).",
                )
            if body.status is not None:
                conn.execute("UPDATE locations SET status = ? WHERE id = ?", (body.status, row["id"]))
            if "paused_until" in body.model_fields_set:
                conn.execute("UPDATE locations SET paused_until = ? WHERE id = ?", (until, row["id"]))
            state = conn.execute(
                "SELECT id, provider_id, status, paused_until FROM locations WHERE id = ?", (row["id"],)
            ).fetchone()
        paused = state["paused_until"]
        return {
            "_id": state["id"],
            "provider_id": state["provider_id"],
            "status": state["status"],
            "paused_until": iso(paused) if paused is not None and paused > self.clock() else None,
        }


def _require_org(conn: sqlite3.Connection, org_id: str) -> None:
    if conn.execute("SELECT 1 FROM orgs WHERE id = ?", (org_id,)).fetchone() is None:
        raise ApiError(404, f"Organization '{org_id}' was not found.")


def _require_store(conn: sqlite3.Connection, org_id: str, store_id: str) -> None:
    """404 unless one of the org's DSP integrations lists this store."""
    dsps = conn.execute(
        "SELECT source, merchant_code FROM onboardings WHERE org_id = ? AND type = 'dsp'"
        " AND merchant_code IS NOT NULL",
        (org_id,),
    ).fetchall()
    if not any(store_id in merchants.dsp_index(d["merchant_code"], d["source"]) for d in dsps):
        raise ApiError(
            404,
            f"Store '{store_id}' is not listed by any DSP integration of organization '{org_id}': "
            "connect the DSP first, then use a provider_id from GET /onboarding/locations.",
        )


def quoted(text: str) -> str:
    """A status as a JSON string literal (statuses set by hand are any text)."""
    return json.dumps(text)
