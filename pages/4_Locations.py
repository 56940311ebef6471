"""Locations: fetch an active POS integration's locations, pick some, ingest them, see each one's result."""

import streamlit as st

from lib.access import Action
from lib.numbers import count, number
from lib.onboarding.checklist import after_ingest
from lib.onboarding.locations import search_table
from lib.onboarding.sources import source_label
from lib.ui import locations as ui
from lib.ui.access import action_button
from lib.ui.checklist import next_link
from lib.ui.context import page_setup
from lib.ui.guards import require_active, require_org
from lib.ui.tables import search_box, table_view
from lib.ui.text import md

console = page_setup("Locations", "📍")
st.title("Locations")

org_id = require_org(console)
pos = require_active(console, org_id, "pos")
onboarding = pos[-1]
if len(pos) > 1:
    by_id = {o.onboarding_id: o for o in pos}
    chosen = st.selectbox(
        "POS integration",
        list(reversed(by_id)),
        format_func=lambda oid: f"{source_label(by_id[oid].source)} · {oid}",
        key=f"locations_pos:{org_id}",
    )
    onboarding = by_id[chosen]
oid = onboarding.onboarding_id
st.caption(f"{md(source_label(onboarding.source))} POS · onboarding {md(oid)}")

# ----- the POS's locations, loaded once per session from a read shared for a while (Reload re-reads) -----
if ui.loaded_frame(oid) is None and not ui.load(console, onboarding):
    st.button("Try again", key="locations_retry_load")
    st.stop()
if st.button("Reload from the API", key="locations_reload", icon=":material/refresh:") and ui.load(
    console, onboarding, fresh=True
):
    ui.clear_selection(oid)
frame = ui.loaded_frame(oid)
assert frame is not None
ui.unreadable_note(oid)
chosen_ids = ui.selected(oid)
available, ingested = len(frame), int(frame["ingested"].sum())
a, b, c = st.columns(3)
a.metric("Locations at the POS", number(available))
b.metric("Ingested in this org", number(ingested))
c.metric("Selected", number(len(chosen_ids)))

# ----- pick -----
st.subheader("Pick locations")
query = search_box(f"locations_search:{oid}", "Search by name, street, city, state, ZIP or id…")
shown = search_table(frame, query)
not_ingested = list(frame.loc[~frame["ingested"], "provider_id"])
b1, b2, b3 = st.columns(3)
b1.button(
    f"Select all shown ({number(len(shown))})",
    key="locations_select_shown",
    on_click=ui.set_selection,
    args=(oid, list(shown["provider_id"]), True),
    width="stretch",
)
b2.button(
    f"Select all not yet ingested ({number(len(not_ingested))})",
    key="locations_select_new",
    on_click=ui.set_selection,
    args=(oid, not_ingested, True),
    width="stretch",
)
b3.button("Clear selection", key="locations_clear", on_click=ui.clear_selection, args=(oid,), width="stretch")
ui.selection_table(oid, shown)
st.caption(
    f"{number(len(shown))} of {count(available, 'location')} shown · {number(len(chosen_ids))} selected"
    " (the selection stays while you search)."
    + (f" Read from the API at {read_at:%H:%M:%S} UTC." if (read_at := ui.fetched_at(oid)) else "")
)

# ----- ingest / re-sync -----
go, resync = st.columns(2)
with go:
    ingest_pressed = action_button(
        f"Ingest {count(len(chosen_ids), 'selected location')}",
        Action.INGEST,
        type="primary",
        key="locations_ingest",
        disabled=not chosen_ids,
        help=None if chosen_ids else "Select at least one location first.",
        width="stretch",
    )
with resync:
    resync_pressed = action_button(
        f"Re-sync all {number(ingested)} ingested",
        Action.INGEST,
        key="locations_resync",
        disabled=ingested == 0,
        help="Ingest again: refreshes the locations and their menus from the POS.",
        width="stretch",
    )
if ingest_pressed:
    ui.run_ingest(console, onboarding, [pid for pid in frame["provider_id"] if pid in chosen_ids])
    st.rerun()
if resync_pressed:
    ui.run_ingest(console, onboarding, list(frame.loc[frame["ingested"], "provider_id"]), resync=True)
    st.rerun()

# ----- the last run's per-location result -----
result = ui.last_result(oid)
if result is not None:
    run, was_resync = result
    st.subheader("Last re-sync" if was_resync else "Last ingest")
    verb = "re-synced" if was_resync else "ingested"
    if run.failed:
        reasons = " ".join(dict.fromkeys(run.errors))
        st.error(
            f"{number(run.succeeded)} {verb}, {number(run.failed)} failed. {md(reasons)} The failed ones are "
            "still selected: ingest them again when the API answers.",
            icon="⚠️",
        )
    else:
        st.success(f"All {count(run.succeeded, 'location')} {verb}.", icon="✅")
    names = dict(zip(frame["provider_id"], frame["name"], strict=False))
    table_view(
        run.frame(names),
        key=f"ingest_result:{oid}",
        filename="ingest-result.csv",
        placeholder="Search results…",
    )

# ----- what comes next, once some locations are in -----
if ingested:
    st.divider()
    next_link(after_ingest(console.records.list_onboardings(org_id)))
