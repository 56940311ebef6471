"""The sidebar every page shows: which API and whether it answers, the current org, who is acting."""

from __future__ import annotations

import streamlit as st

from lib.onboarding.org_table import org_label
from lib.stream.client import StreamClient
from lib.stream.errors import StreamError
from lib.ui.context import CURRENT_ORG_KEY, Console
from lib.ui.feedback import error_sentence
from lib.ui.text import md


@st.cache_data(ttl=30, show_spinner=False)
def api_health(base_url: str, _client: StreamClient) -> str | None:
    """None when the API answers a token request, else the reason it does not (cached 30 s)."""
    try:
        _client.check_connection()
    except StreamError as exc:
        return error_sentence(exc)
    return None


def render_sidebar(console: Console) -> None:
    """Draw the shared sidebar below Streamlit's page navigation."""
    with st.sidebar:
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
            ids = [o.org_id for o in orgs]
            names = {o.org_id: org_label(o) for o in orgs}
            if st.session_state.get(CURRENT_ORG_KEY) not in ids:
                st.session_state[CURRENT_ORG_KEY] = ids[0]
            st.selectbox(
                "Current organization", ids, format_func=lambda i: names.get(i, i), key=CURRENT_ORG_KEY
            )
        else:
            st.caption("No organization yet: create one on the Organizations page.")
        st.caption(f"Acting as **{md(console.actor)}**")
