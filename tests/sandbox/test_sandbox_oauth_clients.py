"""Standard OAuth2 clients, nobody here wrote, with their default settings: Authlib's OAuth2Client and
requests-oauthlib's BackendApplicationClient get tokens, refresh them, and get errors they can act on."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from types import SimpleNamespace
from urllib.parse import quote_plus

import authlib.oauth2.rfc6749.wrappers
import httpx
import oauthlib.oauth2.rfc6749.clients.base
import oauthlib.oauth2.rfc6749.parameters
import pytest
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import OAuth2Client
from oauthlib.oauth2 import BackendApplicationClient, InvalidClientError, InvalidGrantError
from requests_oauthlib import OAuth2Session
from sandbox_driver import SandboxClock

from lib.sandbox.embed import EmbeddedSandbox

PROTECTED = "/onboarding/org/unknown-org/locations"  # 404 with a good token, 401 without
TOKEN_TTL, REFRESH_TTL = 600, 3600
# Where the OAuth libraries read the time (time.time()) to decide that a token has expired.
LIBRARY_CLOCKS = (
    authlib.oauth2.rfc6749.wrappers,
    oauthlib.oauth2.rfc6749.clients.base,
    oauthlib.oauth2.rfc6749.parameters,
)


@pytest.fixture
def short_lived(start_sandbox, clock: SandboxClock, monkeypatch: pytest.MonkeyPatch) -> EmbeddedSandbox:
    """Access tokens live 10 minutes, refresh tokens an hour, on one clock the test moves: the sandbox's, and
    the OAuth libraries' (their `time` module is swapped for one whose time() is that clock)."""
    for module in LIBRARY_CLOCKS:
        monkeypatch.setattr(module, "time", SimpleNamespace(time=clock))
    return start_sandbox(token_ttl=TOKEN_TTL, refresh_ttl=REFRESH_TTL)


@pytest.fixture
def insecure_transport(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # oauthlib refuses http:// unless told; the sandbox serves on 127.0.0.1 without TLS.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    yield


def test_authlib_defaults_grant_refresh_and_refresh_expiry(
    short_lived: EmbeddedSandbox, clock: SandboxClock
) -> None:
    token_url = f"{short_lived.base_url}/oauth/token"
    with OAuth2Client(
        short_lived.client_id,
        short_lived.client_secret,
        token_endpoint=token_url,
        base_url=short_lived.base_url,
    ) as client:
        token = client.fetch_token(token_url, grant_type="client_credentials")  # client_secret_basic
        assert token["token_type"] == "bearer"
        assert token["scope"] == "onboarding"
        assert token["expires_at"] == int(clock()) + TOKEN_TTL
        first = token["access_token"]
        assert client.get(PROTECTED).status_code == 404
        assert client.token["access_token"] == first  # still fresh: no refresh

        clock.advance(TOKEN_TTL + 1)  # the access token has expired: Authlib refreshes it by itself
        assert client.get(PROTECTED).status_code == 404
        assert client.token["access_token"] != first

        clock.advance(REFRESH_TTL + 1)  # now the refresh token has expired too
        with pytest.raises(OAuthError) as refused:
            client.get(PROTECTED)
        assert refused.value.error == "invalid_grant"
        assert "expired" in refused.value.description

        client.fetch_token(token_url, grant_type="client_credentials")  # what a client does about it
        assert client.get(PROTECTED).status_code == 404


def test_authlib_client_secret_post_and_a_wrong_secret(short_lived: EmbeddedSandbox) -> None:
    token_url = f"{short_lived.base_url}/oauth/token"
    with OAuth2Client(
        short_lived.client_id, short_lived.client_secret, token_endpoint_auth_method="client_secret_post"
    ) as client:
        assert client.fetch_token(token_url, grant_type="client_credentials")["access_token"]
    with OAuth2Client(short_lived.client_id, "wrong") as client:
        with pytest.raises(OAuthError) as refused:
            client.fetch_token(token_url, grant_type="client_credentials")
        assert refused.value.error == "invalid_client"
        assert client.token is None  # the error body is not taken for a token


def test_requests_oauthlib_defaults_grant_refresh_and_refresh_expiry(
    short_lived: EmbeddedSandbox, clock: SandboxClock, insecure_transport: None
) -> None:
    token_url = f"{short_lived.base_url}/oauth/token"
    updates: list[dict] = []
    session = OAuth2Session(
        client=BackendApplicationClient(client_id=short_lived.client_id),
        auto_refresh_url=token_url,
        token_updater=updates.append,
    )
    token = session.fetch_token(
        token_url, client_id=short_lived.client_id, client_secret=short_lived.client_secret
    )
    assert token["access_token"] and token["refresh_token"]
    assert session.get(f"{short_lived.base_url}{PROTECTED}").status_code == 404
    assert updates == []  # still fresh: no refresh

    clock.advance(TOKEN_TTL + 1)  # past expires_in
    assert session.get(f"{short_lived.base_url}{PROTECTED}").status_code == 404  # refreshed by itself
    assert len(updates) == 1 and updates[0]["access_token"] != token["access_token"]

    clock.advance(REFRESH_TTL + 1)
    with pytest.raises(InvalidGrantError) as refused:
        session.get(f"{short_lived.base_url}{PROTECTED}")
    assert "expired" in refused.value.description

    session.fetch_token(token_url, client_id=short_lived.client_id, client_secret=short_lived.client_secret)
    assert session.get(f"{short_lived.base_url}{PROTECTED}").status_code == 404


def test_requests_oauthlib_wrong_secret_is_invalid_client(
    sandbox: EmbeddedSandbox, insecure_transport: None
) -> None:
    session = OAuth2Session(client=BackendApplicationClient(client_id=sandbox.client_id))
    with pytest.raises(InvalidClientError):
        session.fetch_token(
            f"{sandbox.base_url}/oauth/token", client_id=sandbox.client_id, client_secret="no"
        )


def _basic(client_id: str, secret: str) -> str:
    pair = f"{quote_plus(client_id)}:{quote_plus(secret)}".encode()
    return "Basic " + base64.b64encode(pair).decode()


def test_basic_header_rules(sandbox: EmbeddedSandbox) -> None:
    url = f"{sandbox.base_url}/oauth/token"
    form = {"grant_type": "client_credentials"}
    basic = {"Authorization": _basic(sandbox.client_id, sandbox.client_secret)}
    good = httpx.post(url, data=form, headers=basic)
    assert good.status_code == 201
    wrong = httpx.post(url, data=form, headers={"Authorization": _basic(sandbox.client_id, "nope")})
    assert (wrong.status_code, wrong.json()["error"]) == (401, "invalid_client")
    assert wrong.headers["www-authenticate"].startswith("Basic")
    garbled = httpx.post(url, data=form, headers={"Authorization": "Basic !!!"})
    assert (garbled.status_code, garbled.json()["error"]) == (401, "invalid_client")
    two = httpx.post(
        url,
        data={**form, "client_id": "someone-else", "client_secret": "x"},
        headers=basic,
    )
    assert (two.status_code, two.json()["error"]) == (400, "invalid_request")
