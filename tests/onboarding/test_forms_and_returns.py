"""Form checks and the OAuth return_url: what is sent, and how the way back is read."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from lib.onboarding.actions import mask_state
from lib.onboarding.forms import (
    OrgForm,
    api_field_problem,
    api_field_problems,
    api_field_to_form,
    create_org_error,
    validate_org_form,
    validate_org_id,
)
from lib.onboarding.returns import base_url, build_return_url, parse_callback, public_base_url
from lib.stream.errors import ConflictError, FieldError, ServerError, ValidationError


def test_a_complete_form_passes_and_builds_the_guide_body() -> None:
    form = OrgForm.of(
        name=" Rosa's ", provider_id="crm-1", email="rosa@example.com", first_name="Rosa", last_name="D"
    )
    assert validate_org_form(form) == {}
    assert form.request() == {
        "name": "Rosa's",
        "provider_id": "crm-1",
        "user": {"email": "rosa@example.com", "first_name": "Rosa", "last_name": "D"},
    }


def test_missing_fields_and_a_bad_email_are_each_named() -> None:
    problems = validate_org_form(
        OrgForm.of(name="  ", provider_id=None, email="rosa@", first_name="R", last_name="")
    )
    assert set(problems) == {"name", "provider_id", "email", "last_name"}
    assert problems["name"] == "Organization name is required."
    assert "“rosa@” is not an email address" in problems["email"]


@pytest.mark.parametrize("email", ["a b@example.com", "ab@example", "@example.com", "ab@@example.com"])
def test_malformed_emails_are_refused(email: str) -> None:
    form = OrgForm.of(name="n", provider_id="p", email=email, first_name="f", last_name="l")
    assert "email" in validate_org_form(form)


def test_api_field_paths_map_to_form_fields() -> None:
    assert api_field_to_form("user.email") == "email"
    assert api_field_to_form("provider_id") == "provider_id"
    assert api_field_to_form("user.phone") is None


def test_org_ids_typed_to_add_are_checked() -> None:
    assert validate_org_id("  ") is not None
    assert validate_org_id("abc def") is not None
    assert validate_org_id("../x") is not None
    assert validate_org_id("..") is not None and validate_org_id(".") is not None  # would reach another path
    assert validate_org_id(" 6b0a5797711ae7cb2c331db5 ") is None


def test_the_return_url_points_at_the_integrations_page_with_the_state() -> None:
    url = build_return_url("http://127.0.0.1:8501/", "s t&=")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("http", "127.0.0.1:8501", "/Integrations")
    assert parse_qs(parts.query) == {"state": ["s t&="]}


def test_the_console_base_comes_from_the_browser_url_minus_the_page() -> None:
    assert base_url("http://console.example.com/Integrations", "Integrations") == "http://console.example.com"
    assert base_url("https://tools.example.com/onboarding/Integrations/", "Integrations") == (
        "https://tools.example.com/onboarding"
    )
    assert base_url("http://127.0.0.1:8600", "Integrations") == "http://127.0.0.1:8600"
    assert base_url(None, "Integrations", fallback_port=8777) == "http://localhost:8777"


def test_console_public_url_wins_over_the_browser_url() -> None:
    assert public_base_url("https://console.example.com/ ", "http://127.0.0.1:8501/Integrations") == (
        "https://console.example.com"
    )
    assert (
        public_base_url("", "http://127.0.0.1:8501/Integrations", "Integrations") == "http://127.0.0.1:8501"
    )


def test_callbacks_are_read_from_query_parameters() -> None:
    assert parse_callback({}) is None
    assert parse_callback({"other": "x"}) is None
    ok = parse_callback({"state": "s1", "code": ["old", "c1"]})
    assert ok is not None and (ok.state, ok.code, ok.denied) == ("s1", "c1", False)
    denied = parse_callback({"state": "s1", "error": "access_denied", "error_description": "No."})
    assert denied is not None and denied.denied and denied.error_description == "No."
    stateless = parse_callback({"code": "c"})
    assert stateless is not None and stateless.state is None


def test_the_state_is_masked_for_the_audit_log() -> None:
    masked = mask_state("http://127.0.0.1:8501/Integrations?state=abc123&x=1")
    assert masked == "http://127.0.0.1:8501/Integrations?state=***&x=1"


def test_an_api_complaint_about_a_field_names_the_field() -> None:
    assert (
        api_field_problem("provider_id", "is already used by another organization")
        == "The API says: your internal id (provider_id) is already used by another organization."
    )
    assert (
        api_field_problem("email", "Not a deliverable address.")
        == "The API says about the user email: Not a deliverable address."
    )


def test_a_create_conflict_says_to_change_the_provider_id_or_add_the_existing_org() -> None:
    conflict = ConflictError("An organization with provider_id 'crm-1' already exists (org_id o-1).")
    sentence = create_org_error(conflict)
    assert "provider_id 'crm-1' already exists (org_id o-1)." in sentence
    assert "Use a different provider_id" in sentence and "add that organization by its id" in sentence
    assert "Reload" not in sentence
    other = ServerError("boom", status_code=503)
    assert create_org_error(other) == other.user_message


def test_api_field_complaints_land_on_the_form_fields_they_name() -> None:
    refused = ValidationError(
        "invalid",
        details=[FieldError("user.email", "is not a valid email"), FieldError("user.phone", "too long")],
    )
    assert api_field_problems(refused) == {"email": "The API says: user email is not a valid email."}
    assert api_field_problems(ServerError("boom")) == {}
