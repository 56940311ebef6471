"""tests/stream fixtures: fault knobs reset around every test that uses the shared sandbox, and a client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lib.sandbox.embed import EmbeddedSandbox
from lib.sandbox.settings import FaultSettings
from lib.stream import RetryPolicy, StreamClient
from tests.stream.support import SleepLog


@pytest.fixture(autouse=True)
def _clean_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    """Start and leave every sandbox test with no faults (unit tests on MockTransport start no sandbox)."""
    if "sandbox" not in request.fixturenames:
        yield
        return
    sandbox: EmbeddedSandbox = request.getfixturevalue("sandbox")
    sandbox.set_faults(**FaultSettings().to_dict())
    yield
    sandbox.set_faults(**FaultSettings().to_dict())


@pytest.fixture
def sleeps() -> SleepLog:
    return SleepLog()


@pytest.fixture
def client(sandbox: EmbeddedSandbox, sleeps: SleepLog) -> Iterator[StreamClient]:
    """A StreamClient on the shared sandbox whose retry waits are recorded in `sleeps`.

    Its backoff starts at 0.05 s instead of 0.5 s to keep the tests quick (the doubling and the cap are
    unit-tested); Retry-After is honoured as the server sends it.
    """
    with StreamClient(
        sandbox.base_url,
        sandbox.client_id,
        sandbox.client_secret,
        retry_policy=RetryPolicy(sleep=sleeps, initial_delay=0.05),
    ) as api:
        yield api
