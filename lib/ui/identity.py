"""Who is using the console: the signed-in person, or the single local operator."""

from __future__ import annotations

import streamlit as st

LOCAL_OPERATOR = "local operator"


def current_actor() -> str:
    """The signed-in person's email, or the local operator when sign-in is not configured."""
    try:
        user = st.user
        if user.get("is_logged_in") and user.get("email"):
            return str(user["email"])
    except Exception:  # st.user raises outside a configured auth context on some versions
        pass
    return LOCAL_OPERATOR
