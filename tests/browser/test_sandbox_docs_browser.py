"""/sandbox/docs in Chromium with only 127.0.0.1 reachable: Swagger UI loads from the sandbox itself, lists
the operations and has an Authorize button that takes a bearer token, or fetches one with the client
credentials."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from lib.sandbox.embed import EmbeddedSandbox
from tests.browser.conftest import WAIT_MS, shot

pytestmark = pytest.mark.browser


def test_docs_load_offline_and_authorize_takes_a_token(
    sandbox: EmbeddedSandbox, new_page: Callable[[], Page]
) -> None:
    page = new_page()
    page.goto(f"{sandbox.base_url}/sandbox/docs")
    expect(page.get_by_text("/onboarding/org/{org_id}/locations").first).to_be_visible(timeout=WAIT_MS)
    authorize = page.get_by_role("button", name="Authorize").first
    expect(authorize).to_be_visible(timeout=WAIT_MS)
    authorize.click()
    dialog = page.locator(".modal-ux")  # Swagger UI's authorization dialog: a bearer token, or OAuth2
    expect(dialog.get_by_text("bearer", exact=False).first).to_be_visible(timeout=WAIT_MS)
    dialog.locator("#auth-bearer-value").fill("a-token-from-oauth-token")
    dialog.get_by_role("button", name="Apply credentials").click()
    expect(dialog.locator("button", has_text="Logout")).to_have_count(1, timeout=WAIT_MS)
    # The OAuth2 client-credentials flow: Swagger UI fetches the token from POST /oauth/token itself.
    dialog.locator("#client_id_clientCredentials").fill(sandbox.client_id)
    dialog.locator("#client_secret_clientCredentials").fill(sandbox.client_secret)
    dialog.locator("label[for='onboarding-clientCredentials-checkbox-oauth2']").click()
    dialog.get_by_role("button", name="Apply given OAuth2 credentials").click()
    expect(dialog.locator("button", has_text="Logout")).to_have_count(2, timeout=WAIT_MS)
    expect(dialog.get_by_text("Auth Error", exact=False)).to_have_count(0)
    shot(page, "sandbox_docs", "authorized")
