"""No client secret or token in reprs, exceptions or log output (unit level; the sandbox flow repeats it)."""

from __future__ import annotations

import logging

import httpx
import pytest
from pydantic import SecretStr

from lib.connect import open_client, resolve_target
from lib.settings import load_settings
from lib.stream import ClientSettings, RedactingFilter, StreamError, redact
from lib.stream.models import TokenResponse
from lib.stream.redaction import MASK, SecretRegistry
from tests.stream.fakes import CLIENT_SECRET, ORG_LOCATIONS_BODY, FakeApi, FakeClock


def test_reprs_of_client_auth_settings_and_token_response_hold_no_secret() -> None:
    api = FakeApi()
    with api.client() as client:
        client.token_info()
        shown = " ".join(
            [
                repr(client),
                str(client),
                repr(client.auth),
                repr(vars(client.auth)),
                repr(
                    ClientSettings(base_url="http://127.0.0.1:1", client_id="c", client_secret=CLIENT_SECRET)
                ),
            ]
        )
    token = TokenResponse(
        access_token="tok-abcdefgh123", refresh_token="ref-abcdefgh123", id_token="idt-zzz999"
    )
    shown += repr(token) + str(token)
    for secret in (
        CLIENT_SECRET,
        "fake-access-0001-Kd8sLq",
        "fake-refresh-0001-Pw3nVb",
        "tok-abc",
        "ref-abc",
    ):
        assert secret not in shown
    assert "idt-zzz999" not in shown  # unknown token-response fields are dropped, not kept
    assert "fake-client" in repr(client)  # the client id is not a secret and helps diagnosis


def test_a_token_echoed_by_the_server_is_masked_in_the_exception() -> None:
    api = FakeApi()
    with api.client() as client:
        client.token_info()
        api.script(
            "GET",
            "/onboarding/org/o/locations",
            lambda request: httpx.Response(
                400, json={"message": f"bad header {request.headers['Authorization']}"}
            ),
        )
        with pytest.raises(StreamError) as caught:
            client.org_locations("o")
    text = str(caught.value) + caught.value.user_message + repr(caught.value)
    assert "fake-access-0001-Kd8sLq" not in text
    assert MASK in caught.value.message


def test_the_filter_masks_bearer_tokens_json_token_fields_and_registered_secrets() -> None:
    registry = SecretRegistry()
    registry.add("my-registered-secret-value")
    record = logging.LogRecord(
        "lib.stream",
        logging.INFO,
        __file__,
        1,
        "sent %s with %s and %s",
        ("Authorization: Bearer abc.def-ghi", '{"refresh_token": "r-123"}', "my-registered-secret-value"),
        None,
    )
    assert RedactingFilter(registry).filter(record)
    message = record.getMessage()
    assert "abc.def-ghi" not in message and "r-123" not in message and "my-registered-secret" not in message
    assert message.count(MASK) == 3


def test_the_filter_masks_tracebacks_too() -> None:
    registry = SecretRegistry()
    registry.add("traceback-secret-1234")
    try:
        raise RuntimeError("failed with traceback-secret-1234")
    except RuntimeError:
        import sys

        record = logging.LogRecord("lib.stream", logging.ERROR, __file__, 1, "boom", (), sys.exc_info())
    RedactingFilter(registry).filter(record)
    assert record.exc_text is not None and "traceback-secret-1234" not in record.exc_text


def test_short_values_are_not_registered_as_secrets() -> None:
    registry = SecretRegistry()
    registry.add("abc")
    assert registry.redact("abc abc") == "abc abc"
    assert redact("access_token=xyz&x=1") == f"access_token={MASK}&x=1"


def test_debug_logs_of_a_whole_mock_session_hold_no_secret(caplog: pytest.LogCaptureFixture) -> None:
    api = FakeApi(expires_in=120)
    api.bodies[("GET", "/onboarding/org/o/locations")] = ORG_LOCATIONS_BODY
    clock = FakeClock()
    caplog.set_level(logging.DEBUG)
    with api.client(clock=clock) as client:
        client.org_locations("o")
        clock.advance(100)  # refresh grant
        client.org_locations("o")
        api.revoke_all()  # 401 and replay
        client.org_locations("o")
        api.script(
            "POST", "/oauth/token", httpx.Response(401, json={"message": "bad secret " + CLIENT_SECRET})
        )
        with pytest.raises(StreamError) as caught:
            client.check_connection()
        logging.getLogger("lib.stream").exception("check failed: %s", caught.value)
    assert api.grants == ["client_credentials", "refresh_token", "refresh_token"]
    text = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert "lib.stream" in caplog.text and "/oauth/token" in caplog.text  # the logs are really captured
    for secret in [
        CLIENT_SECRET,
        *api.valid_tokens,
        *api.valid_refresh,
        "fake-access-0001",
        "fake-refresh-0001",
    ]:
        assert secret not in text


def test_settings_from_the_environment_keep_the_secret_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STREAM_API_URL", "https://partner.example.com/")
    monkeypatch.setenv("STREAM_CLIENT_ID", "abc")
    monkeypatch.setenv("STREAM_CLIENT_SECRET", "s3cret-from-env")
    monkeypatch.setenv("STREAM_READ_TIMEOUT", "12")
    target = resolve_target()
    assert target.base_url == "https://partner.example.com"
    assert isinstance(target.client_secret, SecretStr)
    assert "s3cret-from-env" not in repr(target) + repr(load_settings()) + str(load_settings())
    with pytest.raises(ValueError):
        ClientSettings(base_url="ftp://x", client_id="a", client_secret="b")
    with open_client(target) as client:
        assert client.base_url == "https://partner.example.com"
        assert client._http.timeout.read == 12.0
