"""OAuth token handling as one thread-safe httpx.Auth: client credentials, refresh, fallback, 401 replay."""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncGenerator, Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from pydantic import SecretStr

from lib.stream.errors import APITimeoutError, Operation, RateLimitError, StreamError
from lib.stream.guard import time_left
from lib.stream.models import TokenInfo, TokenResponse
from lib.stream.redaction import logger, register_secret
from lib.stream.request import send_json

TOKEN_PATH = "/oauth/token"
TOKEN_OPERATION = Operation(action="obtaining an access token", subject="the credentials", repeatable=True)


@dataclass(frozen=True)
class _Token:
    """A held token; the secrets are SecretStr so that no repr, dump or debugger view shows them."""

    access: SecretStr
    refresh: SecretStr | None
    token_type: str
    scopes: tuple[str, ...]
    issued_at: float
    expires_at: float
    renew_at: float  # a little before expiry, so that a request never leaves with a token about to lapse
    refresh_expires_at: float | None = field(default=None)

    def info(self) -> TokenInfo:
        return TokenInfo(
            scopes=list(self.scopes),
            expires_at=datetime.fromtimestamp(self.expires_at, UTC),
            token_type=self.token_type,
            refresh_expires_at=(
                datetime.fromtimestamp(self.refresh_expires_at, UTC) if self.refresh_expires_at else None
            ),
        )


class TokenAuth(httpx.Auth):
    """Bearer auth for the Partner API, shared safely by many threads.

    Obtains a token with the client_credentials grant, renews it with the refresh_token grant about
    `leeway` seconds before it expires (never earlier than half its life), falls back to a new
    client_credentials grant when the refresh token has expired or is refused, and on a 401 from an API call
    renews once and replays the request. Token calls go through the same httpx client, hence the same retry
    policy. Only one thread talks to the token endpoint at a time; the others wait for its result rather than
    each fetching their own.
    """

    def __init__(
        self,
        http: httpx.Client,
        client_id: str,
        client_secret: SecretStr | str,
        *,
        scopes: Sequence[str] = ("onboarding",),
        token_path: str = TOKEN_PATH,
        leeway: float = 60.0,
        clock: Callable[[], float] = time.time,
        deadline: float | None = None,
    ) -> None:
        self._http = http
        self.deadline = deadline
        self.client_id = client_id
        self._client_secret = (
            client_secret if isinstance(client_secret, SecretStr) else SecretStr(client_secret)
        )
        register_secret(self._client_secret.get_secret_value())
        self.scopes = tuple(scopes)
        self.token_path = token_path
        self.leeway = leeway
        self._clock = clock
        self._lock = threading.Lock()
        self._token: _Token | None = None
        self.grants: dict[str, int] = {
            "client_credentials": 0,
            "refresh_token": 0,
        }  # successful grants, by type

    def __repr__(self) -> str:
        token = self._token
        state = "no token" if token is None else f"token expires {token.info().expires_at.isoformat()}"
        return f"TokenAuth(client_id={self.client_id!r}, scopes={self.scopes!r}, {state})"

    # --- httpx.Auth ---------------------------------------------------------------------------------------

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Attach a valid token; on a 401 renew it once and replay the request.

        Obtaining or renewing a token is blocking I/O under a lock, so (as httpx advises for such auth) this
        overrides sync_auth_flow itself rather than auth_flow, and async_auth_flow refuses to run.
        """
        sent_with = self.access_token()
        request.headers["Authorization"] = f"Bearer {sent_with}"
        response = yield request
        if response.status_code != 401:
            return
        response.read()  # free the 401's connection before the replay
        logger.info("%s %s -> 401: renewing the token and replaying once", request.method, request.url.path)
        request.headers["Authorization"] = f"Bearer {self._renew_rejected(sent_with)}"
        yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Refused: TokenAuth blocks on I/O and a threading lock, which must not run in an event loop."""
        raise RuntimeError(
            "TokenAuth works with httpx.Client only, not httpx.AsyncClient (it does blocking I/O)."
        )
        yield request  # pragma: no cover  (makes this an async generator, as httpx expects)

    # --- public -------------------------------------------------------------------------------------------

    def access_token(self) -> str:
        """A token valid for at least a little longer, obtaining or renewing one first when needed."""
        seen = self._token
        with self._locked():
            token = self._token
            now = self._clock()
            # A token another thread obtained while this one waited is used while it lasts, even when a slow
            # token endpoint made it due for renewal on arrival: otherwise every waiter renews in turn.
            renewed_meanwhile = token is not None and token is not seen and now < token.expires_at
            if token is None or (now >= token.renew_at and not renewed_meanwhile):
                token = self._token = self._obtain(token)
            return token.access.get_secret_value()

    def token_info(self) -> TokenInfo:
        """Scopes and expiry of the current token (obtained first if needed); never the token itself."""
        self.access_token()
        with self._locked():
            assert self._token is not None  # just obtained above
            return self._token.info()

    def new_grant(self) -> TokenInfo:
        """Obtain a brand-new token with the client credentials (a connection test); returns its info."""
        with self._locked():
            self._token = self._client_credentials()
            return self._token.info()

    def invalidate(self) -> None:
        """Forget the held token so that the next request obtains a new one."""
        with self._lock:
            self._token = None

    # --- internals (callers hold self._lock) -------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the token lock, waiting no longer than the current call's deadline allows."""
        left = time_left()
        if not self._lock.acquire(timeout=-1 if left is None else max(left, 0.0)):
            raise APITimeoutError(
                "no token within the call's deadline (another request is still obtaining one)",
                operation=TOKEN_OPERATION,
            )
        try:
            yield
        finally:
            self._lock.release()

    def _renew_rejected(self, rejected: str) -> str:
        with self._locked():
            token = self._token
            # Another thread may have renewed it while this request was in flight: then use theirs.
            if token is None or token.access.get_secret_value() == rejected:
                token = self._token = self._obtain(token)
            return token.access.get_secret_value()

    def _obtain(self, previous: _Token | None) -> _Token:
        if previous is not None and previous.refresh is not None:
            if previous.refresh_expires_at is not None and self._clock() >= previous.refresh_expires_at:
                logger.info("refresh token expired: requesting a new token with the client credentials")
            else:
                try:
                    return self._refresh(previous.refresh)
                except RateLimitError:
                    raise  # a new grant would be refused just the same
                except StreamError as exc:
                    if exc.status_code is None or not 400 <= exc.status_code < 500:
                        raise  # the API is down or garbled: another grant will not fare better
                    logger.info(
                        "refresh refused (HTTP %s): requesting a new token with the client credentials",
                        exc.status_code,
                    )
        return self._client_credentials()

    def _client_credentials(self) -> _Token:
        return self._grant(
            "client_credentials",
            {
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self._client_secret.get_secret_value(),
                "scopes": list(self.scopes),
            },
        )

    def _refresh(self, refresh_token: SecretStr) -> _Token:
        return self._grant(
            "refresh_token",
            {
                "grant_type": "refresh_token",
                "refresh_token": refresh_token.get_secret_value(),
                "client_id": self.client_id,
                "client_secret": self._client_secret.get_secret_value(),
            },
        )

    def _grant(self, grant_type: str, body: dict[str, Any]) -> _Token:
        issued_at = self._clock()  # before sending: the server's clock started no later than this
        answer = send_json(
            self._http,
            "POST",
            self.token_path,
            operation=TOKEN_OPERATION,
            json_body=body,
            auth=None,
            deadline=self.deadline,
        )
        parsed = answer.parse(TokenResponse)
        register_secret(parsed.access_token)
        register_secret(parsed.refresh_token)
        expires_in = max(0, parsed.expires_in)
        received_at = self._clock()
        renew_at = issued_at + expires_in - min(self.leeway, expires_in / 2)
        # A token endpoint slower than the leeway hands over tokens already due for renewal: use such a token
        # for half of the life it has left on arrival, so that one grant serves many calls.
        renew_at = max(renew_at, received_at + (issued_at + expires_in - received_at) / 2)
        token = _Token(
            access=SecretStr(parsed.access_token),
            refresh=SecretStr(parsed.refresh_token) if parsed.refresh_token else None,
            token_type=parsed.token_type,
            scopes=tuple(parsed.scopes) or self.scopes,
            issued_at=issued_at,
            expires_at=issued_at + expires_in,
            renew_at=renew_at,
            refresh_expires_at=(
                issued_at + parsed.refresh_token_expires_in
                if parsed.refresh_token_expires_in is not None
                else None
            ),
        )
        self.grants[grant_type] += 1
        logger.info(
            "obtained a token (%s grant), scopes=%s, expires in %ds",
            grant_type,
            list(token.scopes),
            expires_in,
        )
        return token
