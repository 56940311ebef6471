"""Schema migrations: a database made by an older console is upgraded in place, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from lib.store import Records
from lib.store.db import make_engine, metadata
from lib.store.migrate import alembic_config, current_revisions, head_revisions, upgrade

WATCH_TABLES = {
    "watch_runs",
    "org_reads",
    "integration_history",
    "location_history",
    "watch_events",
    "alerts",
    "alert_deliveries",
}


def _old_console_database(url: str) -> None:
    """A database as the console made it before migrations: the four tables, one org, no alembic_version."""
    engine = make_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
        conn.execute(sa.text("DROP TABLE alembic_version"))
        conn.execute(
            sa.text(
                "INSERT INTO orgs (org_id, name, created_by, source, created_at) "
                "VALUES ('org-old', 'Old Diner', 'am@corp.test', 'created', '2025-01-02 03:04:05')"
            )
        )
    engine.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_url(request: pytest.FixtureRequest, db_url: str) -> str:
    return db_url if request.param == "sqlite" else request.getfixturevalue("pg_url")


def test_old_database_is_upgraded_in_place_keeping_its_rows(any_url: str) -> None:
    _old_console_database(any_url)
    assert "alembic_version" not in _tables(any_url)
    with Records(any_url) as records:
        old = records.get_org("org-old")
        assert old is not None and old.name == "Old Diner"
        records.add_org("org-new", "New", None, None, "am@corp.test")
        with records.engine.connect() as conn:
            assert current_revisions(conn) == head_revisions()
    assert _tables(any_url) >= WATCH_TABLES


def test_migrated_schema_matches_the_code_tables(any_url: str) -> None:
    """The scripts and lib/store's table definitions agree: a table added without a migration fails here."""
    Records(any_url).close()
    engine = make_engine(any_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    engine.dispose()
    assert diff == []


def test_a_database_at_an_older_revision_gains_the_new_tables(any_url: str) -> None:
    engine = make_engine(any_url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
    engine.dispose()
    assert not WATCH_TABLES & _tables(any_url)
    Records(any_url).close()
    assert _tables(any_url) >= WATCH_TABLES


def test_an_audit_log_at_0003_gains_the_request_id_and_keeps_its_entries(any_url: str) -> None:
    engine = make_engine(any_url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0003")
        conn.execute(
            sa.text(
                "INSERT INTO audit_log (at, actor, action, org_id, request, outcome, error) VALUES "
                "('2026-01-02 03:04:05', 'am@corp.test', 'org_created', NULL, '{}', 'error', 'refused')"
            )
        )
    engine.dispose()
    with Records(any_url) as records:
        [old] = records.list_audit()
        assert (old.error, old.request_id) == ("refused", None)
        records.audit("am@corp.test", "org_created", None, {}, "error", error="again", request_id="req_1")
        assert [e.request_id for e in records.list_audit()] == ["req_1", None]


def test_processes_opening_a_fresh_database_at_once_take_turns(any_url: str) -> None:
    barrier = threading.Barrier(4)

    def open_records(i: int) -> str:
        barrier.wait()
        with Records(any_url) as records:
            return records.add_org(f"org-{i}", None, None, None, "am@corp.test").org_id

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert sorted(pool.map(open_records, range(4))) == ["org-0", "org-1", "org-2", "org-3"]


def test_reopening_an_upgraded_database_runs_nothing(db_url: str) -> None:
    Records(db_url).close()
    engine = make_engine(db_url)
    with engine.begin() as conn:
        assert upgrade(conn) is False
    engine.dispose()
