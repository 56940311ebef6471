"""The Integrations page in headless Chromium: the tab that opened a consent page turns active by itself.

The person starts Toast in one tab; the consent is approved elsewhere and the provider sends that other tab
back to the console, which finishes the connection. The first tab, untouched, re-reads the waiting card's
status on its own and shows the integration active with its next step. Screenshots go to
artifacts/integrations/.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from lib.store import Records
from lib.stream.client import StreamClient
from lib.stream.models import CreateOrgRequest, OrgUser
from tests.browser import test_bind_browser
from tests.browser.conftest import WAIT_MS, ConsoleServer, shot
from tests.helpers import follow_consent

pytestmark = pytest.mark.browser
api = test_bind_browser.api  # the same fixture: a client of the console's embedded sandbox
no_exception = test_bind_browser.no_exception
FOLDER = "integrations"


def test_the_tab_waiting_for_consent_turns_active_without_a_click(
    console_server: ConsoleServer,
    new_page: Callable[[], Page],
    api: StreamClient,
    tmp_path: Path,
) -> None:
    user = OrgUser(email="ana@example.com", first_name="Ana", last_name="Lopez")
    created = api.create_org(CreateOrgRequest(name="Taco Tres Inc", provider_id="tt-browser-1", user=user))
    with Records(f"sqlite:///{tmp_path / 'console.db'}") as records:  # the console_server's database
        records.add_org(created.org_id, "Taco Tres Inc", "tt-browser-1", user.email, "local operator")

    page = new_page()
    main = page.get_by_test_id("stMain")
    page.goto(f"{console_server.base_url}/Integrations?org={created.org_id}")  # a link names its org
    expect(main.get_by_role("heading", name="Start an integration for Taco Tres Inc")).to_be_visible(
        timeout=WAIT_MS
    )
    main.get_by_role("button", name="Start integration").click()
    consent = main.get_by_role("link", name="Open the Toast consent page")
    expect(consent).to_be_visible(timeout=WAIT_MS)
    expect(main).to_contain_text("waiting_for_oauth")
    no_exception(page)
    shot(page, FOLDER, "1-waiting-for-consent")

    # The consent, approved in another tab, comes back to the console there.
    entry_url = consent.get_attribute("href")
    assert entry_url
    back = follow_consent(entry_url, merchant="taco-tres")
    other = new_page()
    other.goto(f"{console_server.base_url}/Integrations?{urlencode(back)}")
    expect(other.get_by_test_id("stMain")).to_contain_text("Toast is connected", timeout=WAIT_MS)

    # The first tab turns active by itself: no click, no reload.
    expect(main.get_by_role("link", name="Next: ingest locations")).to_be_visible(timeout=WAIT_MS)
    expect(consent).to_have_count(0)
    expect(main).not_to_contain_text("waiting_for_oauth")
    no_exception(page)
    shot(page, FOLDER, "2-turned-active-by-itself")
