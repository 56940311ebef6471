"""The Bind screen at 1440×900, as an account manager's laptop shows it: the columns a person decides with
(POS name and address, DSP store, score, band, bind) fit without scrolling sideways. Screenshots of the
screen and of the confirmation dialog go to artifacts/bind-1440/.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from lib.binding.table import EDITOR_COLUMNS
from lib.stream.client import StreamClient
from lib.ui.bind_view import COLUMN_WIDTHS, INDEX_WIDTH
from tests.browser import test_bind_browser
from tests.browser.conftest import ARTIFACTS, WAIT_MS, ConsoleServer, shot

pytestmark = pytest.mark.browser
api = test_bind_browser.api  # the same fixture: a client of the console's embedded sandbox
no_exception = test_bind_browser.no_exception
FOLDER = "bind-1440"
DECIDING = ("bind", "pos_name", "pos_address", "dsp_store", "score", "band")


def test_the_deciding_columns_fit_at_1440_and_the_screen_and_dialog_are_captured(
    console_server: ConsoleServer, new_page: Callable[[], Page], api: StreamClient, tmp_path: Path
) -> None:
    org, _ = test_bind_browser.seed_with_doordash(api, tmp_path, "taco-tres", "Taco Tres Inc")

    page = new_page()
    page.set_viewport_size({"width": 1440, "height": 900})
    main = page.get_by_test_id("stMain")
    page.goto(console_server.base_url + f"/Bind?org={org.org_id}")  # the org in the address
    expect(main.get_by_role("heading", name="Bind DSP stores")).to_be_visible(timeout=WAIT_MS)
    review = main.get_by_role("button", name="Review and bind 37 pairs")
    expect(review).to_be_visible(timeout=WAIT_MS)
    grid = main.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()
    no_exception(page)

    # The right edge of the last deciding column lies inside the grid as drawn: no sideways scroll needed.
    box = grid.bounding_box()
    assert box is not None
    last = max(EDITOR_COLUMNS.index(c) for c in DECIDING)
    right_edge = INDEX_WIDTH + sum(COLUMN_WIDTHS[c] for c in EDITOR_COLUMNS[: last + 1])
    assert right_edge <= box["width"], (
        f"deciding columns need {right_edge} px, the grid has {box['width']:.0f}"
    )
    assert box["x"] + box["width"] <= 1440
    # Every count's label reads whole (no ellipsis), and the band filter's choices sit on one line.
    cut = main.get_by_test_id("stMetricLabel").evaluate_all(
        "els => els.filter(e => [e, ...e.querySelectorAll('*')].some(n => n.scrollWidth > n.clientWidth + 1))"
        ".map(e => e.innerText)"
    )
    assert cut == [], f"metric labels cut off at 1440 px: {cut}"
    pills = main.get_by_role("toolbar", name="Band").get_by_role("button")
    tops = {round(b["y"]) for b in (pills.nth(i).bounding_box() or {"y": -1} for i in range(pills.count()))}
    assert pills.count() == 5 and len(tops) == 1, f"band choices wrap onto {len(tops)} lines"
    shot(page, FOLDER, "1-bind-screen-1440x900")

    review.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("37 pairs will be bound", timeout=WAIT_MS)
    expect(dialog.get_by_role("button", name="Confirm: bind 37 pairs")).to_be_visible()
    expect(dialog.get_by_role("button", name="Cancel")).to_be_visible()
    shot(page, FOLDER, "2-confirm-dialog-1440x900")

    # While the bind runs (the sandbox answers slowly here), its progress shows and nothing can start another.
    faults = f"{api.base_url}/sandbox/faults"
    httpx.put(faults, json={"latency_ms": 1500}, timeout=10).raise_for_status()
    try:
        dialog.get_by_role("button", name="Confirm: bind 37 pairs").click()
        busy = main.get_by_role("button", name="Binding 37 pairs…")
        expect(busy).to_be_disabled(timeout=WAIT_MS)
        expect(main.get_by_role("button", name="Reload locations and stores")).to_be_disabled()
        expect(main.get_by_test_id("stProgress")).to_be_visible()
        # Not shot(): it waits for the run to finish, and this is the picture of the run going on.
        page.screenshot(path=str(ARTIFACTS / FOLDER / "3-binding-in-progress-1440x900.png"))
        expect(main).to_contain_text("All 37 pairs bound.", timeout=WAIT_MS * 3)
    finally:
        httpx.put(faults, json={"latency_ms": 0}, timeout=10).raise_for_status()
    expect(main.get_by_test_id("stMetric").filter(has_text="Already bound")).to_contain_text("37")
    no_exception(page)
    shot(page, FOLDER, "4-bound-1440x900")
