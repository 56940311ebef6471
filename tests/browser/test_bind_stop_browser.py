"""Stop after this batch, in headless Chromium: a bind of Pho Saigon's 250 locations runs in batches of 100
on a slow sandbox; the person presses Stop while the first batch is on its way; the page says what was bound
and what was not sent, the API holds exactly those, the audit has every pair, and the rest can be bound later.
Screenshots go to artifacts/bind-stop/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from benchmarks.seed import seed_org
from lib.binding import bound_stores
from lib.store import LOCATIONS_BOUND, Records
from lib.stream.client import StreamClient
from tests.browser import test_bind_browser
from tests.browser.conftest import ARTIFACTS, WAIT_MS, ConsoleServer, shot

pytestmark = pytest.mark.browser
api = test_bind_browser.api  # the same fixture: a client of the console's embedded sandbox
no_exception = test_bind_browser.no_exception
FOLDER = "bind-stop"
BATCH = 100  # lib.binding.DEFAULT_BATCH_SIZE: the page binds in batches of this many


def test_stop_between_batches_binds_the_batch_on_its_way_and_nothing_more(
    console_server: ConsoleServer, new_page: Callable[[], Page], api: StreamClient, tmp_path: Path
) -> None:
    with Records(f"sqlite:///{tmp_path / 'console.db'}") as records:  # the console_server's database
        org = seed_org(api, "pho-saigon", dsp="grubhub", bind=0, records=records, actor="local operator")
    assert org.dsp_onboarding_id is not None

    page = new_page()
    page.set_viewport_size({"width": 1440, "height": 900})
    main = page.get_by_test_id("stMain")
    page.goto(console_server.base_url + f"/Bind?org={org.org_id}")
    review = main.get_by_role("button", name=re.compile(r"^Review and bind \d+ pairs$"))
    expect(review).to_be_visible(timeout=WAIT_MS)
    total = int(review.inner_text().split()[3])
    assert total > 2 * BATCH, "enough pairs for three batches"
    review.click()
    dialog = page.get_by_role("dialog")
    confirm = dialog.get_by_role("button", name=f"Confirm: bind {total} pairs")
    expect(confirm).to_be_visible(timeout=WAIT_MS)

    faults = f"{api.base_url}/sandbox/faults"
    httpx.put(faults, json={"latency_ms": 2500}, timeout=10).raise_for_status()  # each batch takes a while
    try:
        confirm.click()
        stop = main.get_by_role("button", name="Stop after this batch")
        expect(stop).to_be_visible(timeout=WAIT_MS)
        expect(main.get_by_test_id("stProgress")).to_contain_text(f"0 of {total} pairs sent")
        stop.scroll_into_view_if_needed()  # the picture of the bind going on: its progress and Stop
        page.screenshot(path=str(ARTIFACTS / FOLDER / "1-binding-with-stop-1440x900.png"))
        stop.click()  # the first batch is on its way
        stopped = main.get_by_text(re.compile(r"^Stopped: "))
        expect(stopped).to_be_visible(timeout=WAIT_MS * 2)
    finally:
        httpx.put(faults, json={"latency_ms": 0}, timeout=10).raise_for_status()

    said = re.match(r"Stopped: ([\d,]+) of ([\d,]+) pairs bound, ([\d,]+) not sent\.", stopped.inner_text())
    assert said is not None, stopped.inner_text()
    bound_now, of, unsent = (int(g.replace(",", "")) for g in said.groups())
    assert of == total and bound_now == BATCH and unsent == total - BATCH  # the batch on its way, no more
    held = bound_stores(api.org_locations(org.org_id), "grubhub")
    assert len(held) == BATCH  # the API holds exactly what the page says
    with Records(f"sqlite:///{tmp_path / 'console.db'}") as records:
        (entry,) = records.list_audit(action=LOCATIONS_BOUND)  # audited, though the run was stopped
        assert len(entry.request["pairs"]) == total and len(entry.detail["bound"]) == BATCH
        assert records.bind_lease(org.org_id) is None  # and the org is no longer shown as being bound
    expect(main.get_by_role("button", name="Stop after this batch")).to_have_count(0)
    expect(main.get_by_role("button", name=f"Review and bind {unsent} pairs")).to_be_enabled()
    send_rest = main.get_by_role("button", name=f"Send the {unsent} pairs not bound yet")
    expect(send_rest).to_be_visible()
    no_exception(page)
    shot(page, FOLDER, "2-stopped-1440x900")

    # Nothing else is sent by itself; the person sends the rest when ready.
    assert len(bound_stores(api.org_locations(org.org_id), "grubhub")) == BATCH
    send_rest.click()
    expect(main).to_contain_text(f"All {unsent} pairs bound.", timeout=WAIT_MS * 2)
    assert len(bound_stores(api.org_locations(org.org_id), "grubhub")) == total
    no_exception(page)
    shot(page, FOLDER, "3-rest-bound-1440x900")
