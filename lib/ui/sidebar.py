"""The sidebar every page shows: which API and whether it answers, the current org, who is acting."""

from __future__ import annotations

import streamlit as st

from lib.onboarding.org_table import org_label
from lib.store import OrgRecord
from lib.stream.client import StreamClient
from lib.stream.errors import StreamError
from lib.ui.context import Console, set_current_org
from lib.ui.feedback import error_sentence
from lib.ui.nav import render_menu
from lib.ui.text import md

SIDEBAR_ORG_KEY = "sidebar_org"  # the selector's own key: redrawn from the session's current org every run


@st.cache_data(ttl=30, show_spinner=False)
def api_health(base_url: str, _client: StreamClient) -> str | None:
    """None when the API answers a token request, else the reason it does not (cached 30 s)."""
    try:
        _client.check_connection()
    except StreamError as exc:
        return error_sentence(exc)
    return None


def org_selector(console: Console, orgs: list[OrgRecord], label: str, key: str) -> None:
    """A selector of the current org, showing the session's choice (none chosen yet: a placeholder)."""
    ids = [o.org_id for o in orgs]
    names = {o.org_id: org_label(o) for o in orgs}
    # Set before the widget is drawn, so the selector shows the session's org on every page and every run.
    st.session_state[key] = console.org_id if console.org_id in names else None
    st.selectbox(
        label,
        ids,
        format_func=lambda i: names.get(i, i),
        key=key,
        placeholder="Choose an organization",
        on_change=_picked_from,
        args=(key,),
    )


def _picked_from(key: str) -> None:
    chosen = st.session_state.get(key)
    if chosen:
        set_current_org(chosen)


def render_sidebar(console: Console) -> None:
    """Draw the shared sidebar: the page menu, the API, the current org, who is acting."""
    with st.sidebar:
        render_menu(console.role)
        st.caption("API")
        problem = api_health(console.target.base_url, console.client)
        st.markdown(f"**{md(console.target.label)}**")
        if problem is None:
            st.badge("answering", icon=":material/check_circle:", color="green")
        else:
            st.badge("not answering", icon=":material/error:", color="red")
            st.caption(md(problem))

        orgs = console.records.list_orgs()
        if orgs:
            org_selector(console, orgs, "Current organization", SIDEBAR_ORG_KEY)
        else:
            st.caption("No organization yet: create one on the Organizations page.")
        st.caption(f"Acting as **{md(console.actor)}**")
