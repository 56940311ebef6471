"""Two people bind the same org in two browser sessions: the second replaces nothing without confirming it.

Rosa's Cantina as in test_bind_browser (West Loop once bound to a wrong store). A and B both open the Bind
screen, each proposed the same two pairs. A binds them. Meanwhile a third party re-pairs one of those two
locations to another store. B then confirms the table it loaded earlier: the console reads the bindings
again, sends nothing for the pair A already bound, and asks B to confirm by name the one replacement.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from lib.binding import bound_stores
from lib.store import LOCATIONS_BOUND, Records
from lib.stream.client import StreamClient
from lib.stream.models import BindPair
from tests.browser.conftest import WAIT_MS, ConsoleServer, shot
from tests.browser.test_bind_browser import WEST_LOOP, api, no_exception, seed_wrongly_bound  # noqa: F401

pytestmark = pytest.mark.browser
FOLDER = "bind-two-people"


def open_bind(page: Page, base_url: str, org_id: str) -> None:
    page.goto(base_url + f"/Bind?org={org_id}")  # the org in the address, as a shared link has it
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("button", name="Review and bind 2 pairs")).to_be_visible(timeout=WAIT_MS)
    no_exception(page)


def confirm_dialog(page: Page, label: str) -> None:
    page.get_by_test_id("stMain").get_by_role("button", name="Review and bind 2 pairs").click()
    dialog = page.get_by_role("dialog")
    button = dialog.get_by_role("button", name=label)
    expect(button).to_be_visible(timeout=WAIT_MS)
    button.click()


def test_two_browsers_bind_the_same_org(
    console_server: ConsoleServer,
    new_page: Callable[[], Page],
    api: StreamClient,  # noqa: F811
    tmp_path: Path,
) -> None:
    org, dsp_id = seed_wrongly_bound(api, tmp_path)

    a, b = new_page(), new_page()  # two browser contexts: two sessions
    open_bind(a, console_server.base_url, org.org_id)
    open_bind(b, console_server.base_url, org.org_id)

    confirm_dialog(a, "Confirm: bind 2 pairs")
    expect(a.get_by_test_id("stMain")).to_contain_text("All 2 pairs bound.", timeout=WAIT_MS)
    by_a = {p: s.dsp_provider_id for p, s in bound_stores(api.org_locations(org.org_id), "doordash").items()}
    moved, kept = sorted(p for p in by_a if p != WEST_LOOP)
    # A third party re-pairs one of A's locations to a store nobody holds.
    free = next(s.provider_id for s in api.list_locations(dsp_id) if s.provider_id not in by_a.values())
    api.bind_locations(dsp_id, [BindPair(pos_location_id=moved, dsp_provider_id=free, dsp_store_name="x")])

    # B confirms the table it loaded before all that: it is asked about the replacement, by name.
    confirm_dialog(b, "Confirm: bind 2 pairs")
    dialog = b.get_by_role("dialog")
    expect(dialog).to_contain_text("someone else bound 1 of these locations", timeout=WAIT_MS)
    expect(dialog).to_contain_text(moved)
    replace = dialog.get_by_role("button", name="Confirm: replace 1 and bind 2 pairs")
    expect(replace).to_be_visible()
    shot(b, FOLDER, "1-asked-before-replacing")
    now = {p: s.dsp_provider_id for p, s in bound_stores(api.org_locations(org.org_id), "doordash").items()}
    assert now[moved] == free, "nothing was sent before B confirmed"

    replace.click()
    main = b.get_by_test_id("stMain")
    expect(main).to_contain_text("Someone else bound 1 of these locations", timeout=WAIT_MS)
    expect(main).to_contain_text(kept)
    no_exception(b)
    shot(b, FOLDER, "2-told-what-someone-else-bound")
    now = {p: s.dsp_provider_id for p, s in bound_stores(api.org_locations(org.org_id), "doordash").items()}
    assert now[moved] == by_a[moved] and now[kept] == by_a[kept]
    with Records(f"sqlite:///{tmp_path / 'console.db'}") as records:  # the console_server's records
        latest = records.list_audit(action=LOCATIONS_BOUND)[0]
    assert [p["pos_location_id"] for p in latest.detail["bound"]] == [moved]
    assert [p["pos_location_id"] for p in latest.detail["bound_by_someone_else"]] == [kept]
