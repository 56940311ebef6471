"""Merchant-scale tables in headless Chromium: 2,000 locations, more than a browser is sent at once.

The Org status table is drawn as HTML a page of 100 rows at a time: "Sort by" sorts every row, not only the
page shown. The bind editor is given 200 rows a page: another page shows
other locations, and a tick there counts; so does the Locations table. A cell's text is read by copying it
(the grid is a canvas).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from benchmarks.browser_pages import bind_cell
from benchmarks.chromium import APP_IDLE_JS
from benchmarks.seed import SeededOrg, seed_org
from lib.sandbox.embed import EmbeddedSandbox
from lib.store import Records
from lib.stream.client import StreamClient
from lib.ui.bind_view import INDEX_WIDTH
from lib.ui.locations import SELECT_WIDTH
from tests.browser.conftest import WAIT_MS, ConsoleServer, running_console

pytestmark = pytest.mark.browser
MERCHANT = "big-slice-pizza"  # 2,000 locations: past the 1,000 rows a lazy table sends first
BOUND = 500
ROW = 35  # px: the grids' header and body rows


@pytest.fixture(scope="module")
def big(
    sandbox: EmbeddedSandbox, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ConsoleServer, SeededOrg, list[str]]]:
    """A console on the session sandbox with one 2,000-location org, Grubhub connected, 500 bound."""
    folder = tmp_path_factory.mktemp("large-tables")
    with (
        StreamClient(sandbox.base_url, sandbox.client_id, sandbox.client_secret) as client,
        Records(f"sqlite:///{folder / 'console.db'}") as records,
    ):
        org = seed_org(client, MERCHANT, name="Big Slice (large tables)", bind=BOUND, records=records)
        location_ids = [loc.id for loc in client.org_locations(org.org_id)]
    with running_console(folder, api=sandbox) as server:
        yield server, org, location_ids


def copied_cell(page: Page, grid: Locator, x: float, row: int = 0) -> str:
    """The text of a body cell of a canvas grid, copied as a person copies it (click, Ctrl+C)."""
    box = None
    for _ in range(50):  # a new page is a new editor: the old grid goes before the new one is drawn
        expect(grid.get_by_test_id("data-grid-canvas")).to_be_visible()
        box = grid.bounding_box()
        if box is not None:
            break
    assert box is not None
    page.mouse.click(box["x"] + x, box["y"] + ROW * (row + 1) + ROW / 2)
    page.keyboard.press("Control+c")
    return str(page.evaluate("navigator.clipboard.readText()"))


def wait_for_copied(page: Page, grid: Locator, x: float, wanted: Callable[[str], bool]) -> str:
    """Copy the first cell under x, a frame apart, until `wanted` holds for its text (the grid redraws)."""
    seen = ""
    for _ in range(100):
        page.wait_for_function("() => new Promise(r => requestAnimationFrame(() => r(true)))")
        seen = copied_cell(page, grid, x)
        if wanted(seen):
            return seen
    raise AssertionError(f"the first cell still reads {seen!r}")


def open_paged(
    page: Page, big: tuple[ConsoleServer, SeededOrg, list[str]], path: str
) -> tuple[Locator, Locator, Locator]:
    """Open the big org's paged screen `path` (clipboard allowed) until its first 200 rows are in and the app
    is idle; returns the main area, its Page box and its first grid."""
    server, org, _ = big
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    main = page.get_by_test_id("stMain")
    page.goto(f"{server.base_url}/{path}?org={org.org_id}")
    pages = main.get_by_role("combobox", name="Page")
    expect(pages).to_have_value("1 of 10 · rows 1–200", timeout=WAIT_MS)
    page.wait_for_function(f"() => {APP_IDLE_JS}")
    return main, pages, main.get_by_test_id("stDataFrame").first


def test_sorting_the_org_status_table_sorts_every_location(
    big: tuple[ConsoleServer, SeededOrg, list[str]], new_page: Callable[[], Page]
) -> None:
    server, org, location_ids = big
    assert len(location_ids) == 2000
    page = new_page()
    main = page.get_by_test_id("stMain")
    page.goto(f"{server.base_url}/Org_status?org={org.org_id}")
    expect(main).to_contain_text("Showing 2,000 of 2,000 locations", timeout=WAIT_MS)
    pages = main.get_by_role("combobox", name="Page")
    expect(pages).to_have_value("1 of 20 · rows 1–100", timeout=WAIT_MS)
    first_id = main.locator(".console-table tbody tr").first.locator("td").first

    def pick(label: str, option: str) -> None:
        box = main.get_by_role("combobox", name=label)
        box.scroll_into_view_if_needed()  # a click that scrolls the page first only focuses the box
        box.click()
        page.get_by_role("option", name=option, exact=True).click()

    # "Sort by" sorts all 2,000 rows, not the 100 on screen: ascending, then descending, then the last page.
    pick("Sort by", "location_id")
    expect(first_id).to_have_text(min(location_ids), timeout=WAIT_MS)
    main.get_by_text("Descending").click()
    expect(first_id).to_have_text(max(location_ids), timeout=WAIT_MS)
    pick("Page", "20 of 20 · rows 1,901–2,000")
    expect(first_id).to_have_text(sorted(location_ids)[99], timeout=WAIT_MS)
    expect(main.locator(".console-table tbody tr")).to_have_count(100)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_the_bind_editor_pages_through_every_location_and_a_tick_on_a_later_page_counts(
    big: tuple[ConsoleServer, SeededOrg, list[str]], new_page: Callable[[], Page]
) -> None:
    page = new_page()
    main, pages, grid = open_paged(page, big, "Bind")
    expect(main).to_contain_text("2,000 POS locations shown", timeout=WAIT_MS)
    on_page_one = copied_cell(page, grid, INDEX_WIDTH / 2)

    # Page 4 (past the 500 bound, which cannot be ticked): other locations, and a tick there counts.
    pages.click()
    page.get_by_role("option", name="4 of 10 · rows 601–800").click()
    expect(pages).to_have_value("4 of 10 · rows 601–800")
    wait_for_copied(page, grid, INDEX_WIDTH / 2, lambda text: text not in (on_page_one, "#LOADING"))
    page.wait_for_function(f"() => {APP_IDLE_JS}")
    review = main.get_by_role("button", name=re.compile(r"^Review and bind"))
    before = int(re.findall(r"[\d,]+", review.inner_text())[0].replace(",", ""))
    x, y = bind_cell(page, 0, "bind")
    page.mouse.click(x, y)
    expect(review).not_to_have_text(re.compile(rf"Review and bind {before:,} pairs"), timeout=WAIT_MS)
    after = int(re.findall(r"[\d,]+", review.inner_text())[0].replace(",", ""))
    assert abs(after - before) == 1
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_a_tick_on_a_later_page_of_locations_selects_that_location(
    big: tuple[ConsoleServer, SeededOrg, list[str]], new_page: Callable[[], Page]
) -> None:
    page = new_page()
    main, pages, grid = open_paged(page, big, "Locations")
    id_column = SELECT_WIDTH + 60  # px into the grid: the provider_id column, after the tick boxes
    on_page_one = copied_cell(page, grid, id_column)

    pages.click()
    page.get_by_role("option", name="7 of 10 · rows 1,201–1,400").click()
    picked = wait_for_copied(page, grid, id_column, lambda text: text not in (on_page_one, "#LOADING"))
    page.wait_for_function(f"() => {APP_IDLE_JS}")
    copied_cell(page, grid, SELECT_WIDTH / 2)  # a click on the tick box selects the cell ...
    page.keyboard.press("Space")  # ... and space ticks it, as a person does from the keyboard
    expect(main.get_by_role("button", name="Ingest 1 selected location")).to_be_visible(timeout=WAIT_MS)
    # The tick is on that location: the table drawn afresh from the selection shows it ticked.
    page.wait_for_function(f"() => {APP_IDLE_JS}")
    wait_for_copied(page, grid, id_column, lambda text: text == picked)
    page.keyboard.press("ArrowLeft")  # from its id to its tick box, without clicking (a click would tick)
    page.keyboard.press("Control+c")
    assert page.evaluate("navigator.clipboard.readText()") == "TRUE"  # the grid copies a tick so
    expect(page.get_by_test_id("stException")).to_have_count(0)
