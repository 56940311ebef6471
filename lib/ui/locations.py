"""Pieces of the Locations page: loading POS locations, the selection table, an ingest run with progress."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from lib.numbers import count, number, part
from lib.onboarding import actions
from lib.onboarding.locations import DEFAULT_BATCH_SIZE, IngestRun, among, location_table
from lib.store import OnboardingRecord, WrongOrgError
from lib.stream.client import StreamClient
from lib.stream.errors import StreamError
from lib.stream.partial import unreadable_summary
from lib.ui.context import Console
from lib.ui.feedback import error_sentence
from lib.ui.home import forget_org_state
from lib.ui.org_locations import org_locations
from lib.ui.tables import sorted_page
from lib.ui.text import md

# Pixels, fixed so the tick boxes sit at a known place in the canvas grid (the browser test clicks them).
SELECT_WIDTH = 70
ROW_HEIGHT = 35  # Streamlit's default data grid row height, header row included
CACHE_TTL_SECONDS = 120  # a POS's list read by one session serves the others for this long
SORT_COLUMNS = {  # what "Sort all rows by" offers when the locations fill several pages
    "name": "name",
    "address": "address",
    "city": "city",
    "state": "state",
    "postal_code": "ZIP",
    "provider_id": "id",
    "ingested": "ingested",
}


def _key(kind: str, onboarding_id: str) -> str:
    return f"locations_{kind}:{onboarding_id}"


def loaded_frame(onboarding_id: str) -> pd.DataFrame | None:
    """The POS's locations loaded in this session (ingested column current), or None."""
    base = st.session_state.get(_key("pos", onboarding_id))
    if base is None:
        return None
    ingested: set[str] = st.session_state.get(_key("ingested", onboarding_id), set())
    frame = base.copy()
    frame["ingested"] = among(frame["provider_id"], ingested)
    return frame


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False, max_entries=32)
def _fetched(
    base_url: str, onboarding_id: str, _client: StreamClient
) -> tuple[pd.DataFrame, datetime, str | None]:
    # Shared by every session for a while: reading and parsing 5,000 locations per visit is most of the
    # page's time. Reload, an ingest and the TTL bring it up to date.
    pos = _client.list_locations(onboarding_id)
    return location_table(pos, []), datetime.now(UTC), unreadable_summary(pos)


def _ingested(console: Console, org_id: str) -> set[str]:
    """The provider_ids the org has ingested, from the org's shared read of its locations."""
    return {loc.provider_id for loc in org_locations(console, org_id) if loc.provider_id}


def _forget_fetched(console: Console, onboarding: OnboardingRecord) -> None:
    _fetched.clear(console.target.base_url, onboarding.onboarding_id, console.client)
    forget_org_state()  # the org's shared read (which says what is ingested), and Home's checklist counts


def load(console: Console, onboarding: OnboardingRecord, fresh: bool = False) -> bool:
    """Fetch the POS's locations and the org's ingested ones; False (sentence shown) when the API failed.

    Another session's read of the last CACHE_TTL_SECONDS is reused unless `fresh` (the Reload button).
    """
    oid = onboarding.onboarding_id
    if fresh:
        _forget_fetched(console, onboarding)
    try:
        with st.spinner("Fetching the POS locations from the API…"):
            pos, read_at, unreadable = _fetched(console.target.base_url, oid, console.client)
            ingested = _ingested(console, onboarding.org_id)
    except StreamError as exc:
        st.error(md(error_sentence(exc)), icon="⚠️")
        return False
    st.session_state[_key("pos", oid)] = pos
    st.session_state[_key("ingested", oid)] = ingested
    st.session_state[_key("fetched_at", oid)] = read_at
    st.session_state[_key("unreadable", oid)] = unreadable
    return True


def fetched_at(onboarding_id: str) -> datetime | None:
    """When the locations shown were read from the API (UTC)."""
    return st.session_state.get(_key("fetched_at", onboarding_id))


def unreadable_note(onboarding_id: str) -> None:
    """Say which listed locations could not be read (they are left out of the table), if any."""
    sentence = st.session_state.get(_key("unreadable", onboarding_id))
    if sentence:
        st.warning(f"{sentence} They are left out below; the rest can be ingested.", icon="⚠️")


def refresh_ingested(console: Console, onboarding: OnboardingRecord) -> str | None:
    """Re-read which locations the org has ingested; the error sentence when the API failed."""
    _forget_fetched(console, onboarding)  # other sessions and pages read again too
    try:
        st.session_state[_key("ingested", onboarding.onboarding_id)] = _ingested(console, onboarding.org_id)
    except StreamError as exc:
        return error_sentence(exc)
    return None


# ----- selection: a set of provider_ids kept in session state, shown as a checkbox column -----


def selected(onboarding_id: str) -> set[str]:
    """The provider_ids picked for ingest (a live set kept in session state)."""
    return st.session_state.setdefault(_key("selected", onboarding_id), set())


def _bump(onboarding_id: str) -> None:
    # A new editor key makes the table redraw from the selection set, dropping the editor's own edit memory.
    key = _key("rev", onboarding_id)
    st.session_state[key] = st.session_state.get(key, 0) + 1


def set_selection(onboarding_id: str, ids: Sequence[str], on: bool) -> None:
    """Add (on=True) or remove ids from the selection."""
    chosen = selected(onboarding_id)
    if on:
        chosen.update(ids)
    else:
        chosen.difference_update(ids)
    _bump(onboarding_id)


def clear_selection(onboarding_id: str) -> None:
    """Unselect everything."""
    selected(onboarding_id).clear()
    _bump(onboarding_id)


def _apply_edits(onboarding_id: str, editor_key: str, ids: list[str]) -> None:
    edits = st.session_state.get(editor_key, {}).get("edited_rows", {})
    chosen = selected(onboarding_id)
    for position, change in edits.items():
        if "select" in change:
            pid = ids[int(position)]
            if change["select"]:
                chosen.add(pid)
            else:
                chosen.discard(pid)
    _bump(onboarding_id)


def selection_table(onboarding_id: str, shown: pd.DataFrame) -> None:
    """The shown locations with a tick box per row; ticking changes the selection set."""
    chosen = selected(onboarding_id)
    view = sorted_page(shown, _key("rows", onboarding_id), SORT_COLUMNS).reset_index(drop=True)
    view.insert(0, "select", among(view["provider_id"], chosen))
    # Its ticks are by position: another page or order is another editor.
    rows = hashlib.sha1("\n".join(view["provider_id"]).encode()).hexdigest()[:8]
    editor_key = (
        f"locations_editor:{onboarding_id}:{st.session_state.get(_key('rev', onboarding_id), 0)}:{rows}"
    )
    st.data_editor(
        view,
        key=editor_key,
        hide_index=True,
        disabled=[c for c in view.columns if c != "select"],
        column_config={
            "select": st.column_config.CheckboxColumn(
                "select", help="Tick to include in the ingest", width=SELECT_WIDTH
            ),
            "ingested": st.column_config.CheckboxColumn("ingested", help="Already ingested in this org"),
        },
        on_change=_apply_edits,
        args=(onboarding_id, editor_key, list(view["provider_id"])),
        row_height=ROW_HEIGHT,
        height=min(420, 3 + ROW_HEIGHT * (max(len(view), 1) + 1)),
    )


# ----- ingest -----


def run_ingest(
    console: Console,
    onboarding: OnboardingRecord,
    provider_ids: Sequence[str],
    resync: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> IngestRun:
    """Ingest with a status box and a progress bar; the per-location result is kept for the page."""
    verb = "Re-syncing" if resync else "Ingesting"
    total = len(provider_ids)
    org_id = console.org_id or ""
    with st.status(f"{verb} {count(total, 'location')}…", expanded=True) as status:
        bar = st.progress(0.0, text=f"{part(0, total, 'location')} sent")

        def progress(done: int, of: int) -> None:
            bar.progress(done / max(of, 1), text=f"{part(done, of, 'location')} sent")

        try:
            run = actions.ingest(
                console.client,
                console.records,
                console.actor,
                onboarding,
                provider_ids,
                batch_size=batch_size,
                on_progress=progress,
                resync=resync,
                org_id=org_id,
            )
        except WrongOrgError as exc:  # nothing was sent; the selection stays for the right page
            status.update(label=f"Nothing {verb.lower()}: {exc.user_message}", state="error", expanded=True)
            st.stop()
        problem = refresh_ingested(console, onboarding)
        done_label = f"{part(run.succeeded, total, 'location')} {'re-synced' if resync else 'ingested'}"
        if run.failed:
            status.update(label=f"{done_label}; {number(run.failed)} failed.", state="error", expanded=True)
        else:
            status.update(label=done_label + ".", state="complete", expanded=False)
    if problem:
        st.warning(f"The ingest ran, but the org's locations could not be re-read: {md(problem)}", icon="⚠️")
    st.session_state[_key("result", onboarding.onboarding_id)] = (run, resync)
    if run.succeeded:
        clear_selection(onboarding.onboarding_id)
        selected(onboarding.onboarding_id).update(o.provider_id for o in run.outcomes if not o.ok)
    return run


def last_result(onboarding_id: str) -> tuple[IngestRun, bool] | None:
    """The last ingest run of this session for the onboarding, and whether it was a re-sync."""
    return st.session_state.get(_key("result", onboarding_id))
