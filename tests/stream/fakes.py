"""An in-memory Partner API for httpx.MockTransport: real token checks, scripted faults, a fake clock."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from lib.stream import RetryPolicy, StreamClient

CLIENT_ID = "fake-client"
CLIENT_SECRET = "fake-secret-Zq9vX2pLm4"

# A scripted outcome: a status code, a full response, an exception to raise (with the request attached), or a
# function of the request.
Outcome = int | httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class FakeClock:
    """A settable wall clock for token expiry."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class FakeApi:
    """Issues tokens like the guide says, rejects bad or revoked ones with 401, answers scripted outcomes."""

    expires_in: int = 3600
    refresh_expires_in: int | None = 7200
    token_delay: float = 0.0  # seconds the token endpoint takes, to widen races in thread tests
    scope_field: str = "scopes"
    bodies: dict[tuple[str, str], Any] = field(default_factory=dict)
    scripts: dict[tuple[str, str], deque[Outcome]] = field(default_factory=lambda: defaultdict(deque))
    valid_tokens: set[str] = field(default_factory=set)
    valid_refresh: set[str] = field(default_factory=set)
    grants: list[str] = field(default_factory=list)  # grant_type of each successful token call
    calls: list[tuple[str, str]] = field(default_factory=list)  # (method, path) of every request, token too
    received: list[httpx.Request] = field(default_factory=list)
    sleeps: list[float] = field(default_factory=list)
    _counter: itertools.count = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def script(self, method: str, path: str, *outcomes: Outcome) -> None:
        """Answer the next requests to method+path with these outcomes, in order, before the default."""
        self.scripts[(method, path)].extend(outcomes)

    def count(self, method: str, path: str) -> int:
        """How many requests reached method+path."""
        return sum(1 for call in self.calls if call == (method, path))

    def revoke_all(self) -> None:
        """Make every issued access token invalid (as a server-side expiry would)."""
        with self._lock:
            self.valid_tokens.clear()

    def client(self, *, clock: FakeClock | None = None, **kwargs: Any) -> StreamClient:
        """A StreamClient wired to this fake; retry sleeps are recorded, not slept, and jitter is off."""
        policy = kwargs.pop(
            "retry_policy", RetryPolicy(sleep=self.sleeps.append, random=lambda: 0.0, clock=lambda: 0.0)
        )
        return StreamClient(
            "http://127.0.0.1:9",
            CLIENT_ID,
            CLIENT_SECRET,
            transport=httpx.MockTransport(self.handle),
            retry_policy=policy,
            clock=clock or time.time,
            **kwargs,
        )

    # --- the server -------------------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        key = (request.method, request.url.path)
        with self._lock:
            self.calls.append(key)
            self.received.append(request)
            scripted = self.scripts[key].popleft() if self.scripts.get(key) else None
        if scripted is not None:
            return self._play(scripted, request)
        if key == ("POST", "/oauth/token"):
            return self._token(request)
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth.removeprefix("Bearer ") not in self.valid_tokens:
            return httpx.Response(401, json={"message": "invalid or expired access token"})
        if key in self.bodies:
            body = self.bodies[key]
            return body(request) if callable(body) else httpx.Response(200, json=body)
        return httpx.Response(404, json={"message": f"no route {request.method} {request.url.path}"})

    def _play(self, outcome: Outcome, request: httpx.Request) -> httpx.Response:
        if isinstance(outcome, Exception):
            if isinstance(outcome, httpx.RequestError):
                outcome.request = request
            raise outcome
        if isinstance(outcome, int):
            return httpx.Response(outcome, json={"message": f"scripted {outcome}"})
        if isinstance(outcome, httpx.Response):
            return outcome
        return outcome(request)

    def _token(self, request: httpx.Request) -> httpx.Response:
        if self.token_delay:
            time.sleep(self.token_delay)
        body = json.loads(request.content)
        if body.get("client_id") != CLIENT_ID or body.get("client_secret") != CLIENT_SECRET:
            return httpx.Response(401, json={"message": "invalid client credentials"})
        grant = body.get("grant_type")
        with self._lock:
            if grant == "refresh_token":
                if body.get("refresh_token") not in self.valid_refresh:
                    return httpx.Response(
                        400, json={"error": "invalid_grant", "message": "refresh token expired"}
                    )
                self.valid_refresh.discard(body["refresh_token"])
            elif grant != "client_credentials":
                return httpx.Response(400, json={"message": f"unsupported grant_type {grant}"})
            n = next(self._counter)
            access, refresh = f"fake-access-{n:04d}-Kd8sLq", f"fake-refresh-{n:04d}-Pw3nVb"
            self.valid_tokens.add(access)
            self.valid_refresh.add(refresh)
            self.grants.append(grant)
        scopes: Any = ["onboarding"] if self.scope_field == "scopes" else "onboarding sso"
        return httpx.Response(
            201,
            json={
                "access_token": access,
                "token_type": "bearer",
                "refresh_token": refresh,
                "expires_in": self.expires_in,
                "refresh_token_expires_in": self.refresh_expires_in,
                self.scope_field: scopes,
            },
        )


ORG_LOCATIONS_BODY = {
    "locations": [
        {
            "_id": "loc-1",
            "provider_id": "pos-1",
            "name": "Main St",
            "source": "toast",
            "status": "active",
            "address": {"address_line_1": "1 Main St", "postal_code": "12345", "country": "US"},
            "dsps": [{"name": "DoorDash", "source": "doordash", "status": "APPROVED"}],
        }
    ]
}
