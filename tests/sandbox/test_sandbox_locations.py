"""POS locations, DSP store lists derived from the POS merchant, ingest and re-ingest."""

from __future__ import annotations

from sandbox_driver import Api

from lib.synthetic import CATALOG, dsp_stores, pos_locations


def test_pos_locations_are_the_merchants_in_the_guides_shape(api: Api) -> None:
    onboarding = api.connect_oauth(api.create_org(), "toast", "pos", merchant="taco-tres")
    locations = api.locations(onboarding)
    expected = pos_locations(CATALOG["taco-tres"])
    assert [loc["provider_id"] for loc in locations] == list(expected["provider_id"])
    first, row = locations[0], expected.iloc[0]
    assert first["name"] == row["name"] and first["source"] == "toast"
    assert first["address"]["address_line_1"] == row["address_line_1"]
    assert first["address"]["postal_code"] == row["postal_code"]
    assert first["address"]["country"] == "US"
    assert set(first["address"]) >= {
        "address_line_1",
        "locality",
        "administrative_district_level_1",
        "postal_code",
    }


def test_dsp_stores_derive_from_the_pos_merchant_with_real_messiness(api: Api) -> None:
    org = api.create_org()
    pos = api.connect_manual(org, "clover", "pos", merchant="taco-tres")
    dsp = api.connect_manual(org, "grubhub", "dsp", merchant="burger-barn")  # stores follow the org's POS
    pos_by_id = {loc["provider_id"]: loc for loc in api.locations(pos)}
    stores = api.locations(dsp)
    stores_by_id = {s["provider_id"]: s for s in stores}
    assert all(s["source"] == "grubhub" for s in stores)
    _, truth = dsp_stores(CATALOG["taco-tres"], "grubhub")
    assert set(stores_by_id) == set(truth["dsp_provider_id"].dropna())
    pairs = truth.dropna(subset=["pos_provider_id", "dsp_provider_id"])
    renamed = [
        p
        for p, d in zip(pairs["pos_provider_id"], pairs["dsp_provider_id"], strict=True)
        if pos_by_id[p]["name"] != stores_by_id[d]["name"]
    ]
    assert renamed, "some DSP store names must differ from their POS location"
    assert set(pairs["pos_provider_id"]) < set(pos_by_id)  # some POS locations are missing on the DSP
    assert set(stores_by_id) - set(pairs["dsp_provider_id"])  # and the DSP lists stores of no POS location


def test_locations_of_an_inactive_onboarding_are_409(api: Api) -> None:
    onboarding = api.start(api.create_org(), "toast", "pos")
    response = api.call("GET", "/onboarding/locations", params={"onboarding_id": onboarding["_id"]})
    assert response.status_code == 409
    assert "waiting_for_oauth" in response.json()["message"]
    assert api.call("GET", "/onboarding/locations", params={"onboarding_id": "nope"}).status_code == 404
    assert api.call("GET", "/onboarding/locations").status_code == 422


def test_ingest_then_org_view_lists_exactly_the_ingested(api: Api) -> None:
    org = api.create_org()
    onboarding = api.connect_oauth(org, "square", "pos", merchant="bread-and-butter")
    locations = api.locations(onboarding)
    chosen = [loc["provider_id"] for loc in locations[:3]]
    response = api.ingest(onboarding, chosen)
    assert response.status_code == 200
    results = response.json()["locations"]
    assert [r["provider_id"] for r in results] == chosen
    assert all(r["status"] == "ingested" and len(r["_id"]) == 24 for r in results)

    view = api.org_locations(org)
    assert [loc["provider_id"] for loc in view] == chosen
    assert [loc["_id"] for loc in view] == [r["_id"] for r in results]
    first = view[0]
    assert first["name"] == locations[0]["name"] and first["address"] == locations[0]["address"]
    assert first["source"] == "square" and first["status"] == "active" and first["dsps"] == []


def test_re_ingest_resyncs_without_duplicates(api: Api) -> None:
    org = api.create_org()
    onboarding = api.connect_manual(org, "clover", "pos", merchant="cafe-lumiere")
    ids = [loc["provider_id"] for loc in api.locations(onboarding)]
    first = {r["provider_id"]: r["_id"] for r in api.ingest(onboarding, ids[:4]).json()["locations"]}
    again = {r["provider_id"]: r["_id"] for r in api.ingest(onboarding, ids[2:6]).json()["locations"]}
    assert again[ids[2]] == first[ids[2]] and again[ids[3]] == first[ids[3]]  # stable ids on re-sync
    assert sorted(loc["provider_id"] for loc in api.org_locations(org)) == sorted(ids[:6])


def test_ingest_rejects_ids_of_other_onboardings_and_imports_nothing(api: Api) -> None:
    org = api.create_org()
    onboarding = api.connect_manual(org, "clover", "pos", merchant="cafe-lumiere")
    good = api.locations(onboarding)[0]["provider_id"]
    response = api.ingest(onboarding, [good, "taco-tres-L0001"])
    assert response.status_code == 404
    assert "taco-tres-L0001" in response.json()["message"]
    assert response.json()["details"] == [
        {
            "field": "locations[1].provider_id",
            "message": "'taco-tres-L0001' is not a location of this onboarding",
        }
    ]
    assert api.org_locations(org) == []


def test_ingest_needs_an_active_pos_onboarding(api: Api) -> None:
    org = api.create_org()
    dsp = api.connect_manual(org, "grubhub", "dsp", merchant="rosas-cantina")
    assert api.ingest(dsp, ["rosas-cantina-L0001"]).status_code == 404  # no POS onboarding by that id
    pending = api.start(org, "clover", "pos", return_url=None)["_id"]
    assert api.ingest(pending, ["rosas-cantina-L0001"]).status_code == 409
    assert api.ingest("nope", ["x"]).status_code == 404
    empty = api.call("POST", "/onboarding/locations/ingest", json={"onboarding_id": dsp, "locations": []})
    assert empty.status_code == 422


def test_five_thousand_locations_ingest_in_one_call(api: Api) -> None:
    org = api.create_org()
    onboarding = api.connect_manual(org, "clover", "pos", merchant="burger-barn")
    ids = [loc["provider_id"] for loc in api.locations(onboarding)]
    assert len(ids) == 5000
    assert len(api.ingest(onboarding, ids).json()["locations"]) == 5000
    view = api.org_locations(org)
    assert len(view) == 5000 and len({loc["_id"] for loc in view}) == 5000


def test_org_locations_of_unknown_org_is_404(api: Api) -> None:
    response = api.call("GET", "/onboarding/org/000000000000000000000000/locations")
    assert response.status_code == 404
    assert "000000000000000000000000" in response.json()["message"]
