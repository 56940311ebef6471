"""Bind: pair each POS location with its DSP store in an editable table, confirm, then bind."""

from typing import Any

import streamlit as st

from lib.access import Action
from lib.binding import WITHOUT_STORE, PlannedPair, check_table, compose, filter_view, summarize
from lib.binding.execute import BY_SOMEONE_ELSE, outcome_word
from lib.numbers import count, number, part
from lib.store import OnboardingRecord
from lib.ui import bind_state as state
from lib.ui import bind_view as view
from lib.ui.access import button_state
from lib.ui.context import Console, console_settings, page_setup
from lib.ui.guards import require_active, require_org
from lib.ui.nav import link
from lib.ui.tables import sorted_page
from lib.ui.text import md

console = page_setup("Bind", "🔗")
st.title("Bind DSP stores")
st.caption(
    "Each POS location is linked to its store on the delivery marketplace. A wrong link sends orders to the "
    "wrong kitchen: check the proposals, then confirm."
)

org_id = require_org(console)
dsps = require_active(console, org_id, "dsp")
by_id = {o.onboarding_id: o for o in reversed(dsps)}
chosen = st.selectbox(
    "DSP integration",
    list(by_id),
    format_func=lambda oid: view.dsp_label(by_id[oid]),
    key=f"bind_dsp:{org_id}",
)
onboarding = by_id[chosen]
oid = onboarding.onboarding_id
running = state.binding(oid)  # a confirmed bind runs in this run: nothing may start or change another
# After Stop, this run starts while the stopped one still finishes its batch: wait for it (one batch call and
# the read-back, each within the call deadline), then show what it did.
if not state.settle_job(console, onboarding, wait_seconds=2 * console_settings().stream_call_deadline + 5):
    st.info(
        "The bind is still finishing the batch on its way (the API answers slowly); nothing more is sent. "
        "Its outcome shows here once the batch ends.",
        icon="⏳",
    )
    st.button("Check again", key="bind_check_job", icon=":material/refresh:")
    st.stop()
lease = console.records.bind_lease(org_id)
if lease is not None and lease.holder != console.actor:
    st.warning(
        f"Being bound by {md(lease.holder)} since {lease.since:%H:%M} UTC. Their bindings show here after "
        "Refresh DSP statuses; before sending yours the console checks again and asks before replacing any.",
        icon="👥",
    )

# ----- inputs: loaded once per session (Reload re-reads them); matching is cached on them -----
if state.inputs(oid) is None and not state.load(console, onboarding):
    st.button("Try again", key="bind_retry_load")
    st.stop()
reload_col, refresh_col, reset_col = st.columns(3)  # the three tools rest while a bind runs
tool: dict[str, Any] = {"width": "stretch", "disabled": running is not None}
if reload_col.button("Reload locations and stores", key="bind_reload", icon=":material/refresh:", **tool):
    state.load(console, onboarding, fresh=True)
if refresh_col.button("Refresh DSP statuses", key="bind_refresh", icon=":material/sync:", **tool):
    problem = state.refresh_bindings(console, onboarding)
    if problem:
        st.error(md(problem), icon="⚠️")
reset_col.button("Undo my edits", key="bind_reset", on_click=state.reset_edits, args=(oid,), **tool)

loaded = state.inputs(oid)
assert loaded is not None
if loaded.pos.empty:
    st.info("This organization has no ingested POS locations yet: ingest them first.", icon="📍")
    link("pages/4_Locations.py", label="Go to Locations", icon="➡️")
    st.stop()
if loaded.dsp.empty:
    st.warning(
        f"{md(view.dsp_label(onboarding))} lists no stores for this merchant, so there is nothing to bind."
    )
    st.stop()

m = state.model(oid)
if m is None:
    st.button("Try again", key="bind_retry_model", on_click=state.forget_inputs, args=(oid,))
    st.stop()


# ----- the summary, the table, the side-by-side and the review button: an edit reruns only these -----
# (a tick in a 200-row editor reran the whole page, sidebar and reads included: 0.4-0.6 s to show)
@st.fragment
def bind_table(m: state.Model, running: list[PlannedPair] | None) -> None:
    """Everything an edit of the table changes, from the counts on top to the review button."""
    state.fold_editor_edits(oid)
    table = compose(m.base, state.edits(oid), m.scorer, m.labels, state.failed_messages(oid), m.unedited)

    # ----- summary -----
    view.render_summary(summarize(table, m.base, len(m.inputs.dsp)))
    view.render_binding_states(m, onboarding.source)

    # ----- the table -----
    st.subheader("Proposed pairs")
    f_band, f_search = st.columns([3, 2])  # the five band pills on one line at 1440 px
    bands = list(
        f_band.pills(
            "Band", view.band_filter_options(), selection_mode="multi", key=f"bind_bands:{oid}", default=None
        )
        or []
    )
    search = (
        f_search.text_input("Search", key=f"bind_search:{oid}", placeholder="POS or store name, address, id…")
        or ""
    )
    keep = state.kept_rows(oid, bands, search)  # an edited row stays until the filter changes
    shown = filter_view(table, bands, search, keep)
    page = sorted_page(shown, f"bind_rows:{oid}", view.SORT_COLUMNS)  # the editor gets one page of rows
    page_ids = [str(i) for i in page.index]
    key = state.editor_key(oid, bands, search, page_ids)
    state.remember_view(oid, key, page_ids)
    state.remember_shown(oid, bands, search, [str(i) for i in shown.index])
    view.render_editor(
        state.stable_editor_data(oid, key, page),
        key,
        view.grid_stores(page, table, m),
        locked=running is not None,
    )
    st.caption(
        f"{part(len(shown), len(table), 'POS location')} shown · {number(int(table['bind'].sum()))} ticked. "
        "Pick another store in the DSP store column or in the detail panel below; tick re-pair to propose a "
        "store again for a bound location."
    )
    if WITHOUT_STORE in bands:
        view.render_free_stores(table, m.inputs.dsp, search, key=f"bind_free_stores:{oid}")

    # ----- detail -----
    with st.expander("Side by side", expanded=True):
        view.render_detail(onboarding, table, page, m)

    # ----- check, then confirm -----
    check = check_table(table, m.base, m.labels, m.pairs_memo)
    for duplicate in check.duplicates:
        st.error(md(duplicate.message), icon="⛔")
    for problem in check.problems:
        st.error(md(problem), icon="⛔")
    if sentence := check.second_look():
        st.warning(sentence, icon="🚩")
    n, reason = len(check.pairs), check.not_ready()
    if running is not None:
        n, reason = len(running), "A bind is running: wait for its result."
    if st.button(
        f"Binding {count(n, 'pair')}…" if running else f"Review and bind {count(n, 'pair')}",
        key="bind_review",
        type="primary",
        on_click=state.open_confirmation,
        args=(oid, check.pairs),
        **button_state(Action.BIND, disabled=reason is not None, help=reason),
    ):
        st.rerun()  # the confirmation dialog belongs to the whole page, not to this fragment


bind_table(m, running)
if running is not None:
    # Cleared first: a bind interrupted by a rerun must not start again by itself with the same pairs.
    state.finish_binding(oid)
    # Read the bindings again first: what someone else bound since the table was loaded is not replaced
    # unless the person confirms it by name (the dialog opens again to ask).
    checked = view.bind_checked(console, onboarding, running)
    if checked == "confirm":
        state.open_confirmation(oid, running)
    if checked != "failed":  # a failed re-read leaves its sentence on the page
        st.rerun()


def _dismissed() -> None:
    state.close_confirmation(oid)  # closing the dialog with Esc or ✕ is a Cancel
    state.forget_replacements(oid)


@st.dialog("Confirm binding", width="large", on_dismiss=_dismissed)
def confirm(
    console: Console, onboarding: OnboardingRecord, pos_addresses: dict[str, str], labels: dict[str, str]
) -> None:
    """Exactly the pairs that will be bound, flagged ones first; Confirm binds them, Cancel binds nothing."""
    pairs = state.pending(onboarding.onboarding_id) or []
    flagged = sum(p.flagged for p in pairs)
    st.markdown(
        f"**{count(len(pairs), 'pair')}** will be bound on **{md(view.dsp_label(onboarding))}**."
        + (
            f" **{number(flagged)} flagged** ⚑ {'is' if flagged == 1 else 'are'} listed first."
            if flagged
            else ""
        )
    )
    st.dataframe(
        view.pairs_frame(pairs, pos_addresses, labels),
        hide_index=True,
        width="stretch",
        column_config={
            "score": st.column_config.ProgressColumn(
                "score", width=90, min_value=0, max_value=100, format="%.0f"
            )
        },
        key="bind_confirm_pairs",
    )
    replacing = state.replacements(onboarding.onboarding_id)
    if replacing:
        st.warning(
            md(
                f"Since you loaded the table, someone else bound {number(len(replacing))} of these "
                f"{'location' if len(pairs) == 1 else 'locations'}. "
                "Confirming replaces their bindings:"
            )
            + "".join(f"\n- {md(r['message'])}" for r in replacing),
            icon="⚠️",
        )
    cancel_col, confirm_col = st.columns(2)
    if cancel_col.button("Cancel", key="bind_cancel", width="stretch"):
        state.close_confirmation(onboarding.onboarding_id)
        state.forget_replacements(onboarding.onboarding_id)
        st.rerun()
    replace_words = f"replace {number(len(replacing))} and " if replacing else ""
    if confirm_col.button(
        f"Confirm: {replace_words}bind {count(len(pairs), 'pair')}",
        key="bind_confirm",
        type="primary",
        width="stretch",
        **button_state(Action.BIND),
    ):
        # The bind runs on the page, under its disabled button, with progress (a dialog is a fragment: the
        # whole page must run again to show that).
        state.start_binding(onboarding.onboarding_id, pairs)
        st.rerun()


if state.pending(oid) is not None:
    confirm(console, onboarding, m.base["pos_address"].to_dict(), m.labels)

# ----- the last bind's per-pair outcome, and a retry of only the failed pairs -----
result = state.last_result(oid)
if result is not None:
    st.subheader("Last retry" if result["retry"] else "Last bind")
    outcomes = result["outcomes"]
    words = [outcome_word(o) for o in outcomes]  # the outcome column's words
    unsent = words.count("not sent")  # Stop (or leaving) came first
    failed = [o for o, w in zip(outcomes, words, strict=True) if w in ("failed", "unknown")]
    bound_now = words.count("bound")
    if unsent:
        st.warning(
            f"Stopped: {part(bound_now, len(outcomes), 'pair')} bound"
            + (f", {number(len(failed))} failed" if failed else "")
            + f", {number(unsent)} not sent. Nothing more is sent: the pairs not sent are kept, send "
            "them when you are ready (what was bound is not sent again).",
            icon="⏹️",
        )
    elif failed:
        st.error(
            f"{part(bound_now, len(outcomes), 'pair')} bound, {number(len(failed))} failed: "
            f"{md(failed[0]['message'])} "
            "The failed pairs are kept: retry them when the API answers (what was bound is not sent again).",
            icon="⚠️",
        )
    else:
        st.success(
            f"All {count(len(outcomes), 'pair')} bound." if len(outcomes) != 1 else "The pair is bound.",
            icon="✅",
        )
    others = [o for o in outcomes if o["status"] == BY_SOMEONE_ELSE]
    if others:
        names = {p["pos_location_id"]: p["pos_name"] for p in result["pairs"]}
        listed = ", ".join(f"{names.get(o['pos_location_id'], '')} ({o['pos_location_id']})" for o in others)
        st.warning(
            md(
                f"Someone else bound {number(len(others))} of these "
                f"{'location' if len(outcomes) == 1 else 'locations'} since you loaded the table: {listed}."
            ),
            icon="👥",
        )
    if result.get("refresh_problem"):
        st.warning(
            f"The bind ran, but the statuses could not be re-read: {md(result['refresh_problem'])}", icon="⚠️"
        )
    st.dataframe(view.outcomes_frame(result), hide_index=True, width="stretch", key=f"bind_outcomes:{oid}")
    retry = state.failed_pairs(oid)
    if retry and st.button(
        f"Send the {count(len(retry), 'pair')} not bound yet"
        if unsent
        else f"Retry the {count(len(retry), 'failed pair')}",
        key="bind_retry_failed",
        icon=":material/replay:",
        **button_state(Action.BIND),
    ):
        checked = view.bind_checked(console, onboarding, retry, retry=True)
        if checked != "failed":  # a failed re-read leaves its sentence on the page
            st.rerun()
