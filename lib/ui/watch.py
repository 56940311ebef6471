"""The watcher in the console: the Needs attention queue (with acknowledge) and the Check now button."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Literal

import pandas as pd
import streamlit as st

from lib.access import Action
from lib.numbers import number, part
from lib.store.watch import WatchRecords
from lib.ui.access import action_button, console_secrets
from lib.ui.context import Console, console_settings
from lib.ui.feedback import error_sentence
from lib.ui.flash import flash, show_flash
from lib.ui.nav import ORG_PARAM
from lib.ui.tables import table_view
from lib.ui.text import md
from lib.watch import run_pass, watch_settings
from lib.watch.analytics import needs_attention, page_file
from lib.watch.pages import PAGES

CARDS_SHOWN = 20  # alerts drawn as cards with their link and button; the table below lists every one


def _ago(since: datetime, now: datetime) -> str:
    hours = (now - since).total_seconds() / 3600
    if hours < 1:
        return f"{max(1, round(hours * 60))} min"
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} days"


def _last_check(watch: WatchRecords) -> str:
    last = watch.last_run()
    if last is None:
        return "Never checked: press Check now, or run `python -m lib.watch run` (see the README)."
    at = last["finished_at"]
    return (
        f"Last check {at:%Y-%m-%d %H:%M} UTC by {last['actor']}: {last['orgs']} orgs, "
        f"{last['changes']} changes, {last['failed']} unreadable."
    )


def render_needs_attention(console: Console, key: str, org_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Every open alert (of these orgs, else all): what, since when, a link that fixes it, acknowledge."""
    watch = WatchRecords(console.records)
    slot = f"{key}_flash"
    show_flash(slot)
    head, button, toggle = st.columns([4, 1, 1], vertical_alignment="bottom")
    head.subheader("Needs attention")
    with button:
        check_now(console, f"{key}_check")
    include_acked = toggle.toggle("Show acknowledged", key=f"{key}_acked")
    show_flash(f"{key}_check_done")
    orgs = console.records.list_orgs()
    if org_ids is not None:
        wanted = set(org_ids)
        orgs = [o for o in orgs if o.org_id in wanted]
    frame = needs_attention(watch, orgs, include_acknowledged=include_acked)
    st.caption(_last_check(watch))
    if frame.empty:
        st.success("Nothing needs attention.", icon="✅")
        return frame
    now = datetime.now(UTC)
    for row in frame.head(CARDS_SHOWN).itertuples():
        with st.container(border=True, key=f"{key}_alert_{row.alert_id}"):
            text, link, ack = st.columns([6, 2, 2], vertical_alignment="center")
            acked = f" · acknowledged by {md(row.acknowledged_by)}" if row.acknowledged_by else ""
            text.markdown(f"**{md(row.what)}** · {md(row.org_name)}  \n{md(row.summary)}")
            text.caption(f"since {row.since:%Y-%m-%d %H:%M} UTC ({_ago(row.since, now)}){acked}")
            target = page_file(row.page)
            if target:
                link.page_link(
                    target, label=f"Open {PAGES[row.page][2]}", icon="➡️", query_params={ORG_PARAM: row.org_id}
                )
            with ack:
                pressed = not row.acknowledged_by and action_button(
                    "Acknowledge",
                    Action.ACKNOWLEDGE_ALERT,
                    key=f"{key}_ack_{row.alert_id}",
                    help="Say you are on it (recorded in the audit log with your name)",
                )
            if pressed:
                watch.acknowledge(int(row.alert_id), console.actor, now)
                flash(slot, "success", f"Acknowledged: {row.what} · {row.org_name}.")
                st.rerun()
    if len(frame) > CARDS_SHOWN:
        st.caption(f"The {CARDS_SHOWN} oldest are shown above; all {number(len(frame))} are in the table.")
    table_view(
        frame.drop(columns=["alert_id", "page"]),
        key=f"{key}_all",
        filename="needs_attention.csv",
        placeholder="org, what, summary…",
    )
    return frame


def check_now(console: Console, key: str) -> None:
    """A button that runs one watcher pass now, with progress (admins and account managers)."""
    if not action_button(
        "Check now",
        Action.RUN_WATCH,
        key=key,
        icon=":material/radar:",
        help="Read every organization now, record what changed and send new alerts",
    ):
        return
    try:
        settings = watch_settings(console_secrets(), console_settings().console_public_url)
    except ValueError as exc:
        st.error(f"The watcher settings cannot be used: {md(exc)}", icon="⚙️")
        return
    bar = st.progress(0.0, text="Checking organizations…")  # drawn where the button is

    def progress(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=f"Checked {part(done, total, 'organization')}…")

    try:
        result = run_pass(console.records, console.client, settings, actor=console.actor, progress=progress)
    except Exception as exc:  # the pass failing must read as a sentence, not a traceback
        bar.empty()
        st.error(f"The check did not finish: {md(error_sentence(exc))}", icon="⚠️")
        return
    bar.empty()
    kind: Literal["warning", "success"] = "warning" if result.exit_code else "success"
    flash(f"{key}_done", kind, f"Checked: {result.summary_line()}.")
    st.rerun()
