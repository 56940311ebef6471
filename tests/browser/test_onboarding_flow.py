"""A new user's first onboarding in headless Chromium: create an org, connect Toast through the sandbox's
consent page, come back to the console by the return_url deep link, ingest three locations.

The console runs as `make run` runs it, with its embedded sandbox. The consent page is opened in a fresh
browser context, so the return_url is the first console page that browser session ever loads. Screenshots of
each step go to artifacts/onboarding-flow/.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from lib.ui.locations import ROW_HEIGHT, SELECT_WIDTH
from tests.browser.conftest import WAIT_MS, ConsoleServer, menu, shot

pytestmark = pytest.mark.browser
FOLDER = "onboarding-flow"


def no_exception(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)


def tick(page: Page, grid: Locator, row: int) -> None:
    """Click the tick box of a body row of the selection grid (a canvas; the select column is first)."""
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + SELECT_WIDTH / 2, box["y"] + ROW_HEIGHT * (row + 1) + ROW_HEIGHT / 2)


def test_create_org_connect_toast_by_consent_and_ingest_three_locations(
    console_server: ConsoleServer, new_page: Callable[[], Page]
) -> None:
    base = console_server.base_url
    page = new_page()
    main = page.get_by_test_id("stMain")

    # 1. Home on a fresh console: nothing yet, a link to the first step.
    page.goto(base + "/")
    expect(main.get_by_role("heading", name="Onboarding Console")).to_be_visible(timeout=WAIT_MS)
    expect(main).to_contain_text("No organization yet", timeout=WAIT_MS)
    expect(menu(page)).to_contain_text("Organizations")
    shot(page, FOLDER, "1-home-empty")

    # 2. Create the organization through the sidebar's Organizations page.
    menu(page).get_by_role("link", name="Organizations").click()
    expect(main.get_by_role("heading", name="Create an organization")).to_be_visible(timeout=WAIT_MS)
    main.get_by_role("textbox", name="Organization name").fill("Rosa's Cantina LLC")
    main.get_by_role("textbox", name="Your internal id (provider_id)").fill("crm-browser-1")
    main.get_by_role("textbox", name="User email").fill("rosa@example.com")
    main.get_by_role("textbox", name="First name").fill("Rosa")
    main.get_by_role("textbox", name="Last name").fill("Diaz")
    main.get_by_role("button", name="Create organization").click()
    expect(main).to_contain_text("Created Rosa's Cantina LLC", timeout=WAIT_MS)
    current_org = page.get_by_test_id("stSidebar").get_by_role("combobox")
    expect(current_org).to_have_value(re.compile("^Rosa's Cantina LLC"), timeout=WAIT_MS)
    no_exception(page)
    shot(page, FOLDER, "2-org-created")

    # 3. Start the Toast integration: the page offers the provider's consent page.
    menu(page).get_by_role("link", name="Integrations").click()
    expect(main.get_by_role("heading", name="Start an integration for Rosa's Cantina LLC")).to_be_visible(
        timeout=WAIT_MS
    )
    main.get_by_role("button", name="Start integration").click()
    expect(main).to_contain_text("Toast integration started", timeout=WAIT_MS)
    consent_link = main.get_by_role("link", name="Open the Toast consent page")
    expect(consent_link).to_be_visible()
    expect(main).to_contain_text("waiting_for_oauth")
    entry_url = consent_link.get_attribute("href")
    assert entry_url and entry_url.startswith("http://127.0.0.1:"), entry_url
    no_exception(page)
    shot(page, FOLDER, "3-toast-started")

    # 4. The merchant approves on the consent page, in a browser session that has never seen the console.
    merchant = new_page()
    merchant.goto(entry_url)
    expect(merchant.get_by_role("heading", name="Connect Toast")).to_be_visible(timeout=WAIT_MS)
    expect(merchant.locator("body")).to_contain_text("Rosa's Cantina LLC wants to connect your Toast")
    merchant.locator("select#merchant").select_option("rosas-cantina")
    shot(merchant, FOLDER, "4-consent-page")
    merchant.get_by_role("button", name="Approve").click()

    # 5. Back on the console by the return_url deep link (…/Integrations?state=…&code=…): connected.
    landed = merchant.get_by_test_id("stMain")
    expect(landed).to_contain_text("Toast is connected: the integration is active.", timeout=WAIT_MS)
    expect(merchant).to_have_url(
        re.compile(r"^http://127\.0\.0\.1:\d+/Integrations\?org=[\w-]+$"), timeout=WAIT_MS
    )
    expect(landed).to_contain_text("active", timeout=WAIT_MS)
    current_org = merchant.get_by_test_id("stSidebar").get_by_role("combobox")
    expect(current_org).to_have_value(re.compile("^Rosa's Cantina LLC"), timeout=WAIT_MS)
    no_exception(merchant)
    shot(merchant, FOLDER, "5-back-on-console-connected")

    # 6. Fetch the POS's locations and ingest all three.
    landed.get_by_role("link", name="Next: ingest locations").click()
    expect(landed.get_by_role("heading", name="Pick locations")).to_be_visible(timeout=WAIT_MS)
    expect(landed.get_by_test_id("stMetric").filter(has_text="Locations at the POS")).to_contain_text("3")
    grid = landed.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()
    tick(merchant, grid, row=1)  # one row by its own tick box…
    expect(landed.get_by_role("button", name="Ingest 1 selected location")).to_be_visible(timeout=WAIT_MS)
    shot(merchant, FOLDER, "6-one-row-ticked")
    landed.get_by_role("button", name="Select all not yet ingested (3)").click()  # …then all of them
    ingest = landed.get_by_role("button", name="Ingest 3 selected locations")
    expect(ingest).to_be_enabled(timeout=WAIT_MS)
    ingest.click()
    expect(landed).to_contain_text("All 3 locations ingested.", timeout=WAIT_MS)
    expect(landed.get_by_test_id("stMetric").filter(has_text="Ingested in this org")).to_contain_text("3")
    expect(landed.get_by_role("link", name="Next: connect a DSP")).to_be_visible()  # the page ends with it
    no_exception(merchant)
    shot(merchant, FOLDER, "7-three-locations-ingested")

    # 7. The home checklist agrees.
    menu(merchant).get_by_role("link", name="Home", exact=True).click()
    expect(landed).to_contain_text("3 of 3 locations ingested.", timeout=WAIT_MS)
    expect(landed).to_contain_text("Toast connected.")
    no_exception(merchant)
    shot(merchant, FOLDER, "8-home-checklist")
