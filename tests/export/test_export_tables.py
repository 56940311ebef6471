"""The status tables, counts and filters on hand-built API answers (no network)."""

from __future__ import annotations

import threading
import time

import pandas as pd
import pytest

from lib.export import (
    NOT_BOUND,
    OrgRef,
    connected_dsps,
    connected_dsps_by_org,
    dsp_columns,
    dsp_labels,
    dsp_status_counts,
    dsp_status_options,
    filter_table,
    org_overview,
    org_status_table,
    portfolio_table,
    summarize,
)
from lib.export.charts import STATUS_COLOURS, dsp_status_bars_html, dsp_status_chart, unbound_bars_html
from lib.stream.errors import NotFoundError
from lib.stream.models import OrgLocation


def loc(i: int, status: str = "active", **dsps: str) -> OrgLocation:
    """A location as GET /onboarding/org/{id}/locations sends it."""
    return OrgLocation.model_validate(
        {
            "_id": f"loc_{i}",
            "provider_id": f"pos_{i}",
            "name": f"Store {i}",
            "source": "clover",
            "status": status,
            "address": {
                "address_line_1": f"{i} Main St",
                "postal_code": f"9{i:04d}",
                "locality": "Springfield",
                "administrative_district_level_1": "IL",
                "country": "US",
            },
            "dsps": [{"name": k.title(), "source": k, "status": v} for k, v in dsps.items()],
        }
    )


SAMPLE = [
    loc(1, grubhub="APPROVED", doordash="PENDING"),
    loc(2, grubhub="PENDING_REVIEW"),
    loc(3, "inactive"),
    loc(4, grubhub="REJECTED", doordash="APPROVED"),
]


def test_one_row_per_location_and_one_column_per_dsp() -> None:
    table = org_status_table(SAMPLE)
    assert len(table) == 4
    assert dsp_columns(table) == ["dsp_doordash", "dsp_grubhub"]
    row = table.set_index("location_id").loc["loc_1"]
    assert row["name"] == "Store 1"
    assert row["state"] == "IL"
    assert row["postal_code"] == "90001"
    assert row["dsp_grubhub"] == "APPROVED"
    assert row["dsp_doordash"] == "PENDING"
    # Blank where not bound.
    assert pd.isna(table.set_index("location_id").loc["loc_3", "dsp_grubhub"])


def test_connected_dsp_without_bindings_gets_an_empty_column() -> None:
    table = org_status_table(SAMPLE[:1], dsps=["ubereats"])
    assert "dsp_ubereats" in table.columns
    assert table["dsp_ubereats"].isna().all()


def test_every_row_names_its_org_and_each_dsp_its_store_and_bind_time() -> None:
    bound = OrgLocation.model_validate(
        {
            "_id": "loc_9",
            "name": "Store 9",
            "dsps": [
                {
                    "name": "DoorDash",
                    "source": "doordash",
                    "status": "APPROVED",
                    "provider_id": "dd-9",
                    "store_name": "Store Nine",
                    "bound_at": "2026-12-01T10:00:00Z",
                }
            ],
        }
    )
    table = org_status_table([bound], dsps=["ubereats"], org_id="org_7", org_name="Taco Tres Inc")
    assert list(table.columns[:2]) == ["org_id", "org_name"]
    assert (table.loc[0, "org_id"], table.loc[0, "org_name"]) == ("org_7", "Taco Tres Inc")
    assert list(table.columns[-8:]) == [
        "dsp_doordash",
        "dsp_doordash_store_id",
        "dsp_doordash_store_name",
        "dsp_doordash_bound_at",
        "dsp_ubereats",  # connected, nothing bound: its columns all the same
        "dsp_ubereats_store_id",
        "dsp_ubereats_store_name",
        "dsp_ubereats_bound_at",
    ]
    row = table.loc[0]
    assert (row["dsp_doordash_store_id"], row["dsp_doordash_store_name"]) == ("dd-9", "Store Nine")
    assert row["dsp_doordash_bound_at"] == "2026-12-01T10:00:00Z"
    assert dsp_columns(table) == ["dsp_doordash", "dsp_ubereats"], "the details are not status columns"
    assert summarize(table, ["ubereats"]).bound_to_all == 0
    labels = dsp_labels(table)
    assert (
        labels["dsp_doordash"] == "DoorDash" and labels["dsp_ubereats_store_name"] == "Uber Eats store name"
    )


def test_unknown_dsp_status_is_kept_as_text() -> None:
    table = org_status_table([loc(1, grubhub="ON_HOLD_BY_OPS")])
    assert table.loc[0, "dsp_grubhub"] == "ON_HOLD_BY_OPS"
    assert summarize(table).dsp_other == 1


def test_two_stores_of_one_dsp_on_one_location_keep_both_statuses() -> None:
    location = OrgLocation.model_validate(
        {
            "_id": "x",
            "name": "Twin",
            "dsps": [
                {"source": "grubhub", "status": "APPROVED"},
                {"source": "grubhub", "status": "PENDING"},
            ],
        }
    )
    assert org_status_table([location]).loc[0, "dsp_grubhub"] == "APPROVED / PENDING"


def test_summary_counts() -> None:
    summary = summarize(org_status_table(SAMPLE))
    assert summary.locations == 4
    assert summary.active == 3
    assert summary.bound_to_all == 2  # loc 1 and loc 4 are bound to both grubhub and doordash
    assert summary.bound_to_none == 1  # loc 3
    assert (summary.dsp_approved, summary.dsp_pending, summary.dsp_other) == (2, 2, 1)


def test_a_connected_dsp_nobody_is_bound_to_means_nobody_is_bound_to_all() -> None:
    summary = summarize(org_status_table(SAMPLE, dsps=["ubereats"]), connected=["ubereats"])
    assert summary.bound_to_all == 0


def test_empty_org() -> None:
    table = org_status_table([])
    summary = summarize(table)
    assert (summary.locations, summary.active, summary.bound_to_none) == (0, 0, 0)
    assert dsp_status_counts(table).empty


def test_chart_counts_include_not_bound() -> None:
    counts = dsp_status_counts(org_status_table(SAMPLE)).set_index(["dsp", "status"])["locations"]
    assert counts[("grubhub", "APPROVED")] == 1
    assert counts[("grubhub", NOT_BOUND)] == 1
    assert counts[("doordash", NOT_BOUND)] == 2
    assert counts.groupby(level="dsp").sum().tolist() == [4, 4]


def test_filters_change_the_rows() -> None:
    table = org_status_table(SAMPLE)
    assert filter_table(table, statuses=["inactive"])["location_id"].tolist() == ["loc_3"]
    assert filter_table(table, dsps=["doordash"])["location_id"].tolist() == ["loc_1", "loc_4"]
    assert filter_table(table, dsp_statuses=["APPROVED"])["location_id"].tolist() == ["loc_1", "loc_4"]
    assert filter_table(table, dsps=["grubhub"], dsp_statuses=[NOT_BOUND])["location_id"].tolist() == [
        "loc_3"
    ]
    assert filter_table(table, search="store 2")["location_id"].tolist() == ["loc_2"]
    assert filter_table(table, search="90004")["location_id"].tolist() == ["loc_4"]
    assert filter_table(table, dsps=["ubereats"]).empty
    assert len(filter_table(table)) == 4


def test_the_org_filter_finds_text_in_the_org_name_or_id_and_dsp_status_options_list_what_is_there() -> None:
    taco = org_status_table(SAMPLE, org_id="org-aa1", org_name="Taco Tres")
    table = pd.concat([taco, org_status_table(SAMPLE, org_id="org-bb2")])
    assert set(filter_table(table, org="  TACO ")["org_id"]) == {"org-aa1"}
    assert set(filter_table(table, org="bb2")["org_id"]) == {"org-bb2"}
    assert filter_table(table, org="nowhere").empty
    assert len(filter_table(table, org=" ")) == len(table) == 8
    # every status some DSP column holds, once, and "not bound" for the blank cells
    statuses = ["APPROVED", "PENDING", "PENDING_REVIEW", "REJECTED", NOT_BOUND]
    assert dsp_status_options(taco) == statuses


def test_connected_dsps_are_the_active_dsp_integrations() -> None:
    records = [
        Rec("pos", "clover", "active"),
        Rec("dsp", "grubhub", "active"),
        Rec("dsp", "doordash", "pending"),
    ]
    assert connected_dsps(records) == ["grubhub"]


class FakeClient:
    """Answers org_locations from a dict; raises for unknown orgs; records the peak concurrency."""

    def __init__(self, data: dict[str, list[OrgLocation]], delay: float = 0.0) -> None:
        self.data, self.delay = data, delay
        self.in_flight = 0
        self.peak = 0
        self._lock = threading.Lock()

    def org_locations(self, org_id: str) -> list[OrgLocation]:
        with self._lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        try:
            time.sleep(self.delay)
            if org_id not in self.data:
                raise NotFoundError("Organization not found", endpoint=f"/onboarding/org/{org_id}/locations")
            return self.data[org_id]
        finally:
            with self._lock:
                self.in_flight -= 1


def test_portfolio_keeps_order_bounds_concurrency_and_lists_failures() -> None:
    data = {f"org_{i}": [loc(i * 10 + j, grubhub="APPROVED") for j in range(3)] for i in range(20)}
    client = FakeClient(data, delay=0.02)
    orgs = [OrgRef(f"org_{i}", f"Org {i}") for i in range(20)]
    orgs.insert(5, OrgRef("org_missing", "Ghost"))
    seen: list[tuple[int, int]] = []
    result = portfolio_table(client, orgs, max_in_flight=4, progress=lambda d, t: seen.append((d, t)))
    assert client.peak == 4
    assert result.org_count == 21
    assert len(result.table) == 60
    assert result.table["org_id"].drop_duplicates().tolist() == [f"org_{i}" for i in range(20)]
    assert result.table["org_name"].iloc[0] == "Org 0"
    assert [(f.org_id, f.org_name) for f in result.failures] == [("org_missing", "Ghost")]
    assert "could not find" in result.failures[0].error
    assert result.failures_frame()["org_id"].tolist() == ["org_missing"]
    assert seen[0] == (0, 21) and seen[-1] == (21, 21) and len(seen) == 22


def test_portfolio_summary_and_overview_per_org() -> None:
    data = {"a": [loc(1, grubhub="APPROVED"), loc(2)], "b": [loc(3, doordash="PENDING")]}
    result = portfolio_table(FakeClient(data), ["a", "b"])
    summary = summarize(result.table)
    # Org b uses only doordash, so its location counts as bound to every DSP it has connected.
    assert summary.bound_to_all == 2
    assert summary.bound_to_none == 1
    assert (summary.orgs, summary.orgs_with_unbound) == (2, 1)
    overview = org_overview(result.table).set_index("org_id")
    assert overview.loc["a", "locations"] == 2
    assert overview.loc["a", "unbound"] == 1
    assert overview.loc["b", "pending"] == 1


def test_max_in_flight_must_be_positive() -> None:
    with pytest.raises(ValueError):
        portfolio_table(FakeClient({}), ["a"], max_in_flight=0)


def test_portfolio_summary_counts_connected_dsps_per_org() -> None:
    data = {"a": [loc(1, grubhub="APPROVED")], "b": [loc(2, grubhub="APPROVED")]}
    table = portfolio_table(FakeClient(data), ["a", "b"]).table
    assert summarize(table).bound_to_all == 2
    # Org b has also connected Uber Eats (nothing bound yet): its location is no longer bound to every DSP.
    assert summarize(table, {"b": ["grubhub", "ubereats"]}).bound_to_all == 1
    records = [Rec("dsp", "ubereats", "active", "b"), Rec("dsp", "grubhub", "active", "a")]
    assert connected_dsps_by_org(records) == {"b": ["ubereats"], "a": ["grubhub"]}


class Rec:
    """An onboarding record as lib.store hands it out (only the fields the tables read)."""

    def __init__(self, type: str, source: str, status: str, org_id: str = "org") -> None:
        self.type, self.source, self.status, self.org_id = type, source, status, org_id


def test_chart_colours_follow_the_badges() -> None:
    counts = dsp_status_counts(org_status_table([*SAMPLE, loc(9, grubhub="ON_HOLD")]))
    spec = dsp_status_chart(counts).to_dict()
    scale = spec["encoding"]["color"]["scale"]
    colours = dict(zip(scale["domain"], scale["range"], strict=True))
    assert colours["APPROVED"] == STATUS_COLOURS["APPROVED"]
    assert colours["REJECTED"] == STATUS_COLOURS["REJECTED"]
    assert colours[NOT_BOUND] == STATUS_COLOURS[NOT_BOUND]
    assert colours["ON_HOLD"] not in STATUS_COLOURS.values()  # unknown statuses still get their own colour


def test_status_bars_show_each_dsps_counts_in_the_badge_colours() -> None:
    counts = dsp_status_counts(org_status_table([*SAMPLE, loc(9, grubhub="ON_HOLD")]))
    bars = dsp_status_bars_html(counts)
    for row in counts.itertuples():
        # Every (DSP, status) count is a segment whose tooltip says it, coloured like the chart.
        assert f'title="{row.dsp} · {row.status}: {row.locations:,}"' in bars
    approved = counts[counts["status"] == "APPROVED"].iloc[0]
    total = int(counts.loc[counts["dsp"] == approved["dsp"], "locations"].sum())
    width = 100 * int(approved["locations"]) / total
    assert f"width:{width:.3f}%;background:{STATUS_COLOURS['APPROVED']}" in bars
    assert f"{NOT_BOUND} {int(counts.loc[counts['status'] == NOT_BOUND, 'locations'].sum()):,}" in bars
    assert "<script" not in dsp_status_bars_html(counts.assign(dsp="<script>x</script>"))  # names escaped


def test_unbound_bars_list_the_orgs_with_most_unbound_first_scaled_to_the_largest() -> None:
    overview = pd.DataFrame(
        {
            "org_id": ["o1", "o2", "o3", "o4"],
            "org_name": ["Few", None, "None unbound", "<b>Many</b>"],
            "locations": [10, 8, 5, 40],
            "unbound": [2, 4, 0, 8],
        }
    )
    bars = unbound_bars_html(overview, top=2)
    assert "&lt;b&gt;Many&lt;/b&gt; (o4): 8 of 40 locations bound to no DSP" in bars  # escaped, first
    assert bars.index("(o4)") < bars.index("o2 (o2): 4 of 8")  # a nameless org goes by its id
    assert "width:100.000%" in bars and "width:50.000%" in bars  # 8 is the full bar, 4 half of it
    assert "Few" not in bars and "None unbound" not in bars  # beyond the top 2; nothing unbound: not listed
