"""The Bind screen in AppTest against the sandbox: bands, edits, the duplicate block, Cancel, Confirm, a 5xx.

Edits are made the way the browser reports them: the editor's session-state key (its current key is kept in
session_state["bind_editor_key"]) set to {"edited_rows": {position: {column: value}}, ...}.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from benchmarks.seed import RETURN_URL, SeededOrg, seed_org, true_pairs
from lib.binding import (
    NO_STORE,
    PairScorer,
    bound_stores,
    load_inputs,
    locations_frame,
    matching_runs,
    run_matching,
    store_labels,
)
from lib.numbers import whole
from lib.sandbox.embed import EmbeddedSandbox
from lib.store import LOCATIONS_BOUND
from lib.stream.client import StreamClient
from lib.stream.models import BindPair, CreateIntegrationRequest
from lib.ui.bind_view import COLUMN_WIDTHS, INDEX_WIDTH
from tests.helpers import follow_consent, rendered, screen_html_tables
from tests.pages.conftest import ConsoleEnv

# 40 locations; on DoorDash: 37 auto, and 3 that DoorDash does not list (matching leaves them unticked: no
# store, or another brand's listing at the same address for review).
MERCHANT = "taco-tres"
DSP = "doordash"
PICKED_ROW = (
    "taco-tres-L0007"  # absent on DoorDash, no listing at its address: a store here is the person's pick
)
BIND_PATH = "/onboarding/locations/bind"


@dataclass
class Org:
    """An org with every Taco Tres location ingested and DoorDash connected (by its OAuth consent)."""

    seeded: SeededOrg
    dsp_onboarding_id: str
    client: StreamClient

    def bound(self) -> dict[str, str]:
        """POS id -> DoorDash store, as the API's org locations show it."""
        locations = self.client.org_locations(self.seeded.org_id)
        return {pos: b.dsp_provider_id for pos, b in bound_stores(locations, DSP).items()}


def _connect_doordash(console_env: ConsoleEnv, bind: int = 0) -> Org:
    """Set the org up at the API through the client and record it in the console's records."""
    client = console_env.client()
    records = console_env.records
    seeded = seed_org(client, MERCHANT, dsp=None, records=records, actor="am@example.com")
    started = client.create_integration(
        CreateIntegrationRequest(org_id=seeded.org_id, source=DSP, type="dsp", return_url=RETURN_URL)
    )
    assert started.id is not None and started.entry_url is not None
    active = client.exchange_code(started.id, follow_consent(started.entry_url)["code"])
    records.add_onboarding(started.id, seeded.org_id, "dsp", DSP, str(active.status), None, "am@example.com")
    if bind:  # the first `bind` locations bound to their true stores, as an earlier session would have
        pairs = true_pairs(MERCHANT, DSP)[:bind]
        client.bind_locations(
            started.id, [BindPair(pos_location_id=p, dsp_provider_id=d, dsp_store_name="x") for p, d in pairs]
        )
    console_env.choose(seeded.org_id)
    return Org(seeded, started.id, client)


@pytest.fixture
def org(console_env: ConsoleEnv) -> Org:
    """Taco Tres with DoorDash connected and nothing bound."""
    return _connect_doordash(console_env)


def _open(console_env: ConsoleEnv) -> AppTest:
    at = console_env.page("5_Bind.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _table(at: AppTest) -> pd.DataFrame:
    """The rows the editor shows (what the page passed to st.data_editor)."""
    return at.dataframe[0].value


def _edit(at: AppTest, rows: dict[str, dict[str, Any]]) -> AppTest:
    """Make edits by POS id, as the browser's editor reports them (by position among the shown rows)."""
    shown = list(_table(at).index)
    key = at.session_state["bind_editor_key"]
    at.session_state[key] = {
        "edited_rows": {shown.index(pos): change for pos, change in rows.items()},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _frame_with(at: AppTest, *columns: str) -> pd.DataFrame:
    """The one shown table (a grid, or HTML as read on screen) that has these columns."""
    tables = [d.value for d in at.dataframe] + screen_html_tables(at)
    (found,) = [t for t in tables if set(columns) <= set(t.columns)]
    return found


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _free_store(org: Org, table: pd.DataFrame) -> str:
    """A DoorDash store that matching proposed for no location (a person's own pick for PICKED_ROW)."""
    stores = store_labels(locations_frame(org.client.list_locations(org.dsp_onboarding_id)))
    return sorted(set(stores) - set(table["dsp_store"]))[0]


def _review_label(at: AppTest) -> str:
    return at.button(key="bind_review").label


def test_proposals_appear_with_the_right_bands(console_env: ConsoleEnv, org: Org) -> None:
    at = _open(console_env)
    truth = dict(true_pairs(MERCHANT, DSP))
    table = _table(at)
    assert list(table.index) == org.seeded.ingested  # one row per ingested POS location, by its id
    auto = table[table["band"] == "auto"]
    assert len(auto) == 37 and auto["bind"].all()  # confident pairs are ticked in advance...
    assert all(auto.at[pos, "dsp_store"] == truth[pos] for pos in auto.index)  # ...and every one is right
    unsure = table[table["band"] != "auto"]
    assert len(unsure) == 3 and not unsure["bind"].any()  # proposed for review or not at all: never ticked
    assert set(unsure.index).isdisjoint(truth)  # the three locations DoorDash does not list
    absent = table[table["band"] == "none"]
    assert (absent["dsp_store"] == NO_STORE).all() and PICKED_ROW in absent.index
    metrics = _metrics(at)
    assert metrics["POS locations"] == "40" and metrics["Proposed · auto"] == "37"
    assert metrics["Proposed · review"] == str(len(unsure) - len(absent))
    assert metrics["No proposal"] == metrics["Left without a store"] == str(len(absent))
    assert metrics["Already bound"] == "0"
    assert _review_label(at) == "Review and bind 37 pairs"

    at.button_group[0].set_value(["review", "none"]).run()  # the band filter
    assert list(_table(at).index) == list(unsure.index)
    at.button_group[0].set_value([]).run()
    at.text_input(key=f"bind_search:{org.dsp_onboarding_id}").input(PICKED_ROW).run()
    assert list(_table(at).index) == [PICKED_ROW]


def test_tick_untick_and_repair_without_rerunning_matching(console_env: ConsoleEnv, org: Org) -> None:
    at = _open(console_env)
    runs = matching_runs()
    table = _table(at)
    first, second, third = table.index[0], table.index[1], table.index[2]
    other_store = table.at[second, "dsp_store"]
    left_without = _metrics(at)["Left without a store"]
    at = _edit(at, {first: {"bind": False}, PICKED_ROW: {"dsp_store": _free_store(org, table)}})
    table = _table(at)
    assert not table.at[first, "bind"] and table.at[PICKED_ROW, "bind"]  # picking a store ticks the row
    assert table.at[PICKED_ROW, "flag"].startswith("your pick; below the auto band (none, score ")
    assert _review_label(at) == "Review and bind 37 pairs"  # 37 - 1 + 1

    # Re-pair: the second row's store for the third row, and "no store" for the second row.
    at = _edit(at, {third: {"dsp_store": other_store}, second: {"dsp_store": NO_STORE}})
    table = _table(at)
    assert not table.at[first, "bind"]  # the earlier edit is kept
    assert table.at[third, "dsp_store"] == other_store and table.at[third, "bind"]  # picking ticks it
    assert table.at[third, "status"] == "picked by you" and "your pick" in table.at[third, "flag"]
    assert table.at[third, "score"] < 90 and table.at[third, "band"] != "auto"  # scored as the new pair
    assert table.at[second, "dsp_store"] == NO_STORE and not table.at[second, "bind"]
    assert _metrics(at)["Left without a store"] == left_without  # one row got a store, another lost its
    # The detail panel pairs the third row back with its own store (best candidates first in its picker).
    oid = org.dsp_onboarding_id
    at.selectbox(key=f"bind_detail_row:{oid}").set_value(third).run()
    picker = next(s for s in at.selectbox if (s.key or "").startswith(f"bind_detail_store:{oid}:{third}:"))
    truth = dict(true_pairs(MERCHANT, DSP))
    labels = store_labels(locations_frame(org.client.list_locations(oid)))
    assert picker.options[:2] == [labels[other_store], labels[truth[third]]]  # current pick, then proposal
    assert picker.options[-1] == "— no store —" and len(picker.options) == len(labels) + 1
    picker.set_value(truth[third]).run()
    table = _table(at)
    assert table.at[third, "dsp_store"] == truth[third] and table.at[third, "bind"]
    assert table.at[third, "status"] == "proposed"
    assert matching_runs() == runs  # no edit re-ran matching
    assert not at.exception


def test_a_store_picked_for_two_locations_blocks_confirmation(console_env: ConsoleEnv, org: Org) -> None:
    at = _open(console_env)
    table = _table(at)
    first, second = table.index[0], table.index[1]
    at = _edit(at, {first: {"dsp_store": table.at[second, "dsp_store"]}})
    (error,) = at.error
    for pos in (first, second):
        assert pos in rendered(error.value) and table.at[pos, "pos_name"] in rendered(error.value)
    assert at.button(key="bind_review").disabled
    at = _edit(at, {second: {"bind": False}})  # give it up on the second row: allowed again
    assert not at.error and not at.button(key="bind_review").disabled


def test_cancel_in_the_dialog_binds_nothing(console_env: ConsoleEnv, org: Org) -> None:
    at = _open(console_env)
    at.button(key="bind_review").click().run()
    assert at.button(key="bind_confirm").label == "Confirm: bind 37 pairs"
    at.button(key="bind_cancel").click().run()
    assert not at.exception
    assert "bind_confirm" not in [b.key for b in at.button]  # the dialog is closed
    assert org.bound() == {}
    assert console_env.records.list_audit(action=LOCATIONS_BOUND) == []


def test_confirm_binds_exactly_the_ticked_pairs(console_env: ConsoleEnv, org: Org) -> None:
    at = _open(console_env)
    table = _table(at)
    left_out = table.index[3]
    picked_store = _free_store(org, table)
    at = _edit(at, {left_out: {"bind": False}, PICKED_ROW: {"dsp_store": picked_store}})
    expected = {pos: table.at[pos, "dsp_store"] for pos in table.index if table.at[pos, "band"] == "auto"}
    expected[PICKED_ROW] = picked_store
    expected.pop(left_out)
    at.button(key="bind_review").click().run()
    listed = _frame_with(at, "check", "POS location", "band")
    assert len(listed) == 37
    assert PICKED_ROW in listed.iloc[0]["POS location"] and listed.iloc[0]["check"].startswith("⚑")
    assert (listed.iloc[1:]["check"] == "").all()  # only the flagged pair is marked, and it comes first
    # Each side is listed with its address, so the pairs can be checked in the dialog itself.
    labels = store_labels(locations_frame(org.client.list_locations(org.dsp_onboarding_id)))
    assert listed.iloc[0]["POS address"] == table.at[PICKED_ROW, "pos_address"]
    assert listed.iloc[0]["DSP store address"] == labels[picked_store].partition(" — ")[2] != ""
    at.button(key="bind_confirm").click().run()
    assert not at.exception
    assert org.bound() == expected
    assert at.success[0].value == "All 37 pairs bound."
    table = _table(at)
    assert table.loc[list(expected), "status"].str.startswith("bound · ").all()  # statuses re-read
    assert not table.at[left_out, "bind"] and _metrics(at)["Already bound"] == "37"
    (entry,) = console_env.records.list_audit(action=LOCATIONS_BOUND)
    assert entry.outcome == "ok" and entry.request["confirmed_by"] == entry.actor
    assert {p["pos_location_id"]: p["dsp_provider_id"] for p in entry.request["pairs"]} == expected
    picked = next(p for p in entry.request["pairs"] if p["pos_location_id"] == PICKED_ROW)
    assert picked["band"] == "none" and picked["flagged"] and picked["score"] < 90


def test_bound_locations_show_as_bound_and_repair_proposes_again(console_env: ConsoleEnv) -> None:
    org = _connect_doordash(console_env, bind=3)
    at = _open(console_env)
    bound = list(org.bound())
    table = _table(at)
    assert table.loc[bound, "status"].str.startswith("bound · PENDING").all()
    assert not table.loc[bound, "bind"].any()
    assert _metrics(at)["Already bound"] == "3" and _review_label(at) == "Review and bind 34 pairs"
    at = _edit(at, {bound[0]: {"re_pair": True}})
    assert _table(at).at[bound[0], "status"].endswith("re-pair asked")  # same store proposed: nothing to bind
    assert _review_label(at) == "Review and bind 34 pairs"


def test_a_5xx_during_bind_shows_the_failed_pairs_and_retry_binds_only_those(
    console_env: ConsoleEnv, org: Org, faults: EmbeddedSandbox
) -> None:
    at = _open(console_env)
    at.session_state["bind_batch_size"] = 10
    at.button(key="bind_review").click().run()
    order = [label for label in _frame_with(at, "check", "POS location", "band")["POS location"]]
    faults.set_faults(fail_next=3, fail_path=BIND_PATH)  # the first request and both of the client's retries
    at.button(key="bind_confirm").click().run()
    assert not at.exception
    (error,) = at.error
    assert error.value.startswith("27 of 37 pairs bound, 10 failed") and "503" in error.value
    outcomes = _frame_with(at, "outcome", "message")
    failed = outcomes[outcomes["outcome"] == "failed"]
    assert list(failed["POS location"]) == order[:10]  # the first batch
    failed_ids = {label.rsplit("(", 1)[1].rstrip(")") for label in failed["POS location"]}
    assert set(org.bound()).isdisjoint(failed_ids) and len(org.bound()) == 27
    assert _table(at).loc[sorted(failed_ids), "status"].str.startswith("failed").all()

    at.button(key="bind_retry_failed").click().run()
    assert not at.exception
    assert at.success[0].value == "All 10 pairs bound."
    assert len(org.bound()) == 37
    retry, first = console_env.records.list_audit(action=LOCATIONS_BOUND)  # newest first
    assert first.outcome == "error" and len(first.detail["failed"]) == 10
    assert retry.request["retry"] and {p["pos_location_id"] for p in retry.request["pairs"]} == failed_ids


def test_the_tick_status_and_both_sides_are_on_screen_without_scrolling(
    console_env: ConsoleEnv, org: Org
) -> None:
    at = _open(console_env)
    columns = list(_table(at).columns)
    assert columns[:2] == ["bind", "status"]  # a bound row reads "bound · …" right beside its tick
    assert list(COLUMN_WIDTHS) == columns  # the browser test finds a cell by adding these widths in order
    store_left = INDEX_WIDTH + sum(COLUMN_WIDTHS[c] for c in columns[: columns.index("dsp_store")])
    assert store_left <= 720  # in a 1400 px window (~940 px of grid) the store label starts on screen
    # Per-row "best candidates first" lives in the detail panel's picker: the table says so.
    assert any("detail panel" in c.value for c in at.caption)


def test_the_detail_panel_compares_both_records_and_lists_the_alternatives(
    console_env: ConsoleEnv, org: Org
) -> None:
    oid = org.dsp_onboarding_id
    at = _open(console_env)
    at = _edit(at, {PICKED_ROW: {"dsp_store": _free_store(org, _table(at))}})
    at.selectbox(key=f"bind_detail_row:{oid}").set_value(PICKED_ROW).run()
    assert not at.exception
    fields = _frame_with(at, "field", "POS location", "DSP store", "verdict").set_index("field")
    assert fields.at["Name", "POS location"] == _table(at).at[PICKED_ROW, "pos_name"]
    assert (fields["verdict"] != "same").any()  # another location's store differs somewhere: marked

    # A location whose matching kept other candidates: the panel lists them with their scores.
    loaded = load_inputs(org.client, org.seeded.org_id, oid, DSP)
    scorer = PairScorer(run_matching(loaded.pos, loaded.dsp), loaded.pos, loaded.dsp)
    pos_id = next(p for p in org.seeded.ingested if scorer.alternatives(p))
    expected = [str(whole(s.score)) for _, s, _ in scorer.alternatives(pos_id)]  # as every score is shown
    at.selectbox(key=f"bind_detail_row:{oid}").set_value(pos_id).run()
    alternatives = _frame_with(at, "store", "score", "band", "proposed for")
    assert list(alternatives["score"]) == expected


def test_a_tick_leaves_the_grid_as_sent_so_the_browser_reuses_it(console_env: ConsoleEnv, org: Org) -> None:
    # Streamlit sends a browser only a reference to an element it already has when the element is byte for
    # byte the same: so after a tick, the 40 (or 5,000) rows must not be sent again.
    at = _open(console_env)
    sent = at.dataframe[0].proto.SerializeToString(deterministic=True)
    table = _table(at)
    auto = [pos for pos in table.index if table.at[pos, "band"] == "auto"]
    count = int(_review_label(at).split()[3])
    at = _edit(at, {auto[0]: {"bind": False}})
    assert _review_label(at) == f"Review and bind {count - 1} pairs"  # the page took the edit...
    assert at.dataframe[0].proto.SerializeToString(deterministic=True) == sent  # ...the grid is unchanged
    # Ticking it again sets the cell back to what the grid was given: the browser drops it from its report.
    at = _edit(at, {})
    assert _review_label(at) == f"Review and bind {count} pairs"
    assert at.dataframe[0].proto.SerializeToString(deterministic=True) == sent
    at = _edit(at, {auto[0]: {"bind": False}})

    # Another store changes the row's score and status too: then the grid is sent again, showing them.
    other = table.at[auto[2], "dsp_store"]
    at = _edit(at, {auto[0]: {"bind": False}, auto[1]: {"dsp_store": other}})
    table = _table(at)
    assert at.dataframe[0].proto.SerializeToString(deterministic=True) != sent
    assert table.at[auto[1], "dsp_store"] == other and table.at[auto[1], "status"] == "picked by you"
    assert not table.at[auto[0], "bind"]  # the earlier tick shows in the table it was sent
