"""Fixtures for the sandbox tests: a real sandbox on 127.0.0.1 per test and an API driver."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sandbox_driver import Api, SandboxClock

from lib.sandbox.embed import EmbeddedSandbox, start_background


@pytest.fixture
def clock() -> SandboxClock:
    """The clock of this test's sandboxes (start_sandbox passes it unless told otherwise)."""
    return SandboxClock()


@pytest.fixture
def start_sandbox(tmp_path: Path, clock: SandboxClock) -> Iterator[Callable[..., EmbeddedSandbox]]:
    """Start sandboxes (settings overrides allowed) on tmp_path; all are stopped after the test."""
    started: list[EmbeddedSandbox] = []

    def start(**overrides: Any) -> EmbeddedSandbox:
        overrides.setdefault("data_dir", tmp_path / "sandbox")
        overrides.setdefault("clock", clock)
        sandbox = start_background(**overrides)
        started.append(sandbox)
        return sandbox

    yield start
    for sandbox in started:
        sandbox.stop()


@pytest.fixture
def sandbox(start_sandbox: Callable[..., EmbeddedSandbox]) -> EmbeddedSandbox:
    """A sandbox with default settings and a short approval delay."""
    return start_sandbox(approve_after_seconds=0.5)


@pytest.fixture
def api(sandbox: EmbeddedSandbox) -> Iterator[Api]:
    """An authenticated driver for the sandbox."""
    driver = Api(sandbox)
    yield driver
    driver.http.close()
