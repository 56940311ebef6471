"""The retry policy through a StreamClient on httpx.MockTransport: what is retried, how long it waits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from lib.stream import (
    APIConnectionError,
    APITimeoutError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    ValidationError,
)
from lib.stream.models import BindPair, CreateIntegrationRequest, CreateOrgRequest, OrgUser
from lib.stream.retry import repeatable, retry_after_seconds
from tests.stream.fakes import ORG_LOCATIONS_BODY, FakeApi

ORG_PATH = "/onboarding/org/org-1/locations"
NEW_ORG = CreateOrgRequest(
    name="Blue Bottle", provider_id="crm-1", user=OrgUser(email="a@b.co", first_name="A", last_name="B")
)


@pytest.fixture
def api() -> FakeApi:
    fake = FakeApi()
    fake.bodies[("GET", ORG_PATH)] = ORG_LOCATIONS_BODY
    fake.bodies[("POST", "/onboarding/org")] = {"org_id": "org-1", "user_id": "user-1"}
    fake.bodies[("POST", "/onboarding/locations/ingest")] = {"locations": [{"provider_id": "pos-1"}]}
    fake.bodies[("POST", "/onboarding/locations/bind")] = {"locations": []}
    fake.bodies[("PUT", "/onboarding/integrations/onb-1")] = {
        "onboarding": {"_id": "onb-1", "status": "active"}
    }
    return fake


def test_backoff_doubles_from_half_a_second_up_to_eight_seconds_with_at_most_25_percent_jitter() -> None:
    no_jitter = RetryPolicy(random=lambda: 0.0)
    full_jitter = RetryPolicy(random=lambda: 1.0)
    assert [no_jitter.backoff(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert [full_jitter.backoff(n) for n in range(3)] == [0.375, 0.75, 1.5]


def test_retry_after_is_read_as_seconds_milliseconds_or_an_http_date() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert retry_after_seconds(httpx.Headers({"Retry-After": "3"})) == 3.0
    assert retry_after_seconds(httpx.Headers({"retry-after-ms": "1500", "Retry-After": "9"})) == 1.5
    date = format_datetime(now + timedelta(seconds=7), usegmt=True)
    assert retry_after_seconds(httpx.Headers({"Retry-After": date}), now=now) == 7.0
    assert retry_after_seconds(httpx.Headers({"Retry-After": "soon"})) is None
    assert retry_after_seconds(httpx.Headers({})) is None


def test_a_503_on_a_read_is_retried_and_the_retry_succeeds(api: FakeApi) -> None:
    api.script("GET", ORG_PATH, 503)
    with api.client() as client:
        locations = client.org_locations("org-1")
    assert [loc.id for loc in locations] == ["loc-1"]
    assert api.count("GET", ORG_PATH) == 2
    assert api.sleeps == [0.5]


def test_a_read_gives_up_after_two_retries_with_a_server_error(api: FakeApi) -> None:
    api.script("GET", ORG_PATH, 503, 502, 500)
    with api.client() as client, pytest.raises(ServerError) as caught:
        client.org_locations("org-1")
    assert api.count("GET", ORG_PATH) == 3
    assert api.sleeps == [0.5, 1.0]
    error = caught.value
    assert error.status_code == 500
    assert error.endpoint == f"GET {ORG_PATH}"
    assert "try again in a minute" in error.user_message
    assert "may still have reached" not in error.user_message  # a read changes nothing


def test_429_waits_exactly_as_long_as_retry_after_asks(api: FakeApi) -> None:
    api.script(
        "GET", ORG_PATH, httpx.Response(429, headers={"Retry-After": "3"}, json={"message": "slow down"})
    )
    with api.client() as client:
        client.org_locations("org-1")
    assert api.sleeps == [3.0]


def test_429_asking_for_longer_than_the_cap_is_not_waited_for(api: FakeApi) -> None:
    api.script(
        "GET", ORG_PATH, httpx.Response(429, headers={"Retry-After": "120"}, json={"message": "slow down"})
    )
    with api.client() as client, pytest.raises(RateLimitError) as caught:
        client.org_locations("org-1")
    assert api.count("GET", ORG_PATH) == 1
    assert api.sleeps == []
    assert caught.value.retry_after == 120
    assert "Wait 120 seconds" in caught.value.user_message


def test_no_retry_starts_that_would_overrun_the_total_budget(api: FakeApi) -> None:
    policy = RetryPolicy(total_budget=5.0, sleep=api.sleeps.append, random=lambda: 0.0, clock=lambda: 0.0)
    api.script("GET", ORG_PATH, httpx.Response(429, headers={"Retry-After": "6"}, json={}))
    with api.client(retry_policy=policy) as client, pytest.raises(RateLimitError):
        client.org_locations("org-1")
    assert api.sleeps == []


def test_timeouts_connection_errors_and_408_on_reads_are_retried(api: FakeApi) -> None:
    api.script("GET", ORG_PATH, httpx.ReadTimeout("slow"), httpx.ConnectError("refused"))
    with api.client() as client:
        client.org_locations("org-1")
    api.script("GET", ORG_PATH, 408)
    with api.client() as client:
        client.org_locations("org-1")
    assert api.count("GET", ORG_PATH) == 5


def test_unreachable_api_ends_in_a_connection_error_without_status(api: FakeApi) -> None:
    api.script("GET", ORG_PATH, *[httpx.ConnectError("connection refused")] * 3)
    with api.client() as client, pytest.raises(APIConnectionError) as caught:
        client.org_locations("org-1")
    assert not isinstance(caught.value, APITimeoutError)
    assert caught.value.status_code is None and caught.value.request_id is None
    assert "STREAM_API_URL" in caught.value.user_message
    assert api.count("GET", ORG_PATH) == 3


def test_client_errors_are_never_retried(api: FakeApi) -> None:
    api.script("GET", ORG_PATH, httpx.Response(400, json={"message": "bad org id"}))
    with api.client() as client, pytest.raises(ValidationError):
        client.org_locations("org-1")
    assert api.count("GET", ORG_PATH) == 1


def test_org_creation_is_not_repeated_after_a_5xx_and_the_error_says_to_check_first(api: FakeApi) -> None:
    api.script("POST", "/onboarding/org", 503)
    with api.client() as client, pytest.raises(ServerError) as caught:
        client.create_org(NEW_ORG)
    assert api.count("POST", "/onboarding/org") == 1
    assert caught.value.maybe_applied
    assert "check whether the organization was created" in caught.value.user_message


def test_org_creation_is_not_repeated_after_a_read_timeout(api: FakeApi) -> None:
    api.script("POST", "/onboarding/org", httpx.ReadTimeout("no answer"))
    with api.client() as client, pytest.raises(APITimeoutError) as caught:
        client.create_org(NEW_ORG)
    assert api.count("POST", "/onboarding/org") == 1
    assert caught.value.maybe_applied


def test_org_creation_is_retried_when_it_never_left_or_was_refused_with_429(api: FakeApi) -> None:
    api.script("POST", "/onboarding/org", httpx.ConnectError("refused"), httpx.Response(429, json={}))
    with api.client() as client:
        created = client.create_org(NEW_ORG)
    assert created.org_id == "org-1"
    assert api.count("POST", "/onboarding/org") == 3


def test_integration_creation_and_code_exchange_are_not_repeated_after_a_5xx(api: FakeApi) -> None:
    api.script("POST", "/onboarding/integrations", 502)
    api.script("PUT", "/onboarding/integrations/onb-1", 500)
    request = CreateIntegrationRequest(org_id="org-1", source="toast", type="pos", return_url="http://x/cb")
    with api.client() as client:
        with pytest.raises(ServerError):
            client.create_integration(request)
        with pytest.raises(ServerError) as caught:
            client.exchange_code("onb-1", "one-time-code")
    assert api.count("POST", "/onboarding/integrations") == 1
    assert api.count("PUT", "/onboarding/integrations/onb-1") == 1
    assert "check the integration's status" in caught.value.user_message


def test_ingest_and_bind_are_repeatable_so_they_are_retried_after_a_5xx(api: FakeApi) -> None:
    api.script("POST", "/onboarding/locations/ingest", 503)
    api.script("POST", "/onboarding/locations/bind", httpx.ReadTimeout("slow"))
    pair = BindPair(pos_location_id="pos-1", dsp_provider_id="dd-1", dsp_store_name="Main St")
    with api.client() as client:
        client.ingest_locations("onb-1", ["pos-1"])
        client.bind_locations("onb-2", [pair])
    assert api.count("POST", "/onboarding/locations/ingest") == 2
    assert api.count("POST", "/onboarding/locations/bind") == 2


def test_the_token_call_goes_through_the_same_retry_policy(api: FakeApi) -> None:
    api.script("POST", "/oauth/token", 503, httpx.ConnectError("refused"))
    with api.client() as client:
        client.org_locations("org-1")
    assert api.count("POST", "/oauth/token") == 3
    assert api.sleeps == [0.5, 1.0]


def test_unlabelled_requests_are_only_repeatable_when_they_are_reads() -> None:
    assert repeatable(httpx.Request("GET", "http://api.test/x"))
    assert not repeatable(httpx.Request("POST", "http://api.test/x"))
    assert not repeatable(httpx.Request("PUT", "http://api.test/x"))
