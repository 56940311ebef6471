"""AppTest fixtures for every page test: the console pointed at the session's sandbox, with fresh records.

`console_env` sets STREAM_API_URL / STREAM_CLIENT_ID / STREAM_CLIENT_SECRET to the shared `sandbox`
(tests/conftest.py), DATABASE_URL to a new SQLite file and CONSOLE_DATA_DIR to a temporary folder, and clears
Streamlit's caches before and after, so each test starts like a freshly started server. Open a page with
`console_env.page("3_Integrations.py", state=..., code=...)`: an AppTest of app.py switched to that page (as
Streamlit's pages/ discovery serves it), with the given query parameters, not yet run. The console never
guesses the org: `console_env.choose(org_id)` is the person choosing one, and every page opened afterwards
carries it in its address (`?org=<id>`), as the console's own links do.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import streamlit as st
from pydantic import SecretStr
from streamlit.testing.v1 import AppTest

from lib.connect import ApiTarget, open_client
from lib.sandbox.embed import EmbeddedSandbox
from lib.store import Records
from lib.stream.client import StreamClient
from lib.ui import bind_prefetch

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "app.py"
PAGES = REPO / "pages"
TIMEOUT = 60  # seconds per AppTest run: generous, the sandbox answers in milliseconds
_unique = itertools.count()


def page_files() -> list[Path]:
    """Every page Streamlit would serve: app.py and pages/*.py (new pages are picked up automatically)."""
    return [APP, *sorted(PAGES.glob("*.py"))]


@dataclass
class ConsoleEnv:
    """The console under test: its sandbox, its records database and a client for checking the API side."""

    sandbox: EmbeddedSandbox
    records: Records
    database_url: str
    data_dir: Path
    chosen_org: str | None = None
    _clients: list[StreamClient] = field(default_factory=list)

    def choose(self, org_id: str) -> str:
        """The person chooses org_id to work on: pages opened from now on carry it as ?org=<id>."""
        self.chosen_org = org_id
        return org_id

    def page(self, name: str = "app.py", **query: str) -> AppTest:
        """An AppTest of the console opened on `name` (app.py or a file in pages/), with query parameters."""
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
        if name != "app.py":
            at.switch_page(f"pages/{name}")
        if self.chosen_org and "org" not in query:
            query = {"org": self.chosen_org, **query}
        at.query_params.update(query)
        return at

    def client(self) -> StreamClient:
        """A StreamClient of the sandbox, for arranging or checking state at the API."""
        secret = SecretStr(self.sandbox.client_secret)
        target = ApiTarget(self.sandbox.base_url, self.sandbox.client_id, secret, is_sandbox=True)
        client = open_client(target)
        self._clients.append(client)
        return client

    @staticmethod
    def unique(prefix: str = "test") -> str:
        """A provider_id no other test uses (the sandbox is shared and refuses duplicates)."""
        return f"{prefix}-{next(_unique)}-{id(object()):x}"


def _clear_caches() -> None:
    bind_prefetch.wait(120)  # a Home run's background preparation of Bind must not outlive its test
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def console_env(
    sandbox: EmbeddedSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ConsoleEnv]:
    """The console configured for the shared sandbox, with an empty records database (see the docstring)."""
    for key in ("CONSOLE_PUBLIC_URL", "CONSOLE_REQUIRE_LOGIN"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("STREAM_API_URL", sandbox.base_url)
    monkeypatch.setenv("STREAM_CLIENT_ID", sandbox.client_id)
    monkeypatch.setenv("STREAM_CLIENT_SECRET", sandbox.client_secret)
    url = f"sqlite:///{tmp_path / 'console.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("CONSOLE_DATA_DIR", str(tmp_path / "data"))
    _clear_caches()
    records = Records(url)
    env = ConsoleEnv(sandbox, records, url, tmp_path / "data")
    yield env
    for client in env._clients:
        client.close()
    records.close()
    _clear_caches()
