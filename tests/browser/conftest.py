"""Browser fixtures: the console started as `make run` starts it, and Debian's Chromium driven by Playwright.

`console_server` starts `.venv/bin/streamlit run app.py --server.port <free port> --server.headless true` on
127.0.0.1 with a temporary CONSOLE_DATA_DIR and DATABASE_URL and no STREAM_* settings, so the console embeds
its own sandbox exactly as on a fresh machine. `browser` is Chromium from /usr/bin/chromium (headless);
`new_page()` opens a page in a fresh browser context (its own cookies and Streamlit session) that can only
reach 127.0.0.1. `shot(page, folder, name)` saves a full-page screenshot under artifacts/ (gitignored).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
HOST = "127.0.0.1"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STREAMLIT = REPO / ".venv" / "bin" / "streamlit"
WAIT_MS = 30_000  # for anything the console has to compute or fetch before it shows
# Playwright's 5 s default fails a step that simply rendered late on a loaded 2-core machine (CI, or
# several sessions): every assertion waits on the app's state, so a longer default costs nothing when green.
expect.set_options(timeout=15_000)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class ConsoleServer:
    """A running console: its base URL, its data folder and its log (shown when a test fails)."""

    base_url: str
    data_dir: Path
    log: Path
    process: subprocess.Popen[bytes]

    def log_tail(self, chars: int = 4000) -> str:
        """The end of the console's output."""
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def _wait_healthy(server: ConsoleServer, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the console exited early:\n{server.log_tail()}")
        try:
            if httpx.get(f"{server.base_url}/_stcore/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the console did not answer within {seconds:.0f} s:\n{server.log_tail()}")


@pytest.fixture
def console_server(tmp_path: Path) -> Iterator[ConsoleServer]:
    """A freshly started console with its embedded sandbox (no STREAM_API_URL), on a free loopback port."""
    port = free_port()
    data_dir = tmp_path / "console-data"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STREAM_", "STREAMLIT_", "CONSOLE_"))}
    env |= {
        "CONSOLE_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'console.db'}",
        "PYTHONUNBUFFERED": "1",
    }
    args = [
        str(STREAMLIT),
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.address",
        HOST,
    ]
    log = tmp_path / "console.log"
    with log.open("ab") as out:
        process = subprocess.Popen(args, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = ConsoleServer(f"http://{HOST}:{port}", data_dir, log, process)
    try:
        _wait_healthy(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Browser tests need Debian's chromium at /usr/bin/chromium: apt-get install -y chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    """A factory of pages, each in a fresh browser context (a new browser session) limited to 127.0.0.1."""
    contexts: list[BrowserContext] = []

    def make() -> Page:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/]).*"), lambda route: route.abort())
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


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
