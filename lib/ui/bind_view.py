"""Pieces of the Bind page: the summary, the editable table, the detail panel, the dialog and the results."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from lib.access import Action
from lib.binding import (
    BANDS,
    BOUND,
    DEFAULT_BATCH_SIZE,
    EDITOR_COLUMNS,
    NO_STORE,
    WITHOUT_STORE,
    BindRun,
    PairOutcome,
    PlannedPair,
    bind_and_audit,
    compare_fields,
    component_scores,
    free_stores,
    holders,
    page_candidates,
    top_choices,
)
from lib.binding.execute import BY_SOMEONE_ELSE, outcome_word
from lib.binding.frames import bound_stores
from lib.binding.safety import compare_with_current, current_bindings
from lib.numbers import count, number, part, whole
from lib.onboarding.sources import source_label
from lib.onboarding.statuses import Attention
from lib.store import OnboardingRecord, WrongOrgError
from lib.stream.errors import StreamError
from lib.ui import bind_state as state
from lib.ui.access import allowed
from lib.ui.badges import note_badge
from lib.ui.context import Console
from lib.ui.feedback import error_sentence
from lib.ui.html_table import table_html
from lib.ui.tables import filter_frame
from lib.ui.text import md

# Fixed pixel widths: the grid is a canvas, so a browser test finds a cell by adding widths (rows are 35 px).
INDEX_WIDTH = 120
# The deciding columns (up to band) add up to 972 px: they fit the 980-px grid of a 1440-px wide screen with
# the sidebar open (tests/browser/test_bind_layout_browser.py measures it); reason and check come after.
COLUMN_WIDTHS: dict[str, int] = {  # in EDITOR_COLUMNS order
    "bind": 62,  # the header "bind" whole beside its edit icon
    "status": 95,
    "pos_name": 145,
    "pos_address": 175,
    "dsp_store": 245,
    "score": 70,
    "band": 60,
    "reason": 300,
    "flag": 260,
    "re_pair": 70,
}
ROW_HEIGHT = 35
MAX_VISIBLE_ROWS = 14
# Up to this many DSP stores, the grid's store column lists every one; beyond, the candidates of the rows on
# the page (each row's pick, proposal, bound store and next-best): 5,000 store names in the column were a
# third of what the page sent. The detail panel below always lists every store.
GRID_ALL_STORES = 1000
FOUND_STORES = 50  # stores "Find any store" adds to the detail panel's list
SORT_COLUMNS = {  # what "Sort all rows by" offers on a table of several pages
    "pos_name": "POS name",
    "pos_address": "POS address",
    "status": "status",
    "score": "score",
    "band": "band",
    "bind": "bind",
    "flag": "check",
}


def render_summary(counts: Mapping[str, int]) -> None:
    """The counts on top of the screen."""
    cols = st.columns([1, 1, 1.1, 1.15, 1.05, 1.05, 1.45])  # each label whole at 1440 px
    cols[0].metric("POS locations", number(counts["pos_locations"]))
    cols[1].metric("DSP stores", number(counts["dsp_stores"]))
    cols[2].metric("Proposed · auto", number(counts["auto"]), help="Confident pairs, ticked in advance")
    cols[3].metric("Proposed · review", number(counts["review"]), help="Plausible pairs: look before ticking")
    cols[4].metric("No proposal", number(counts["none"]), help="No store matched well enough")
    cols[5].metric("Already bound", number(counts["bound"]))
    cols[6].metric(
        "Left without a store",
        number(counts["without_store"]),
        help="POS locations with no store; the filter of the same name lists them and the stores nobody has",
    )


def render_binding_states(m: state.Model, source: str) -> None:
    """Bound stores whose DSP status is not ok, each group with its badge and next step; unreadable items."""
    for sentence in m.inputs.unreadable:
        st.warning(sentence + " They are left out below.", icon="⚠️")
    groups = m.binding_groups(source)
    for note, pos_ids in groups:
        if note.attention is Attention.WAITING:
            continue  # the summary already counts pending approvals: nothing to do but wait
        shown = ", ".join(pos_ids[:5]) + (f" and {number(len(pos_ids) - 5)} more" if len(pos_ids) > 5 else "")
        with st.container(border=True, key=f"bind_state_{note.status}"):
            note_badge(note, label=count(len(pos_ids), "bound store"))
            st.caption(f"POS locations: {shown}")


def render_free_stores(table: pd.DataFrame, dsp: pd.DataFrame, search: str, key: str) -> None:
    """The DSP stores no location is paired with (shown with the "left without a store" filter)."""
    free = free_stores(table, dsp)
    shown = filter_frame(free, search)
    st.markdown("**DSP stores no location is paired with**")
    st.dataframe(
        shown.rename(columns={"provider_id": "DSP store id", "name": "DSP store", "address": "address"}),
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(shown), 320),
        key=key,
    )
    if search.strip():
        found = f"{part(len(shown), len(free), 'free store')} match the search"
    else:
        found = f"{part(len(free), len(dsp), 'DSP store')} {'is' if len(free) == 1 else 'are'} free"
    st.caption(f"{found}. Pair one with a location in its DSP store column or in the side-by-side panel.")


def _column_config(labels: Mapping[str, str]) -> dict[str, Any]:
    w = COLUMN_WIDTHS
    options = [*labels, NO_STORE]  # every store by name, then "no store" (per-row best-first: detail panel)

    def store_label(value: str | None) -> str:
        if not value or value == NO_STORE:
            return "— no store —"
        return labels.get(value, value)

    return {
        "_index": st.column_config.TextColumn("POS location id", width=INDEX_WIDTH, disabled=True),
        "bind": st.column_config.CheckboxColumn("bind", width=w["bind"], help="Tick to bind this pair"),
        "status": st.column_config.TextColumn("status", width=w["status"]),
        "pos_name": st.column_config.TextColumn("POS name", width=w["pos_name"]),
        "pos_address": st.column_config.TextColumn("POS address", width=w["pos_address"]),
        "dsp_store": st.column_config.SelectboxColumn(
            "DSP store (name — address)",
            width=w["dsp_store"],
            options=options,
            format_func=store_label,  # type: ignore[arg-type]
            required=True,
            help="The store to bind; the detail panel lists this location's best candidates first",
        ),
        "score": st.column_config.ProgressColumn(
            "score", width=w["score"], min_value=0, max_value=100, format="%.0f"
        ),
        "band": st.column_config.TextColumn("band", width=w["band"]),
        "reason": st.column_config.TextColumn("reason", width=w["reason"]),
        "flag": st.column_config.TextColumn("check", width=w["flag"], help="Why a ticked pair needs a look"),
        "re_pair": st.column_config.CheckboxColumn(
            "re-pair", width=w["re_pair"], help="For a bound location: propose a store again"
        ),
    }


def grid_stores(page: pd.DataFrame, table: pd.DataFrame, m: state.Model) -> dict[str, str]:
    """The stores the grid's store column offers for these rows (id -> label): every store, or for a merchant
    of more than GRID_ALL_STORES, the rows' own candidates."""
    if len(m.labels) <= GRID_ALL_STORES:
        return m.labels
    wanted = page_candidates(page.index, table, m.base, m.scorer)
    return {store: label for store, label in m.labels.items() if store in wanted}


def render_editor(view: pd.DataFrame, key: str, labels: Mapping[str, str], locked: bool = False) -> None:
    """The editable table of the shown rows (index: POS location id); read-only while `locked` (a bind)."""
    shown = view[list(EDITOR_COLUMNS)]
    st.data_editor(
        shown,
        key=key,
        column_config=_column_config(labels),
        column_order=list(EDITOR_COLUMNS),
        disabled=True if locked else [c for c in EDITOR_COLUMNS if c not in ("bind", "dsp_store", "re_pair")],
        hide_index=False,
        num_rows="fixed",
        row_height=ROW_HEIGHT,
        height=ROW_HEIGHT * (min(max(len(shown), 1), MAX_VISIBLE_ROWS) + 1) + 3,
        width="stretch",
    )


# A compared field's row colour by its verdict, see-through over the page's background.
VERDICT_COLOURS = {"differs": "rgba(255,43,43,.16)", "one side blank": "rgba(255,164,33,.2)"}


def render_detail(
    onboarding: OnboardingRecord, table: pd.DataFrame, view: pd.DataFrame, m: state.Model
) -> None:
    """Side by side: the chosen row's POS location and store, differences highlighted, and alternatives."""
    oid = onboarding.onboarding_id
    if view.empty:
        return
    ids = list(view.index)
    names = dict(zip(view.index, view["pos_name"], strict=True))
    pos_id = st.selectbox(
        "Compare a row side by side",
        ids,
        format_func=lambda p: f"{names[p]} ({p})",
        key=f"bind_detail_row:{oid}",
    )
    if pos_id is None:
        return
    dsp_id = str(table.at[pos_id, "dsp_store"])
    pos_row = m.scorer.pos_row(pos_id)
    left, right = st.columns([3, 2])
    with left:
        if dsp_id == NO_STORE:
            st.info("No store is chosen for this location. Pick one on the right to compare.", icon="🔎")
        else:
            explained = m.scorer.explain(pos_id, dsp_id)
            fields = compare_fields(pos_row, m.scorer.dsp_row(dsp_id), explained)
            fields = fields.rename(columns={"pos": "POS location", "dsp": "DSP store"})
            # Plain HTML, not a grid: it is redrawn on every edit, and a grid's redraw and styling cost more
            st.html(table_html(fields, row_colours=[VERDICT_COLOURS.get(v, "") for v in fields["verdict"]]))
            parts = component_scores(explained)
            st.caption(
                f"Score **{whole(table.at[pos_id, 'score'])}** ({md(table.at[pos_id, 'band'])}): "
                + ", ".join(f"{k} {'—' if v is None else v}" for k, v in parts.items())
                + f". {md(table.at[pos_id, 'reason'])}"
            )
    with right:
        rows = [
            {
                "store": m.labels.get(dsp, dsp),
                "score": whole(scored.score),
                "band": scored.band,
                "reason": scored.reason,
                "proposed for": names.get(taken, taken) if taken else "",
            }
            for dsp, scored, taken in m.scorer.alternatives(pos_id)
        ]
        st.markdown("**Alternatives**")
        if rows:
            st.html(table_html(pd.DataFrame(rows), bars={"score": 100}, wrap=True))
        else:
            st.caption("No other store came close.")
        held = holders(table)
        choices = top_choices(pos_id, table, m.base, m.scorer, m.labels, held)
        every_store = len(m.labels) <= GRID_ALL_STORES
        if not every_store:
            found = st.text_input(
                "Find any store",
                key=f"bind_detail_find:{oid}",
                placeholder="store name, address or id…",
                help=f"The list below holds this location's candidates; the {number(len(m.labels))} stores"
                " are searched here.",
            )
            choices = narrowed_choices(choices, row_candidates(pos_id, table, m), m.labels, found)

        def choice_label(store: str) -> str:
            if store == NO_STORE:
                return "— no store —"
            holder = held.get(store)
            taken = (
                f" · taken by {table.at[holder, 'pos_name'] if holder in table.index else holder} ({holder})"
                if holder and holder != pos_id
                else ""
            )
            return m.labels.get(store, store) + taken

        widget = f"bind_detail_store:{oid}:{pos_id}:{dsp_id}"  # a new widget when the pick changes elsewhere
        st.selectbox(
            "Pair this location with",
            choices,
            index=choices.index(dsp_id) if dsp_id in choices else len(choices) - 1,
            format_func=choice_label,
            key=widget,
            on_change=state.set_store,
            args=(oid, pos_id, widget),
            help="This location's free candidates first, then every free store, then the stores other"
            " locations have (each says which), then no store."
            if every_store
            else "This location's candidates and the stores found above, free ones first (a store another"
            " location has says which), then no store.",
        )


def row_candidates(pos_id: str, table: pd.DataFrame, m: state.Model) -> set[str]:
    """The stores worth offering one location: its pick, its proposal, its bound store and the next-best."""
    return page_candidates([pos_id], table, m.base, m.scorer)


def narrowed_choices(
    choices: list[str], candidates: set[str], labels: Mapping[str, str], found: str, most: int = FOUND_STORES
) -> list[str]:
    """`choices` (in their order) cut to the candidates and up to `most` stores whose label or id holds
    every word of `found`, then no store."""
    words = found.casefold().split()
    if not words:  # the usual case, on every edit: no need to build each store's text
        return [*(store for store in choices[:-1] if store in candidates), NO_STORE]
    hits = 0
    kept: list[str] = []
    for store in choices[:-1]:  # the last is NO_STORE
        text = f"{labels.get(store, '')} {store}".casefold()
        if store in candidates:
            kept.append(store)
        elif words and hits < most and all(w in text for w in words):
            kept.append(store)
            hits += 1
    return [*kept, NO_STORE]


def pairs_frame(
    pairs: list[PlannedPair], pos_addresses: Mapping[str, str], labels: Mapping[str, str]
) -> pd.DataFrame:
    """The pairs as the dialog lists them (flagged first, as given), each side with its address."""
    # Score and band before the two sides, so they are on screen when the addresses make the table scroll.
    columns = ["check", "score", "band", "POS location", "POS address", "DSP store", "DSP store address"]
    return pd.DataFrame(
        [
            {
                "check": ("⚑ " + p.flag) if p.flagged else "",
                "POS location": f"{p.pos_name} ({p.pos_location_id})",
                "POS address": pos_addresses.get(p.pos_location_id, ""),
                "DSP store": f"{p.dsp_store_name} ({p.dsp_provider_id})",
                "DSP store address": labels.get(p.dsp_provider_id, "").partition(" — ")[2],
                "score": p.score,
                "band": p.band,
            }
            for p in pairs
        ],
        columns=columns,
    )


def bind_checked(
    console: Console, onboarding: OnboardingRecord, pairs: list[PlannedPair], *, retry: bool = False
) -> str:
    """Re-read the bindings, then bind what is safe: "bound", "confirm" (replacements wait) or "failed".

    A pair that would replace a binding someone else made since the table was loaded is sent only once the
    person confirmed that replacement by name (in the dialog; a retry never replaces). Pairs whose store
    someone else took, or that someone else already bound, are not sent and are reported with the outcome.
    """
    oid = onboarding.onboarding_id
    assert console.org_id is not None
    try:
        with st.spinner("Checking the bindings at the API before sending…"):
            now = current_bindings(console.client, console.org_id, onboarding.source)
    except StreamError as exc:
        st.error(md(error_sentence(exc)), icon="⚠️")
        return "failed"
    reread = compare_with_current(pairs, now)
    confirmed = {} if retry else state.confirmed_replacements(oid)
    waiting = reread.unconfirmed(confirmed)
    if waiting and not retry:
        state.set_replacements(
            oid,
            [
                {"pos": c.pair.pos_location_id, "store": c.current_store, "message": c.replacement_message}
                for c in waiting
            ],
        )
        return "confirm"
    told = reread.outcomes() + [
        PairOutcome(
            c.pair.pos_location_id, c.pair.dsp_provider_id, False, BY_SOMEONE_ELSE, c.replacement_message
        )
        for c in waiting
    ]
    state.forget_replacements(oid)
    run_bind(console, onboarding, reread.to_send(confirmed), retry=retry, told=told, planned=pairs)
    return "bound"


def run_bind(
    console: Console,
    onboarding: OnboardingRecord,
    pairs: list[PlannedPair],
    *,
    retry: bool = False,
    told: list[PairOutcome] | None = None,
    planned: list[PlannedPair] | None = None,
) -> None:
    """Bind with a progress bar and a Stop button, audit it, keep the per-pair outcome, re-read the bindings.

    Stop (or leaving the page) interrupts the run between batches: what was sent is still audited, and the
    next run of the page shows it (bind_state.BindJob says why nothing here may call Streamlit afterwards).
    """
    oid = onboarding.onboarding_id
    if not allowed(Action.BIND):
        return
    assert console.org_id is not None
    org_id, records, client = console.org_id, console.records, console.client
    records.take_bind_lease(org_id, console.actor)
    job = state.start_job(oid)
    total = len(pairs)
    st.button(
        "Stop after this batch",
        key="bind_stop",
        icon=":material/stop_circle:",
        help="The batch on its way finishes; nothing more is sent. What was bound is kept and audited.",
    )
    bar = st.progress(0.0, text=f"{part(0, total, 'pair')} sent")
    run = BindRun()
    batch_size = state.batch_size(DEFAULT_BATCH_SIZE)

    def progress(done: int, of: int) -> None:
        records.take_bind_lease(org_id, console.actor)  # still binding: others keep seeing who
        bar.progress(done / max(of, 1), text=f"{part(done, of, 'pair')} sent")  # Stop takes effect here

    problem: list[str | None] = [None]

    def read_back() -> dict[str, str] | None:  # no Streamlit call: this may run after Stop
        try:
            job.locations = client.org_locations(org_id)
        except StreamError as exc:
            problem[0] = error_sentence(exc)
            return None
        return {p: b.dsp_provider_id for p, b in bound_stores(job.locations, onboarding.source).items()}

    wrong_org: WrongOrgError | None = None
    try:
        bind_and_audit(
            client,
            records,
            console.actor,
            org_id,
            oid,
            onboarding.source,
            pairs,
            batch_size=batch_size,
            on_progress=progress,
            retry=retry,
            run=run,
            read_back=read_back,
            told=told or [],
            planned=planned,
        )
    except WrongOrgError as exc:  # nothing was sent (and the refusal is audited): keep the edits on screen
        wrong_org = exc
    finally:  # also when Stop interrupts between batches: no Streamlit call in here (see BindJob)
        if wrong_org is None:
            job.result = {
                "outcomes": [o.to_dict() for o in run.outcomes],
                "pairs": [p.to_dict() for p in (planned or pairs)],
                "retry": retry,
                "refresh_problem": problem[0],
            }
            job.succeeded = {o.pos_location_id for o in run.succeeded}
        records.release_bind_lease(org_id, console.actor)
        job.done.set()
    state.settle_job(console, onboarding, wait_seconds=0)
    if wrong_org is not None:
        bar.empty()
        st.error(md(wrong_org.user_message), icon="⛔")
        st.stop()


def outcomes_frame(result: Mapping[str, Any]) -> pd.DataFrame:
    """One row per pair of the last bind: what happened to it."""
    names = {p["pos_location_id"]: p for p in result["pairs"]}
    rows = []
    for o in result["outcomes"]:
        pair = names.get(o["pos_location_id"], {})
        rows.append(
            {
                "outcome": outcome_word(o),
                "POS location": f"{pair.get('pos_name', '')} ({o['pos_location_id']})",
                "DSP store": f"{pair.get('dsp_store_name', '')} ({o['dsp_provider_id']})",
                "DSP status": o["status"] or "",
                "message": o["message"] or "",
            }
        )
    return pd.DataFrame(rows, columns=["outcome", "POS location", "DSP store", "DSP status", "message"])


def band_filter_options() -> list[str]:
    """The band filter's choices."""
    return [*BANDS, BOUND, WITHOUT_STORE]


def dsp_label(onboarding: OnboardingRecord) -> str:
    """'Grubhub · <id>' for a DSP onboarding."""
    return f"{source_label(onboarding.source)} · {onboarding.onboarding_id}"
