"""OAuth token issue, refresh and checking. Only hashes of tokens are stored."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
from collections.abc import Callable
from typing import Any

from .credentials import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from .db import Database
from .errors import ApiError
from .oauth import INVALID_CLIENT, INVALID_GRANT, INVALID_SCOPE, invalid_request
from .schemas import TokenIn

ONBOARDING_SCOPE = "onboarding"
DEFAULT_SCOPES = [ONBOARDING_SCOPE]
BEARER = {"WWW-Authenticate": "Bearer"}


def token_hash(token: str) -> str:
    """What the store keeps instead of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _check_client(client_id: str | None, client_secret: str | None, basic: bool) -> None:
    # Bytes: compare_digest refuses text with non-ASCII characters, which a client may well send.
    ok_id = hmac.compare_digest((client_id or "").encode(), SANDBOX_CLIENT_ID.encode())
    ok_secret = hmac.compare_digest((client_secret or "").encode(), SANDBOX_CLIENT_SECRET.encode())
    if not (ok_id and ok_secret):
        # RFC 6749 §5.2: 401, with a challenge in the scheme the client used.
        challenge = {"WWW-Authenticate": 'Basic realm="oauth"'} if basic else BEARER
        raise ApiError(
            401,
            "Invalid client credentials: the client_id or client_secret is wrong.",
            headers=challenge,
            oauth_error=INVALID_CLIENT,
        )


def _invalid_grant(message: str) -> ApiError:
    """400 invalid_grant (RFC 6749 §5.2): the refresh token is unknown, used or expired."""
    return ApiError(400, message, [{"field": "refresh_token", "message": message}], oauth_error=INVALID_GRANT)


class TokenService:
    """Issues access/refresh token pairs and checks bearer tokens."""

    def __init__(
        self, db: Database, token_ttl: float, refresh_ttl: float, clock: Callable[[], float] = time.time
    ) -> None:
        self.db = db
        self.token_ttl = token_ttl
        self.refresh_ttl = refresh_ttl
        self.clock = clock

    def grant(self, body: TokenIn, basic: bool = False) -> dict[str, Any]:
        """Answer a client_credentials or refresh_token grant (basic: the client used HTTP Basic)."""
        now = self.clock()
        if body.grant_type == "client_credentials":
            _check_client(body.client_id, body.client_secret, basic)
            scopes: list[str] = list(body.scopes or DEFAULT_SCOPES)
            return self._issue(body.client_id or "", scopes, body.exp, now, old_refresh=None)
        # The refresh grant: client credentials are checked when sent (Stream's docs send them).
        if body.client_id is not None or body.client_secret is not None:
            _check_client(body.client_id, body.client_secret, basic)
        if not body.refresh_token:
            raise invalid_request(
                "The refresh_token grant needs a refresh_token.",
                [{"field": "refresh_token", "message": "is required"}],
            )
        with self.db.read() as conn:
            row = conn.execute(
                "SELECT * FROM tokens WHERE token_hash = ? AND kind = 'refresh'",
                (token_hash(body.refresh_token),),
            ).fetchone()
        if row is None or row["revoked"]:
            raise _invalid_grant("The refresh token is invalid or has already been used.")
        if row["expires_at"] <= now:
            raise _invalid_grant("The refresh token has expired: request a new token.")
        granted = row["scopes"].split()
        scopes = list(body.scopes or granted)
        extra = [s for s in scopes if s not in granted]
        if extra:
            raise ApiError(
                400,
                f"A refresh cannot add scopes that were not granted: {', '.join(extra)}.",
                [{"field": "scopes", "message": "must be a subset of the granted scopes"}],
                oauth_error=INVALID_SCOPE,
            )
        return self._issue(row["client_id"], scopes, body.exp, now, old_refresh=row["token_hash"])

    def _issue(
        self, client_id: str, scopes: list[str], exp: float | None, now: float, old_refresh: str | None
    ) -> dict[str, Any]:
        expires_at = now + self.token_ttl
        if exp is not None:
            if exp <= now:
                raise invalid_request(
                    "exp is in the past.", [{"field": "exp", "message": "must be a future epoch time"}]
                )
            expires_at = min(expires_at, exp)  # exp may only shorten the token's life
        access = secrets.token_urlsafe(32)
        refresh = secrets.token_urlsafe(32)
        with self.db.transaction() as conn:
            if old_refresh is not None:
                # Refresh tokens are single use: a replayed one is refused.
                cur = conn.execute(
                    "UPDATE tokens SET revoked = 1 WHERE token_hash = ? AND revoked = 0", (old_refresh,)
                )
                if cur.rowcount == 0:
                    raise _invalid_grant("The refresh token is invalid or has already been used.")
            conn.execute("DELETE FROM tokens WHERE expires_at < ?", (now - 86400,))
            conn.executemany(
                "INSERT INTO tokens (token_hash, kind, client_id, scopes, expires_at) VALUES (?, ?, ?, ?, ?)",
                [
                    (token_hash(access), "access", client_id, " ".join(scopes), expires_at),
                    (token_hash(refresh), "refresh", client_id, " ".join(scopes), now + self.refresh_ttl),
                ],
            )
        return {
            "access_token": access,
            "token_type": "bearer",
            "refresh_token": refresh,
            "expires_in": max(1, math.floor(expires_at - now)),
            "refresh_token_expires_in": max(1, math.floor(self.refresh_ttl)),
            "scopes": scopes,
            "scope": " ".join(scopes),  # RFC 6749 §5.1's form of the same, for standard OAuth2 clients
        }

    def check(self, authorization: str | None, scope: str) -> None:
        """Raise 401 for a missing, bad or expired bearer token, 403 when it lacks the scope."""
        if not authorization:
            raise ApiError(401, "Missing Authorization header: send 'Bearer <access_token>'.", headers=BEARER)
        kind, _, token = authorization.partition(" ")
        if kind.lower() != "bearer" or not token.strip():
            raise ApiError(
                401, "Malformed Authorization header: expected 'Bearer <access_token>'.", headers=BEARER
            )
        with self.db.read() as conn:
            row = conn.execute(
                "SELECT expires_at, scopes FROM tokens WHERE token_hash = ? AND kind = 'access'",
                (token_hash(token.strip()),),
            ).fetchone()
        if row is None:
            raise ApiError(401, "The access token is invalid.", headers=BEARER)
        if row["expires_at"] <= self.clock():
            raise ApiError(
                401, "The access token has expired: refresh it or request a new one.", headers=BEARER
            )
        if scope not in row["scopes"].split():
            raise ApiError(403, f"The access token lacks the '{scope}' scope needed for this endpoint.")
