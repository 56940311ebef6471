"""Error mapping: status to type, the server's message and field details, and the sentence shown to people."""

from __future__ import annotations

import httpx
import pytest

from lib.stream import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    ConflictError,
    FieldError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    StreamError,
    UnexpectedResponseError,
    ValidationError,
)
from lib.stream.client import CREATE_ORG
from lib.stream.errors import error_from_response
from lib.stream.models import CreateOrgRequest, OrgUser
from tests.stream.fakes import FakeApi

NEW_ORG = CreateOrgRequest(
    name="Blue Bottle", provider_id="crm-1", user=OrgUser(email="not-an-email", first_name="A", last_name="B")
)


def _error(status: int, body: object = None, **kwargs: object) -> StreamError:
    response = (
        httpx.Response(status, json=body, **kwargs) if body is not None else httpx.Response(status, **kwargs)
    )
    return error_from_response(response, endpoint="POST /onboarding/org", operation=CREATE_ORG)


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, ValidationError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, ValidationError),
        (429, RateLimitError),
        (500, ServerError),
        (503, ServerError),
        (418, APIStatusError),
    ],
)
def test_each_status_becomes_its_error_type_with_status_message_and_endpoint(
    status: int, kind: type[StreamError]
) -> None:
    error = _error(status, {"message": "the server says no"})
    assert type(error) is kind
    assert isinstance(error, APIStatusError) and not isinstance(error, APIConnectionError)
    assert error.status_code == status
    assert error.message == "the server says no"
    assert error.endpoint == "POST /onboarding/org"
    assert "POST /onboarding/org" in str(error) and "the server says no" in str(error)


def test_fastapi_style_field_errors_give_the_example_sentence() -> None:
    error = _error(
        422,
        {"detail": [{"loc": ["body", "user", "email"], "msg": "is not a valid email address", "type": "x"}]},
    )
    assert isinstance(error, ValidationError)
    assert error.details == [FieldError("user.email", "is not a valid email address")]
    assert error.user_message == (
        "The API rejected the organization: user.email: is not a valid email address."
        " Correct the field and try again."
    )


@pytest.mark.parametrize(
    "body",
    [
        {"message": "Invalid organization", "details": [{"field": "name", "message": "is required"}]},
        {
            "error": {
                "message": "Invalid organization",
                "details": [{"field": "name", "message": "is required"}],
            }
        },
        {"message": "Invalid organization", "errors": {"name": "is required"}},
    ],
)
def test_field_details_are_read_from_the_common_error_shapes(body: dict) -> None:
    error = _error(400, body)
    assert error.message == "Invalid organization"
    assert error.details == [FieldError("name", "is required")]
    assert "name: is required" in error.user_message


def test_an_html_error_page_is_not_pasted_into_the_message() -> None:
    error = _error(502, None, text="<html><body><h1>502 Bad Gateway</h1></body></html>")
    assert error.message == "Bad Gateway"
    assert "<html>" not in error.user_message


def test_plain_text_error_bodies_are_kept() -> None:
    assert _error(500, None, text="database unavailable").message == "database unavailable"


def test_conflict_and_not_found_say_what_to_do() -> None:
    assert "Reload the current state" in _error(409, {"message": "already bound"}).user_message
    assert "Check that the id is right" in _error(404, {"message": "no such org"}).user_message


def test_rate_limit_carries_retry_after() -> None:
    error = _error(429, {"message": "slow down"}, headers={"Retry-After": "7"})
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 7
    assert "Wait 7 seconds" in error.user_message


def test_a_validation_error_from_the_server_reaches_the_caller_typed() -> None:
    api = FakeApi()
    api.bodies[("POST", "/onboarding/org")] = lambda request: httpx.Response(
        422,
        json={"message": "Invalid input", "details": [{"field": "user.email", "message": "is not valid"}]},
    )
    with api.client() as client, pytest.raises(ValidationError) as caught:
        client.create_org(NEW_ORG)
    assert caught.value.details == [FieldError("user.email", "is not valid")]
    assert api.count("POST", "/onboarding/org") == 1


def test_malformed_json_in_a_success_is_an_unexpected_response_error() -> None:
    api = FakeApi()
    api.bodies[("GET", "/onboarding/org/o/locations")] = lambda request: httpx.Response(
        200, text='{"locations": [', headers={"Content-Type": "application/json"}
    )
    with api.client() as client, pytest.raises(UnexpectedResponseError) as caught:
        client.org_locations("o")
    assert "not valid JSON" in caught.value.message
    assert caught.value.status_code == 200
    assert "could not read" in caught.value.user_message


def test_a_success_with_the_wrong_shape_is_an_unexpected_response_error_that_echoes_no_values() -> None:
    api = FakeApi()
    api.bodies[("POST", "/onboarding/org")] = {"organization": "secret-looking-value-123"}
    with api.client() as client, pytest.raises(UnexpectedResponseError) as caught:
        client.create_org(
            NEW_ORG.model_copy(update={"user": OrgUser(email="a@b.co", first_name="A", last_name="B")})
        )
    assert "org_id" in caught.value.message
    assert "secret-looking-value-123" not in str(caught.value)
    assert caught.value.maybe_applied  # a 2xx to a create: the org probably exists


def test_a_403_is_caught_as_an_authentication_error_and_says_what_scope_is_missing() -> None:
    error = _error(403, {"message": "insufficient scope"})
    assert isinstance(error, AuthenticationError)
    assert "'onboarding' scope" in error.user_message


@pytest.mark.parametrize("header", ["x-request-id", "Request-Id"])
def test_the_apis_request_id_is_kept_on_the_error_and_in_its_text(header: str) -> None:
    error = _error(409, {"message": "already bound"}, headers={header: "req_8f3a"})
    assert error.request_id == "req_8f3a"
    assert "request id req_8f3a" in str(error)
    assert error.user_message.count(". ") <= 2 and "req_8f3a" not in error.user_message
    assert _error(409, {"message": "already bound"}).request_id is None


def test_a_request_id_is_printable_text_of_bounded_length() -> None:
    error = _error(500, {"message": "boom"}, headers={"x-request-id": "a\x1bb" + "c" * 500})
    assert (
        error.request_id is not None and error.request_id.startswith("abc") and len(error.request_id) == 128
    )


@pytest.mark.parametrize(("answer", "expected"), [("not json", "req_text"), ('{"org": []}', "req_shape")])
def test_an_unreadable_2xx_keeps_its_request_id(answer: str, expected: str) -> None:
    api = FakeApi()
    api.bodies[("POST", "/onboarding/org")] = lambda request: httpx.Response(
        201, text=answer, headers={"x-request-id": expected}
    )
    with api.client() as client, pytest.raises(UnexpectedResponseError) as caught:
        client.create_org(NEW_ORG)
    assert caught.value.request_id == expected
