"""The data behind the home checklist: the records plus what the API says about the org right now."""

from __future__ import annotations

import streamlit as st

from lib.onboarding.checklist import Checklist, compute_checklist
from lib.stream.client import StreamClient
from lib.stream.errors import StreamError
from lib.stream.models import OrgLocation
from lib.ui.context import Console
from lib.ui.feedback import error_sentence

# Reading and parsing an org's 5,000 locations on every visit of Home or Integrations was most of their time.
# Shared by every session this long; Refresh, an ingest and a bind from this console read again at once.
CACHE_TTL_SECONDS = 120


@st.cache_resource(ttl=CACHE_TTL_SECONDS, max_entries=64, show_spinner=False)
def _org_locations(base_url: str, org_id: str, _client: StreamClient) -> list[OrgLocation]:
    return _client.org_locations(org_id)  # read-only once cached (a resource: not copied on every hit)


@st.cache_resource(ttl=CACHE_TTL_SECONDS, max_entries=64, show_spinner=False)
def _pos_available(base_url: str, onboarding_id: str, _client: StreamClient) -> int:
    return len(_client.list_locations(onboarding_id))


def forget_org_state() -> None:
    """Read the orgs' locations again on the next checklist (after Refresh, an ingest or a bind)."""
    _org_locations.clear()
    _pos_available.clear()


def org_checklist(console: Console, org_id: str) -> tuple[Checklist, list[str]]:
    """The org's checklist and the sentences of any API reads that failed (the checklist then says so)."""
    org = console.records.get_org(org_id)
    onboardings = console.records.list_onboardings(org_id)
    problems: list[str] = []
    org_locations = None
    pos_available = None
    base_url = console.target.base_url
    with st.spinner("Reading the organization's state from the API…"):
        try:
            org_locations = _org_locations(base_url, org_id, console.client)
        except StreamError as exc:
            problems.append(error_sentence(exc))
        active_pos = [o for o in onboardings if o.type == "pos" and o.status == "active"]
        if active_pos:
            try:
                pos_available = _pos_available(base_url, active_pos[-1].onboarding_id, console.client)
            except StreamError as exc:
                problems.append(error_sentence(exc))
    return compute_checklist(org, onboardings, org_locations, pos_available), problems
