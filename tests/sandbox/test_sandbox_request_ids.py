"""Every answer carries its own x-request-id, as real APIs do: successes, errors, faults, unknown routes."""

from __future__ import annotations

import re

import httpx
from sandbox_driver import Api

from lib.sandbox.embed import EmbeddedSandbox

REQUEST_ID = re.compile(r"^req_[0-9a-f]{24}$")


def _id(response: httpx.Response) -> str:
    value = response.headers.get("x-request-id", "")
    assert REQUEST_ID.match(value), (response.status_code, response.request.url, value)
    return value


def test_every_kind_of_answer_has_a_fresh_request_id(api: Api, sandbox: EmbeddedSandbox) -> None:
    token = api.http.post(
        "/oauth/token",
        json={"grant_type": "client_credentials", "client_id": "sandbox-console", "client_secret": "x"},
    )
    answers = [
        token,  # 401 invalid_client
        api.call("POST", "/onboarding/org", json={"name": "A"}),  # 422
        api.call("GET", "/onboarding/org/nope/locations"),  # 404
        api.http.get("/onboarding/org/nope/locations"),  # 401, no token
        api.call("GET", "/no/such/route"),  # 404 of the router
        api.call("DELETE", "/onboarding/org"),  # 405
        api.http.get("/sandbox/health"),  # 200, admin
    ]
    org = api.create_org()
    answers.append(api.call("GET", f"/onboarding/org/{org}/locations"))  # 200
    sandbox.set_faults(fail_next=1)
    answers.append(api.call("GET", f"/onboarding/org/{org}/locations"))  # 503 from the fault knob
    assert [a.status_code for a in answers] == [401, 422, 404, 401, 404, 405, 200, 200, 503]
    ids = [_id(a) for a in answers]
    assert len(set(ids)) == len(ids)
