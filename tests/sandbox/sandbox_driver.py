"""Api: drives the sandbox over HTTP the way the console does (used by every sandbox test)."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from lib.sandbox.embed import EmbeddedSandbox

RETURN_URL = "http://127.0.0.1:8501/Integrations?state=st-123"


class Api:
    """Drives the sandbox over HTTP the way the console does, with a bearer token."""

    def __init__(self, sandbox: EmbeddedSandbox) -> None:
        self.sandbox = sandbox
        self.http = httpx.Client(base_url=sandbox.base_url, timeout=30)
        self.token = self.grant()["access_token"]

    def grant(self, **extra: Any) -> dict[str, Any]:
        """A client_credentials grant (201 expected)."""
        body = {
            "grant_type": "client_credentials",
            "client_id": self.sandbox.client_id,
            "client_secret": self.sandbox.client_secret,
            "scopes": ["onboarding"],
            **extra,
        }
        response = self.http.post("/oauth/token", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """An authenticated request."""
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.http.request(method, path, headers=headers, **kwargs)

    def create_org(self, provider_id: str = "merchant-1", name: str = "Rosa's Cantina LLC") -> str:
        body = {
            "name": name,
            "provider_id": provider_id,
            "user": {"email": "owner@example.com", "first_name": "Rosa", "last_name": "Diaz"},
        }
        response = self.call("POST", "/onboarding/org", json=body)
        assert response.status_code == 201, response.text
        return response.json()["org_id"]

    def start(
        self, org_id: str, source: str, kind: str, return_url: str | None = RETURN_URL
    ) -> dict[str, Any]:
        body = {"org_id": org_id, "source": source, "type": kind, "return_url": return_url}
        response = self.call("POST", "/onboarding/integrations", json=body)
        assert response.status_code == 201, response.text
        return response.json()["onboarding"]

    def consent(
        self, onboarding: dict[str, Any], action: str = "approve", merchant: str | None = None
    ) -> str:
        """Open the consent page, press a button; returns the redirect Location."""
        path = urlsplit(onboarding["entry_url"]).path
        page = self.http.get(path)
        assert page.status_code == 200, page.text
        form = {"action": action}
        if merchant is not None:
            form["merchant"] = merchant
        response = self.http.post(path, data=form)
        assert response.status_code == 303, response.text
        return response.headers["location"]

    def exchange(self, onboarding_id: str, code: str) -> httpx.Response:
        return self.call("PUT", f"/onboarding/integrations/{onboarding_id}", json={"code": code})

    def connect_oauth(self, org_id: str, source: str, kind: str, merchant: str | None = None) -> str:
        """Start an OAuth integration, approve it, exchange the code; returns the active onboarding id."""
        onboarding = self.start(org_id, source, kind)
        location = self.consent(onboarding, merchant=merchant)
        code = parse_qs(urlsplit(location).query)["code"][0]
        response = self.exchange(onboarding["_id"], code)
        assert response.status_code == 200, response.text
        assert response.json()["onboarding"]["status"] == "active"
        return onboarding["_id"]

    def connect_manual(self, org_id: str, source: str, kind: str, merchant: str) -> str:
        onboarding = self.start(org_id, source, kind, return_url=None)
        response = self.exchange(onboarding["_id"], f"SANDBOX-{merchant}")
        assert response.status_code == 200, response.text
        return onboarding["_id"]

    def locations(self, onboarding_id: str) -> list[dict[str, Any]]:
        response = self.call("GET", "/onboarding/locations", params={"onboarding_id": onboarding_id})
        assert response.status_code == 200, response.text
        return response.json()["locations"]

    def ingest(self, onboarding_id: str, provider_ids: list[str]) -> httpx.Response:
        body = {"onboarding_id": onboarding_id, "locations": [{"provider_id": p} for p in provider_ids]}
        return self.call("POST", "/onboarding/locations/ingest", json=body)

    def bind(self, onboarding_id: str, pairs: list[tuple[str, str]]) -> httpx.Response:
        body = {
            "onboarding_id": onboarding_id,
            "locations": [
                {"pos_location_id": p, "dsp_provider_id": d, "dsp_store_name": "Store"} for p, d in pairs
            ],
        }
        return self.call("POST", "/onboarding/locations/bind", json=body)

    def org_locations(self, org_id: str) -> list[dict[str, Any]]:
        response = self.call("GET", f"/onboarding/org/{org_id}/locations")
        assert response.status_code == 200, response.text
        return response.json()["locations"]


class SandboxClock:
    """The sandbox's clock in a test: wall time at the start, then moved only by advance()."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Let `seconds` pass for the sandbox (token lifetimes, approvals) without sleeping."""
        self.now += seconds
