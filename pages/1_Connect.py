"""Connect: which Partner API the console talks to, and a connection test (token scopes and expiry)."""

from datetime import UTC, datetime

import streamlit as st

from lib.redaction import mask_url
from lib.ui.context import page_setup
from lib.ui.feedback import attempt
from lib.ui.text import md, plain

console = page_setup("Connect", "🔌")
st.title("Connect")

target = console.target
if target.is_sandbox:
    st.info(
        "No API is configured, so the console talks to its **embedded sandbox**: a local copy of the "
        "Partner API with test merchants. Set STREAM_API_URL, STREAM_CLIENT_ID and STREAM_CLIENT_SECRET "
        "(environment or .streamlit/secrets.toml) to use the real API.",
        icon="🧪",
    )
left, right = st.columns(2)
left.metric("API", "Sandbox" if target.is_sandbox else "Configured")
right.metric("Client ID", plain(target.client_id))
# A code span shows the URL literally (nothing in it is Markdown, no invisible joiner), so it can be copied.
st.caption(f"Base URL: `{plain(mask_url(target.base_url)).replace('`', '')}`")

if st.button("Test connection", type="primary"):
    info = attempt("Requesting a token…", console.client.check_connection)
    if info is not None:
        remaining = info.expires_at - datetime.now(UTC)
        minutes = max(int(remaining.total_seconds() // 60), 0)
        st.success(f"Connected. The API issued a token with scopes {md(', '.join(info.scopes) or 'none')}.")
        c1, c2 = st.columns(2)
        c1.metric("Scopes", plain(", ".join(info.scopes) or "—"))
        c2.metric("Token expires in", f"{minutes} min")
        if "onboarding" not in info.scopes:
            st.warning("The token lacks the `onboarding` scope: ask Stream to enable it for this client.")
