"""Bind rules and the DSP status lifecycle in the org's locations view."""

from __future__ import annotations

import pandas as pd
import pytest
from sandbox_driver import Api, SandboxClock

from lib.synthetic import CATALOG, dsp_stores

MERCHANT = "taco-tres"


@pytest.fixture
def setup(api: Api) -> dict:
    """An org with taco-tres on Toast, 10 locations ingested, and Grubhub connected."""
    org = api.create_org()
    pos = api.connect_oauth(org, "toast", "pos", merchant=MERCHANT)
    ids = [loc["provider_id"] for loc in api.locations(pos)]
    api.ingest(pos, ids[:10])
    dsp = api.connect_manual(org, "grubhub", "dsp", merchant=MERCHANT)
    _, truth = dsp_stores(CATALOG[MERCHANT], "grubhub")
    pairs = truth.dropna(subset=["pos_provider_id", "dsp_provider_id"])
    true_pairs = dict(zip(pairs["pos_provider_id"], pairs["dsp_provider_id"], strict=True))
    ingested_pairs = [(p, true_pairs[p]) for p in ids[:10] if p in true_pairs]
    return {"org": org, "pos": pos, "dsp": dsp, "ids": ids, "pairs": ingested_pairs, "truth": truth}


def _dsps(api: Api, org: str) -> dict[str, list[dict]]:
    return {loc["provider_id"]: loc["dsps"] for loc in api.org_locations(org)}


def test_bind_is_pending_then_approved(api: Api, setup: dict, clock: SandboxClock) -> None:
    (pos_id, store_id), *_ = setup["pairs"]
    response = api.bind(setup["dsp"], [(pos_id, store_id)])
    assert response.status_code == 200
    assert response.json()["locations"] == [
        {"pos_location_id": pos_id, "dsp_provider_id": store_id, "status": "PENDING"}
    ]
    bound = _dsps(api, setup["org"])[pos_id]
    assert bound == [
        {
            "name": "Grubhub",
            "source": "grubhub",
            "status": "PENDING",
            "provider_id": store_id,
            "store_name": "Store",
        }
    ]
    assert sum(len(d) for d in _dsps(api, setup["org"]).values()) == 1  # nothing else bound
    clock.advance(0.6)  # approve_after_seconds=0.5 in the fixture
    assert _dsps(api, setup["org"])[pos_id][0]["status"] == "APPROVED"


def test_rebinding_the_same_pair_is_harmless(api: Api, setup: dict, clock: SandboxClock) -> None:
    pair = setup["pairs"][0]
    api.bind(setup["dsp"], [pair])
    clock.advance(0.6)
    again = api.bind(setup["dsp"], [pair])
    assert again.status_code == 200
    assert again.json()["locations"][0]["status"] == "APPROVED"  # the existing binding carries on
    assert len(_dsps(api, setup["org"])[pair[0]]) == 1


def test_not_ingested_pos_location_is_refused_by_name(api: Api, setup: dict) -> None:
    not_ingested = setup["ids"][20]
    store = setup["pairs"][0][1]
    response = api.bind(setup["dsp"], [(not_ingested, store)])
    assert response.status_code == 404
    assert not_ingested in response.json()["message"]
    assert response.json()["details"][0]["field"] == "locations[0].pos_location_id"


def test_store_of_another_dsp_is_refused_by_name(api: Api, setup: dict) -> None:
    stores, _ = dsp_stores(CATALOG[MERCHANT], "doordash")
    foreign = stores["provider_id"].iloc[0]
    response = api.bind(setup["dsp"], [(setup["pairs"][0][0], foreign)])
    assert response.status_code == 404
    assert foreign in response.json()["message"]
    assert response.json()["details"][0]["field"] == "locations[0].dsp_provider_id"
    assert all(d == [] for d in _dsps(api, setup["org"]).values())  # nothing was bound


def test_a_store_binds_to_one_pos_location(api: Api, setup: dict) -> None:
    (pos_a, store), (pos_b, _) = setup["pairs"][:2]
    assert api.bind(setup["dsp"], [(pos_a, store)]).status_code == 200
    response = api.bind(setup["dsp"], [(pos_b, store)])
    assert response.status_code == 409
    message = response.json()["message"]
    assert store in message and pos_a in message and pos_b in message
    assert _dsps(api, setup["org"])[pos_b] == []


def test_same_store_twice_in_one_request_is_409(api: Api, setup: dict) -> None:
    (pos_a, store), (pos_b, _) = setup["pairs"][:2]
    response = api.bind(setup["dsp"], [(pos_a, store), (pos_b, store)])
    assert response.status_code == 409
    assert pos_a in response.json()["message"] and pos_b in response.json()["message"]


def test_re_pairing_a_location_frees_its_previous_store(api: Api, setup: dict) -> None:
    (pos_a, store_a), (pos_b, store_b) = setup["pairs"][:2]
    api.bind(setup["dsp"], [(pos_a, store_b)])  # a mistake...
    assert api.bind(setup["dsp"], [(pos_a, store_a)]).status_code == 200  # ...corrected
    assert api.bind(setup["dsp"], [(pos_b, store_b)]).status_code == 200  # store_b is free again
    dsps = _dsps(api, setup["org"])
    assert [d["provider_id"] for d in dsps[pos_a]] == [store_a]
    assert [d["provider_id"] for d in dsps[pos_b]] == [store_b]


def test_bindings_of_two_dsps_show_side_by_side(api: Api, setup: dict) -> None:
    pos_id, grubhub_store = setup["pairs"][0]
    doordash = api.connect_oauth(setup["org"], "doordash", "dsp")
    _, truth = dsp_stores(CATALOG[MERCHANT], "doordash")
    row = truth[truth["pos_provider_id"] == pos_id]
    if row.empty or pd.isna(row["dsp_provider_id"].iloc[0]):
        pytest.fail("fixture merchant changed: pick a location present on DoorDash")
    api.bind(setup["dsp"], [(pos_id, grubhub_store)])
    api.bind(doordash, [(pos_id, row["dsp_provider_id"].iloc[0])])
    sources = sorted((d["source"], d["name"]) for d in _dsps(api, setup["org"])[pos_id])
    assert sources == [("doordash", "DoorDash"), ("grubhub", "Grubhub")]


def test_bind_needs_an_active_dsp_onboarding(api: Api, setup: dict) -> None:
    pair = setup["pairs"][0]
    assert api.bind(setup["pos"], [pair]).status_code == 404  # no DSP onboarding by that id
    assert api.bind("nope", [pair]).status_code == 404
    pending = api.start(setup["org"], "ubereats", "dsp")["_id"]
    assert api.bind(pending, [pair]).status_code == 409
