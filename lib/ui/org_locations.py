"""An org's locations as last read from the API, shared by every page and session for a while.

Reading and parsing a merchant's 5,000 locations is most of a first visit of Home, Integrations, Locations,
Org status or Bind: one read serves them all. Refresh, Reload, an ingest and a bind from this console drop it
(forget_org_state).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import streamlit as st

from lib.stream.client import StreamClient
from lib.stream.models import OrgLocation
from lib.ui.context import Console

CACHE_TTL_SECONDS = 120


@dataclass(frozen=True)
class OrgRead:
    """An org's locations (a PartialList naming unreadable ones) and when they were read (UTC)."""

    locations: list[OrgLocation]
    read_at: datetime


@st.cache_resource(ttl=CACHE_TTL_SECONDS, max_entries=64, show_spinner=False)
def _read(base_url: str, org_id: str, _client: StreamClient) -> OrgRead:
    # read-only once cached (a resource: not copied on every hit)
    return OrgRead(_client.org_locations(org_id), datetime.now(UTC))


def org_read(console: Console, org_id: str) -> OrgRead:
    """The org's locations and when they were read, at most once per CACHE_TTL_SECONDS for every session;
    the caller must not change them. Raises StreamError."""
    return _read(console.target.base_url, org_id, console.client)


def org_locations(console: Console, org_id: str) -> list[OrgLocation]:
    """The org's locations of org_read (a PartialList naming unreadable ones). Raises StreamError."""
    return org_read(console, org_id).locations


def forget_org_locations() -> None:
    """Read every org's locations again on next use."""
    _read.clear()
