"""Per-page wiring: page config, the shared API client and records, and the sidebar."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from lib.access import Action, Role
from lib.connect import ApiTarget, resolve_target
from lib.connect import open_client as _open_client
from lib.settings import ConsoleSettings, SettingsError, load_settings
from lib.store import Records
from lib.stream.client import StreamClient
from lib.ui import warmup
from lib.ui.access import admit, console_secrets, render_access_sidebar, require_page, warn_if_open
from lib.ui.nav import CURRENT_ORG_KEY, ORG_PARAM
from lib.ui.text import md

UNKNOWN_ORG_WARNING = (
    "The address names an organization this console does not know, so it is not used: choose the "
    "organization to work on in the sidebar."
)


@dataclass(frozen=True)
class Console:
    """What every page needs: the API target and client, the records, who is acting, the current org."""

    target: ApiTarget
    client: StreamClient
    records: Records
    actor: str
    org_id: str | None
    role: Role | None = None  # for display; actions check the role afresh (lib/ui/access.allowed)


def console_settings() -> ConsoleSettings:
    """The settings from the environment, then st.secrets (honouring --secrets.files)."""
    return load_settings(secrets=console_secrets())


@st.cache_resource(show_spinner="Starting the sandbox API…")
def _target() -> ApiTarget:
    return resolve_target(console_settings())


@st.cache_resource(show_spinner=False)
def _client(base_url: str, client_id: str, _target: ApiTarget) -> StreamClient:
    # One client per API for the whole process: its token is shared by every session (thread-safe).
    return _open_client(_target, console_settings())


@st.cache_resource(show_spinner=False)
def _records(url: str) -> Records:
    return Records(url)


def get_target() -> ApiTarget:
    """The API this console talks to (the embedded sandbox when none is configured)."""
    return _target()


def get_client() -> StreamClient:
    """The process-wide API client for the current target."""
    target = get_target()
    return _client(target.base_url, target.client_id, target)


def get_records() -> Records:
    """The console's own records (orgs, onboardings, OAuth states, audit log)."""
    return _records(console_settings().records_url)


def page_setup(title: str, icon: str = "🧭", requires: Action = Action.VIEW) -> Console:
    """Start a page: config, sign-in and role gate, client, records, sidebar. Call first on every page.

    `requires` is the action the page needs (Action.VIEW: every role); people who may not get a refusal.
    """
    st.set_page_config(page_title=f"{title} · Onboarding Console", page_icon=icon, layout="wide")
    warmup.start()
    try:
        console_settings()
    except SettingsError as exc:  # a bad setting is one sentence naming it, before anything uses it
        st.error(str(exc), icon="⚙️")
        st.stop()
    identity = admit()  # the sign-in and "ask an admin" pages end the run here, before any API or records use
    try:
        target = get_target()
        client = get_client()
    except ValueError as exc:  # misconfiguration (SettingsError is one): say what to fix, not a traceback
        st.error(md(exc), icon="⚠️")
        st.stop()
    records = get_records()
    console = Console(
        target=target,
        client=client,
        records=records,
        actor=identity.actor,
        org_id=_current_org(records),
        role=identity.role,
    )
    from lib.ui.sidebar import render_sidebar  # late import: sidebar uses Console

    render_sidebar(console)
    render_access_sidebar(identity)
    warn_if_open(identity, target)
    require_page(identity, requires)
    return console


def _current_org(records: Records) -> str | None:
    """The org in the address (?org=), else this session's choice, else None; never a guess.

    The choice lives in a plain session-state key that no widget owns (a widget's key is dropped when the
    person moves to another page), and is mirrored in the address so a copied link or a reload after a
    server restart opens the same org.
    """
    in_url = st.query_params.get(ORG_PARAM)
    if in_url:
        if records.get_org(in_url) is not None:
            st.session_state[CURRENT_ORG_KEY] = in_url
            return in_url
        st.warning(UNKNOWN_ORG_WARNING, icon="⚠️")
    chosen = st.session_state.get(CURRENT_ORG_KEY)
    if chosen and records.get_org(chosen) is None:
        chosen = None
        st.session_state.pop(CURRENT_ORG_KEY, None)
    _show_in_url(chosen)
    return chosen


def _show_in_url(org_id: str | None) -> None:
    if org_id is None:
        st.query_params.pop(ORG_PARAM, None)
    elif st.query_params.get(ORG_PARAM) != org_id:
        st.query_params[ORG_PARAM] = org_id


def set_current_org(org_id: str) -> None:
    """Make org_id the current organization for this session (and put it in the address).

    The sidebar selector shows the new org from the next run: call st.rerun() unless this runs in a callback.
    """
    st.session_state[CURRENT_ORG_KEY] = org_id
    _show_in_url(org_id)
