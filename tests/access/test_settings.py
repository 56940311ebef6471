"""Sign-in settings: [auth] detection, require_login (file and environment) and the local operator's role."""

from __future__ import annotations

import pytest

from lib.access import AccessConfigError, AccessSettings, Role, auth_providers

AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "not-a-real-secret",
    "client_id": "console",
    "client_secret": "x",
    "server_metadata_url": "http://127.0.0.1:9400/.well-known/openid-configuration",
}


def test_defaults_without_any_configuration() -> None:
    s = AccessSettings.from_config({})
    assert (s.sign_in, s.providers, s.require_login, s.local_role) == (False, (), False, Role.ADMIN)
    assert s.role_of("anyone@example.com") is None


def test_auth_section_turns_sign_in_on_with_the_default_provider() -> None:
    s = AccessSettings.from_config({"auth": AUTH})
    assert s.sign_in and s.providers == ("default",)


def test_named_providers_are_listed() -> None:
    auth = {"redirect_uri": AUTH["redirect_uri"], "cookie_secret": "s", "okta": {"client_id": "c"}}
    assert auth_providers(auth) == ("okta",)
    assert auth_providers({}) == ()


def test_require_login_from_file_and_environment_override() -> None:
    assert AccessSettings.from_config({"access": {"require_login": True}}).require_login
    assert AccessSettings.from_config({}, require_login=True).require_login
    assert not AccessSettings.from_config(
        {"access": {"require_login": True}}, require_login=False
    ).require_login


def test_local_role_can_be_lowered() -> None:
    assert AccessSettings.from_config({"access": {"local_role": "analyst"}}).local_role is Role.ANALYST


@pytest.mark.parametrize(
    ("config", "match"),
    [
        ({"access": {"require_login": "maybe"}}, "require_login must be true or false"),
        ({"access": {"local_role": "root"}}, "local_role"),
        ({"access": {"requirelogin": True}}, "unknown setting"),
        ({"roles": ["a@example.com"]}, r"\[roles\] must be a table"),
    ],
)
def test_mistakes_are_sentences(config: dict[str, object], match: str) -> None:
    with pytest.raises(AccessConfigError, match=match):
        AccessSettings.from_config(config)


def test_roles_are_read_from_the_same_config() -> None:
    s = AccessSettings.from_config({"auth": AUTH, "roles": {"account_managers": ["am@example.com"]}})
    assert s.role_of("AM@example.com") is Role.ACCOUNT_MANAGER
