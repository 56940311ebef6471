"""Deciding who is acting: signed-in people, the local operator, and the cases that end at a refusal."""

from __future__ import annotations

from lib.access import LOCAL_OPERATOR, AccessSettings, Gate, Role, identify

AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "s", "client_id": "c"}
ROLES = {"account_managers": ["am@example.com"], "analyst_domains": ["example.com"]}
SIGNED_IN = AccessSettings.from_config({"auth": AUTH, "roles": ROLES})
LOCAL = AccessSettings.from_config({"roles": ROLES})


def test_signed_in_person_gets_their_configured_role() -> None:
    who = identify(SIGNED_IN, {"is_logged_in": True, "email": "am@example.com"})
    assert (who.gate, who.actor, who.role, who.signed_in, who.local) == (
        Gate.OPEN,
        "am@example.com",
        Role.ACCOUNT_MANAGER,
        True,
        False,
    )


def test_domain_member_is_an_analyst() -> None:
    assert identify(SIGNED_IN, {"is_logged_in": True, "email": "x@example.com"}).role is Role.ANALYST


def test_unknown_person_is_in_but_has_no_role_and_a_reason() -> None:
    who = identify(SIGNED_IN, {"is_logged_in": True, "email": "x@elsewhere.example"})
    assert who.gate is Gate.OPEN and who.role is None
    assert who.problem == "x@elsewhere.example has no role in this console yet."


def test_unverified_email_gets_no_role_even_in_a_listed_domain() -> None:
    who = identify(SIGNED_IN, {"is_logged_in": True, "email": "x@example.com", "email_verified": False})
    assert who.role is None and "not verified" in (who.problem or "")


def test_missing_email_claim_gets_no_role() -> None:
    who = identify(SIGNED_IN, {"is_logged_in": True, "sub": "abc"})
    assert who.role is None and "email" in (who.problem or "")


def test_nobody_signed_in_with_auth_configured_must_sign_in() -> None:
    for user in ({}, {"is_logged_in": False}, {"email": "am@example.com"}):
        who = identify(SIGNED_IN, user)
        assert who.gate is Gate.SIGN_IN and who.role is None


def test_without_auth_the_local_operator_is_admin() -> None:
    who = identify(LOCAL, {"email": "test@example.com"})  # AppTest's default user is not logged in
    assert (who.gate, who.actor, who.role, who.local) == (Gate.OPEN, LOCAL_OPERATOR, Role.ADMIN, True)


def test_local_role_setting_applies_to_the_local_operator() -> None:
    settings = AccessSettings.from_config({"access": {"local_role": "analyst"}})
    assert identify(settings, {}).role is Role.ANALYST


def test_require_login_without_auth_refuses() -> None:
    settings = AccessSettings.from_config({"access": {"require_login": True}})
    assert identify(settings, {}).gate is Gate.LOGIN_REQUIRED
