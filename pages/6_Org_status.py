"""Org status: the current org's locations with each DSP's status, counts, a chart, filters and exports."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

import pandas as pd
import streamlit as st

from lib.access import Action
from lib.export import (
    OrgTable,
    StatusSummary,
    connected_dsps,
    dsp_columns,
    dsp_labels,
    dsp_name,
    dsp_status_counts,
    dsp_status_options,
    export_filename,
    filter_table,
    org_table,
    summarize,
    to_bytes,
)
from lib.export.charts import dsp_status_bars_html
from lib.export.writers import MIME_TYPES
from lib.numbers import part
from lib.onboarding import actions
from lib.onboarding.sources import source_label
from lib.onboarding.statuses import NOT_OK, URGENCY, integration_note
from lib.store import OnboardingRecord
from lib.ui.access import button_state
from lib.ui.badges import ATTENTION_COLOURS, note_badge
from lib.ui.context import page_setup
from lib.ui.feedback import attempt
from lib.ui.guards import require_org
from lib.ui.home import forget_org_state
from lib.ui.html_table import html_table_page
from lib.ui.metrics import metric_grid
from lib.ui.org_locations import CACHE_TTL_SECONDS, OrgRead, org_read
from lib.ui.text import md

console = page_setup("Org status", "📋")
st.title("Org status")

org_id = require_org(console)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False, max_entries=64)
def status_table(
    base_url: str, org_id: str, org_name: str | None, dsps: tuple[str, ...], read_at: datetime, _read: OrgRead
) -> OrgTable:
    """The org's status table from one shared read of its locations, built once per read and DSPs."""
    return org_table(_read.locations, org_id, read_at, dsps, org_name)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False, max_entries=64)
def overview(
    base_url: str, org_id: str, dsps: tuple[str, ...], fetched_at: datetime, _table: pd.DataFrame
) -> tuple[StatusSummary, pd.DataFrame]:
    """The counts and the per-DSP status counts of one fetched table (computed once per fetch)."""
    return summarize(_table, dsps), dsp_status_counts(_table)


def ago(moment: datetime) -> str:
    """'just now', '3 min ago'..."""
    seconds = int((datetime.now(UTC) - moment).total_seconds())
    return "just now" if seconds < 60 else f"{seconds // 60} min ago"


org = console.records.get_org(org_id)
org_name = org.name if org else None
st.caption(
    f"Organization {md(org_id)}"
    + (f" · provider id {md(org.provider_id)}" if org and org.provider_id else "")
)

integrations_box = st.container(border=True)  # filled below, once Refresh has had its say
head, button = st.columns([5, 1])
refresh = button.button(
    "Refresh",
    icon="🔄",
    help="Read the integration statuses and the locations again from the API now",
    key="status_refresh",
)
onboardings = console.records.list_onboardings(org_id)
unread: list[OnboardingRecord] = []
if refresh and onboardings:
    with st.spinner("Reading the integrations' statuses from the API…"):
        onboardings, unread = actions.refresh_onboardings(console.client, console.records, onboardings)
dsps = tuple(connected_dsps(onboardings))
if refresh:
    forget_org_state()  # the shared read of the org's locations (Home and Bind read them again too)

with integrations_box:
    st.markdown("**Integrations**")
    if not onboardings:
        st.caption("The console has not started any integration for this org.")
    for onboarding in onboardings:
        left, right = st.columns([3, 2])
        left.markdown(
            f"{md(onboarding.type.upper())} · **{md(onboarding.source)}** · {md(onboarding.onboarding_id)}"
        )
        with right:
            note_badge(integration_note(onboarding.status, onboarding.type, onboarding.source))
    if unread:
        st.caption(
            f"{part(len(unread), len(onboardings), 'status', 'statuses')} could not be read from the API "
            "just now: shown as last recorded."
        )


def fetch() -> OrgTable:
    """The status table of the org's locations as read in the last minutes (Refresh reads again)."""
    read = org_read(console, org_id)
    return status_table(console.target.base_url, org_id, org_name, dsps, read.read_at, read)


result = attempt("Fetching the org's locations…", fetch)
if result is None:
    st.stop()
table = result.table
as_of = f"As of {result.fetched_at:%Y-%m-%d %H:%M:%S} UTC ({ago(result.fetched_at)})"
head.caption(f"{as_of} · cached for {CACHE_TTL_SECONDS // 60} min; Refresh fetches again.")

if result.unreadable:
    st.warning(result.unreadable + " They are left out below; the rest is shown.", icon="⚠️")
if table.empty:
    st.info("This org has no ingested locations yet: ingest them from its POS on the Locations page.")
    st.stop()

summary, counts = overview(console.target.base_url, org_id, dsps, result.fetched_at, table)
metric_grid(
    [
        ("Locations", summary.locations),
        ("Active", summary.active),
        ("Bound to every connected DSP", summary.bound_to_all),
        ("Bound to no DSP", summary.bound_to_none),
        ("DSP approvals", summary.dsp_approved),
        ("DSP pending", summary.dsp_pending),
        ("DSP other (rejected, paused…)", summary.dsp_other),
        ("DSPs", len(dsp_columns(table))),
        ("Locations needing action", summary.action_needed),
        ("Locations with an unknown status", summary.unknown_status),
    ]
)

if not counts.empty:
    st.markdown("**Locations by DSP status**")
    st.html(dsp_status_bars_html(counts))  # plain HTML: no charting library to load into the browser

st.markdown("**Locations**")
dsp_cols = dsp_columns(table)
f0, f1, f2, f3, f4 = st.columns([2, 2, 2, 2, 3])
attention = f0.multiselect("Attention", [a.value for a in NOT_OK], key="status_attention")
statuses = f1.multiselect("Location status", sorted(table["status"].fillna("unknown").unique()))
chosen_dsps = f2.multiselect("Bound to DSP", [dsp_name(c) for c in dsp_cols], format_func=source_label)
dsp_statuses = f3.multiselect("DSP status", dsp_status_options(table))
search = f4.text_input("Search", placeholder="name, id, street, city or ZIP")
filtered = filter_table(
    table, statuses=statuses, dsps=chosen_dsps, dsp_statuses=dsp_statuses, search=search, attention=attention
)

st.caption(f"Showing {part(len(filtered), len(table), 'location')} · {as_of}")
html_table_page(
    # org_id and org_name are in the exported file, not on this one-org screen
    filtered.drop(columns=["org_id", "org_name"], errors="ignore"),
    key=f"status_rows:{org_id}",
    labels={"next_step": "next step", **dsp_labels(table)},
    pills={"attention": {a.value: ATTENTION_COLOURS[a] for a in URGENCY}},
)

label = f"org-status {org_id} {org.name if org and org.name else ''}"  # id first: a long name gets cut
d1, d2, _ = st.columns([1, 1, 4])
for column, fmt, text in ((d1, "csv", "Download CSV"), (d2, "xlsx", "Download Excel")):
    column.download_button(
        text,
        # Built only when clicked: an Excel file of thousands of rows should not slow every rerun.
        data=partial(to_bytes, filtered, fmt),
        file_name=export_filename(label, result.fetched_at, fmt),
        mime=MIME_TYPES[fmt],
        on_click="ignore",
        **button_state(Action.EXPORT, help="The table as filtered above"),
    )
