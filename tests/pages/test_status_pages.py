"""Org status and Portfolio screens in AppTest against the sandbox: counts, filters, refresh, failing orgs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from benchmarks.seed import SeededOrg, seed_org, true_pairs
from lib.sandbox.embed import EmbeddedSandbox
from lib.stream.client import StreamClient
from lib.stream.models import BindPair
from tests.helpers import screen_html_tables
from tests.pages.conftest import ConsoleEnv

ORG_STATUS = "6_Org_status.py"
PORTFOLIO = "7_Portfolio.py"


@dataclass
class Seeded:
    """Orgs onboarded once per module on the shared sandbox (recorded per test in fresh records)."""

    taco: SeededOrg  # 40 locations, 20 bound to Grubhub
    cantina: SeededOrg  # 3 locations, no DSP
    lumiere: SeededOrg  # 8 locations, every one with a true Grubhub store bound

    @property
    def all(self) -> list[SeededOrg]:
        return [self.taco, self.cantina, self.lumiere]


@pytest.fixture(scope="module")
def seeded(sandbox: EmbeddedSandbox) -> Iterator[Seeded]:
    with StreamClient(sandbox.base_url, sandbox.client_id, sandbox.client_secret) as client:
        seeded = Seeded(
            seed_org(client, "taco-tres", name="Taco Tres", bind=20),
            seed_org(client, "rosas-cantina", name="Rosa's Cantina", dsp=None),
            seed_org(client, "cafe-lumiere", name="Café Lumière"),
        )
        # Grubhub has approved Café Lumière's stores. Said outright: the sandbox approves a binding only
        # approve_after seconds after it was made, which a fast run does not wait for.
        for store in seeded.lumiere.bound.values():
            sandbox.set_store_status(seeded.lumiere.org_id, store, "APPROVED")
        yield seeded


@dataclass
class Env:
    console: ConsoleEnv
    client: StreamClient
    faults: EmbeddedSandbox
    taco: SeededOrg
    cantina: SeededOrg
    lumiere: SeededOrg

    def open(self, page: str, org_id: str | None = None) -> AppTest:
        """Run the page once (as the current org when given) and check it did not raise."""
        at = self.console.page(page)
        if org_id:
            at.session_state["current_org_id"] = org_id
        at.run()
        assert not at.exception, at.exception
        return at


@pytest.fixture
def env(console_env: ConsoleEnv, faults: EmbeddedSandbox, seeded: Seeded) -> Env:
    """The console on the shared sandbox with the three seeded orgs in its (fresh) records."""
    for org in seeded.all:
        org.record(console_env.records)
    return Env(console_env, console_env.client(), faults, seeded.taco, seeded.cantina, seeded.lumiere)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def widget(elements: Any, label: str) -> Any:
    found = [e for e in elements if e.label == label]
    assert found, f"no widget labelled {label!r}"
    return found[0]


def main_table(at: AppTest) -> pd.DataFrame:
    """Portfolio's locations table as a person reads it: the last HTML table, headings and cell texts."""
    return screen_html_tables(at)[-1]


def status_table(at: AppTest) -> pd.DataFrame:
    """Org status's locations table as a person reads it: the last HTML table, headings and cell texts."""
    return screen_html_tables(at)[-1]


def texts(at: AppTest) -> str:
    parts = [e.value for group in (at.caption, at.markdown, at.info, at.warning, at.error) for e in group]
    return "\n".join(str(p) for p in parts)


# --- Org status ------------------------------------------------------------------------------------------


def test_org_status_counts_match_the_sandbox(env: Env) -> None:
    at = env.open(ORG_STATUS, env.taco.org_id)
    answer = env.client.org_locations(env.taco.org_id)
    shown = metrics(at)
    assert shown["Locations"] == str(len(answer)) == "40"
    assert shown["Active"] == "40"
    assert shown["Bound to every connected DSP"] == "20"
    assert shown["Bound to no DSP"] == "20"
    approved, pending = int(shown["DSP approvals"]), int(shown["DSP pending"])
    assert approved + pending == 20
    table = status_table(at)
    assert len(table) == 40
    assert table["location_id"].tolist() == [loc.id for loc in answer]
    assert "As of " in texts(at)
    bars, _ = [h.proto.body for h in at.get("html")]  # locations by DSP status, then the table
    assert "grubhub · not bound: 20" in bars
    assert [b.label for b in at.get("download_button")] == ["Download CSV", "Download Excel"]
    assert "Taco Tres" in [h.value for h in at.subheader]
    # The org's integrations with their statuses.
    assert any("**clover**" in m.value for m in at.markdown)
    assert any("**grubhub**" in m.value for m in at.markdown)


def test_org_status_filters_change_the_table(env: Env) -> None:
    at = env.open(ORG_STATUS, env.taco.org_id)
    widget(at.multiselect, "DSP status").set_value(["not bound"]).run()
    table = status_table(at)
    assert len(table) == 20
    assert (table["Grubhub"] == "").all()  # the DSP column, under the DSP's name
    assert "Showing 20 of 40 locations" in texts(at)

    widget(at.multiselect, "DSP status").set_value([]).run()
    widget(at.multiselect, "Bound to DSP").set_value(["grubhub"]).run()
    assert set(status_table(at)["provider_id"]) == set(env.taco.bound)

    widget(at.multiselect, "Bound to DSP").set_value([]).run()
    first = env.taco.ingested[0]
    widget(at.text_input, "Search").input(first).run()
    assert status_table(at)["provider_id"].tolist() == [first]


def test_org_without_dsp(env: Env) -> None:
    at = env.open(ORG_STATUS, env.cantina.org_id)
    shown = metrics(at)
    assert shown["Locations"] == "3"
    assert shown["Bound to no DSP"] == "3"
    assert shown["Bound to every connected DSP"] == "0"


def test_refresh_fetches_again_while_a_rerun_uses_the_cache(env: Env) -> None:
    fresh = seed_org(env.client, "cafe-lumiere", name="Lumière Two", bind=0, records=env.console.records)
    at = env.open(ORG_STATUS, fresh.org_id)
    assert metrics(at)["Bound to no DSP"] == "8"
    pos, store = true_pairs("cafe-lumiere", "grubhub")[0]
    assert fresh.dsp_onboarding_id is not None
    pair = BindPair(pos_location_id=pos, dsp_provider_id=store, dsp_store_name="Café Lumière")
    env.client.bind_locations(fresh.dsp_onboarding_id, [pair])
    at.run()
    assert metrics(at)["Bound to no DSP"] == "8"  # a rerun within the TTL shows the cached answer
    widget(at.button, "Refresh").click().run()
    assert metrics(at)["Bound to no DSP"] == "7"


def test_refresh_rereads_integration_statuses_and_keeps_the_unreadable_ones(env: Env) -> None:
    records = env.console.records
    dsp_id = env.taco.dsp_onboarding_id
    assert dsp_id is not None
    records.update_onboarding_status(dsp_id, "pending")  # a stale record: the API says active
    records.add_onboarding(
        "onb_unknown_to_api", env.taco.org_id, "dsp", "doordash", "pending", None, "x@e.co"
    )
    at = env.open(ORG_STATUS, env.taco.org_id)
    shown = [m.value for m in at.markdown if m.value.endswith("-badge[active]")]
    assert shown == [":green-badge[active]"]  # the POS only: the page shows the records
    widget(at.button, "Refresh").click().run()
    assert not at.exception
    assert records.get_onboarding(dsp_id).status == "active"  # type: ignore[union-attr]
    badges = [m.value for m in at.markdown if m.value.endswith(("-badge[active]", "-badge[pending]"))]
    assert badges.count(":green-badge[active]") == 2  # POS and now Grubhub
    assert len(badges) == 3  # the onboarding the API does not know stays listed, as recorded
    assert "1 of 3 statuses could not be read from the API just now" in texts(at)
    assert metrics(at)["Locations"] == "40"


def test_org_status_failure_shows_the_sentence(env: Env) -> None:
    env.faults.set_faults(fail_org_ids=[env.cantina.org_id])
    at = env.open(ORG_STATUS, env.cantina.org_id)
    assert at.error, "expected an error message"
    assert "HTTP 500" in at.error[0].value
    assert not at.metric


# --- Portfolio -------------------------------------------------------------------------------------------


def test_portfolio_counts_every_org(env: Env) -> None:
    at = env.open(PORTFOLIO)
    shown = metrics(at)
    orgs = env.console.records.list_orgs()
    total = sum(len(env.client.org_locations(o.org_id)) for o in orgs)
    assert shown["Organizations"] == str(len(orgs))
    assert shown["Locations"] == f"{total:,}"
    assert not [w for w in at.warning if "could not be fetched" in w.value]
    table = main_table(at)
    assert len(table) == total
    # Plain HTML bars (no charting library): by DSP status, and the orgs with unbound locations by name.
    by_status, by_org = [h.proto.body for h in at.get("html") if "<table" not in h.proto.body]
    assert "APPROVED" in by_status and "not bound" in by_status
    unbound = int(shown["Orgs with unbound locations"])
    assert by_org.count("locations bound to no DSP") == min(unbound, 25)
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Download CSV", "Download Excel", "Download Parquet"]
    assert set(table["org_id"]) == {o.org_id for o in orgs}


def test_portfolio_filters(env: Env) -> None:
    at = env.open(PORTFOLIO)
    widget(at.text_input, "Organization").input("taco").run()
    assert metrics(at)["Locations"] == "40"
    assert set(main_table(at)["org_name"]) == {"Taco Tres"}
    widget(at.multiselect, "DSP status").set_value(["not bound"]).run()
    assert metrics(at)["Locations"] == "20"
    assert metrics(at)["Orgs with unbound locations"] == "1"


def test_portfolio_lists_a_failing_org_and_shows_the_rest(env: Env) -> None:
    env.faults.set_faults(fail_org_ids=[env.cantina.org_id])
    at = env.open(PORTFOLIO)
    orgs = env.console.records.list_orgs()
    warnings = [w.value for w in at.warning if "could not be fetched" in w.value]
    assert warnings and f"1 of {len(orgs)} organizations could not be fetched" in warnings[0]
    failed = at.dataframe[0].value
    assert failed["org_id"].tolist() == [env.cantina.org_id]
    assert failed["org_name"].tolist() == ["Rosa's Cantina"]
    assert "HTTP 500" in failed["error"].iloc[0]
    table = main_table(at)
    assert env.cantina.org_id not in set(table["org_id"])
    assert env.taco.org_id in set(table["org_id"])
    assert metrics(at)["Organizations"] == str(len(orgs) - 1)


def test_status_screens_without_orgs(console_env: ConsoleEnv) -> None:
    for page, sentence in (
        (PORTFOLIO, "no organizations yet"),
        (ORG_STATUS, "Choose or create an organization first"),
    ):
        at = console_env.page(page)
        at.run()
        assert not at.exception
        assert sentence in texts(at)
