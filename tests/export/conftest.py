"""Export test fixtures: a few orgs onboarded on the sandbox and recorded in a fresh records database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.seed import SeededOrg, seed_org
from lib.sandbox.embed import EmbeddedSandbox
from lib.store import Records
from lib.stream.client import StreamClient


@dataclass
class World:
    """The sandbox, a client, the records holding the seeded orgs, and the orgs themselves."""

    sandbox: EmbeddedSandbox
    client: StreamClient
    records: Records
    database_url: str
    orgs: list[SeededOrg]


@pytest.fixture(scope="session")
def world(sandbox: EmbeddedSandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Three orgs: 40 locations half bound to Grubhub, 3 with no DSP, 8 all bound."""
    folder: Path = tmp_path_factory.mktemp("export-records")
    url = f"sqlite:///{folder / 'console.db'}"
    records = Records(url)
    client = StreamClient(sandbox.base_url, sandbox.client_id, sandbox.client_secret)
    orgs = [
        seed_org(client, "taco-tres", name="Taco Tres", bind=20, records=records),
        seed_org(client, "rosas-cantina", name="Rosa's Cantina", dsp=None, records=records),
        seed_org(client, "cafe-lumiere", name="Café Lumière", records=records),
    ]
    yield World(sandbox, client, records, url, orgs)
    client.close()
    records.close()


@pytest.fixture
def no_faults(sandbox: EmbeddedSandbox) -> Iterator[EmbeddedSandbox]:
    """The shared sandbox, with the fault knobs these tests touch put back to off afterwards."""
    yield sandbox
    sandbox.set_faults(fail_org_ids=[], fail_next=0, error_rate=0.0, latency_ms=0.0)
