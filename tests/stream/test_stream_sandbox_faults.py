"""Reliability against the real sandbox: its fault knobs, short-lived tokens, broken answers, and secrets."""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from lib.sandbox.embed import EmbeddedSandbox, start_background
from lib.stream import (
    APIConnectionError,
    ConflictError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    StreamClient,
    UnexpectedResponseError,
)
from lib.stream.models import BindPair, CreateIntegrationRequest
from tests.helpers import follow_consent
from tests.stream.fakes import FakeClock
from tests.stream.support import RETURN_URL, SleepLog, new_org, org_request

# --- rate limits and server errors ---


def test_429_waits_for_retry_after_then_succeeds(
    sandbox: EmbeddedSandbox, client: StreamClient, sleeps: SleepLog
) -> None:
    org_id = new_org(client)
    sandbox.set_faults(rate_limit_rate=1.0, retry_after=0.3)
    sleeps.on_sleep = lambda: sandbox.set_faults(rate_limit_rate=0.0)
    assert client.org_locations(org_id) == []
    assert sleeps.waits == [0.3]  # the server's Retry-After(-Ms), not the client's own backoff


def test_429_asking_for_more_than_the_cap_is_raised_at_once(
    sandbox: EmbeddedSandbox, client: StreamClient, sleeps: SleepLog
) -> None:
    org_id = new_org(client)
    sandbox.set_faults(rate_limit_rate=1.0, retry_after=45)
    with pytest.raises(RateLimitError) as caught:
        client.org_locations(org_id)
    assert sleeps.waits == []
    assert caught.value.retry_after == 45
    assert "Wait 45 seconds" in caught.value.user_message


def test_org_creation_refused_with_429_is_retried_and_creates_one_org(
    sandbox: EmbeddedSandbox, client: StreamClient, sleeps: SleepLog
) -> None:
    client.token_info()
    request = org_request()
    sandbox.set_faults(rate_limit_rate=1.0, retry_after=0.2)
    sleeps.on_sleep = lambda: sandbox.set_faults(rate_limit_rate=0.0)
    assert client.create_org(request).org_id
    assert sleeps.waits == [0.2]
    with pytest.raises(ConflictError):
        client.create_org(request)


def test_503_is_retried(sandbox: EmbeddedSandbox, client: StreamClient, sleeps: SleepLog) -> None:
    org_id = new_org(client)
    sandbox.set_faults(fail_next=2, fail_path=f"/onboarding/org/{org_id}/locations")
    assert client.org_locations(org_id) == []
    assert len(sleeps.waits) == 2
    assert 0.0375 <= sleeps.waits[0] <= 0.05 and 0.075 <= sleeps.waits[1] <= 0.1  # doubling, with jitter
    assert sandbox.set_faults()["fail_next"] == 0


def test_503_that_outlasts_the_retries_is_a_server_error(
    sandbox: EmbeddedSandbox, client: StreamClient, sleeps: SleepLog
) -> None:
    org_id = new_org(client)
    sandbox.set_faults(fail_next=3, fail_path=f"/onboarding/org/{org_id}/locations")
    with pytest.raises(ServerError) as caught:
        client.org_locations(org_id)
    assert caught.value.status_code == 503
    assert "fail_next" in caught.value.message  # the server's own sentence is kept
    assert len(sleeps.waits) == 2


def test_org_creation_is_not_repeated_after_the_server_received_it(
    sandbox: EmbeddedSandbox, client: StreamClient, sleeps: SleepLog, caplog: pytest.LogCaptureFixture
) -> None:
    client.token_info()
    request = org_request()
    sandbox.set_faults(fail_next=1, fail_path="/onboarding/org", fail_after_processing=True)
    caplog.set_level(logging.DEBUG, logger="lib.stream")
    with pytest.raises(ServerError) as caught:
        client.create_org(request)
    # A retry would have met the org the first attempt created and raised ConflictError instead.
    assert caught.value.maybe_applied
    assert "check whether the organization was created" in caught.value.user_message
    assert sleeps.waits == []
    assert sum("POST /onboarding/org ->" in r.getMessage() for r in caplog.records) == 1
    with pytest.raises(ConflictError) as conflict:  # exactly one org exists with that provider_id
        client.create_org(request)
    assert request.provider_id in conflict.value.message


def test_org_creation_failed_before_processing_can_be_repeated_by_the_person(
    sandbox: EmbeddedSandbox, client: StreamClient
) -> None:
    client.token_info()
    request = org_request()
    sandbox.set_faults(fail_next=1, fail_path="/onboarding/org")
    with pytest.raises(ServerError):
        client.create_org(request)
    assert client.create_org(request).org_id  # nothing was created the first time, so no conflict


def test_an_unreachable_api_is_a_transport_error() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nobody listens there now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    waits: list[float] = []
    with (
        StreamClient(
            f"http://127.0.0.1:{port}", "id", "secret-xyz-123", retry_policy=RetryPolicy(sleep=waits.append)
        ) as client,
        pytest.raises(APIConnectionError) as caught,
    ):
        client.check_connection()
    assert caught.value.status_code is None
    assert len(waits) == 2  # a connection error proves nothing was sent: retried
    assert "could not reach the API" in caught.value.user_message


# --- broken answers ---


def test_malformed_json_is_an_unexpected_response_error_and_the_next_call_works(
    sandbox: EmbeddedSandbox, client: StreamClient, sleeps: SleepLog
) -> None:
    org_id = new_org(client)
    sandbox.set_faults(malformed_next=1)
    with pytest.raises(UnexpectedResponseError) as caught:
        client.org_locations(org_id)
    assert caught.value.status_code == 200
    assert caught.value.endpoint == f"GET /onboarding/org/{org_id}/locations"
    assert sleeps.waits == []
    assert client.org_locations(org_id) == []


def test_a_malformed_token_answer_is_an_unexpected_response_error(
    sandbox: EmbeddedSandbox, client: StreamClient
) -> None:
    sandbox.set_faults(malformed_next=1)
    with pytest.raises(UnexpectedResponseError) as caught:
        client.check_connection()
    assert caught.value.endpoint == "POST /oauth/token"
    assert "obtaining an access token" in caught.value.user_message


# --- short-lived tokens ---


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    """The time of the short-lived sandbox and of its clients: moved by the tests, never slept."""
    return FakeClock(time.time())


@pytest.fixture(scope="module")
def short_lived(tmp_path_factory: pytest.TempPathFactory, clock: FakeClock) -> Iterator[EmbeddedSandbox]:
    """A sandbox whose access tokens live 1 s and refresh tokens 2 s."""
    running = start_background(
        tmp_path_factory.mktemp("short-lived"), token_ttl=1, refresh_ttl=2, clock=clock
    )
    yield running
    running.stop()


def _client(sandbox: EmbeddedSandbox, clock: Callable[[], float]) -> StreamClient:
    return StreamClient(sandbox.base_url, sandbox.client_id, sandbox.client_secret, clock=clock)


@pytest.mark.parametrize(
    ("later", "grants"),
    [
        (1.2, {"client_credentials": 1, "refresh_token": 1}),  # the access token expired: refreshed
        (2.2, {"client_credentials": 2, "refresh_token": 0}),  # the refresh token too: a new grant
    ],
)
def test_an_expired_token_is_refreshed_or_granted_anew(
    short_lived: EmbeddedSandbox, clock: FakeClock, later: float, grants: dict[str, int]
) -> None:
    with _client(short_lived, clock) as client:
        org_id = new_org(client)
        clock.advance(later)
        assert client.org_locations(org_id) == []
        assert client.auth.grants == grants


def test_a_401_and_a_refused_refresh_end_in_a_new_grant_and_a_replay(
    short_lived: EmbeddedSandbox, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    # A client clock running 20x slow believes its tokens are fresh when the server has expired both.
    started = clock()
    with _client(short_lived, lambda: started + (clock() - started) / 20) as client:
        org_id = new_org(client)
        clock.advance(2.2)
        caplog.set_level(logging.INFO, logger="lib.stream")
        assert client.org_locations(org_id) == []
        assert client.auth.grants == {"client_credentials": 2, "refresh_token": 0}
    messages = [r.getMessage() for r in caplog.records]
    assert any(f"GET /onboarding/org/{org_id}/locations -> 401" in m for m in messages)
    # RFC 6749 §5.2: an expired refresh token is 400 invalid_grant.
    assert any("refresh refused (HTTP 400)" in m for m in messages)


# --- secrets ---


class WireTap(httpx.BaseTransport):
    """Records every credential that crossed the wire, so the test knows what must not be in the logs."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self.secrets: set[str] = set()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if auth := request.headers.get("Authorization"):
            self.secrets.add(auth.removeprefix("Bearer "))
        if request.content:
            body = json.loads(request.content)
            for key in ("client_secret", "refresh_token", "code"):
                if isinstance(body.get(key), str):
                    self.secrets.add(body[key])
        response = self._inner.handle_request(request)
        if request.url.path == "/oauth/token":
            response.read()
            answer = json.loads(response.content)
            self.secrets.update(answer[key] for key in ("access_token", "refresh_token") if key in answer)
        return response

    def close(self) -> None:
        self._inner.close()


def test_no_secret_or_token_in_debug_logs_or_reprs_of_a_full_flow(
    sandbox: EmbeddedSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    tap = WireTap()
    caplog.set_level(logging.DEBUG)
    with StreamClient(sandbox.base_url, sandbox.client_id, sandbox.client_secret, transport=tap) as client:
        org_id = new_org(client)
        pos = client.create_integration(
            CreateIntegrationRequest(org_id=org_id, source="toast", type="pos", return_url=RETURN_URL)
        )
        assert pos.id and pos.entry_url
        client.exchange_code(pos.id, follow_consent(pos.entry_url, merchant="rosas-cantina")["code"])
        chosen = [loc.provider_id for loc in client.list_locations(pos.id)]
        client.ingest_locations(pos.id, chosen)
        dsp = client.create_integration(
            CreateIntegrationRequest(org_id=org_id, source="grubhub", type="dsp", return_url=RETURN_URL)
        )
        assert dsp.id
        client.exchange_code(dsp.id, "SANDBOX-rosas-cantina")
        store = client.list_locations(dsp.id)[0]
        client.bind_locations(
            dsp.id,
            [
                BindPair(
                    pos_location_id=chosen[0], dsp_provider_id=store.provider_id, dsp_store_name=store.name
                )
            ],
        )
        client.org_locations(org_id)
        client.auth.invalidate()
        client.check_connection()
        shown = repr(client) + repr(client.auth) + repr(client.token_info()) + str(vars(client.auth))
    tokens = {s for s in tap.secrets if s != "SANDBOX-rosas-cantina"}  # a manual code names a merchant
    assert sandbox.client_secret in tokens and len(tokens) >= 4  # the secret, the code, two access tokens...
    logged = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    assert "POST /oauth/token -> 201" in logged and "POST /onboarding/locations/bind -> 200" in logged
    for secret in tokens:
        assert secret not in logged
        assert secret not in shown


def test_one_client_shared_by_many_threads_gets_one_token(sandbox: EmbeddedSandbox) -> None:
    with StreamClient(sandbox.base_url, sandbox.client_id, sandbox.client_secret) as client:
        org_id = new_org(client)
        client.auth.invalidate()
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda _: client.org_locations(org_id), range(32)))
        assert results == [[]] * 32
        assert client.auth.grants == {"client_credentials": 2, "refresh_token": 0}
