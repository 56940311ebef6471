"""The console's public address, for the OAuth return_url."""

from __future__ import annotations

import streamlit as st

from lib.onboarding.returns import public_base_url
from lib.ui.context import console_settings


def console_base_url(current_page: str | None = None) -> str:
    """CONSOLE_PUBLIC_URL when set (behind a proxy), else the URL this browser uses, minus the page path."""
    override = console_settings().console_public_url
    try:
        context_url = st.context.url
    except Exception:  # outside a browser session (AppTest, bare script run) there is no URL
        context_url = None
    port = int(st.get_option("server.port") or 8501)
    return public_base_url(override, context_url, current_page, fallback_port=port)
