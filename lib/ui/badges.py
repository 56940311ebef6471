"""Status badges: the same colour for the same status on every screen."""

from __future__ import annotations

import streamlit as st

_COLOURS = {
    "active": "green",
    "approved": "green",
    "pending": "orange",
    "waiting_for_oauth": "blue",
    "pending_review": "orange",
    "paused": "violet",
    "inactive": "gray",
    "deprovisioned": "gray",
    "rejected": "red",
}


def status_colour(status: str | None) -> str:
    """Badge colour for a status string (unknown statuses are grey)."""
    return _COLOURS.get(str(status or "").lower(), "gray")


def status_badge(status: str | None, label: str | None = None) -> None:
    """Render a coloured badge for an onboarding, location or DSP status."""
    text = str(status or "unknown")
    st.badge(f"{label}: {text}" if label else text, color=status_colour(text))  # type: ignore[arg-type]
