"""Fixtures for lib/store tests: a fresh SQLite file per test, a settable clock; PostgreSQL is shared."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lib.store import Records
from tests.helpers import FakeClock


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'records.db'}"


@pytest.fixture
def records(db_url: str) -> Iterator[Records]:
    r = Records(db_url)
    yield r
    r.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 14, 12, 0, 0, tzinfo=UTC))


@pytest.fixture
def clocked(db_url: str, clock: FakeClock) -> Iterator[Records]:
    r = Records(db_url, clock=clock)
    yield r
    r.close()
