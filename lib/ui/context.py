"""Per-page wiring: page config, the shared API client and records, and the sidebar."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.errors import StreamlitAPIException

from lib.access import Action, Role
from lib.connect import ApiTarget, resolve_target
from lib.connect import open_client as _open_client
from lib.settings import ConsoleSettings, SettingsError, load_settings
from lib.store import Records
from lib.stream.client import StreamClient
from lib.ui.access import admit, console_secrets, render_access_sidebar, require_page, warn_if_open
from lib.ui.text import md

CURRENT_ORG_KEY = "current_org_id"
NEXT_ORG_KEY = "next_org_id"


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
    """The org chosen in this session, else the newest one the console knows."""
    pending = st.session_state.pop(NEXT_ORG_KEY, None)
    if pending:  # chosen after the sidebar selector was drawn in an earlier run: apply before it is redrawn
        st.session_state[CURRENT_ORG_KEY] = pending
        return pending
    org_id = st.session_state.get(CURRENT_ORG_KEY)
    if org_id:
        return org_id
    orgs = records.list_orgs()
    if orgs:
        newest = max(orgs, key=lambda o: o.created_at)
        st.session_state[CURRENT_ORG_KEY] = newest.org_id
        return newest.org_id
    return None


def set_current_org(org_id: str) -> None:
    """Make org_id the current organization for this session.

    Once the sidebar selector has been drawn in this run its value cannot change until the next run: then the
    choice is kept for the next run, and the caller should st.rerun() to show it.
    """
    try:
        st.session_state[CURRENT_ORG_KEY] = org_id
    except StreamlitAPIException:
        st.session_state[NEXT_ORG_KEY] = org_id
