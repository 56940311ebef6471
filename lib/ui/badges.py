"""Status badges: the same colour for the same urgency on every screen, with the next step beside it.

What a status means lives in lib.onboarding.statuses; this module only draws it.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from lib.onboarding.statuses import URGENCY, Attention, StatusNote, attention_of
from lib.ui.text import md

ATTENTION_COLOURS: dict[Attention, str] = {
    Attention.OK: "green",
    Attention.WAITING: "blue",
    Attention.PAUSED: "violet",
    Attention.ACTION: "red",
    Attention.UNKNOWN: "gray",
}


def status_colour(status: str | None) -> str:
    """Badge colour for a status string (unknown statuses are grey)."""
    return ATTENTION_COLOURS[attention_of(status)]


def status_badge(status: str | None, label: str | None = None) -> None:
    """Render a coloured badge for an onboarding, location or DSP status."""
    text = str(status or "unknown")
    st.badge(md(f"{label}: {text}" if label else text), color=status_colour(text))  # type: ignore[arg-type]


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
