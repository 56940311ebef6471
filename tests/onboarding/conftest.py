"""Fixtures for the onboarding flow's logic: a client of the session's sandbox, fresh records per test, an org
with Toast started (the start of most flows), and a look at what the sandbox itself holds."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import SecretStr

from lib.connect import ApiTarget, open_client
from lib.onboarding import actions
from lib.onboarding.forms import OrgForm
from lib.onboarding.returns import Callback, parse_callback
from lib.sandbox.embed import EmbeddedSandbox
from lib.store import OnboardingRecord, OrgRecord, Records
from lib.stream.client import StreamClient
from tests.helpers import follow_consent

CONSOLE = "http://127.0.0.1:8501"


@pytest.fixture
def client(sandbox: EmbeddedSandbox) -> Iterator[StreamClient]:
    """A StreamClient of the session's sandbox, as the console builds it."""
    target = ApiTarget(sandbox.base_url, sandbox.client_id, SecretStr(sandbox.client_secret), is_sandbox=True)
    with open_client(target) as c:
        yield c


@pytest.fixture
def records(tmp_path: Path) -> Iterator[Records]:
    """The console's records in a fresh SQLite file."""
    with Records(f"sqlite:///{tmp_path / 'records.db'}") as r:
        yield r


@pytest.fixture
def org_form(tmp_path: Path) -> OrgForm:
    """The create-org form as a person fills it, with a provider_id no other test uses."""
    return OrgForm.of(
        name="Flow Test Tacos",
        provider_id=f"flow-{tmp_path.name}",
        email="t@example.com",
        first_name="T",
        last_name="T",
    )


@dataclass(frozen=True)
class ToastStarted:
    """An org created by `actor`, with its Toast integration started and waiting for the consent."""

    org: OrgRecord
    started: OnboardingRecord

    def approve(self) -> Callback:
        """Approve the Toast consent page (Rosa's Cantina) and return what the browser brings back."""
        assert self.started.entry_url
        callback = parse_callback(follow_consent(self.started.entry_url, merchant="rosas-cantina"))
        assert callback is not None
        return callback


@pytest.fixture
def toast_started(client: StreamClient, records: Records, org_form: OrgForm) -> Callable[[str], ToastStarted]:
    """start(actor): create the org and start Toast for it, as `actor` does from the screens."""

    def start(actor: str) -> ToastStarted:
        org = actions.create_org(client, records, actor, org_form)
        started = actions.start_integration(client, records, actor, org.org_id, "pos", "toast", CONSOLE)
        return ToastStarted(org, started)

    return start


@pytest.fixture
def api_holds(sandbox: EmbeddedSandbox) -> Callable[[str, str], list[tuple[str, ...]]]:
    """holds(sql, arg): rows of the sandbox's own database (read-only): what the API really has."""

    def holds(sql: str, arg: str) -> list[tuple[str, ...]]:
        with sqlite3.connect(f"file:{sandbox.settings.db_path}?mode=ro", uri=True) as db:
            return [tuple(row) for row in db.execute(sql, (arg,)).fetchall()]

    return holds
