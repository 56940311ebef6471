"""Status badges: the same colour for the same urgency on every screen, with the next step beside it.

What a status means lives in lib.onboarding.statuses; this module only draws it.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from lib.onboarding.statuses import URGENCY, Attention, StatusNote
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


def attention_column(label: str = "attention") -> Any:
    """A table column showing an attention word as a coloured pill (the table badge).

    The column holds plain words, not one-item lists: the grid draws a word as a pill all the same, and a
    lazily loaded table (sorted by the server) can sort words but not lists.
    """
    return st.column_config.MultiselectColumn(
        label,
        options=[a.value for a in URGENCY],
        color=[ATTENTION_COLOURS[a] for a in URGENCY],
        disabled=True,
        help="ok, waiting, paused, action needed or unknown: the most urgent of the location and its DSPs",
    )
