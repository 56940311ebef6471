"""The client against a hostile server on 127.0.0.1: every call ends within its deadline, as a typed error."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from lib.stream import APIConnectionError, APITimeoutError, StreamClient, UnexpectedResponseError
from tests.hostile_api import CLIENT_ID, CLIENT_SECRET, HostileApi, hostile_api

DEADLINE = 2.0


@pytest.fixture
def api() -> Iterator[HostileApi]:
    with hostile_api() as server:
        server.bomb()  # built before any deadline runs
        yield server


@pytest.fixture
def client(api: HostileApi) -> Iterator[StreamClient]:
    with StreamClient(
        api.base_url, CLIENT_ID, CLIENT_SECRET, deadline=DEADLINE, max_body_bytes=2**20
    ) as client:
        client.check_connection()  # the token is not what these tests are about
        yield client


def failure(call) -> Exception:  # type: ignore[no-untyped-def]
    """The error the call ends with, checked to have come within the deadline (and a second's slack)."""
    started = time.monotonic()
    with pytest.raises(Exception) as caught:
        call()
    took = time.monotonic() - started
    assert took < DEADLINE + 1.0, f"the call took {took:.1f} s: {caught.value!r}"
    return caught.value


@pytest.mark.parametrize("mode", ["drip", "silent"])
def test_a_slow_or_silent_server_ends_as_a_timeout_within_the_deadline(
    api: HostileApi, client: StreamClient, mode: str
) -> None:
    api.mode = mode
    error = failure(lambda: client.org_locations("org-1"))
    assert isinstance(error, APITimeoutError)
    assert "did not answer in time" in error.user_message


def test_a_bind_that_is_never_answered_ends_within_the_deadline_and_may_have_applied(
    api: HostileApi, client: StreamClient
) -> None:
    api.mode = "silent"
    from lib.stream.models import BindPair

    pair = BindPair(pos_location_id="p", dsp_provider_id="d", dsp_store_name="s")
    error = failure(lambda: client.bind_locations("dsp-1", [pair]))
    assert isinstance(error, APIConnectionError)


@pytest.mark.parametrize("mode", ["endless", "gzip_bomb"])
def test_an_endless_or_inflating_body_is_refused_at_the_cap(
    api: HostileApi, client: StreamClient, mode: str
) -> None:
    api.mode = mode
    error = failure(lambda: client.org_locations("org-1"))
    assert isinstance(error, UnexpectedResponseError), error
    assert "larger than the 1 MB the console accepts" in error.user_message


def test_json_nested_too_deeply_is_an_unreadable_answer(api: HostileApi, client: StreamClient) -> None:
    api.mode = "deep"
    error = failure(lambda: client.org_locations("org-1"))
    assert isinstance(error, UnexpectedResponseError)
    assert "nested too deeply" in error.user_message


def test_a_lone_surrogate_becomes_a_replacement_character(api: HostileApi, client: StreamClient) -> None:
    api.mode = "surrogate"
    [location] = client.org_locations("org-1")
    assert location.name == "Caf\ufffd"
    location.name.encode("utf-8")  # a page, a file or the records can take it


def test_a_lone_surrogate_in_an_error_message_becomes_a_replacement_character(
    api: HostileApi, client: StreamClient
) -> None:
    api.mode = "surrogate_error"
    error = failure(lambda: client.org_locations("org-1"))
    assert "Caf\ufffd is not a valid name" in error.user_message
    error.user_message.encode("utf-8")  # the sentence can be shown, logged and audited


def test_an_unexpected_shape_for_the_org_view_is_not_an_empty_org(
    api: HostileApi, client: StreamClient
) -> None:
    api.mode = "shape"
    error = failure(lambda: client.org_locations("org-1"))
    assert isinstance(error, UnexpectedResponseError)
