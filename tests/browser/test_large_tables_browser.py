"""Merchant-scale tables in headless Chromium: 2,000 locations, more than a browser is sent at once.

The Org status table is loaded lazily (the browser fetches the rows in view, the server sorts): sorting a
column by its header still sorts every row. A cell's text is read by copying it (the grid is a canvas).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from benchmarks.chromium import APP_IDLE_JS
from benchmarks.seed import SeededOrg, seed_org
from lib.sandbox.embed import EmbeddedSandbox
from lib.store import Records
from lib.stream.client import StreamClient
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
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + x, box["y"] + ROW * (row + 1) + ROW / 2)
    page.keyboard.press("Control+c")
    return str(page.evaluate("navigator.clipboard.readText()"))


def wait_for_cell(page: Page, grid: Locator, x: float, expected: str) -> None:
    """Copy the first cell under x until it reads `expected` (the server sorts, then the grid redraws)."""
    seen = ""
    deadline = page.evaluate("Date.now()") + WAIT_MS
    while page.evaluate("Date.now()") < deadline:
        seen = copied_cell(page, grid, x)
        if seen == expected:
            return
        page.wait_for_function("() => new Promise(r => requestAnimationFrame(() => r(true)))")
    raise AssertionError(f"first cell reads {seen!r}, not {expected!r}")


def test_sorting_the_org_status_table_sorts_every_location(
    big: tuple[ConsoleServer, SeededOrg, list[str]], new_page: Callable[[], Page]
) -> None:
    server, org, location_ids = big
    assert len(location_ids) == 2000
    page = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    main = page.get_by_test_id("stMain")
    page.goto(f"{server.base_url}/Org_status?org={org.org_id}")
    expect(main).to_contain_text("Showing 2,000 of 2,000 locations", timeout=WAIT_MS)
    grid = main.get_by_test_id("stDataFrame").last
    expect(grid.get_by_test_id("data-grid-canvas")).to_be_visible()
    page.wait_for_function(f"() => {APP_IDLE_JS}")  # the grid takes clicks once the run is over
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box is not None
    first_column = 60  # px into the grid: the location_id column

    # The header sorts all 2,000 rows, not the 1,000 the browser was sent first: ascending, then descending.
    page.mouse.click(box["x"] + first_column, box["y"] + ROW / 2)
    wait_for_cell(page, grid, first_column, min(location_ids))
    page.mouse.click(box["x"] + first_column, box["y"] + ROW / 2)
    wait_for_cell(page, grid, first_column, max(location_ids))
    expect(page.get_by_test_id("stException")).to_have_count(0)
