"""Fixtures shared by every test area.

`sandbox`: one real sandbox Partner API for the whole test session, served by uvicorn in a daemon thread on
127.0.0.1 (a free port) with its SQLite state in a pytest temporary directory, default settings (token TTL
3600 s, refresh TTL 7200 s, DSP bindings APPROVED 5 s after bind, no faults). It is an
lib.sandbox.embed.EmbeddedSandbox: use .base_url, .client_id and .client_secret to build a StreamClient,
.set_faults(**knobs) to inject faults and .settings to read the settings. State is shared by every test of
the session, so give orgs unique provider_ids (they must be unique) and leave the fault knobs as you found
them (tests/stream resets them around each of its tests). A test that needs other settings (short token
lifetimes, say) starts its own with lib.sandbox.embed.start_background(tmp_path, token_ttl=...).
`faults` is the sandbox for a test that turns its fault knobs (all put back afterwards).
`pg_server` starts a private PostgreSQL on 127.0.0.1 once per session (the records tests and the two-console
browser test); `pg_url` is a fresh empty database on it.
An area's own conftest.py may define a fixture of the same name; the closer definition wins there.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from lib.sandbox.embed import EmbeddedSandbox, start_background
from lib.servers import free_port

# A person who clones the project has nothing beside it: reading the team's shared folder beside the
# repository must fail loudly here, not pass on a developer's machine and break in a bare clone (.ci/run
# also tests from a bare clone).
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


@pytest.fixture
def faults(sandbox: EmbeddedSandbox) -> Iterator[EmbeddedSandbox]:
    """The shared sandbox, for a test that turns fault knobs: every knob is put back as it was before."""
    before = sandbox.set_faults()
    yield sandbox
    sandbox.set_faults(**before)


def _pg_bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))), None)
    if not found:
        raise RuntimeError(
            f"{name} not found: the PostgreSQL tests need the server (Debian package 'postgresql') "
            "and the driver (PyPI 'psycopg[binary]')"
        )
    return found


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """Start a private PostgreSQL on 127.0.0.1 for this test session; yields its admin URL."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    base = Path(tempfile.mkdtemp(prefix="store-pg-"))
    data = base / "data"
    # PostgreSQL refuses to run as root; run it as the 'postgres' account then.
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, user="postgres")
        base.chmod(0o755)
        prefix = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run(
        [*prefix, initdb, "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    opts = f"-h 127.0.0.1 -p {port} -k {base} -F"
    subprocess.run(
        [*prefix, pg_ctl, "-D", str(data), "-o", opts, "-l", str(base / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run([*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: str) -> str:
    """A fresh, empty database on the session's PostgreSQL server."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(f"{pg_server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    return f"{pg_server}/{name}"
