"""Browser fixtures: the console started as `make run` starts it, and Debian's Chromium driven by Playwright.

`console_server` starts `.venv/bin/streamlit run app.py --server.port <free port> --server.headless true` on
127.0.0.1 with a temporary CONSOLE_DATA_DIR and DATABASE_URL and no STREAM_* settings, so the console embeds
its own sandbox exactly as on a fresh machine; `running_console(folder, database_url, api)` starts one
more (for a module, on given records or API). `browser` is Chromium from /usr/bin/chromium (headless);
`new_page()` opens a page in a fresh browser context (its own cookies and Streamlit session) that can only
reach 127.0.0.1. `shot(page, folder, name)` saves a full-page screenshot under artifacts/ (gitignored).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from benchmarks.chromium import CHROMIUM, launch, local_context
from lib.servers import HOST, REPO, free_port, streamlit_server
from lib.servers import ServerProcess as ConsoleServer

__all__ = ["HOST", "WAIT_MS", "ConsoleServer", "free_port", "menu", "running_console", "settle", "shot"]

ARTIFACTS = REPO / "artifacts"
WAIT_MS = 30_000  # for anything the console has to compute or fetch before it shows
# Playwright's 5 s default fails a step that simply rendered late on a loaded 2-core machine (CI, or
# several sessions): every assertion waits on the app's state, so a longer default costs nothing when green.
expect.set_options(timeout=15_000)


@contextlib.contextmanager
def running_console(
    folder: Path, database_url: str | None = None, api: Any = None
) -> Iterator[ConsoleServer]:
    """A console started as `make run` starts it, its data and log in `folder`, stopped when the block ends.

    database_url: its records (default a SQLite file in `folder`). api: anything with base_url, client_id and
    client_secret (e.g. the session's `sandbox`) to talk to instead of an embedded sandbox of its own.
    """
    folder.mkdir(parents=True, exist_ok=True)
    data_dir = folder / "console-data"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STREAM_", "STREAMLIT_", "CONSOLE_"))}
    env |= {
        "CONSOLE_DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url or f"sqlite:///{folder / 'console.db'}",
        "PYTHONUNBUFFERED": "1",
    }
    if api is not None:
        env |= {
            "STREAM_API_URL": api.base_url,
            "STREAM_CLIENT_ID": api.client_id,
            "STREAM_CLIENT_SECRET": api.client_secret,
        }
    with streamlit_server("app.py", env, folder / "console.log") as server:
        server.data_dir = data_dir
        yield server


@pytest.fixture
def console_server(tmp_path: Path) -> Iterator[ConsoleServer]:
    """A freshly started console with its embedded sandbox (no STREAM_API_URL), on a free loopback port."""
    with running_console(tmp_path) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Browser tests need Debian's chromium at /usr/bin/chromium: apt-get install -y chromium")
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    """A factory of pages, each in a fresh browser context (a new browser session) limited to 127.0.0.1."""
    contexts: list[BrowserContext] = []

    def make() -> Page:
        context = local_context(browser)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def menu(page: Page) -> Locator:
    """The console's page menu in the sidebar (lib/ui/nav.py; Streamlit's own menu is off)."""
    return page.locator(".st-key-nav")


def settle(page: Page, timeout_ms: float = 10_000) -> None:
    """Best effort: wait until Streamlit has finished its run (no "Running…" widget, no stale elements)."""
    # A screenshot of a page still running is still worth having, so a timeout is not an error here.
    with contextlib.suppress(PlaywrightError):
        page.wait_for_function(
            "() => !document.querySelector('[data-testid=stStatusWidget]')"
            " && !document.querySelector('[data-stale=true]')",
            timeout=timeout_ms,
        )


def shot(page: Page, folder: str, name: str) -> Path:
    """Save a full-page screenshot as artifacts/<folder>/<name>.png, once the page has settled."""
    settle(page)
    path = ARTIFACTS / folder / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path
