"""The bind screen in headless Chromium: correct a wrong pairing in the grid, confirm, see it bound.

The org (Rosa's Cantina: Clover POS with its 3 locations ingested, DoorDash connected by its consent page) is
set up through the API client against the console's own embedded sandbox and recorded in the console's
records, as the screens do. West Loop was once bound to the wrong DoorDash store (a closed store of the same
brand at 5826 instead of 8526 Juniper Rd). In the browser the person picks the right store in the grid's
DSP store cell, reviews the three pairs in the dialog (the re-pair flagged first), confirms, and sees every
location bound on the Bind and Org status screens. Screenshots go to artifacts/bind/.

The grid is a canvas: cells are found by adding the editor's fixed column widths (lib.ui.bind_view) and
35-px rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from benchmarks.seed import RETURN_URL, SeededOrg, seed_org
from lib.binding import bound_stores
from lib.sandbox.credentials import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from lib.store import Records
from lib.stream.client import StreamClient
from lib.stream.models import BindPair, CreateIntegrationRequest
from lib.ui.bind_view import COLUMN_WIDTHS, INDEX_WIDTH, ROW_HEIGHT
from tests.browser.conftest import WAIT_MS, ConsoleServer, menu, shot
from tests.helpers import follow_consent

pytestmark = pytest.mark.browser
FOLDER = "bind"
MERCHANT = "rosas-cantina"
WEST_LOOP = "rosas-cantina-L0003"
WRONG_STORE = "doordash-rosas-cantina-S45692"  # "Rosa's Cantina - West Loop", 5826 Juniper Rd: closed
RIGHT_STORE = "doordash-rosas-cantina-S54706"  # "Rosa's Cantina", 8526 Juniper Rd


def no_exception(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.fixture
def api(console_server: ConsoleServer, new_page: Callable[[], Page]) -> Iterator[StreamClient]:
    """A client of the console's embedded sandbox (its address is on the Connect page)."""
    page = new_page()
    page.goto(console_server.base_url + "/Connect")
    caption = page.get_by_test_id("stMain").get_by_text(re.compile(r"Base URL:"))
    expect(caption).to_be_visible(timeout=WAIT_MS)
    match = re.search(r"http://127\.0\.0\.1:\d+", caption.inner_text())
    assert match, caption.inner_text()
    with StreamClient(match.group(0), SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET) as client:
        yield client


def seed_with_doordash(api: StreamClient, tmp_path: Path, merchant: str, name: str) -> tuple[SeededOrg, str]:
    """An org with an active POS and DoorDash (connected by its consent page), at the API and in the
    console_server's records (tmp_path/console.db); returns the org and its DoorDash onboarding id."""
    with Records(f"sqlite:///{tmp_path / 'console.db'}") as records:
        org = seed_org(api, merchant, name=name, dsp=None, records=records, actor="local operator")
        started = api.create_integration(
            CreateIntegrationRequest(org_id=org.org_id, source="doordash", type="dsp", return_url=RETURN_URL)
        )
        assert started.id is not None and started.entry_url is not None
        active = api.exchange_code(started.id, follow_consent(started.entry_url)["code"])
        records.add_onboarding(started.id, org.org_id, "dsp", "doordash", str(active.status), None, "tester")
    return org, started.id


def seed_wrongly_bound(api: StreamClient, tmp_path: Path) -> tuple[SeededOrg, str]:
    """Rosa's Cantina with DoorDash (seed_with_doordash), West Loop bound to WRONG_STORE."""
    org, dsp_id = seed_with_doordash(api, tmp_path, MERCHANT, "Rosa's Cantina LLC")
    api.bind_locations(
        dsp_id, [BindPair(pos_location_id=WEST_LOOP, dsp_provider_id=WRONG_STORE, dsp_store_name="West Loop")]
    )
    return org, dsp_id


def _cell(grid: Locator, row: int, column: str) -> tuple[float, float]:
    """Page coordinates of the middle of a body cell of the bind editor (row 0 is the first data row)."""
    box = grid.bounding_box()
    assert box is not None
    x = box["x"] + INDEX_WIDTH
    for name, width in COLUMN_WIDTHS.items():
        if name == column:
            x += width / 2
            break
        x += width
    y = box["y"] + ROW_HEIGHT * (row + 1) + ROW_HEIGHT / 2  # the header row is as tall as a body row
    return x, y


def test_correct_a_wrong_pairing_confirm_and_see_it_bound(
    console_server: ConsoleServer, new_page: Callable[[], Page], api: StreamClient, tmp_path: Path
) -> None:
    org, _ = seed_wrongly_bound(api, tmp_path)

    page = new_page()
    main = page.get_by_test_id("stMain")
    page.goto(f"{console_server.base_url}/Bind?org={org.org_id}")
    expect(main.get_by_role("heading", name="Bind DSP stores")).to_be_visible(timeout=WAIT_MS)
    expect(main.get_by_test_id("stMetric").filter(has_text="Already bound")).to_contain_text(
        "1", timeout=WAIT_MS
    )
    expect(main.get_by_role("button", name="Review and bind 2 pairs")).to_be_visible()
    grid = main.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()
    no_exception(page)
    shot(page, FOLDER, "1-bind-screen")

    # Change West Loop (third row) to the right store in the grid's DSP store cell.
    x, y = _cell(grid, 2, "dsp_store")
    page.mouse.click(x, y)
    page.mouse.dblclick(x, y)
    option = page.get_by_role("option", name=re.compile(r"^Rosa's Cantina — 8526 Juniper Rd"))
    expect(option).to_be_visible(timeout=WAIT_MS)
    shot(page, FOLDER, "2-store-picker-open")
    option.click()
    page.keyboard.press("Escape")
    review = main.get_by_role("button", name="Review and bind 3 pairs")
    expect(review).to_be_enabled(timeout=WAIT_MS)
    expect(main).to_contain_text("1 of 3 ticked pairs needs a second look")
    no_exception(page)
    shot(page, FOLDER, "3-pairing-changed")

    # The dialog lists the three pairs, the re-pair first; confirm.
    review.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("3 pairs will be bound", timeout=WAIT_MS)
    expect(dialog).to_contain_text("1 flagged")
    confirm = dialog.get_by_role("button", name="Confirm: bind 3 pairs")
    expect(confirm).to_be_visible()  # the whole dialog is drawn (the buttons come last) before the shot
    expect(dialog.get_by_role("button", name="Cancel")).to_be_visible()
    shot(page, FOLDER, "4-confirm-dialog")
    confirm.click()
    expect(main).to_contain_text("All 3 pairs bound.", timeout=WAIT_MS)
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(main.get_by_test_id("stMetric").filter(has_text="Already bound")).to_contain_text("3")
    no_exception(page)
    shot(page, FOLDER, "5-bound")

    # The API agrees: every location bound on DoorDash, West Loop to the right store.
    bound = bound_stores(api.org_locations(org.org_id), "doordash")
    assert set(bound) == set(org.ingested)
    assert bound[WEST_LOOP].dsp_provider_id == RIGHT_STORE

    # And so does the Org status screen.
    menu(page).get_by_role("link", name="Org status").click()
    expect(main.get_by_test_id("stMetric").filter(has_text="Bound to every connected DSP")).to_contain_text(
        "3", timeout=WAIT_MS
    )
    expect(main.get_by_test_id("stMetric").filter(has_text="Bound to no DSP")).to_contain_text("0")
    no_exception(page)
    shot(page, FOLDER, "6-org-status")
