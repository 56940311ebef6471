"""An org's locations as last read from the API, shared by every page and session for a while.

Reading and parsing a merchant's 5,000 locations is most of a first visit of Home, Integrations or Bind: one
read serves them all. Refresh, Reload, an ingest and a bind from this console drop it (forget_org_state).
"""

from __future__ import annotations

import streamlit as st

from lib.stream.client import StreamClient
from lib.stream.models import OrgLocation
from lib.ui.context import Console

CACHE_TTL_SECONDS = 120


@st.cache_resource(ttl=CACHE_TTL_SECONDS, max_entries=64, show_spinner=False)
def _read(base_url: str, org_id: str, _client: StreamClient) -> list[OrgLocation]:
    return _client.org_locations(org_id)  # read-only once cached (a resource: not copied on every hit)


def org_locations(console: Console, org_id: str) -> list[OrgLocation]:
    """The org's locations (a PartialList naming unreadable ones), read at most once per CACHE_TTL_SECONDS
    for every session; the caller must not change it. Raises StreamError."""
    return _read(console.target.base_url, org_id, console.client)


def forget_org_locations() -> None:
    """Read every org's locations again on next use."""
    _read.clear()
