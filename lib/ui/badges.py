"""Status badges: the same colour for the same urgency on every screen, with the next step beside it.

What a status means lives in lib.onboarding.statuses; this module only draws it.
"""

from __future__ import annotations

import streamlit as st

from lib.onboarding.statuses import Attention, StatusNote
from lib.ui.text import md

ATTENTION_COLOURS: dict[Attention, str] = {
    Attention.OK: "green",
    Attention.WAITING: "blue",
    Attention.PAUSED: "violet",
    Attention.ACTION: "red",
    Attention.UNKNOWN: "gray",
}


def note_badge(note: StatusNote, label: str | None = None, show_step: bool = True) -> None:
    """The status as a coloured badge and, when something is to be done, the next step under it."""
    text = f"{label}: {note.status}" if label else note.status
    st.badge(md(text), color=ATTENTION_COLOURS[note.attention])  # type: ignore[arg-type]
    if show_step and note.next_step:
        st.caption(f"Next step: {md(note.next_step)}")
