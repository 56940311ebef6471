"""Alembic environment: migrates the connection Records hands over, or DATABASE_URL from the `alembic` CLI."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import lib.store.watch_tables  # noqa: F401  (its tables join the metadata below)
from lib.store.db import make_engine, metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things: batch mode copies the table instead, so one script serves both.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Upgrade the connection given in config.attributes (lib.store.migrate), else the console's database."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from lib.connect import database_url  # the console's own rule for where its records live

    engine = make_engine(config.get_main_option("sqlalchemy.url") or database_url())
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against a database")
run_online()
