"""The data behind the home checklist: the records plus what the API says about the org right now."""

from __future__ import annotations

import streamlit as st

from lib.onboarding.checklist import Checklist, compute_checklist
from lib.stream.errors import StreamError
from lib.ui.context import Console
from lib.ui.feedback import error_sentence


def org_checklist(console: Console, org_id: str) -> tuple[Checklist, list[str]]:
    """The org's checklist and the sentences of any API reads that failed (the checklist then says so)."""
    org = console.records.get_org(org_id)
    onboardings = console.records.list_onboardings(org_id)
    problems: list[str] = []
    org_locations = None
    pos_available = None
    with st.spinner("Reading the organization's state from the API…"):
        try:
            org_locations = console.client.org_locations(org_id)
        except StreamError as exc:
            problems.append(error_sentence(exc))
        active_pos = [o for o in onboardings if o.type == "pos" and o.status == "active"]
        if active_pos:
            try:
                pos_available = len(console.client.list_locations(active_pos[-1].onboarding_id))
            except StreamError as exc:
                problems.append(error_sentence(exc))
    return compute_checklist(org, onboardings, org_locations, pos_available), problems
