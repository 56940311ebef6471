"""TokenAuth on httpx.MockTransport: grants, renewal before expiry, fallback, the 401 replay, threads."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from lib.stream import AuthenticationError, RateLimitError, TokenAuth
from tests.stream.fakes import CLIENT_ID, CLIENT_SECRET, ORG_LOCATIONS_BODY, FakeApi, FakeClock

ORG_PATH = "/onboarding/org/org-1/locations"


@pytest.fixture
def api() -> FakeApi:
    fake = FakeApi()
    fake.bodies[("GET", ORG_PATH)] = ORG_LOCATIONS_BODY
    return fake


def _token_bodies(api: FakeApi) -> list[dict]:
    return [json.loads(r.content) for r in api.received if r.url.path == "/oauth/token"]


def test_first_call_obtains_a_token_with_the_guides_client_credentials_body(api: FakeApi) -> None:
    with api.client() as client:
        client.org_locations("org-1")
        client.org_locations("org-1")
    assert _token_bodies(api) == [
        {
            "grant_type": "client_credentials",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "scopes": ["onboarding"],
        }
    ]
    api_calls = [r for r in api.received if r.url.path == ORG_PATH]
    assert all(r.headers["Authorization"] == "Bearer fake-access-0001-Kd8sLq" for r in api_calls)


def test_token_info_shows_scopes_and_expiry_but_not_the_token(api: FakeApi) -> None:
    clock = FakeClock()
    with api.client(clock=clock) as client:
        info = client.token_info()
    assert info.scopes == ["onboarding"]
    assert info.expires_at.timestamp() == clock.now + 3600
    assert info.refresh_expires_at is not None and info.refresh_expires_at.timestamp() == clock.now + 7200
    assert "fake-access" not in info.model_dump_json() and "fake-refresh" not in info.model_dump_json()


def test_space_separated_scope_string_is_understood() -> None:
    api = FakeApi(scope_field="scope")
    with api.client() as client:
        assert client.token_info().scopes == ["onboarding", "sso"]


def test_check_connection_always_makes_a_fresh_grant(api: FakeApi) -> None:
    with api.client() as client:
        client.token_info()
        client.check_connection()
    assert api.grants == ["client_credentials", "client_credentials"]


def test_token_is_renewed_with_the_refresh_grant_a_minute_before_it_expires(api: FakeApi) -> None:
    clock = FakeClock()
    with api.client(clock=clock) as client:
        client.org_locations("org-1")
        clock.advance(3600 - 61)
        client.org_locations("org-1")
        assert api.grants == ["client_credentials"]
        clock.advance(2)  # now 59 s before expiry: inside the leeway
        client.org_locations("org-1")
    assert api.grants == ["client_credentials", "refresh_token"]
    refresh_body = _token_bodies(api)[1]
    assert refresh_body["refresh_token"] == "fake-refresh-0001-Pw3nVb"
    assert refresh_body["client_id"] == CLIENT_ID
    last = [r for r in api.received if r.url.path == ORG_PATH][-1]
    assert last.headers["Authorization"] == "Bearer fake-access-0002-Kd8sLq"


def test_a_short_lived_token_is_renewed_at_half_its_life_not_before_it_is_issued() -> None:
    api = FakeApi(expires_in=2)
    api.bodies[("GET", ORG_PATH)] = ORG_LOCATIONS_BODY
    clock = FakeClock()
    with api.client(clock=clock) as client:
        client.org_locations("org-1")
        client.org_locations("org-1")
        assert api.grants == ["client_credentials"]
        clock.advance(1.0)
        client.org_locations("org-1")
    assert api.grants == ["client_credentials", "refresh_token"]


def test_a_refused_refresh_falls_back_to_a_new_client_credentials_grant(api: FakeApi) -> None:
    clock = FakeClock()
    with api.client(clock=clock) as client:
        client.org_locations("org-1")
        api.valid_refresh.clear()  # the server forgot (or revoked) the refresh token
        clock.advance(3600)
        assert [loc.id for loc in client.org_locations("org-1")] == ["loc-1"]
    assert api.grants == ["client_credentials", "client_credentials"]
    assert [body["grant_type"] for body in _token_bodies(api)] == [
        "client_credentials",
        "refresh_token",
        "client_credentials",
    ]


def test_a_refresh_token_known_to_have_expired_is_not_even_tried(api: FakeApi) -> None:
    clock = FakeClock()
    with api.client(clock=clock) as client:
        client.org_locations("org-1")
        clock.advance(7200)
        client.org_locations("org-1")
    assert [body["grant_type"] for body in _token_bodies(api)] == ["client_credentials", "client_credentials"]


def test_a_401_renews_the_token_once_and_replays_the_request(api: FakeApi) -> None:
    with api.client() as client:
        client.org_locations("org-1")
        api.revoke_all()
        assert [loc.id for loc in client.org_locations("org-1")] == ["loc-1"]
    assert api.count("GET", ORG_PATH) == 3
    assert api.grants == ["client_credentials", "refresh_token"]


def test_a_second_401_is_not_replayed_again_but_raised(api: FakeApi) -> None:
    api.script("GET", ORG_PATH, 401, 401)
    with api.client() as client, pytest.raises(AuthenticationError) as caught:
        client.org_locations("org-1")
    assert api.count("GET", ORG_PATH) == 2
    assert caught.value.status_code == 401
    assert "STREAM_CLIENT_SECRET" in caught.value.user_message


def test_wrong_credentials_give_an_authentication_error_without_retrying(api: FakeApi) -> None:
    api.script("POST", "/oauth/token", httpx.Response(401, json={"message": "invalid client credentials"}))
    with api.client() as client, pytest.raises(AuthenticationError) as caught:
        client.check_connection()
    assert api.count("POST", "/oauth/token") == 1
    assert caught.value.endpoint == "POST /oauth/token"
    assert caught.value.message == "invalid client credentials"
    assert "obtaining an access token" in caught.value.user_message


def test_a_403_says_the_scope_may_be_missing(api: FakeApi) -> None:
    api.script("GET", ORG_PATH, httpx.Response(403, json={"message": "missing scope onboarding"}))
    with api.client() as client, pytest.raises(AuthenticationError) as caught:
        client.org_locations("org-1")
    assert caught.value.status_code == 403
    assert "'onboarding' scope" in caught.value.user_message


def test_a_rate_limited_refresh_is_not_turned_into_a_new_grant(api: FakeApi) -> None:
    clock = FakeClock()
    with api.client(clock=clock) as client:
        client.org_locations("org-1")
        clock.advance(3600)
        api.script("POST", "/oauth/token", *[httpx.Response(429, headers={"Retry-After": "60"}, json={})])
        with pytest.raises(RateLimitError):
            client.org_locations("org-1")
    assert api.grants == ["client_credentials"]
    assert api.count("POST", "/oauth/token") == 2


def test_many_threads_starting_together_share_one_token_grant() -> None:
    api = FakeApi(token_delay=0.05)
    api.bodies[("GET", ORG_PATH)] = ORG_LOCATIONS_BODY
    barrier = threading.Barrier(16)

    with api.client() as client:

        def call(_: int) -> int:
            barrier.wait()
            return len(client.org_locations("org-1"))

        with ThreadPoolExecutor(max_workers=16) as pool:
            results = list(pool.map(call, range(16)))
    assert results == [1] * 16
    assert api.grants == ["client_credentials"]


def test_threads_hit_by_the_same_401_renew_the_token_only_once() -> None:
    api = FakeApi(token_delay=0.02)
    release = threading.Event()

    def slow_locations(request: httpx.Request) -> httpx.Response:
        release.wait(timeout=5)  # keep every thread's first request in flight until the token is revoked
        if request.headers["Authorization"].removeprefix("Bearer ") not in api.valid_tokens:
            return httpx.Response(401, json={"message": "token revoked"})
        return httpx.Response(200, json=ORG_LOCATIONS_BODY)

    with api.client() as client:
        client.token_info()
        api.bodies[("GET", ORG_PATH)] = slow_locations
        with ThreadPoolExecutor(max_workers=8) as pool:
            futures = [pool.submit(client.org_locations, "org-1") for _ in range(8)]
            api.revoke_all()  # every in-flight request now carries a dead token...
            release.set()
            results = [len(f.result()) for f in futures]
    assert results == [1] * 8
    assert api.grants == ["client_credentials", "refresh_token"]


def test_the_token_auth_refuses_an_async_client(api: FakeApi) -> None:
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    # Blocking I/O under a lock: TokenAuth implements the sync flow itself, not httpx's shared auth_flow.
    assert {"sync_auth_flow", "async_auth_flow"} <= set(vars(TokenAuth)) and "auth_flow" not in vars(
        TokenAuth
    )

    with api.client() as client:

        async def fetch() -> None:
            async with httpx.AsyncClient(auth=client.auth) as http:
                await http.get("http://127.0.0.1:1/anything")

        # In a thread of its own: in a full run Playwright's sync API keeps an event loop running in this one.
        with ThreadPoolExecutor(1) as pool, pytest.raises(RuntimeError, match=r"httpx\.Client only"):
            pool.submit(asyncio.run, fetch()).result()
