"""The Bind screen past one page: the editor gets a page of rows, sorted over every row, its edits land on
the right locations, and a merchant with many stores finds any store from the detail panel.

Taco Tres has 40 locations and 40-odd DoorDash stores, so the page size and the store threshold are lowered
here to what 5,000 locations and stores meet at their real values (lib.ui.tables.PAGE_ROWS = 200,
lib.ui.bind_view.GRID_ALL_STORES = 1,000).
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Selectbox

from lib.binding import locations_frame, store_labels
from tests.pages import test_bind_page as bind
from tests.pages.conftest import ConsoleEnv

org = bind.org  # Taco Tres with DoorDash connected and nothing bound
PAGE = 15


@pytest.fixture(autouse=True)
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("lib.ui.tables.PAGE_ROWS", PAGE)
    monkeypatch.setattr("lib.ui.bind_view.GRID_ALL_STORES", 10)


def _page_box(at: AppTest, oid: str) -> Selectbox[int]:
    return at.selectbox(key=f"bind_rows:{oid}_page")


def _picker(at: AppTest) -> Selectbox[str]:
    [picker] = [s for s in at.selectbox if s.label == "Pair this location with"]
    return picker


def test_the_editor_shows_one_page_sorted_over_every_row_and_edits_land_on_their_rows(
    console_env: ConsoleEnv, org: bind.Org
) -> None:
    at = bind._open(console_env)
    oid = org.dsp_onboarding_id
    everything = org.seeded.ingested
    assert list(bind._table(at).index) == everything[:PAGE]  # page 1 of 3, as listed
    assert "40 POS locations shown" in " ".join(c.value for c in at.caption)  # the count is every row's
    assert list(_page_box(at, oid).options) == [
        "1 of 3 · rows 1–15",
        "2 of 3 · rows 16–30",
        "3 of 3 · rows 31–40",
    ]
    _page_box(at, oid).set_value(2).run()
    assert list(bind._table(at).index) == everything[30:]

    # Sorting is over all 40 rows: page 1 holds the lowest scores, from wherever they were listed.
    at.selectbox(key=f"bind_rows:{oid}_sort").set_value("score").run()
    _page_box(at, oid).set_value(0).run()
    first = bind._table(at)
    scores = first["score"].dropna().tolist()
    assert scores == sorted(scores) and scores[0] < 100
    assert set(first.index) - set(everything[:PAGE])  # rows listed on later pages
    at.toggle(key=f"bind_rows:{oid}_descending").set_value(True).run()
    assert bind._table(at)["score"].iloc[0] == 100

    # An edit on page 2 of the sorted rows unticks exactly that location, and it stays unticked.
    _page_box(at, oid).set_value(1).run()
    row = bind._table(at).index[3]
    assert bind._table(at).at[row, "bind"]
    before = bind._review_label(at)
    bind._edit(at, {row: {"bind": False}})  # (the editor keeps the table it has and draws the tick itself)
    ticked = int(before.split()[3])
    assert bind._review_label(at) == f"Review and bind {ticked - 1} pairs"
    _page_box(at, oid).set_value(0).run()
    _page_box(at, oid).set_value(1).run()
    assert not bind._table(at).at[row, "bind"]


def test_with_many_stores_the_panel_lists_candidates_and_finds_any_store(
    console_env: ConsoleEnv, org: bind.Org
) -> None:
    at = bind._open(console_env)
    oid = org.dsp_onboarding_id
    labels = store_labels(locations_frame(org.client.list_locations(oid)))
    row = bind.PICKED_ROW  # no store proposed: the person picks one
    at.selectbox(key=f"bind_detail_row:{oid}").set_value(row).run()
    assert len(_picker(at).options) < len(labels)  # its candidates, not every store
    assert _picker(at).options[-1] == "— no store —"

    store = bind._free_store(org, bind._table(at))  # a store no row of this page has (another row may)

    def listed() -> bool:
        return any(o.startswith(labels[store]) for o in _picker(at).options)

    assert not listed()
    at.text_input(key=f"bind_detail_find:{oid}").set_value(store).run()  # found by its id
    assert listed()
    _picker(at).set_value(store).run()
    assert not at.exception
    assert bind._table(at).at[row, "dsp_store"] == store
