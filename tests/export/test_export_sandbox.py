"""Tables from the sandbox's answers: counts match the seeded data, failures are kept, exports read back."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from lib.export import (
    connected_dsps,
    fetch_org_table,
    portfolio_table,
    summarize,
    to_bytes,
)
from lib.sandbox.embed import EmbeddedSandbox
from tests.export.conftest import World


def test_org_table_matches_the_api_answer(world: World) -> None:
    taco = world.orgs[0]
    result = fetch_org_table(world.client, taco.org_id)
    answer = world.client.org_locations(taco.org_id)
    table = result.table
    assert len(table) == len(answer) == 40
    assert table["location_id"].tolist() == [loc.id for loc in answer]
    assert table["provider_id"].tolist() == taco.ingested
    bound = table[table["dsp_grubhub"].notna()]
    assert set(bound["provider_id"]) == set(taco.bound)
    summary = summarize(table)
    assert summary.locations == 40
    assert summary.active == 40
    assert summary.bound_to_all == 20
    assert summary.bound_to_none == 20
    # The sandbox approves a binding a few seconds after it is made: approved + pending covers every binding.
    assert summary.dsp_approved + summary.dsp_pending == 20
    assert summary.dsp_other == 0


def test_connected_dsps_come_from_the_records(world: World) -> None:
    cantina = world.orgs[1]
    taco = world.orgs[0]
    assert connected_dsps(world.records.list_onboardings(cantina.org_id)) == []
    assert connected_dsps(world.records.list_onboardings(taco.org_id)) == ["grubhub"]


def test_portfolio_of_every_recorded_org(world: World) -> None:
    result = portfolio_table(world.client, world.records.list_orgs())
    assert result.failures == []
    assert result.org_count == 3
    per_org = result.table.groupby("org_id", sort=False).size()
    assert per_org.to_dict() == {o.org_id: len(o.ingested) for o in world.orgs}
    assert result.table["org_name"].drop_duplicates().tolist() == [
        "Taco Tres",
        "Rosa's Cantina",
        "Café Lumière",
    ]
    summary = summarize(result.table)
    # Rosa's three locations have no DSP at all; Café Lumière's bound ones count as bound to every DSP.
    lumiere = world.orgs[2]
    assert summary.bound_to_all == 20 + len(lumiere.bound)
    assert summary.bound_to_none == 20 + 3 + (8 - len(lumiere.bound))
    assert summary.orgs_with_unbound == (2 if len(lumiere.bound) == 8 else 3)


def test_one_failing_org_leaves_the_others(world: World, no_faults: EmbeddedSandbox) -> None:
    taco, cantina, lumiere = world.orgs
    no_faults.set_faults(fail_org_ids=[cantina.org_id])
    result = portfolio_table(world.client, world.records.list_orgs())
    assert [f.org_id for f in result.failures] == [cantina.org_id]
    assert result.failures[0].org_name == "Rosa's Cantina"
    assert "HTTP 500" in result.failures[0].error
    assert set(result.table["org_id"]) == {taco.org_id, lumiere.org_id}
    assert len(result.table) == 40 + 8


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_portfolio_export_reads_back(world: World, fmt: str) -> None:
    result = portfolio_table(world.client, world.records.list_orgs())
    data = to_bytes(result.table, fmt, result.failures_frame())
    if fmt == "csv":
        back = pd.read_csv(io.BytesIO(data), dtype=str)
    elif fmt == "xlsx":
        back = pd.read_excel(io.BytesIO(data), dtype=str)
    else:
        back = pd.read_parquet(io.BytesIO(data))
    assert list(back.columns) == [
        "org_id",
        "org_name",
        "location_id",
        "name",
        "provider_id",
        "source",
        "status",
        "attention",
        "next_step",
        "address_line_1",
        "address_line_2",
        "locality",
        "state",
        "postal_code",
        "country",
        "dsp_grubhub",
        "dsp_grubhub_store_id",
        "dsp_grubhub_store_name",
        "dsp_grubhub_bound_at",
    ]
    assert len(back) == 51
    # Each bound row carries the bound store's id and name as the API gives them.
    bound = [
        (loc.id, d) for o in world.orgs for loc in world.client.org_locations(o.org_id) for d in loc.dsps
    ]
    assert bound
    by_id = back.set_index("location_id")
    for location_id, dsp in bound:
        assert by_id.loc[location_id, "dsp_grubhub_store_id"] == dsp.provider_id
        assert by_id.loc[location_id, "dsp_grubhub_store_name"] == dsp.store_name
    lumiere = world.orgs[2]
    answer = world.client.org_locations(lumiere.org_id)
    mine = back[back["org_id"] == lumiere.org_id].reset_index(drop=True)
    assert mine["location_id"].tolist() == [loc.id for loc in answer]
    assert mine["name"].tolist() == [loc.name for loc in answer]
    assert mine["postal_code"].tolist() == [loc.address.postal_code for loc in answer]
    bound = {loc.id for loc in answer if loc.dsps}
    assert set(mine.loc[mine["dsp_grubhub"].notna(), "location_id"]) == bound
