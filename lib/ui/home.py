"""The data behind the home checklist: the records plus what the API says about the org right now."""

from __future__ import annotations

import streamlit as st

from lib.onboarding.checklist import Checklist, compute_checklist
from lib.stream.client import StreamClient
from lib.stream.errors import StreamError
from lib.ui.context import Console
from lib.ui.feedback import error_sentence
from lib.ui.org_locations import CACHE_TTL_SECONDS, forget_org_locations, org_locations

# Home's other read, the POS's list, is cached as long as the org's locations are (Refresh reads both).


@st.cache_resource(ttl=CACHE_TTL_SECONDS, max_entries=64, show_spinner=False)
def _pos_available(base_url: str, onboarding_id: str, _client: StreamClient) -> int:
    return len(_client.list_locations(onboarding_id))


def forget_org_state() -> None:
    """Read the orgs' locations again on the next checklist (after Refresh, an ingest or a bind)."""
    forget_org_locations()
    _pos_available.clear()


def org_checklist(console: Console, org_id: str) -> tuple[Checklist, list[str]]:
    """The org's checklist and the sentences of any API reads that failed (the checklist then says so)."""
    org = console.records.get_org(org_id)
    onboardings = console.records.list_onboardings(org_id)
    problems: list[str] = []
    locations = None
    pos_available = None
    base_url = console.target.base_url
    with st.spinner("Reading the organization's state from the API…"):
        try:
            locations = org_locations(console, org_id)
        except StreamError as exc:
            problems.append(error_sentence(exc))
        active_pos = [o for o in onboardings if o.type == "pos" and o.status == "active"]
        if active_pos:
            try:
                pos_available = _pos_available(base_url, active_pos[-1].onboarding_id, console.client)
            except StreamError as exc:
                problems.append(error_sentence(exc))
    return compute_checklist(org, onboardings, locations, pos_available), problems
