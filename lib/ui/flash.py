"""One-shot messages that survive an st.rerun(): set before rerunning, shown once on the next run."""

from __future__ import annotations

from typing import Literal

import streamlit as st

Kind = Literal["success", "info", "warning", "error"]
_PREFIX = "flash:"


def flash(slot: str, kind: Kind, message: str) -> None:
    """Keep a message for the next run of the page that shows `slot`."""
    st.session_state[_PREFIX + slot] = (kind, message)


def show_flash(slot: str) -> None:
    """Show (once) the message kept for `slot`, if any."""
    kept = st.session_state.pop(_PREFIX + slot, None)
    if kept is None:
        return
    kind, message = kept
    icons = {"success": "✅", "info": "ℹ️", "warning": "⚠️", "error": "⚠️"}
    getattr(st, kind)(message, icon=icons[kind])
