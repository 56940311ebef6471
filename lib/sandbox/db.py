"""SQLite state of the sandbox: one file in the data directory, one connection behind a lock."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,             -- access | refresh
    client_id TEXT NOT NULL,
    scopes TEXT NOT NULL,           -- space separated
    expires_at REAL NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS orgs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    provider_id TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL,
    email TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS onboardings (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    type TEXT NOT NULL,
    source TEXT NOT NULL,
    status TEXT NOT NULL,
    return_url TEXT,
    entry_url TEXT,
    merchant_code TEXT,
    created_at REAL NOT NULL,
    activated_at REAL
);
CREATE INDEX IF NOT EXISTS onboardings_org ON onboardings(org_id);
CREATE TABLE IF NOT EXISTS oauth_codes (
    code_hash TEXT PRIMARY KEY,
    onboarding_id TEXT NOT NULL REFERENCES onboardings(id),
    merchant_code TEXT NOT NULL,
    expires_at REAL NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS locations (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    onboarding_id TEXT NOT NULL REFERENCES onboardings(id),
    provider_id TEXT NOT NULL,
    source TEXT NOT NULL,
    name TEXT NOT NULL,
    doc TEXT NOT NULL,              -- the location's JSON in the org view, without "dsps" (pre-rendered)
    status TEXT NOT NULL DEFAULT 'active',  -- active | inactive, as set through /sandbox (states.py)
    paused_until REAL,              -- epoch seconds: inactive until then, whatever status says
    ingested_at REAL NOT NULL,
    synced_at REAL NOT NULL,
    UNIQUE (org_id, provider_id)
);
CREATE TABLE IF NOT EXISTS bindings (
    dsp_onboarding_id TEXT NOT NULL REFERENCES onboardings(id),
    dsp_provider_id TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    pos_provider_id TEXT NOT NULL,
    dsp_source TEXT NOT NULL,
    dsp_store_name TEXT,
    doc TEXT NOT NULL,              -- the binding's JSON in the org view without its closing "status"
    bound_at REAL NOT NULL,
    PRIMARY KEY (dsp_onboarding_id, dsp_provider_id),
    UNIQUE (dsp_onboarding_id, pos_provider_id)
);
CREATE INDEX IF NOT EXISTS bindings_org ON bindings(org_id);
CREATE TABLE IF NOT EXISTS store_states (
    org_id TEXT NOT NULL REFERENCES orgs(id),
    dsp_provider_id TEXT NOT NULL,  -- a DSP store's status set through /sandbox, any text (states.py)
    status TEXT NOT NULL,
    PRIMARY KEY (org_id, dsp_provider_id)
);
"""

# Bumped whenever SCHEMA changes: sandbox state is disposable, so an old file is simply recreated.
SCHEMA_VERSION = 4

TABLES = ("store_states", "bindings", "locations", "oauth_codes", "onboardings", "orgs", "tokens")


class Database:
    """A single SQLite connection shared by the threadpool; every use holds the lock."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        if self._conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            for table in TABLES:
                self._conn.execute(f"DROP TABLE IF EXISTS {table}")
            self._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        self._conn.executescript(SCHEMA)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Exclusive access and one atomic transaction (rolled back on error)."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """Exclusive access for reads (no writes may happen meanwhile on this connection)."""
        with self._lock:
            yield self._conn

    def wipe(self) -> None:
        """Delete every row of every table (the reset command)."""
        with self.transaction() as conn:
            for table in TABLES:
                conn.execute(f"DELETE FROM {table}")

    def close(self) -> None:
        """Close the connection (the server is stopping)."""
        with self._lock:
            self._conn.close()
