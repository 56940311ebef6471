"""Pieces of the Integrations page: starting an integration, one integration's card, the manual code form."""

from __future__ import annotations

from contextlib import suppress

import streamlit as st

from lib.access import Action
from lib.numbers import number
from lib.onboarding import actions
from lib.onboarding.checklist import STATUS_PAGE, Step
from lib.onboarding.codes import code_rejected_message
from lib.onboarding.lost import settle_start
from lib.onboarding.returns import CALLBACK_KEYS, INTEGRATIONS_PATH
from lib.onboarding.sources import ABANDONED, source_label
from lib.onboarding.statuses import integration_note
from lib.store import OnboardingRecord, WrongOrgError
from lib.stream.errors import StreamError
from lib.ui.access import action_button, action_submit
from lib.ui.badges import note_badge
from lib.ui.checklist import next_link, page_exists
from lib.ui.console_url import console_base_url
from lib.ui.context import Console
from lib.ui.feedback import error_sentence
from lib.ui.flash import flash
from lib.ui.nav import link
from lib.ui.text import md

FLASH_SLOT = "integrations"
START_ERROR_KEY = "integrations_start_error"
# How often a card waiting for OAuth consent re-reads its status: the consent usually happens in another tab.
POLL_SECONDS = 3
NO_DELETE = (
    "The Partner API has no call that deletes an integration: abandoning only marks it abandoned in the"
    " console's records (the API keeps it waiting, and a consent approved later still connects it)."
)


def forget_callback() -> None:
    """Take the OAuth return's parameters out of the address, keeping ?org=: a reload must not replay them."""
    for key in CALLBACK_KEYS:
        st.query_params.pop(key, None)


def start(
    console: Console, org_id: str, kind: str, source: str, restarting: OnboardingRecord | None = None
) -> OnboardingRecord | None:
    """Start an integration for org_id (the org the page shows) under a spinner, or start `restarting`
    again; on failure keep the sentence for start_error(org_id)."""
    key = f"{START_ERROR_KEY}:{org_id}"  # the sentence belongs to this org's page
    st.session_state.pop(key, None)
    name = source_label(source)
    try:
        with st.spinner(f"Starting the {md(name)} integration…"):
            return actions.start_integration(
                console.client,
                console.records,
                console.actor,
                org_id,
                kind,
                source,
                console_base_url(INTEGRATIONS_PATH),
                restarting=restarting,
            )
    except (StreamError, WrongOrgError) as exc:
        if isinstance(exc, StreamError) and exc.maybe_applied:  # the answer was lost: read, don't repeat
            with st.spinner(
                f"The API's answer was lost: reading this organization's {md(name)} integrations…"
            ):
                settled = settle_start(console.client, console.records, org_id, kind, source, exc)
            st.session_state[key] = settled.message
        else:
            st.session_state[key] = error_sentence(exc)
        return None


def start_error(org_id: str) -> str | None:
    """Why the start just made on this org's page failed, or what its lost answer turned out to be; shown
    once, so it goes away with the next action or page (None: nothing to say)."""
    return st.session_state.pop(f"{START_ERROR_KEY}:{org_id}", None)


def started_message(record: OnboardingRecord) -> str:
    """What to do next after starting an integration."""
    name = source_label(record.source)
    if record.entry_url:
        return f"{name} integration started: open the {name} consent page below and approve it."
    return f"{name} integration started: it needs an integration code, enter it below."


def manual_code_form(console: Console, record: OnboardingRecord) -> None:
    """The manual integration code form; what was typed stays when the API refuses it."""
    oid = record.onboarding_id
    error_key, code_key = f"manual_error_{oid}", f"manual_code_{oid}"
    with st.form(f"manual_{oid}", clear_on_submit=False):
        st.text_input(
            f"{md(source_label(record.source))} integration code",
            key=code_key,
            help="The code the provider gives for connecting this account to Stream.",
        )
        error_slot = st.empty()
        submitted = action_submit(
            "Submit code", Action.EXCHANGE_CODE, type="primary", key=f"manual_submit_{oid}"
        )
    if submitted:
        code = str(st.session_state.get(code_key) or "").strip()
        if not code:
            st.session_state[error_key] = "Type the integration code first."
        else:
            try:
                with st.spinner("Submitting the code…"):
                    updated = actions.exchange_code(
                        console.client,
                        console.records,
                        console.actor,
                        record,
                        code,
                        "manual",
                        org_id=console.org_id or "",
                    )
            except WrongOrgError as exc:
                st.session_state[error_key] = exc.user_message
            except StreamError as exc:
                st.session_state[error_key] = code_rejected_message(exc, source_label(record.source))
                # The answer may be lost after the API took the code: read what actually happened.
                settled = (
                    actions.settle_exchange(console.client, console.records, record)
                    if exc.maybe_applied
                    else None
                )
                name = source_label(record.source)
                if settled is not None and settled.status == "active":
                    st.session_state.pop(error_key, None)
                    flash(
                        FLASH_SLOT,
                        "success",
                        f"The API's answer was lost, but {name} is connected (read just now).",
                    )
                    st.rerun()
                if settled is not None:
                    st.session_state[error_key] = (
                        f"The API's answer was lost; reading {name} now shows it {settled.status}, not"
                        " connected. Check the code and submit it again."
                    )
            else:
                st.session_state.pop(error_key, None)
                name = source_label(updated.source)
                flash(FLASH_SLOT, "success", f"{name} is connected: status {updated.status}.", record.org_id)
                st.rerun()
    if st.session_state.get(error_key):
        error_slot.error(md(st.session_state[error_key]), icon="⚠️")


def _refresh(console: Console, record: OnboardingRecord) -> None:
    try:
        with st.spinner("Reading the status from the API…"):
            updated = actions.refresh_onboarding(console.client, console.records, record)
    except StreamError as exc:
        flash(FLASH_SLOT, "error", error_sentence(exc), record.org_id)
    else:
        flash(
            FLASH_SLOT,
            "info",
            f"{source_label(updated.source)} is {updated.status} (just read from the API).",
            record.org_id,
        )
    st.rerun()


def _abandon_button(console: Console, record: OnboardingRecord) -> None:
    """Drop a waiting integration from the console's view (the API cannot delete it: the help says so)."""
    name = source_label(record.source)
    if action_button(
        f"Abandon this {name} integration",
        Action.START_INTEGRATION,
        key=f"abandon_{record.onboarding_id}",
        icon=":material/block:",
        help=NO_DELETE,
    ):
        actions.abandon_integration(console.records, console.actor, record)
        flash(
            FLASH_SLOT,
            "info",
            f"{name} integration abandoned in the console's records; the API has no delete, so there it stays"
            " waiting.",
            record.org_id,
        )
        st.rerun()


def _watch_consent(console: Console, record: OnboardingRecord) -> None:
    """While the card waits for OAuth consent, re-read its status every few seconds; rerun when it changes."""

    @st.fragment(run_every=POLL_SECONDS)
    def watch() -> None:
        current = console.records.get_onboarding(record.onboarding_id) or record
        if current.status == record.status:  # the return to this console updates the records; elsewhere, ask
            with suppress(StreamError):  # keep waiting: Refresh says what went wrong when a person asks
                current = actions.refresh_onboarding(console.client, console.records, current)
        if current.status != record.status:
            st.rerun(scope="app")
        st.caption(
            f"Waiting for the approval: this card checks every {POLL_SECONDS} s and turns active by itself."
        )

    watch()


def _next_step(record: OnboardingRecord, step: Step | None) -> None:
    """The link an active integration's card ends with: whatever the org's onboarding needs next."""
    if step is None:
        if page_exists(STATUS_PAGE):
            link(STATUS_PAGE, label="Every step is done. Next: check the org's status", icon="➡️")
        return
    next_link(step)


def integration_card(console: Console, record: OnboardingRecord, next_step: Step | None = None) -> None:
    """One integration: its status badge, what to do next (from its state), a refresh, and abandon."""
    name = source_label(record.source)
    oid = record.onboarding_id
    with st.container(border=True, key=f"card_{oid}"):
        head, badge, refresh = st.columns([5, 2, 1.3], vertical_alignment="center")
        head.markdown(f"**{md(name)}** · {md(record.type.upper())}")
        note = integration_note(record.status, record.type, record.source)
        with badge:
            note_badge(note, show_step=False)
        with refresh:
            if st.button("Refresh", key=f"refresh_{oid}", icon=":material/refresh:"):
                _refresh(console, record)
        st.caption(
            f"Onboarding {md(oid)} · started by {md(record.created_by)}"
            f" on {record.created_at:%Y-%m-%d %H:%M} UTC"
            f" · updated {record.updated_at:%H:%M} UTC"
        )
        if record.status == "waiting_for_oauth" and record.entry_url:
            st.link_button(
                f"Open the {md(name)} consent page",
                record.entry_url,
                type="primary",
                icon=":material/open_in_new:",
            )
            st.caption(
                f"Approve there; {md(name)} sends the browser back to this page, which finishes the"
                " connection."
            )
            _watch_consent(console, record)
        elif record.status == "waiting_for_oauth":
            st.warning("The API gave no consent page address for this integration: start it again.", icon="⚠️")
        elif record.status == "pending":
            manual_code_form(console, record)
        elif record.status == "active":
            _next_step(record, next_step)
        elif record.status == "deprovisioned":
            st.warning(f"{md(name)} has been disconnected. Next step: {md(note.next_step)}.", icon="🔌")
            if action_button(f"Start {md(name)} again", Action.START_INTEGRATION, key=f"restart_{oid}"):
                started = start(console, console.org_id or "", record.type, record.source, record)
                if started is not None:
                    flash(FLASH_SLOT, "success", started_message(started), record.org_id)
                    st.rerun()
        elif (
            record.status != ABANDONED
        ):  # a status the console does not know: said as it is, with what to try
            st.warning(f"{name} reports the status '{note.status}'. Next step: {note.next_step}.", icon="❔")
        if record.status in ("waiting_for_oauth", "pending"):
            _abandon_button(console, record)


def earlier_attempts(records: list[OnboardingRecord]) -> None:
    """Older onboardings of the same sources, newest first, in an expander."""
    if not records:
        return
    with st.expander(f"Earlier attempts ({number(len(records))})"):
        st.dataframe(
            [
                {
                    "source": source_label(r.source),
                    "type": r.type,
                    "status": r.status,
                    "onboarding_id": r.onboarding_id,
                    "started_by": r.created_by,
                    "started": r.created_at,
                }
                for r in sorted(records, key=lambda r: r.created_at, reverse=True)
            ],
            hide_index=True,
        )
