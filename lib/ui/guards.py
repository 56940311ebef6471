"""Page preconditions: stop a page with a pointer to the step that comes first."""

from __future__ import annotations

import streamlit as st

from lib.store import OnboardingRecord
from lib.ui.context import Console
from lib.ui.nav import link
from lib.ui.sidebar import org_selector
from lib.ui.text import md

_KIND = {"pos": "POS", "dsp": "DSP"}
PICK_KEY = "guard_org"
HEADING_KEY = "org_heading"


def require_org(console: Console, why: str = "") -> str:
    """The current org id, its name drawn as the page's org heading; without one, ask the person to choose
    one (or create one) and stop the page.

    Never a guess: a page opened with no org in its address and none chosen in this session asks.
    """
    if console.org_id:
        org_heading(console, console.org_id)
        return console.org_id
    st.info(f"Choose or create an organization first{': ' + md(why) if why else '.'}", icon="🏢")
    orgs = console.records.list_orgs()
    if orgs:
        org_selector(console, orgs, "Organization to work on", PICK_KEY)
    link("pages/2_Organizations.py", label="Go to Organizations", icon="➡️")
    st.stop()
    raise AssertionError("unreachable: st.stop() ends the run")


def org_heading(console: Console, org_id: str) -> None:
    """The org the page works on, by name, as a heading (`.st-key-org_heading`): the same as the sidebar's."""
    org = console.records.get_org(org_id)
    with st.container(key=HEADING_KEY):
        # An org's name is text someone typed: shown as typed, every Markdown character escaped.
        st.subheader(md((org.name if org else None) or org_id), anchor=False)


def active_onboardings(console: Console, org_id: str, kind: str) -> list[OnboardingRecord]:
    """The org's active POS or DSP onboardings, oldest first (a screen opens on the newest, the last)."""
    return [o for o in console.records.list_onboardings(org_id, type=kind) if o.status == "active"]


def require_active(console: Console, org_id: str, kind: str) -> list[OnboardingRecord]:
    """The org's active POS or DSP onboardings; without one, link to Integrations and stop the page."""
    active = active_onboardings(console, org_id, kind)
    if active:
        return active
    label = _KIND.get(kind, kind)
    st.info(f"This organization has no active {label} integration yet: connect a {label} first.", icon="🔗")
    link("pages/3_Integrations.py", label="Go to Integrations", icon="➡️")
    st.stop()
    raise AssertionError("unreachable: st.stop() ends the run")
