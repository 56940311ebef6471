"""States on demand: deprovisioned integrations, DSP store statuses, inactive and paused locations, as the org
view shows them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sandbox_driver import Api, SandboxClock

from lib.synthetic import CATALOG, dsp_stores

MERCHANT = "rosas-cantina"


@pytest.fixture
def org(api: Api) -> dict:
    """Rosa's Cantina on Clover, all 3 locations ingested, Grubhub connected and every true pair bound."""
    org_id = api.create_org("states-1")
    pos = api.connect_manual(org_id, "clover", "pos", merchant=MERCHANT)
    ids = [loc["provider_id"] for loc in api.locations(pos)]
    assert api.ingest(pos, ids).status_code == 200
    dsp = api.connect_manual(org_id, "grubhub", "dsp", merchant=MERCHANT)
    _, truth = dsp_stores(CATALOG[MERCHANT], "grubhub")
    truth = truth.dropna(subset=["pos_provider_id", "dsp_provider_id"])
    both = zip(truth["pos_provider_id"], truth["dsp_provider_id"], strict=True)
    pairs = [(p, d) for p, d in both if p in ids]
    assert pairs, "fixture merchant changed: Rosa's Cantina must have a store on Grubhub"
    assert api.bind(dsp, pairs).status_code == 200
    return {"id": org_id, "pos": pos, "dsp": dsp, "ids": ids, "pairs": pairs}


def _view(api: Api, org_id: str) -> dict[str, dict]:
    return {loc["provider_id"]: loc for loc in api.org_locations(org_id)}


def _store_status(api: Api, org_id: str, pos_id: str) -> str:
    (binding,) = _view(api, org_id)[pos_id]["dsps"]
    return binding["status"]


def test_a_deprovisioned_pos_makes_its_locations_inactive_until_reconnected(api: Api, org: dict) -> None:
    assert {loc["status"] for loc in _view(api, org["id"]).values()} == {"active"}
    answer = api.sandbox.deprovision(org["pos"])
    assert answer["onboarding"]["status"] == "deprovisioned"
    assert {loc["status"] for loc in _view(api, org["id"]).values()} == {"inactive"}
    assert api.call("GET", "/onboarding/locations", params={"onboarding_id": org["pos"]}).status_code == 409

    # Reconnect: a new POS integration and a re-ingest bring the same locations (same _id) back to active.
    before = {pid: loc["_id"] for pid, loc in _view(api, org["id"]).items()}
    again = api.connect_manual(org["id"], "clover", "pos", merchant=MERCHANT)
    assert api.ingest(again, org["ids"]).status_code == 200
    view = _view(api, org["id"])
    assert {loc["status"] for loc in view.values()} == {"active"}
    assert {pid: loc["_id"] for pid, loc in view.items()} == before


def test_a_deprovisioned_dsp_marks_its_bindings_and_a_new_one_replaces_them(api: Api, org: dict) -> None:
    pos_id, store_id = org["pairs"][0]
    api.sandbox.deprovision(org["dsp"])
    assert _store_status(api, org["id"], pos_id) == "DEPROVISIONED"
    assert {loc["status"] for loc in _view(api, org["id"]).values()} == {"active"}  # the POS is fine

    again = api.connect_manual(org["id"], "grubhub", "dsp", merchant=MERCHANT)
    assert api.bind(again, [(pos_id, store_id)]).status_code == 200
    (binding,) = _view(api, org["id"])[pos_id]["dsps"]  # one Grubhub entry, not the dead one beside it
    assert binding["status"] == "PENDING"
    assert binding["provider_id"] == store_id


@pytest.mark.parametrize(
    "status", ["PENDING", "APPROVED", "REJECTED", "PAUSED", "PENDING_REVIEW", "Suspended: menu missing"]
)
def test_a_store_status_set_by_hand_shows_in_the_view_and_the_bind_answer(
    api: Api, org: dict, status: str
) -> None:
    pos_id, store_id = org["pairs"][0]
    answer = api.sandbox.set_store_status(org["id"], store_id, status)
    assert answer == {"org_id": org["id"], "dsp_provider_id": store_id, "status": status}
    assert _store_status(api, org["id"], pos_id) == status
    rebind = api.bind(org["dsp"], [(pos_id, store_id)])
    assert rebind.json()["locations"][0]["status"] == status
    others = [p for p, _ in org["pairs"][1:]]
    assert all(_store_status(api, org["id"], p) in ("PENDING", "APPROVED") for p in others)


def test_clearing_a_store_status_hands_it_back_to_the_lifecycle(api: Api, org: dict) -> None:
    pos_id, store_id = org["pairs"][0]
    api.sandbox.set_store_status(org["id"], store_id, "REJECTED")
    api.sandbox.set_store_status(org["id"], store_id, None)
    assert _store_status(api, org["id"], pos_id) in ("PENDING", "APPROVED")


def test_a_store_status_set_before_binding_shows_once_bound(api: Api, org: dict) -> None:
    doordash = api.connect_oauth(org["id"], "doordash", "dsp")
    _, truth = dsp_stores(CATALOG[MERCHANT], "doordash")
    truth = truth.dropna(subset=["pos_provider_id", "dsp_provider_id"])
    pos_id, store_id = truth["pos_provider_id"].iloc[0], truth["dsp_provider_id"].iloc[0]
    assert api.sandbox.set_store_status(org["id"], store_id, "PENDING_REVIEW")["status"] == "PENDING_REVIEW"
    assert api.bind(doordash, [(pos_id, store_id)]).json()["locations"][0]["status"] == "PENDING_REVIEW"
    by_source = {d["source"]: d["status"] for d in _view(api, org["id"])[pos_id]["dsps"]}
    assert by_source["doordash"] == "PENDING_REVIEW"


def test_store_status_refusals(api: Api, org: dict) -> None:
    store_id = org["pairs"][0][1]
    base = f"{api.sandbox.base_url}/sandbox/orgs"
    unknown_store = httpx.put(f"{base}/{org['id']}/stores/nope/status", json={"status": "PAUSED"})
    assert unknown_store.status_code == 404
    assert "nope" in unknown_store.json()["message"]
    unknown_org = httpx.put(f"{base}/nope/stores/{store_id}/status", json={"status": "PAUSED"})
    assert unknown_org.status_code == 404
    blank = httpx.put(f"{base}/{org['id']}/stores/{store_id}/status", json={"status": "  "})
    assert blank.status_code == 422
    assert blank.json()["details"][0]["field"] == "status"


def test_an_inactive_location_stays_inactive_through_a_re_sync(api: Api, org: dict) -> None:
    first, second = org["ids"][:2]
    state = api.sandbox.set_location_state(org["id"], first, status="inactive")
    assert state["status"] == "inactive" and state["paused_until"] is None
    assert api.ingest(org["pos"], org["ids"]).status_code == 200  # a re-sync
    view = _view(api, org["id"])
    assert view[first]["status"] == "inactive"
    assert view[second]["status"] == "active"
    by_id = api.sandbox.set_location_state(org["id"], view[first]["_id"], status="active")  # _id works too
    assert by_id["provider_id"] == first
    assert _view(api, org["id"])[first]["status"] == "active"


def test_a_paused_location_is_inactive_until_the_time_then_active_by_itself(
    api: Api, org: dict, clock: SandboxClock
) -> None:
    first = org["ids"][0]
    later = datetime.now(UTC) + timedelta(hours=2)
    state = api.sandbox.set_location_state(org["id"], first, paused_until=later.isoformat())
    assert state["paused_until"] == later.strftime("%Y-%m-%dT%H:%M:%SZ")
    loc = _view(api, org["id"])[first]
    assert (loc["status"], loc["paused_until"]) == ("inactive", state["paused_until"])

    api.sandbox.set_location_state(org["id"], first, paused_until=clock() + 0.3)
    assert _view(api, org["id"])[first]["status"] == "inactive"
    clock.advance(0.4)
    assert _view(api, org["id"])[first]["status"] == "active"  # the pause ended by itself
    assert "paused_until" not in _view(api, org["id"])[first]


def test_location_state_refusals(api: Api, org: dict) -> None:
    base = f"{api.sandbox.base_url}/sandbox/orgs/{org['id']}/locations"
    assert httpx.put(f"{base}/nope", json={"status": "inactive"}).status_code == 404
    wrong = httpx.put(f"{base}/{org['ids'][0]}", json={"status": "closed"})
    assert wrong.status_code == 422
    naive = httpx.put(f"{base}/{org['ids'][0]}", json={"paused_until": "2030-01-01T10:00:00"})
    assert naive.status_code == 422
    assert "time zone" in naive.json()["message"]


def test_reject_rate_ends_bindings_rejected_instead_of_approved(start_sandbox, clock: SandboxClock) -> None:
    sandbox = start_sandbox(approve_after_seconds=0.2, reject_rate=1.0)
    api = Api(sandbox)
    org_id = api.create_org("states-reject")
    pos = api.connect_manual(org_id, "clover", "pos", merchant=MERCHANT)
    ids = [loc["provider_id"] for loc in api.locations(pos)]
    api.ingest(pos, ids)
    dsp = api.connect_manual(org_id, "grubhub", "dsp", merchant=MERCHANT)
    _, truth = dsp_stores(CATALOG[MERCHANT], "grubhub")
    truth = truth.dropna(subset=["pos_provider_id", "dsp_provider_id"])
    pos_id, store_id = truth["pos_provider_id"].iloc[0], truth["dsp_provider_id"].iloc[0]
    assert api.bind(dsp, [(pos_id, store_id)]).json()["locations"][0]["status"] == "PENDING"
    assert _store_status(api, org_id, pos_id) == "PENDING"
    clock.advance(0.3)
    assert _store_status(api, org_id, pos_id) == "REJECTED"
    sandbox.set_faults(reject_rate=0.0)  # a live knob: the same store is now approved
    assert _store_status(api, org_id, pos_id) == "APPROVED"
    api.http.close()
