"""Sign-in and roles in the pages: the gate every page passes, disabled buttons, and the action-level check.

The role is always worked out again from st.user and the configuration (never read from session state), so
a crafted session state or rerun cannot act with more rights than the person has.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import streamlit as st

from lib.access import (
    DEFAULT_PROVIDER,
    AccessConfigError,
    AccessSettings,
    Action,
    Gate,
    Identity,
    Role,
    can,
    identify,
    refusal,
)
from lib.connect import ApiTarget
from lib.settings import SettingsError, load_settings
from lib.ui.text import md

log = logging.getLogger(__name__)

OPEN_CONSOLE_WARNING = (
    "Sign-in is not configured, so this console — and the partner credentials it holds for {api} — "
    "is open to anyone who can reach it. Configure sign-in ([auth] in .streamlit/secrets.toml) before "
    "sharing it; [access] require_login = true refuses to serve pages until you do."
)


def console_secrets() -> dict[str, Any]:
    """st.secrets as a plain dict; {} when no secrets file exists, an error when one exists but is broken."""
    try:
        return st.secrets.to_dict()
    except Exception as exc:  # Streamlit raises its own error for "no file" and for "cannot parse"
        files = st.get_option("secrets.files") or []
        if any(Path(str(f)).is_file() for f in files):
            # Fail closed: a broken file must not silently turn sign-in off.
            problem = f"The secrets file could not be read ({type(exc).__name__}): fix it."
            raise AccessConfigError(problem) from exc
        return {}


def access_settings() -> AccessSettings:
    """The access settings from st.secrets ([auth], [access], [roles]) and CONSOLE_REQUIRE_LOGIN."""
    secrets = console_secrets()
    try:
        require_login = load_settings(secrets=secrets).console_require_login
    except SettingsError as exc:  # fail closed: a bad CONSOLE_REQUIRE_LOGIN must not turn sign-in off
        raise AccessConfigError(str(exc)) from None
    return AccessSettings.from_config(secrets, require_login=require_login)


def _user_claims() -> dict[str, Any]:
    try:
        return dict(st.user.to_dict())
    except Exception:  # no script-run context (imported outside a page)
        return {}


def current_identity() -> Identity:
    """Who is acting now, worked out afresh from st.user and the configuration."""
    return identify(access_settings(), _user_claims())


def current_role() -> Role | None:
    """The acting person's role right now (None: no role)."""
    try:
        return current_identity().role
    except AccessConfigError:
        return None


# ----- the gate -----
# Sign-in and refusal pages show nothing but themselves: they end the run before the sidebar (and its page
# menu, lib/ui/nav.py) is drawn, and Streamlit's own menu is off (client.showSidebarNavigation = false).


def _sign_in_page(settings: AccessSettings) -> None:
    st.title("Sign in")
    st.write(
        "The Onboarding Console holds partner credentials that create merchants and bind their stores, "
        "so it needs to know who you are. Sign in with your company account."
    )
    for provider in settings.providers or (DEFAULT_PROVIDER,):
        label = "Sign in" if provider == DEFAULT_PROVIDER else f"Sign in with {provider.title()}"
        if st.button(label, type="primary", key=f"sign_in_{provider}"):
            st.login(None if provider == DEFAULT_PROVIDER else provider)
    st.stop()


def _login_required_page() -> None:
    st.title("Sign-in required")
    st.error(
        "This console is set to require sign-in ([access] require_login, or CONSOLE_REQUIRE_LOGIN), but no "
        "sign-in provider is configured, so it serves no pages. An admin must add an [auth] section to "
        ".streamlit/secrets.toml (see .streamlit/secrets.toml.example).",
        icon="🔒",
    )
    st.stop()


def sign_out_button(key: str = "sign_out") -> None:
    """A Sign out button that ends the Streamlit session and the provider's session."""
    if st.button("Sign out", key=key, icon=":material/logout:"):
        st.logout()
        st.stop()  # render nothing more for a person who just signed out; the browser is being redirected


def _no_role_page(identity: Identity) -> None:
    st.title("Ask an admin for access")
    st.warning(md(identity.problem or "You have no role in this console yet."), icon="🔑")
    st.write(
        f"You are signed in as **{md(identity.actor)}**. The console's admins give people a role "
        "(analyst, account manager or admin) by email or by email domain in its settings. "
        "Send them the address above and ask for the role you need."
    )
    sign_out_button(key="sign_out_no_role")
    st.stop()


def admit() -> Identity:
    """Let the person in, or end the run on the sign-in, sign-in-required or "ask an admin" page."""
    try:
        settings = access_settings()
    except AccessConfigError as exc:
        st.error(f"The console's access settings are wrong, so it serves no pages: {md(exc)}", icon="🔒")
        st.stop()
    identity = identify(settings, _user_claims())
    if identity.gate is Gate.SIGN_IN:
        _sign_in_page(settings)
    if identity.gate is Gate.LOGIN_REQUIRED:
        _login_required_page()
    if identity.role is None:
        _no_role_page(identity)
    return identity


def render_access_sidebar(identity: Identity) -> None:
    """The person's role, and Sign out (signed in) or the single-operator note (no sign-in)."""
    with st.sidebar:
        # The shared sidebar already says "Acting as <who>"; this adds the role and how the person got in.
        role = identity.role.label if identity.role else "no role"
        if identity.local:
            st.caption(f"Role: **{role}** · single local operator, no sign-in configured")
        else:
            st.caption(f"Role: **{role}** · signed in")
            sign_out_button()


def warn_if_open(identity: Identity, target: ApiTarget) -> None:
    """The banner every page shows when a real API is configured and nobody has to sign in."""
    if identity.local and not target.is_sandbox:
        st.warning(OPEN_CONSOLE_WARNING.format(api=md(target.label)), icon="⚠️")


def require_page(identity: Identity, action: Action) -> None:
    """End the run with a refusal when the person's role may not open this page."""
    if not can(identity.role, action):
        st.error(refusal(identity.role, action), icon="🔒")
        st.stop()


# ----- actions and buttons -----


def allowed(action: Action) -> bool:
    """Check `action` against the person's role right now; when refused, say why in the page and return False.

    Call it immediately before the API call an action makes, so a crafted rerun (a button value or a
    session-state flag set by hand) is refused at the point where it would change something.
    """
    try:
        identity = current_identity()
    except AccessConfigError as exc:
        st.error(f"The console's access settings are wrong: {md(exc)}", icon="🔒")
        return False
    if can(identity.role, action):
        return True
    log.warning("refused %s for %s (role %s)", action.value, identity.actor or "nobody", identity.role)
    st.error(refusal(identity.role, action), icon="🔒")
    return False


def enforce(action: Action) -> None:
    """Like `allowed`, but ends the run on refusal: one line before an API call, no indentation change."""
    if not allowed(action):
        st.stop()


def button_state(action: Action, disabled: bool = False, help: str | None = None) -> dict[str, Any]:
    """Keyword arguments for st.button & co.: disabled with a tooltip saying why when the role may not act.

    `disabled`/`help` are the page's own reasons (e.g. nothing selected); the role's refusal wins the tooltip.
    """
    role = current_role()
    if can(role, action):
        return {"disabled": disabled, "help": help}
    return {"disabled": True, "help": refusal(role, action)}


def action_button(label: str, action: Action, **kwargs: Any) -> bool:
    """st.button, disabled for people who may not act; True only when pressed by someone who may."""
    state = button_state(action, bool(kwargs.pop("disabled", False)), kwargs.pop("help", None))
    pressed = st.button(label, **state, **kwargs)
    return pressed and allowed(action)


def action_submit(label: str, action: Action, **kwargs: Any) -> bool:
    """st.form_submit_button with the same rules as `action_button`."""
    state = button_state(action, bool(kwargs.pop("disabled", False)), kwargs.pop("help", None))
    pressed = st.form_submit_button(label, **state, **kwargs)
    return pressed and allowed(action)
