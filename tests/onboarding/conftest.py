"""Fixtures for the onboarding flow's logic: a client of the session's sandbox and fresh records per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from lib.connect import ApiTarget, open_client
from lib.sandbox.embed import EmbeddedSandbox
from lib.store import Records
from lib.stream.client import StreamClient


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
