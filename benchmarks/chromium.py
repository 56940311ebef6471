"""Debian's Chromium driven by Playwright, as the browser tests and the browser benchmark drive it.

Playwright is a dev dependency, so this lives with the benchmarks (the browser tests import it too).
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, BrowserContext, Playwright

CHROMIUM = "/usr/bin/chromium"  # no browser download is possible here: Debian's package
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1000}
# True once Streamlit has finished a script run and redrawn everything (nothing stale, connected).
APP_IDLE_JS = (
    "document.querySelector('[data-testid=stApp]')?.dataset.testScriptState === 'notRunning'"
    " && document.querySelector('[data-testid=stApp]')?.dataset.testConnectionState === 'CONNECTED'"
    " && !document.querySelector('[data-testid=stStatusWidget]')"
    " && !document.querySelector('[data-stale=true]')"
)


def launch(playwright: Playwright) -> Browser:
    """Headless Chromium from /usr/bin/chromium."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def local_context(browser: Browser) -> BrowserContext:
    """A fresh browser context (own cookies, so its own Streamlit session) that reaches only 127.0.0.1."""
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/]).*"), lambda route: route.abort())
    return context
