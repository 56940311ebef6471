"""The bind screen's session state: loaded inputs, the cached matching, the person's edits and bind results.

Everything is kept per DSP onboarding. Matching runs through st.cache_data keyed on the POS and DSP tables,
and the table built from it is kept in session state, so a rerun caused by an edit only re-applies edits.
"""

from __future__ import annotations

import copy
import hashlib
import threading
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st

from lib.binding import (
    BindInputs,
    Edits,
    PairScorer,
    PlannedPair,
    build_base,
    load_inputs,
    locations_frame,
    merge_editor_state,
    only_edited_cells_differ,
    run_matching,
    store_labels,
    unedited_table,
)
from lib.binding.check import PairKey
from lib.binding.frames import bound_stores
from lib.matching import MatchBudgetError, MatchInputError
from lib.matching.propose import Proposals
from lib.onboarding.statuses import StatusNote, binding_groups
from lib.store import OnboardingRecord
from lib.stream.errors import StreamError
from lib.stream.models import OrgLocation
from lib.stream.partial import unreadable_summary
from lib.ui.context import Console
from lib.ui.feedback import error_sentence
from lib.ui.home import forget_org_state
from lib.ui.org_locations import org_locations

EDITOR_KEY = "bind_editor_key"  # the current editor's widget key (tests set their edits under it)
BATCH_SIZE_KEY = "bind_batch_size"  # pairs per bind request; tests lower it to see a batch fail alone
CACHE_TTL_SECONDS = 120  # one session's read and matching serve the others for this long


@st.cache_data(show_spinner="Matching POS locations to DSP stores…", max_entries=16)
def cached_proposals(pos: pd.DataFrame, dsp: pd.DataFrame) -> Proposals:
    """The matching result for these exact POS and DSP tables (computed once per distinct input)."""
    return run_matching(pos, dsp)


def _key(kind: str, onboarding_id: str) -> str:
    return f"bind_{kind}:{onboarding_id}"


@dataclass
class Model:
    """What the table is built from: the inputs, the matching run, the base table and the editor table
    before edits (shared by every session reading this model: read-only, compose copies it)."""

    inputs: BindInputs
    proposals: Proposals
    scorer: PairScorer
    labels: dict[str, str]
    base: pd.DataFrame
    unedited: pd.DataFrame
    # Filled as sessions use the model, each entry a function of the model alone (so shared safely).
    pairs_memo: dict[PairKey, PlannedPair] = field(default_factory=dict, repr=False)
    _groups: dict[str, list[tuple[StatusNote, list[str]]]] = field(default_factory=dict, repr=False)

    def binding_groups(self, source: str) -> list[tuple[StatusNote, list[str]]]:
        """The bound stores whose status on `source` is not ok, grouped by note (once per model)."""
        if source not in self._groups:
            statuses = {pos: held.status for pos, held in self.inputs.bound.items()}
            self._groups[source] = binding_groups(statuses, source)
        return self._groups[source]


def inputs(onboarding_id: str) -> BindInputs | None:
    """The POS locations, DSP stores and bindings loaded in this session, or None."""
    return st.session_state.get(_key("inputs", onboarding_id))


@st.cache_resource(ttl=CACHE_TTL_SECONDS, max_entries=8, show_spinner=False)
def _shared_model(base_url: str, org_id: str, onboarding_id: str, source: str, _console: Console) -> Model:
    # One read and one matching per DSP onboarding for every session (a new browser tab is a new session):
    # reading 10,000 locations and building the table is most of a first visit. Read-only once built;
    # Reload, a status refresh, a bind and the TTL replace it. The org's locations are the read Home (or
    # another DSP's bind screen) made in the last minutes, if any: Reload drops that too.
    located = org_locations(_console, org_id)
    return _build(load_inputs(_console.client, org_id, onboarding_id, source, located))


def shared_model(console: Console, onboarding: OnboardingRecord) -> Model:
    """The read and matching Bind shows for this DSP onboarding, shared by every session (built when missing
    or stale). Raises StreamError or MatchInputError."""
    return _shared_model(
        console.target.base_url, onboarding.org_id, onboarding.onboarding_id, onboarding.source, console
    )


def _forget_shared(console: Console, onboarding: OnboardingRecord) -> None:
    _shared_model.clear(
        console.target.base_url, onboarding.org_id, onboarding.onboarding_id, onboarding.source, console
    )


def matching_sentence(exc: MatchInputError) -> str:
    """What a person reads when matching stops on these tables (the engine's own advice is about files)."""
    if isinstance(exc, MatchBudgetError):
        return (
            f"Matching stopped because {exc.what}: reload to try again, and if it stops again send these "
            "numbers to your console administrator."
        )
    return f"Matching could not read these locations ({exc}): check them at the POS and the DSP, then reload."


def load(console: Console, onboarding: OnboardingRecord, fresh: bool = False) -> bool:
    """Fetch POS locations, DSP stores and bindings; False (sentence shown) when the API or matching failed.

    Another session's read and matching of the last CACHE_TTL_SECONDS are reused unless `fresh` (Reload).
    """
    assert console.org_id is not None
    if fresh:
        _forget_shared(console, onboarding)
        forget_org_state()  # the org's locations are read again too (and Home's checklist counts them)
    try:
        with st.spinner("Loading the organization's POS locations and the DSP's stores…"):
            shared = shared_model(console, onboarding)
    except StreamError as exc:
        st.error(error_sentence(exc), icon="⚠️")
        return False
    except MatchInputError as exc:  # an input over the matcher's budget: a sentence, never a traceback
        st.error(matching_sentence(exc), icon="⚠️")
        return False
    st.session_state[_key("inputs", onboarding.onboarding_id)] = shared.inputs
    st.session_state[_key("model", onboarding.onboarding_id)] = shared
    return True


def refresh_bindings(console: Console, onboarding: OnboardingRecord) -> str | None:
    """Re-read the org's locations (bindings and DSP statuses); the error sentence on failure."""
    assert console.org_id is not None
    try:
        org_locations = console.client.org_locations(console.org_id)
    except StreamError as exc:
        return error_sentence(exc)
    _use_locations(console, onboarding, org_locations)
    return None


def _use_locations(console: Console, onboarding: OnboardingRecord, org_locations: list[OrgLocation]) -> None:
    # The org's locations as just read: new bindings and statuses for this session, and for the others.
    current = inputs(onboarding.onboarding_id)
    assert current is not None
    _forget_shared(console, onboarding)
    forget_org_state()  # and Home's checklist counts them
    st.session_state[_key("inputs", onboarding.onboarding_id)] = BindInputs(
        pos=locations_frame(org_locations),
        dsp=current.dsp,
        bound=bound_stores(org_locations, onboarding.source),
        unreadable=tuple(filter(None, [unreadable_summary(org_locations)])),
    )
    st.session_state.pop(_key("model", onboarding.onboarding_id), None)


def forget_inputs(onboarding_id: str) -> None:
    """Drop this session's loaded inputs, so the next run loads them again."""
    st.session_state.pop(_key("inputs", onboarding_id), None)
    st.session_state.pop(_key("model", onboarding_id), None)


def model(onboarding_id: str) -> Model | None:
    """The matching and base table for the loaded inputs (built once per load, not per rerun); None, with
    the sentence shown, when matching cannot run on them (after a status refresh brought in new locations)."""
    loaded = inputs(onboarding_id)
    assert loaded is not None
    kept: Model | None = st.session_state.get(_key("model", onboarding_id))
    if kept is not None and kept.inputs is loaded:
        return kept
    try:
        built = _build(loaded)
    except MatchInputError as exc:
        st.error(matching_sentence(exc), icon="⚠️")
        return None
    st.session_state[_key("model", onboarding_id)] = built
    return built


def _build(loaded: BindInputs) -> Model:
    proposals = cached_proposals(loaded.pos, loaded.dsp)
    scorer = PairScorer(proposals, loaded.pos, loaded.dsp)
    labels = store_labels(loaded.dsp)
    base = build_base(loaded.pos, proposals, loaded.bound, scorer)
    return Model(
        inputs=loaded,
        proposals=proposals,
        scorer=scorer,
        labels=labels,
        base=base,
        unedited=unedited_table(base, labels),
    )


# ----- the person's edits -----


def edits(onboarding_id: str) -> Edits:
    """POS id -> {bind, dsp_store, re_pair} the person set (a live dict in session state)."""
    return st.session_state.setdefault(_key("edits", onboarding_id), {})


def editor_key(onboarding_id: str, bands: list[str], search: str, rows: list[str]) -> str:
    """The editor's widget key: new when the filter or the rows it shows (another page, another sort order)
    change, or edits were made elsewhere (detail panel). Its edits are by position: a new order is a new
    editor, the last one's edits folded first."""
    rev = st.session_state.get(_key("rev", onboarding_id), 0)
    signature = hashlib.sha1(repr((*_filter(bands, search), rows)).encode()).hexdigest()[:8]
    return f"bind_editor:{onboarding_id}:{rev}:{signature}"


def _filter(bands: list[str], search: str) -> tuple[tuple[str, ...], str]:
    """The filter as compared between runs: band order and the search's case and edge spaces do not count."""
    return tuple(sorted(bands)), search.strip().casefold()


def kept_rows(onboarding_id: str, bands: list[str], search: str) -> list[str]:
    """The rows the editor showed last run under this same filter (none once the filter changes)."""
    last = st.session_state.get(_key("shown_for", onboarding_id))
    return list(last[1]) if last and last[0] == _filter(bands, search) else []


def remember_shown(onboarding_id: str, bands: list[str], search: str, ids: list[str]) -> None:
    """Record the rows shown under this filter, so an edit that moves one out of it keeps it on screen."""
    st.session_state[_key("shown_for", onboarding_id)] = (_filter(bands, search), ids)


def fold_editor_edits(onboarding_id: str) -> None:
    """Fold the editor's edits from the last run (positions of the rows it showed) into edits by POS id."""
    shown = st.session_state.get(_key("view", onboarding_id))
    if not shown:
        return
    key, ids = shown
    state = st.session_state.get(key)
    if state:
        # The editor reports its cells relative to the table it was given (a cell set back to that table's
        # value drops out of its report), so fold onto the edits that table was drawn from.
        kept = st.session_state.get(_key("editor_data", onboarding_id))
        drawn_from = kept[2] if kept is not None and kept[0] == key else edits(onboarding_id)
        st.session_state[_key("edits", onboarding_id)] = merge_editor_state(drawn_from, state, ids)


def remember_view(onboarding_id: str, key: str, ids: list[str]) -> None:
    """Record which rows the editor under `key` shows, in order (its edits are by position)."""
    st.session_state[_key("view", onboarding_id)] = (key, ids)
    st.session_state[EDITOR_KEY] = key


def stable_editor_data(onboarding_id: str, key: str, shown: pd.DataFrame) -> pd.DataFrame:
    """The table to give the editor under `key`: the one it was given last run when only cells the person
    edited there differ from `shown` (the browser then reuses the grid it has: a tick sends no table),
    else `shown`."""
    kept = st.session_state.get(_key("editor_data", onboarding_id))
    edited = (st.session_state.get(key) or {}).get("edited_rows")
    if kept is not None and kept[0] == key and only_edited_cells_differ(kept[1], shown, edited):
        return kept[1]
    st.session_state[_key("editor_data", onboarding_id)] = (key, shown, copy.deepcopy(edits(onboarding_id)))
    return shown


def _bump(onboarding_id: str) -> None:
    # A new editor key redraws the table from the edits, dropping the old editor's own edit memory.
    fold_editor_edits(onboarding_id)
    st.session_state.pop(_key("view", onboarding_id), None)
    st.session_state[_key("rev", onboarding_id)] = st.session_state.get(_key("rev", onboarding_id), 0) + 1


def set_store(onboarding_id: str, pos_id: str, widget_key: str) -> None:
    """on_change of the detail panel's store picker: pair the row with the picked store."""
    _bump(onboarding_id)
    row = edits(onboarding_id).setdefault(pos_id, {})
    row["dsp_store"] = st.session_state[widget_key]
    row.pop("bind", None)  # picking a store ticks the row, unless it is "no store"


def reset_edits(onboarding_id: str) -> None:
    """Forget every edit: back to the proposals."""
    _bump(onboarding_id)
    st.session_state[_key("edits", onboarding_id)] = {}


def forget_rows(onboarding_id: str, pos_ids: set[str]) -> None:
    """Drop the edits of rows that are now bound."""
    _bump(onboarding_id)
    current = edits(onboarding_id)
    for pos_id in pos_ids:
        current.pop(pos_id, None)


# ----- confirmation and results -----


def pending(onboarding_id: str) -> list[PlannedPair] | None:
    """The pairs waiting in the confirmation dialog (the dialog is open while this is set)."""
    stored = st.session_state.get(_key("pending", onboarding_id))
    return [PlannedPair.from_dict(p) for p in stored] if stored is not None else None


def open_confirmation(onboarding_id: str, pairs: list[PlannedPair]) -> None:
    """Open the dialog for exactly these pairs (on_click of the review button)."""
    st.session_state[_key("pending", onboarding_id)] = [p.to_dict() for p in pairs]


def close_confirmation(onboarding_id: str) -> None:
    """Close the dialog without binding anything."""
    st.session_state.pop(_key("pending", onboarding_id), None)


def forget_replacements(onboarding_id: str) -> None:
    """Drop the replacements the person was asked about (Cancel, or the bind ran)."""
    st.session_state.pop(_key("replacements", onboarding_id), None)


def replacements(onboarding_id: str) -> list[dict[str, Any]]:
    """Bindings made by someone else since the table was loaded that the dialog asks to confirm replacing."""
    return st.session_state.get(_key("replacements", onboarding_id)) or []


def set_replacements(onboarding_id: str, found: list[dict[str, Any]]) -> None:
    """Keep [{"pos": id, "store": store bound now, "message": sentence}] for the dialog to show."""
    st.session_state[_key("replacements", onboarding_id)] = found


def confirmed_replacements(onboarding_id: str) -> dict[str, str | None]:
    """POS id -> the store it was bound to when the person saw (and confirmed) the replacement."""
    return {r["pos"]: r["store"] for r in replacements(onboarding_id)}


def start_binding(onboarding_id: str, pairs: list[PlannedPair]) -> None:
    """on_click of Confirm: close the dialog and mark these pairs as being bound (the page runs the bind)."""
    close_confirmation(onboarding_id)
    st.session_state[_key("binding", onboarding_id)] = [p.to_dict() for p in pairs]


def binding(onboarding_id: str) -> list[PlannedPair] | None:
    """The pairs a bind is running (or about to run) for: while set, nothing may start another bind."""
    stored = st.session_state.get(_key("binding", onboarding_id))
    return [PlannedPair.from_dict(p) for p in stored] if stored is not None else None


def finish_binding(onboarding_id: str) -> None:
    """The bind is over (done, failed or interrupted): binding may be offered again."""
    st.session_state.pop(_key("binding", onboarding_id), None)


@dataclass
class BindJob:
    """One bind's outcome, handed from the thread that ran it to the page run that shows it.

    Stop (or any click, or leaving the page) makes Streamlit start a new run at once and stop the old one at
    its next Streamlit call, after which every Streamlit call there, session state included, raises again.
    So the binding thread fills this plain object (kept in session state before the bind starts) and sets
    `done`; the next run of the page applies it (settle_job).
    """

    done: threading.Event = field(default_factory=threading.Event)
    result: dict[str, Any] | None = None
    locations: list[OrgLocation] | None = None  # the org's locations read back after the bind
    succeeded: set[str] = field(default_factory=set)


def start_job(onboarding_id: str) -> BindJob:
    """A new job for the bind about to run (the page applies it once `done` is set)."""
    job = BindJob()
    st.session_state[_key("job", onboarding_id)] = job
    return job


def settle_job(console: Console, onboarding: OnboardingRecord, wait_seconds: float) -> bool:
    """Show a finished bind's outcome (result, re-read bindings, edits of bound rows dropped); False while the
    batch on its way has still not ended after `wait_seconds`."""
    oid = onboarding.onboarding_id
    job: BindJob | None = st.session_state.get(_key("job", oid))
    if job is None:
        return True
    if not job.done.is_set():
        with st.spinner("Stopping: the batch on its way finishes, then nothing more is sent…"):
            job.done.wait(wait_seconds)
        if not job.done.is_set():
            return False
    st.session_state.pop(_key("job", oid), None)
    if job.result is None:  # nothing was sent (another org's onboarding): nothing to show
        return True
    if job.locations is not None and inputs(oid) is not None:
        _use_locations(console, onboarding, job.locations)
    set_result(oid, job.result)
    forget_rows(oid, job.succeeded)
    return True


def last_result(onboarding_id: str) -> dict[str, Any] | None:
    """The last bind or retry: {"outcomes": [...], "pairs": [...], "retry": bool}."""
    return st.session_state.get(_key("result", onboarding_id))


def set_result(onboarding_id: str, result: dict[str, Any]) -> None:
    """Keep the last bind's outcomes for the page."""
    st.session_state[_key("result", onboarding_id)] = result


def failed_pairs(onboarding_id: str) -> list[PlannedPair]:
    """The pairs of the last bind that failed (what Retry sends)."""
    result = last_result(onboarding_id)
    if not result:
        return []
    failed = {o["pos_location_id"] for o in result["outcomes"] if not o["ok"]}
    return [PlannedPair.from_dict(p) for p in result["pairs"] if p["pos_location_id"] in failed]


def failed_messages(onboarding_id: str) -> dict[str, str]:
    """POS id -> why its last bind failed."""
    result = last_result(onboarding_id)
    if not result:
        return {}
    return {o["pos_location_id"]: o["message"] or "" for o in result["outcomes"] if not o["ok"]}


def batch_size(default: int) -> int:
    """Pairs per bind request (session override for tests, else default)."""
    value = st.session_state.get(BATCH_SIZE_KEY)
    return int(value) if value else default
