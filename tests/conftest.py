"""Fixtures shared by every test area.

`sandbox`: one real sandbox Partner API for the whole test session, served by uvicorn in a daemon thread on
127.0.0.1 (a free port) with its SQLite state in a pytest temporary directory, default settings (token TTL
3600 s, refresh TTL 7200 s, DSP bindings APPROVED 5 s after bind, no faults). It is an
lib.sandbox.embed.EmbeddedSandbox: use .base_url, .client_id and .client_secret to build a StreamClient,
.set_faults(**knobs) to inject faults and .settings to read the settings. State is shared by every test of
the session, so give orgs unique provider_ids (they must be unique) and leave the fault knobs as you found
them (tests/stream resets them around each of its tests). A test that needs other settings (short token
lifetimes, say) starts its own with lib.sandbox.embed.start_background(tmp_path, token_ttl=...).
An area's own conftest.py may define a fixture of the same name; the closer definition wins there.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from lib.sandbox.embed import EmbeddedSandbox, start_background

# A person who clones the project has nothing beside it: reading the team's ../shared folder must fail loudly
# here, not pass on a developer's machine and break in a bare clone (.ci/run also tests from a bare clone).
OUTSIDE_SHARED = str(Path(__file__).resolve().parents[2] / "shared") + os.sep


def _refuse_shared(event: str, args: tuple[object, ...]) -> None:
    if event == "open" and args and isinstance(args[0], str | os.PathLike):
        path = os.path.abspath(os.fsdecode(args[0]))  # type: ignore[arg-type]
        if path.startswith(OUTSIDE_SHARED):
            raise RuntimeError(f"a test read {path}: keep what tests need inside the repository")


sys.addaudithook(_refuse_shared)


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedSandbox]:
    """The session's shared sandbox Partner API on 127.0.0.1 (see the module docstring)."""
    running = start_background(tmp_path_factory.mktemp("sandbox"))
    yield running
    running.stop()
