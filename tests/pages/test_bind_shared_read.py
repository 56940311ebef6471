"""Bind, Locations and Org status reuse the org's locations Home has just read (one read for all); Reload and
Refresh still read them afresh."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from benchmarks.seed import true_pairs
from lib.stream.client import StreamClient
from lib.stream.models import BindPair, OrgLocation
from tests.pages.conftest import ConsoleEnv
from tests.pages.test_bind_page import DSP, MERCHANT, Org, _connect_doordash, _metrics, _open, _table
from tests.pages.test_home import markdown


@pytest.fixture
def org_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The org ids of every GET /onboarding/org/{id}/locations the console (any client) sends."""
    reads: list[str] = []
    read = StreamClient.org_locations

    def counted(self: StreamClient, org_id: str) -> list[OrgLocation]:
        reads.append(org_id)
        return read(self, org_id)

    monkeypatch.setattr(StreamClient, "org_locations", counted)
    yield reads


def _bind_three_elsewhere(org: Org) -> list[tuple[str, str]]:
    """Someone else binds three of the org's locations at the API; returns the pairs."""
    pairs = list(true_pairs(MERCHANT, DSP)[:3])
    org.client.bind_locations(
        org.dsp_onboarding_id,
        [BindPair(pos_location_id=p, dsp_provider_id=d, dsp_store_name="x") for p, d in pairs],
    )
    return pairs


def test_bind_after_home_reads_the_org_once_and_reload_shows_a_binding_made_since(
    console_env: ConsoleEnv, org_reads: list[str]
) -> None:
    org: Org = _connect_doordash(console_env)
    org_reads.clear()  # setting the org up is not the console's reading
    home = console_env.page().run()
    assert not home.exception, [e.value for e in home.exception]
    at = _open(console_env)
    assert org_reads == [org.seeded.org_id]  # Home's read served Bind's first open
    assert _metrics(at)["Already bound"] == "0"

    # Someone else binds three locations at the API; Reload reads the org's locations again.
    pairs = _bind_three_elsewhere(org)
    at.button(key="bind_reload").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _metrics(at)["Already bound"] == "3"
    assert _table(at).loc[[p for p, _ in pairs], "status"].str.startswith("bound").all()
    # ...and Home, opened after it, counts them from that read without reading again.
    reads = len(org_reads)
    home = console_env.page().run()
    assert len(org_reads) == reads
    assert "3 of 40 locations bound" in markdown(home)


def test_locations_and_org_status_after_home_reuse_its_read_and_refresh_reads_again(
    console_env: ConsoleEnv, org_reads: list[str]
) -> None:
    org: Org = _connect_doordash(console_env)
    org_reads.clear()
    assert not console_env.page().run().exception
    locations = console_env.page("4_Locations.py").run()
    assert not locations.exception, [e.value for e in locations.exception]
    assert {m.label: m.value for m in locations.metric}["Ingested in this org"] == "40"
    status = console_env.page("6_Org_status.py").run()
    assert not status.exception, [e.value for e in status.exception]
    assert org_reads == [org.seeded.org_id]  # Home's read said what is ingested and filled the status table
    assert {m.label: m.value for m in status.metric}["Bound to no DSP"] == "40"

    # Someone else binds three locations at the API; Refresh reads the org's locations again.
    _bind_three_elsewhere(org)
    status.button(key="status_refresh").click().run()
    assert not status.exception, [e.value for e in status.exception]
    assert len(org_reads) == 2
    assert {m.label: m.value for m in status.metric}["Bound to no DSP"] == "37"
