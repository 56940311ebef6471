"""Portfolio: location status across every org in the console's records, fetched concurrently."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

import streamlit as st

from lib.access import Action
from lib.export import (
    OrgRef,
    Portfolio,
    connected_dsps_by_org,
    dsp_columns,
    dsp_labels,
    dsp_name,
    dsp_status_counts,
    dsp_status_options,
    export_filename,
    filter_table,
    org_overview,
    portfolio_table,
    summarize,
    to_bytes,
)
from lib.export.charts import dsp_status_bars_html, unbound_bars_html
from lib.export.writers import MIME_TYPES
from lib.numbers import count, number, part
from lib.onboarding.sources import source_label
from lib.onboarding.statuses import NOT_OK, URGENCY
from lib.stream.client import StreamClient
from lib.ui.access import button_state
from lib.ui.badges import ATTENTION_COLOURS
from lib.ui.context import page_setup
from lib.ui.html_table import html_table_page
from lib.ui.metrics import metric_grid
from lib.ui.watch import render_needs_attention

CACHE_TTL_SECONDS = 300
MAX_IN_FLIGHT = 8  # requests at once: fast across hundreds of orgs without hammering the API

console = page_setup("Portfolio", "🗂️")
st.title("Portfolio")
st.caption("Location status across every organization the console knows, one row per location.")

orgs = console.records.list_orgs()
if not orgs:
    st.info("The console has no organizations yet: create one or add one by id on the Organizations page.")
    st.stop()


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False, max_entries=8)
def fetch_portfolio(base_url: str, refs: tuple[OrgRef, ...], _client: StreamClient) -> Portfolio:
    """Every org's locations, at most MAX_IN_FLIGHT requests at once, cached per API and org list."""
    # The bar lives inside the cached function so a cache hit replays it (created, filled, removed) cleanly.
    bar = st.progress(0.0, text=f"Fetching {count(len(refs), 'organization')}…")

    def progress(done: int, total: int) -> None:
        bar.progress(
            done / total if total else 1.0, text=f"Fetched {number(done)} of {count(total, 'organization')}…"
        )

    result = portfolio_table(_client, refs, max_in_flight=MAX_IN_FLIGHT, progress=progress)
    bar.empty()
    return result


render_needs_attention(console, key="portfolio_attention")

connected = connected_dsps_by_org(console.records.list_onboardings())
refs = tuple(OrgRef(o.org_id, o.name, tuple(connected.get(o.org_id, ()))) for o in orgs)
head, button = st.columns([5, 1])
if button.button("Refresh", icon="🔄", help="Fetch every org again from the API now"):
    fetch_portfolio.clear(console.target.base_url, refs, console.client)
portfolio = fetch_portfolio(console.target.base_url, refs, console.client)
age = int((datetime.now(UTC) - portfolio.fetched_at).total_seconds())
as_of = f"As of {portfolio.fetched_at:%Y-%m-%d %H:%M:%S} UTC" + (
    "" if age < 60 else f" ({age // 60} min ago)"
)
head.caption(
    f"{as_of} · {count(portfolio.org_count, 'organization')} · cached for {CACHE_TTL_SECONDS // 60} min."
)

if portfolio.failures:
    st.warning(
        f"{number(len(portfolio.failures))} of {count(portfolio.org_count, 'organization')} could not be"
        " fetched, so their locations are missing from the table, the counts and the exports (the Excel file"
        " lists them). Refresh to try again.",
        icon="⚠️",
    )
    st.dataframe(portfolio.failures_frame(), hide_index=True, key="failed_orgs")

if portfolio.unreadable:
    named = {o.org_id: o.name or o.org_id for o in orgs}
    st.warning(
        " ".join(f"{named.get(org_id, org_id)}: {note}" for org_id, note in portfolio.unreadable.items())
        + " They are left out of the table; the rest is shown.",
        icon="⚠️",
    )

table = portfolio.table
if table.empty:
    st.info("None of these organizations has ingested locations yet.")
    st.stop()

dsp_cols = dsp_columns(table)
with st.container(border=True):
    f1, f2, f3 = st.columns([3, 2, 2])
    name_search = f1.text_input("Organization", placeholder="name or id contains…")
    sources = f2.multiselect("Source (POS)", sorted(table["source"].fillna("unknown").unique()))
    statuses = f3.multiselect("Location status", sorted(table["status"].fillna("unknown").unique()))
    g0, g1, g2, g3 = st.columns([2, 2, 2, 3])
    attention = g0.multiselect("Attention", [a.value for a in NOT_OK], key="portfolio_attention")
    chosen_dsps = g1.multiselect("Bound to DSP", [dsp_name(c) for c in dsp_cols], format_func=source_label)
    dsp_statuses = g2.multiselect("DSP status", dsp_status_options(table))
    search = g3.text_input("Location search", placeholder="location name, id, street, city or ZIP")

view = filter_table(
    table,
    org=name_search,
    statuses=statuses,
    sources=sources,
    dsps=chosen_dsps,
    dsp_statuses=dsp_statuses,
    search=search,
    attention=attention,
)

# Connected DSPs per org from the console's records: an active DSP with nothing bound yet still counts.
summary = summarize(view, connected)
metric_grid(
    [
        ("Organizations", summary.orgs),
        ("Locations", summary.locations),
        ("Active", summary.active),
        ("Bound to every connected DSP", summary.bound_to_all),
        ("Bound to no DSP", summary.bound_to_none),
        ("Orgs with unbound locations", summary.orgs_with_unbound),
        ("DSP approvals", summary.dsp_approved),
        ("DSP pending / other", f"{summary.dsp_pending:,} / {summary.dsp_other:,}"),
        ("Locations needing action", summary.action_needed),
        ("Locations with an unknown status", summary.unknown_status),
    ]
)

left, right = st.columns(2)
with left:
    st.markdown("**Locations by status per DSP**")
    counts = dsp_status_counts(view)
    if counts.empty:
        st.caption("No DSP is bound in this selection.")
    else:
        st.html(dsp_status_bars_html(counts))  # plain HTML, as on Org status: no charting library to load
overview = org_overview(view) if not view.empty else None
with right:
    st.markdown("**Organizations with unbound locations**")
    unbound = None if overview is None else overview[overview["unbound"] > 0]
    if unbound is None or unbound.empty:
        st.caption("Every location in this selection is bound to a DSP.")
    else:
        st.html(unbound_bars_html(unbound, top=25))

if overview is not None:
    with st.expander("Per organization", expanded=False):
        html_table_page(overview, key="portfolio_orgs")

st.markdown("**Locations**")
st.caption(f"Showing {part(len(view), len(table), 'location')} · {as_of}")
html_table_page(
    view,
    key="portfolio_rows",
    labels={"next_step": "next step", **dsp_labels(table)},
    pills={"attention": {a.value: ATTENTION_COLOURS[a] for a in URGENCY}},
)

failures = portfolio.failures_frame()
EXPORT_HELP = {
    "csv": "The table as filtered above",
    "xlsx": "The table as filtered above, and a sheet listing the orgs that could not be fetched",
    "parquet": "The table as filtered above",
}
cols = st.columns([1, 1, 1, 3])
for column, fmt, text in (
    (cols[0], "csv", "Download CSV"),
    (cols[1], "xlsx", "Download Excel"),
    (cols[2], "parquet", "Download Parquet"),
):
    column.download_button(
        text,
        data=partial(to_bytes, view, fmt, failures),  # built on click only
        file_name=export_filename("portfolio", portfolio.fetched_at, fmt),
        mime=MIME_TYPES[fmt],
        on_click="ignore",
        **button_state(Action.EXPORT, help=EXPORT_HELP[fmt]),
    )
