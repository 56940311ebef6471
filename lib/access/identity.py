"""Who is at the keyboard and with which role, decided from the sign-in claims and the access settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from lib.access.roles import Role
from lib.access.settings import AccessSettings

LOCAL_OPERATOR = "local operator"


class Gate(StrEnum):
    """What the page must do before anything else."""

    OPEN = "open"  # go on (a None role still ends at the "ask an admin" page)
    SIGN_IN = "sign_in"  # sign-in is configured and nobody is signed in
    LOGIN_REQUIRED = "login_required"  # require_login is set but no [auth] section is configured


@dataclass(frozen=True)
class Identity:
    """The person (or the single local operator), their role, and why they have none when they have none."""

    gate: Gate
    actor: str
    role: Role | None
    signed_in: bool
    local: bool
    problem: str | None = None


def identify(settings: AccessSettings, user: Mapping[str, Any] | None) -> Identity:
    """Decide the identity from st.user's claims; never from anything a session can set."""
    user = user or {}
    if user.get("is_logged_in") is True:
        email = str(user.get("email") or "").strip()
        if not email:
            return Identity(
                Gate.OPEN,
                str(user.get("sub") or "unknown"),
                None,
                signed_in=True,
                local=False,
                problem="Your identity provider did not share your email address, which the console needs.",
            )
        if user.get("email_verified") is False:
            # A domain rule must not hand a role to an address nobody proved they own.
            return Identity(
                Gate.OPEN,
                email,
                None,
                signed_in=True,
                local=False,
                problem=f"Your identity provider says {email} is not verified yet.",
            )
        role = settings.role_of(email)
        problem = None if role else f"{email} has no role in this console yet."
        return Identity(Gate.OPEN, email, role, signed_in=True, local=False, problem=problem)
    if settings.sign_in:
        return Identity(Gate.SIGN_IN, "", None, signed_in=False, local=False)
    if settings.require_login:
        return Identity(Gate.LOGIN_REQUIRED, "", None, signed_in=False, local=False)
    return Identity(Gate.OPEN, LOCAL_OPERATOR, settings.local_role, signed_in=False, local=True)
