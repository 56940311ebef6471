"""Sign-in through a real OpenID Connect provider on 127.0.0.1, an audited action, sign-out and a restart.

The provider is oidc-provider-mock (it accepts any client; the subject typed on its authorize page becomes the
email claim). The console runs as the README runs it (`streamlit run app.py`) with a temporary secrets file
passed by --secrets.files (Streamlit then reads no other secrets file); nothing is written into the repo.
Every URL uses 127.0.0.1: a redirect_uri on 127.0.0.1 with the app opened as localhost fails silently.
"""

from __future__ import annotations

import os
import re
import secrets
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from lib.servers import HOST, free_port, serve, streamlit_server
from tests.browser.conftest import WAIT_MS, menu
from tests.browser.conftest import shot as conftest_shot

pytestmark = pytest.mark.browser

AM = "am@example.com"


@pytest.fixture(scope="module")
def idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """oidc-provider-mock on 127.0.0.1; yields its base URL."""
    port = free_port()
    log = tmp_path_factory.mktemp("idp") / "idp.log"
    args = [sys.executable, "-m", "oidc_provider_mock", "--host", HOST, "--port", str(port)]
    with serve(args, port, "/.well-known/openid-configuration", log) as server:
        yield server.base_url


class Console:
    """The console's command line, settings and data folder; start() can be called again (a restart)."""

    def __init__(self, tmp: Path, idp: str) -> None:
        self.tmp = tmp
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.secrets = tmp / "secrets.toml"
        # Written here, in a temporary folder, and handed to Streamlit with --secrets.files.
        self.secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "{self.base}/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_hex(32)}"\n'
            'client_id = "onboarding-console"\n'
            f'client_secret = "{secrets.token_hex(16)}"\n'
            f'server_metadata_url = "{idp}/.well-known/openid-configuration"\n'
            "\n[roles]\n"
            f'account_managers = ["{AM}"]\n'
            'analyst_domains = ["example.com"]\n'
        )
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("STREAM_", "STREAMLIT_", "CONSOLE_"))
        }
        self.env |= {
            "DATABASE_URL": f"sqlite:///{tmp / 'records.db'}",
            "CONSOLE_DATA_DIR": str(tmp / "data"),
            "PYTHONUNBUFFERED": "1",
        }

    @contextmanager
    def running(self) -> Iterator[None]:
        extra = ["--secrets.files", str(self.secrets)]
        with streamlit_server("app.py", self.env, self.tmp / "console.log", self.port, extra):
            yield


@pytest.fixture
def page(new_page: Callable[[], Page]) -> Page:
    """A fresh browser context limited to 127.0.0.1 (the provider's CDN stylesheet is simply not loaded)."""
    return new_page()


def shot(page: Page, name: str) -> None:
    conftest_shot(page, "login", name)


def sign_in(page: Page, console: Console, idp: str, email: str, step: str) -> None:
    page.goto(console.base + "/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=WAIT_MS)
    expect(menu(page)).to_be_hidden()
    shot(page, f"{step}a-sign-in-page")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{idp}/oauth2/authorize*")
    page.locator("input[name=sub]").fill(email)
    shot(page, f"{step}b-provider-authorize")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{console.base}/**")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text(f"Acting as {email}", timeout=WAIT_MS)
    expect(sidebar).to_contain_text("signed in")
    expect(sidebar.get_by_role("button", name="Sign out")).to_be_visible(timeout=WAIT_MS)
    # The home page itself renders for the signed-in person (not only the sidebar).
    expect(page.get_by_role("heading", name="Onboarding Console")).to_be_visible(timeout=WAIT_MS)
    shot(page, f"{step}c-signed-in")


def open_page(page: Page, console: Console, label: str, path: str, reload: bool = False) -> None:
    """Open a page through the sidebar navigation (same session), or by its URL (a fresh session)."""
    if reload:
        page.goto(f"{console.base}/{path}")
    else:
        menu(page).get_by_role("link", name=label, exact=True).click()
        page.wait_for_url(re.compile(rf"^{re.escape(console.base)}/{path}(\?org=[\w-]+)?$"))


def open_audit_entry(page: Page, console: Console, email: str, reload: bool = False) -> None:
    open_page(page, console, "Audit log", "Audit_log", reload)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Audit log")).to_be_visible(timeout=WAIT_MS)
    # The table is a canvas; the entry picker and the detail panel below it are text.
    expect(main).to_contain_text("Org created", timeout=WAIT_MS)
    expect(main).to_contain_text(f"Who {email}")
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_sign_in_act_audit_restart_and_sign_out(page: Page, idp: str, tmp_path: Path) -> None:
    console = Console(tmp_path, idp)
    with console.running():
        sign_in(page, console, idp, AM, "1")
        expect(menu(page)).to_be_visible()

        # Act: create an organization as the signed-in account manager.
        open_page(page, console, "Organizations", "Organizations")
        main = page.get_by_test_id("stMain")
        expect(main.get_by_role("heading", name="Create an organization")).to_be_visible(timeout=WAIT_MS)
        form = {
            "Organization name": "Login Test Bistro",
            "Your internal id (provider_id)": f"login-{secrets.token_hex(4)}",
            "User email": "owner@bistro.example",
            "First name": "Lou",
            "Last name": "Gin",
        }
        for label, value in form.items():
            main.get_by_label(label, exact=True).fill(value)
        shot(page, "2a-create-org-form")
        main.get_by_role("button", name="Create organization").click()
        expect(main).to_contain_text("Created Login Test Bistro", timeout=WAIT_MS)
        shot(page, "2b-org-created")

        # The audit log names the person who acted.
        open_audit_entry(page, console, AM)
        shot(page, "3-audit-log")

    # A restart keeps the audit log (it lives in the records database, not in the process), and the signed
    # identity cookie stays valid because the cookie secret is configuration.
    with console.running():
        open_audit_entry(page, console, AM, reload=True)
        shot(page, "4-audit-log-after-restart")

        # Sign out: the console, then the provider's end-session page (one more click), then back.
        page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
        page.wait_for_url(f"{idp}/oauth2/end_session*")
        shot(page, "5a-provider-end-session")
        page.get_by_role("button", name="End session").click()
        page.wait_for_url(f"{console.base}/**")
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=WAIT_MS)
        shot(page, "5b-signed-out")
        # Signed out means signed out: a deep link to the audit log shows the sign-in page, not the log.
        page.goto(console.base + "/Audit_log")
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=WAIT_MS)
        expect(page.get_by_test_id("stMain")).not_to_contain_text("Org created")
