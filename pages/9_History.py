"""History: how onboarding went across the portfolio (funnel, time to live) and one org's status timeline."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

import pandas as pd
import streamlit as st

from lib.access import Action
from lib.export import export_filename, to_bytes
from lib.export.writers import FORMAT_NAMES, FORMATS, MIME_TYPES
from lib.store.watch import WatchRecords
from lib.ui.access import button_state
from lib.ui.context import page_setup
from lib.watch.analytics import funnel, org_stages, org_timeline, time_to_live, time_to_live_summary
from lib.watch.charts import funnel_chart, time_to_live_chart, timeline_chart

console = page_setup("History", "📈")
st.title("History")
st.caption(
    "What the watcher recorded: the onboarding funnel and time to live across every organization, and the "
    "status timeline of one. Times are when the watcher first saw a state (run it on a schedule, or press "
    "Check now on the home page)."
)
watch = WatchRecords(console.records)
orgs = console.records.list_orgs()
if not orgs:
    st.info("The console has no organizations yet: create one or add one by id on the Organizations page.")
    st.stop()
now = datetime.now(UTC)


def downloads(table: pd.DataFrame, label: str, key: str) -> None:
    """CSV, Excel and Parquet buttons for one table (built on click only)."""
    for column, fmt in zip(st.columns([1, 1, 1, 3])[:3], FORMATS, strict=True):
        column.download_button(
            f"Download {FORMAT_NAMES[fmt]}",
            data=partial(to_bytes, table, fmt),
            file_name=export_filename(label, now, fmt),
            mime=MIME_TYPES[fmt],
            on_click="ignore",
            key=f"{key}_{fmt}",
            **button_state(Action.EXPORT),
        )


stages = org_stages(watch, orgs)
st.subheader("Onboarding funnel")
table = funnel(stages)
left, right = st.columns([3, 2])
left.altair_chart(funnel_chart(table))
right.dataframe(
    table,
    hide_index=True,
    key="funnel_table",
    column_config={
        "from_previous": st.column_config.NumberColumn("from previous stage", format="percent"),
        "from_created": st.column_config.NumberColumn("from org created", format="percent"),
    },
)
downloads(table, "funnel", "funnel")

st.subheader("Time to live")
summary = time_to_live_summary(stages)
m = st.columns(3)
m[0].metric("Live merchants", f"{summary['live']:,}")
m[1].metric("Median days", "–" if summary["median_days"] is None else f"{summary['median_days']:.1f}")
m[2].metric("p90 days", "–" if summary["p90_days"] is None else f"{summary['p90_days']:.1f}")
ttl = time_to_live(stages)
if ttl.empty:
    st.caption("No merchant has an APPROVED store yet.")
else:
    st.altair_chart(time_to_live_chart(ttl))
    st.dataframe(ttl, hide_index=True, key="ttl_table")
    downloads(ttl, "time-to-live", "ttl")

st.subheader("One organization's timeline")
names = {o.org_id: f"{o.name or '(no name)'} · {o.org_id}" for o in orgs}
ids = list(names)
chosen = st.selectbox(
    "Organization",
    ids,
    index=ids.index(console.org_id) if console.org_id in names else 0,
    format_func=names.__getitem__,
    key="history_org",
)
timeline = org_timeline(watch, chosen, now)
if timeline.empty:
    st.caption("The watcher has not read this organization yet.")
else:
    st.altair_chart(timeline_chart(timeline))
    events = watch.events_frame(chosen)
    st.markdown("**Changes**")
    st.dataframe(events.drop(columns=["id", "run_id"]), hide_index=True, key="history_events")
    downloads(timeline, f"timeline-{chosen}", "timeline")
