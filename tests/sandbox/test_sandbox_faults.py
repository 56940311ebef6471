"""Fault knobs: error and 429 rates, latency, scripted failures, malformed bodies; never on /sandbox/*."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from sandbox_driver import Api

from lib.sandbox.settings import SandboxSettings


def _statuses(api: Api, n: int) -> list[int]:
    return [api.call("GET", "/onboarding/org/x/locations").status_code for _ in range(n)]


def test_error_rate_one_fails_api_calls_but_not_the_sandbox_pages(api: Api) -> None:
    api.sandbox.set_faults(error_rate=1.0)
    response = api.call("GET", "/onboarding/org/x/locations")
    assert response.status_code == 500
    assert "error_rate" in response.json()["message"]
    assert api.http.post("/oauth/token", json={}).status_code == 500
    assert api.http.get("/sandbox/health").status_code == 200
    assert api.http.get("/sandbox/merchants").status_code == 200


def test_error_rate_draws_from_a_seeded_rng(start_sandbox) -> None:
    first = Api(start_sandbox())
    first.sandbox.set_faults(error_rate=0.5, seed=7)
    a = _statuses(first, 40)
    first.sandbox.set_faults(seed=7)  # same seed, same sequence
    b = _statuses(first, 40)
    assert a == b
    assert set(a) == {404, 500}  # 404: authorised call for an unknown org
    assert 8 < a.count(500) < 32


def test_rate_limit_answers_429_with_retry_after(api: Api) -> None:
    api.sandbox.set_faults(rate_limit_rate=1.0, retry_after=3)
    response = api.call("POST", "/onboarding/org", json={})
    assert response.status_code == 429
    assert response.headers["retry-after"] == "3"
    assert response.headers["retry-after-ms"] == "3000"
    assert "retry" in response.json()["message"].lower()


def test_fractional_retry_after_rounds_up(api: Api) -> None:
    api.sandbox.set_faults(rate_limit_rate=1.0, retry_after=0.2)
    response = api.call("GET", "/onboarding/org/x/locations")
    assert (response.headers["retry-after"], response.headers["retry-after-ms"]) == ("1", "200")


def test_latency_is_added_to_api_calls_only(api: Api) -> None:
    api.sandbox.set_faults(latency_ms=300)
    started = time.perf_counter()
    api.call("GET", "/onboarding/org/x/locations")
    assert time.perf_counter() - started >= 0.3


def test_fail_next_fails_exactly_n_matching_requests(api: Api) -> None:
    org = api.create_org()
    api.sandbox.set_faults(fail_next=2, fail_path="/onboarding/org/")
    assert api.call("POST", "/onboarding/integrations", json={}).status_code == 422  # path does not match
    assert _statuses(api, 3) == [503, 503, 404]
    assert api.org_locations(org) == []
    assert api.sandbox.set_faults()["fail_next"] == 0


def test_fail_next_without_path_hits_any_api_call(api: Api) -> None:
    api.sandbox.set_faults(fail_next=1)
    response = api.call("POST", "/onboarding/org", json={})
    assert response.status_code == 503
    assert "fail_next" in response.json()["message"]
    assert api.call("POST", "/onboarding/org", json={}).status_code == 422


def test_fail_after_processing_loses_the_answer_not_the_effect(api: Api) -> None:
    api.sandbox.set_faults(fail_next=1, fail_path="/onboarding/org", fail_after_processing=True)
    body = {
        "name": "N",
        "provider_id": "p-9",
        "user": {"email": "a@b.co", "first_name": "A", "last_name": "B"},
    }
    assert api.call("POST", "/onboarding/org", json=body).status_code == 503
    retried = api.call("POST", "/onboarding/org", json=body)
    assert retried.status_code == 409  # the first request did create the org
    assert "p-9" in retried.json()["message"]


def test_fail_org_ids_fails_only_those_orgs(api: Api) -> None:
    bad, good = api.create_org("a"), api.create_org("b")
    api.sandbox.set_faults(fail_org_ids=[bad])
    response = api.call("GET", f"/onboarding/org/{bad}/locations")
    assert response.status_code == 500
    assert "fail_org_ids" in response.json()["message"]
    assert api.call("GET", f"/onboarding/org/{good}/locations").status_code == 200


def test_malformed_next_answers_broken_json(api: Api) -> None:
    org = api.create_org()
    api.sandbox.set_faults(malformed_next=1)
    broken = api.call("GET", f"/onboarding/org/{org}/locations")
    assert broken.status_code == 200
    assert broken.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        broken.json()
    assert api.call("GET", f"/onboarding/org/{org}/locations").json() == {"locations": []}


def test_faults_endpoint_validates_knobs(api: Api) -> None:
    url = f"{api.sandbox.base_url}/sandbox/faults"
    response = httpx.put(url, json={"error_rate": 2, "fail_next": "x", "nonsense": 1})
    assert response.status_code == 422
    assert {d["field"] for d in response.json()["details"]} == {"error_rate", "fail_next", "nonsense"}
    knobs = httpx.get(url).json()
    assert knobs["error_rate"] == 0 and knobs["fail_next"] == 0


def test_reset_restores_the_starting_knobs(start_sandbox) -> None:
    sandbox = start_sandbox(latency_ms=5)
    sandbox.set_faults(error_rate=1.0, latency_ms=100, fail_org_ids=["x"])
    sandbox.reset()
    knobs = httpx.get(f"{sandbox.base_url}/sandbox/faults").json()
    assert (knobs["error_rate"], knobs["latency_ms"], knobs["fail_org_ids"]) == (0, 5, [])


def test_environment_sets_the_starting_knobs(monkeypatch) -> None:
    env = {
        "SANDBOX_TOKEN_TTL": "60",
        "SANDBOX_REFRESH_TTL": "120",
        "SANDBOX_ERROR_RATE": "0.1",
        "SANDBOX_RATE_LIMIT_RATE": "0.2",
        "SANDBOX_RETRY_AFTER": "4",
        "SANDBOX_LATENCY_MS": "50",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = SandboxSettings.from_env(approve_after_seconds=1, error_rate=0.3)
    assert (settings.token_ttl, settings.refresh_ttl, settings.approve_after_seconds) == (60, 120, 1)
    faults = settings.faults
    assert (faults.error_rate, faults.rate_limit_rate, faults.retry_after, faults.latency_ms) == (
        0.3,
        0.2,
        4,
        50,
    )


def test_environment_knobs_reach_a_running_sandbox(start_sandbox, monkeypatch) -> None:
    monkeypatch.setenv("SANDBOX_RATE_LIMIT_RATE", "1")
    monkeypatch.setenv("SANDBOX_RETRY_AFTER", "2")
    sandbox = start_sandbox()
    response = httpx.post(f"{sandbox.base_url}/oauth/token", json={})
    assert (response.status_code, response.headers["retry-after"]) == (429, "2")


def test_malformed_path_spares_other_calls(api: Api) -> None:
    org = api.create_org()
    api.sandbox.set_faults(malformed_next=1, malformed_path="/onboarding/org/")
    assert api.grant()["token_type"] == "bearer"  # /oauth/token does not match
    with pytest.raises(json.JSONDecodeError):
        api.call("GET", f"/onboarding/org/{org}/locations").json()
