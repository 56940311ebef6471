"""Integrations: connect the org's POS and DSPs by OAuth consent or manual code; handles the OAuth return."""

import streamlit as st

from lib.access import Action
from lib.onboarding.callback import CallbackKind, CallbackOutcome, handle_callback
from lib.onboarding.checklist import next_for
from lib.onboarding.returns import parse_callback
from lib.onboarding.sources import (
    OTHER_SOURCE,
    in_use,
    latest_by_source,
    normalize_source,
    source_keys,
    source_label,
)
from lib.ui.access import action_button, allowed
from lib.ui.context import page_setup, set_current_org
from lib.ui.flash import flash, show_flash
from lib.ui.guards import require_org
from lib.ui.home import org_checklist
from lib.ui.integrations import (
    FLASH_SLOT,
    earlier_attempts,
    forget_callback,
    integration_card,
    start,
    start_error,
    started_message,
)
from lib.ui.text import md

OUTCOME_KEY = "integrations_callback_outcome"
RETRY_KEY = "integrations_callback_retry"
CONFIRM_OTHER_KEY = "integrations_callback_confirmed"  # finish a consent someone else started
TYPE_KEY = "integrations_type"
SECOND_KEY = "integrations_second_ok"
OTHER_KEY = "integrations_other_source"
TYPE_LABELS = {"pos": "POS (point of sale)", "dsp": "DSP (delivery marketplace)"}

console = page_setup("Integrations", "🔗")
st.title("Integrations")

# ----- the browser coming back from a provider's consent page: ?state=…&code=… (or &error=…) -----
callback = parse_callback(st.query_params.to_dict())
if callback is not None:
    if not allowed(Action.EXCHANGE_CODE):
        forget_callback()
        st.stop()
    confirmed = st.session_state.pop(CONFIRM_OTHER_KEY, False)
    with st.status("Finishing the connection with the provider…", expanded=True) as status:
        st.write("Checking the one-time state and exchanging the code with the API.")
        finished = handle_callback(
            console.client, console.records, console.actor, callback, console.org_id, confirmed=confirmed
        )
        status.update(label=md(finished.message), state="complete" if finished.ok else "error")
    if finished.kind is CallbackKind.OTHER_PERSON:  # nothing consumed yet: the person decides
        st.warning(md(finished.message), icon="👥")
        finish, dismiss = st.columns(2)
        finish.button(
            "Finish it as me",
            key="callback_finish_other",
            type="primary",
            on_click=lambda: st.session_state.update({CONFIRM_OTHER_KEY: True}),
        )
        if dismiss.button("Dismiss", key="callback_dismiss_other"):
            forget_callback()
            st.rerun()
        st.stop()
    st.session_state[OUTCOME_KEY] = finished
    if finished.org_id:
        set_current_org(finished.org_id)
    forget_callback()  # a reload must not replay a one-time code (the org stays in the address)
    st.rerun()

# ----- what came of the last consent: shown once, for its own org; a retry is asked for by a callback -----
retry = st.session_state.pop(RETRY_KEY, None)
if retry is not None and retry.org_id == console.org_id and allowed(Action.START_INTEGRATION):
    record = start(console, retry.org_id, retry.type, retry.source, retry)
    if record is not None:
        flash(FLASH_SLOT, "info", started_message(record), retry.org_id)
outcome: CallbackOutcome | None = st.session_state.pop(OUTCOME_KEY, None)
if outcome is not None and outcome.org_id in (None, console.org_id):
    with st.container(border=True, key="callback_outcome"):
        if outcome.ok:
            st.success(md(outcome.message), icon="✅")
        else:
            st.error(md(outcome.message), icon="⚠️")
        failed = outcome.onboarding if outcome.can_restart else None
        if failed is not None:
            action_button(
                f"Start {md(source_label(failed.source))} again",
                Action.START_INTEGRATION,
                type="primary",
                key="callback_retry",
                on_click=st.session_state.__setitem__,
                args=(RETRY_KEY, failed),
            )

org_id = require_org(console, "integrations belong to an organization.")
org = console.records.get_org(org_id)
org_name = (org.name if org else None) or org_id
show_flash(FLASH_SLOT, org_id)

# ----- start -----
st.subheader(f"Start an integration for {md(org_name)}")
if (
    st.query_params.get("kind") in TYPE_LABELS
):  # a link that says which kind (the checklist's "Connect a DSP")
    st.session_state[TYPE_KEY] = st.query_params["kind"]
    del st.query_params["kind"]
onboardings = console.records.list_onboardings(org_id)
kind = st.radio("Kind", list(TYPE_LABELS), format_func=TYPE_LABELS.get, key=TYPE_KEY, horizontal=True)
choice = st.selectbox(
    "Source",
    [*source_keys(kind), OTHER_SOURCE],
    format_func=lambda key: "Other (type its name)…" if key == OTHER_SOURCE else source_label(key),
    key=f"integrations_source_{kind}",
)
source = (
    normalize_source(st.text_input("Source name as the API knows it", key=OTHER_KEY))
    if choice == OTHER_SOURCE
    else choice
)
if console.target.is_sandbox:
    st.caption(
        "Sandbox: Toast, Square, DoorDash and Uber Eats connect through a consent page; Clover and Grubhub "
        "take a manual code such as `SANDBOX-rosas-cantina` (SANDBOX- and a sandbox merchant's code)."
    )
doubles = in_use(onboardings, kind, source) if source else []
if doubles:
    held = ", ".join(f"{source_label(r.source)} ({r.status})" for r in doubles)
    what = "a POS integration" if kind == "pos" else f"a {source_label(source)} integration"
    st.warning(
        f"{md(org_name)} already has {md(what)}: {md(held)}. A second one is rarely wanted"
        + ("; to drop a waiting one, abandon it below" if any(r.status != "active" for r in doubles) else "")
        + ". Tick the box to start another anyway.",
        icon="⚠️",
    )
    second_ok = st.checkbox("Start a second one anyway", key=f"{SECOND_KEY}_{kind}_{source}")
else:
    second_ok = True
if action_button(
    "Start integration",
    Action.START_INTEGRATION,
    type="primary",
    key="start_integration",
    disabled=not source or not second_ok,
    help="Type the source's name first."
    if not source
    else None
    if second_ok
    else "Tick “Start a second one anyway” first.",
):
    record = start(console, org_id, kind, source)
    if record is not None:
        flash(FLASH_SLOT, "success", started_message(record), org_id)
        st.rerun()
if problem := start_error(org_id):  # the start just made failed: said once, next to the button
    st.error(md(problem), icon="⚠️")

# ----- this org's integrations: the newest per source, POS first -----
st.subheader(f"Integrations of {md(org_name)}")
if not onboardings:
    st.info("No integration yet: start the POS integration above, then the DSPs.", icon="🔗")
current, earlier = latest_by_source(onboardings)
checklist = None
if any(r.status == "active" for r in current):  # each active card points to the org's next step
    checklist, _ = org_checklist(console, org_id)
for record in current:
    integration_card(console, record, next_for(checklist, record) if checklist else None)
earlier_attempts(earlier)
