"""Bring a records database to the newest schema with the Alembic scripts in lib/store/migrations."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any fixed number: PostgreSQL sessions upgrading the same database queue on this advisory lock.
_PG_LOCK_KEY = 0x5EC0_4D5


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An Alembic Config for the console's scripts; with a connection, env.py migrates that connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def head_revisions() -> tuple[str, ...]:
    """The newest revision(s) of the scripts (read once per process)."""
    return tuple(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(connection: sa.Connection) -> tuple[str, ...]:
    """The revision(s) the database is at; empty for a new or pre-Alembic database."""
    return tuple(MigrationContext.configure(connection).get_current_heads())


def upgrade(connection: sa.Connection) -> bool:
    """Upgrade the database inside the caller's transaction; True when anything ran.

    The caller's transaction makes two processes that start at once take turns: SQLite's BEGIN IMMEDIATE
    and, on PostgreSQL, an advisory lock held until commit.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    if set(current_revisions(connection)) == set(head_revisions()):
        return False
    command.upgrade(alembic_config(connection), "head")
    return True
