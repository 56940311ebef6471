"""Engine set-up and the table definitions of the console's own records."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Dialect, Engine, make_url
from sqlalchemy.pool import StaticPool

from lib.redaction import mask_url
from lib.settings import load_settings

SQLITE_BUSY_TIMEOUT_MS = 30_000


def default_database_url() -> str:
    """DATABASE_URL if set (lib.settings), else the SQLite file console.db in the console's data folder."""
    return load_settings().records_url


def records_unavailable(url: str | URL, exc: BaseException) -> str:
    """The sentence for records that cannot be opened: where (no password), the error's kind, what to do."""
    # Only the kind: a driver's message runs over several lines (hints, a link) and may repeat the URL.
    where = mask_url(str(url))
    return f"the console's records at {where} could not be opened ({type(exc).__name__}). Check DATABASE_URL."


def normalize_url(url: str | URL) -> URL:
    """Parse a URL; bare postgres:// or postgresql:// use psycopg 3 when psycopg2 is not installed."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.drivername in ("postgres", "postgresql") and importlib.util.find_spec("psycopg2") is None:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timestamp stored as UTC and always read back timezone-aware (SQLite keeps no offset)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive datetimes; store everything in UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        # SQLite compares timestamps as text, so every stored value must have the same (naive UTC) shape.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return an aware UTC datetime."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = sa.MetaData()

orgs = sa.Table(
    "orgs",
    metadata,
    sa.Column("org_id", sa.String(255), primary_key=True),
    sa.Column("name", sa.String(500), nullable=True),
    sa.Column("provider_id", sa.String(255), nullable=True),
    sa.Column("user_email", sa.String(320), nullable=True),
    sa.Column("created_by", sa.String(320), nullable=False),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

onboardings = sa.Table(
    "onboardings",
    metadata,
    sa.Column("onboarding_id", sa.String(255), primary_key=True),
    sa.Column("org_id", sa.String(255), nullable=False, index=True),
    sa.Column("type", sa.String(8), nullable=False),
    sa.Column("source", sa.String(255), nullable=False),
    sa.Column("status", sa.String(64), nullable=False),
    sa.Column("entry_url", sa.Text(), nullable=True),
    sa.Column("created_by", sa.String(320), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
)

oauth_states = sa.Table(
    "oauth_states",
    metadata,
    sa.Column("state", sa.String(128), primary_key=True),
    sa.Column("onboarding_id", sa.String(255), nullable=True, index=True),
    sa.Column("org_id", sa.String(255), nullable=True),
    sa.Column("created_by", sa.String(320), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("expires_at", UTCDateTime(), nullable=False),
    sa.Column("used_at", UTCDateTime(), nullable=True),
)

# One row per org being bound: others see who binds it and since when; it lapses unless renewed.
bind_leases = sa.Table(
    "bind_leases",
    metadata,
    sa.Column("org_id", sa.String(255), primary_key=True),
    sa.Column("holder", sa.String(320), nullable=False),
    sa.Column("since", UTCDateTime(), nullable=False),
    sa.Column("expires_at", UTCDateTime(), nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("at", UTCDateTime(), nullable=False, index=True),
    sa.Column("actor", sa.String(320), nullable=False, index=True),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("org_id", sa.String(255), nullable=True, index=True),
    sa.Column("request", sa.JSON(), nullable=False),
    sa.Column("outcome", sa.String(8), nullable=False),
    sa.Column("detail", sa.JSON(), nullable=True),
    sa.Column("error", sa.Text(), nullable=True),
    sa.Column("request_id", sa.String(128), nullable=True),  # the API's id of the failed call, if it sent one
)


def _sqlite_file(url: URL) -> Path | None:
    db = url.database
    if not db or db == ":memory:" or db.startswith("file:"):
        return None
    return Path(db)


def make_engine(url: str | URL) -> Engine:
    """Create the one Engine a Records uses; SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE on writes."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(parsed, pool_pre_ping=True)

    path = _sqlite_file(parsed)
    kwargs: dict[str, Any] = {
        "connect_args": {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    }
    if path is None:
        # An in-memory database exists once per connection: share one so every thread sees the same tables.
        kwargs["poolclass"] = StaticPool
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(parsed, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (below) instead of the driver's implicit, late BEGIN.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # A deferred transaction that reads and then writes cannot wait for a concurrent writer in WAL mode
        # (SQLITE_BUSY at once); write transactions take the write lock up front and queue on busy_timeout.
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
