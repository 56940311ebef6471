"""One-shot messages that survive an st.rerun(): set before rerunning, shown once on the next run.

A message belongs to the org it is about: one kept for another org than the page's is dropped unseen, so a
"Toast is connected" for one merchant never shows on another's page. Shown once, it is gone on the next run
(the next action or page).
"""

from __future__ import annotations

from typing import Literal

import streamlit as st

from lib.ui.text import md

Kind = Literal["success", "info", "warning", "error"]
_PREFIX = "flash:"
ICONS = {"success": "✅", "info": "ℹ️", "warning": "⚠️", "error": "⚠️"}


def flash(slot: str, kind: Kind, message: str, org_id: str | None = None) -> None:
    """Keep a message for the next run of the page that shows `slot` (for `org_id` when given)."""
    st.session_state[_PREFIX + slot] = (kind, message, org_id)


def show_flash(slot: str, org_id: str | None = None) -> None:
    """Show (once) the message kept for `slot`, unless it was kept for another org than `org_id`."""
    kept = st.session_state.pop(_PREFIX + slot, None)
    if kept is None:
        return
    kind, message, for_org = kept
    if for_org is not None and org_id is not None and for_org != org_id:
        return
    getattr(st, kind)(md(message), icon=ICONS[kind])
