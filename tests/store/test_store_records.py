"""Orgs, onboardings, engine set-up and sharing one database between instances and processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC
from pathlib import Path

import pytest
import sqlalchemy as sa

from lib.settings import REPO_ROOT
from lib.store import Records, default_database_url

REPO = Path(__file__).resolve().parents[2]


def test_org_round_trip_with_aware_utc_timestamp(records: Records) -> None:
    org = records.add_org("org-1", "Joe's Pizza", "prov-1", "joe@pizza.test", "am@corp.test")
    assert org.org_id == "org-1" and org.name == "Joe's Pizza" and org.provider_id == "prov-1"
    assert org.user_email == "joe@pizza.test" and org.created_by == "am@corp.test" and org.source == "created"
    assert org.created_at.tzinfo is not None and org.created_at.utcoffset().total_seconds() == 0
    assert records.get_org("org-1") == org
    assert records.get_org("nope") is None
    assert records.list_orgs() == [org]


def test_add_org_is_idempotent_and_only_fills_blanks(records: Records) -> None:
    first = records.add_org("org-1", None, None, None, "alice@corp.test", source="added")
    again = records.add_org("org-1", "Renamed", "prov-9", "x@y.test", "bob@corp.test", source="created")
    # The creator, source and date stay; fields that were unknown get filled in.
    assert again.created_by == "alice@corp.test" and again.source == "added"
    assert again.created_at == first.created_at
    assert (again.name, again.provider_id, again.user_email) == ("Renamed", "prov-9", "x@y.test")
    third = records.add_org("org-1", "Other name", None, None, "carol@corp.test")
    assert third.name == "Renamed"  # a known name is never overwritten
    assert len(records.list_orgs()) == 1


def test_list_orgs_oldest_first_and_org_ids_by_creator(clocked: Records, clock) -> None:
    clocked.add_org("b", "B", None, None, "Alice@Corp.test")
    clock.advance(seconds=1)
    clocked.add_org("a", "A", None, None, "bob@corp.test")
    clock.advance(seconds=1)
    clocked.add_org("c", "C", None, None, "alice@corp.test", source="added")
    assert [o.org_id for o in clocked.list_orgs()] == ["b", "a", "c"]
    assert clocked.org_ids_created_by("ALICE@corp.test") == {"b", "c"}
    assert clocked.org_ids_created_by("nobody@corp.test") == set()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"org_id": ""},
        {"created_by": " "},
        {"source": "imported"},
    ],
)
def test_add_org_rejects_bad_input(records: Records, kwargs: dict[str, str]) -> None:
    args = {"org_id": "o", "name": "n", "provider_id": None, "user_email": None, "created_by": "me"} | kwargs
    with pytest.raises(ValueError):
        records.add_org(**args)
    assert records.list_orgs() == []


def test_onboarding_round_trip_update_and_filters(clocked: Records, clock) -> None:
    pos = clocked.add_onboarding("ob-1", "org-1", "pos", "toast", "waiting_for_oauth", "https://e/1", "am@x")
    clock.advance(seconds=5)
    dsp = clocked.add_onboarding("ob-2", "org-1", "dsp", "doordash", "pending", None, "am@x")
    other = clocked.add_onboarding("ob-3", "org-2", "pos", "square", "pending", "", "am@x")
    assert clocked.get_onboarding("ob-1") == pos
    assert pos.created_at == pos.updated_at and pos.created_at.tzinfo is not None
    assert other.entry_url is None
    assert clocked.list_onboardings() == [pos, dsp, other]
    assert clocked.list_onboardings(org_id="org-1") == [pos, dsp]
    assert clocked.list_onboardings(type="pos") == [pos, other]
    assert clocked.list_onboardings(org_id="org-1", type="dsp") == [dsp]
    assert clocked.get_onboarding("missing") is None

    clock.advance(minutes=2)
    updated = clocked.update_onboarding_status("ob-1", "active")
    assert updated.status == "active" and updated.updated_at > updated.created_at
    assert updated.created_at == pos.created_at and updated.entry_url == "https://e/1"
    assert clocked.get_onboarding("ob-1") == updated
    with pytest.raises(KeyError):
        clocked.update_onboarding_status("missing", "active")
    with pytest.raises(ValueError):
        clocked.add_onboarding("ob-9", "org-1", "pms", "x", "pending", None, "am@x")


def test_add_onboarding_again_takes_new_status_keeps_origin(records: Records) -> None:
    first = records.add_onboarding("ob-1", "org-1", "pos", "toast", "pending", "https://e/1", "alice@x")
    again = records.add_onboarding("ob-1", "org-1", "pos", "toast", "active", None, "bob@x")
    assert again.status == "active" and again.entry_url == "https://e/1"
    assert again.created_by == "alice@x" and again.created_at == first.created_at
    assert len(records.list_onboardings()) == 1


def test_records_are_frozen(records: Records) -> None:
    org = records.add_org("org-1", "A", None, None, "me")
    with pytest.raises(AttributeError):
        org.name = "B"  # type: ignore[misc]


def test_sqlite_uses_wal_and_busy_timeout(records: Records) -> None:
    with records.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_tables_created_on_first_use_in_a_new_directory(tmp_path: Path) -> None:
    db = tmp_path / "deeper" / "dir" / "console.db"
    with Records(f"sqlite:///{db}") as r:
        names = set(sa.inspect(r.engine).get_table_names())
    assert db.exists()
    assert {"orgs", "onboardings", "oauth_states", "audit_log"} <= names


def test_default_url_from_env_or_repo_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert default_database_url() == f"sqlite:///{REPO_ROOT / 'data' / 'console.db'}"
    assert REPO_ROOT == REPO
    url = f"sqlite:///{tmp_path / 'from-env.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert default_database_url() == url
    with Records() as r:
        r.add_org("org-env", "E", None, None, "me")
    assert (tmp_path / "from-env.db").exists()


def test_data_dir_is_gitignored() -> None:
    out = subprocess.run(
        ["git", "check-ignore", "-q", "data/console.db"], cwd=REPO, capture_output=True, check=False
    )
    assert out.returncode == 0


def test_two_instances_on_one_file_see_each_others_writes(db_url: str) -> None:
    with Records(db_url) as a, Records(db_url) as b:
        a.add_org("org-a", "A", None, None, "alice")
        b.add_onboarding("ob-b", "org-a", "pos", "toast", "pending", None, "bob")
        assert b.get_org("org-a") is not None
        assert a.get_onboarding("ob-b") is not None
        b.update_onboarding_status("ob-b", "active")
        assert a.get_onboarding("ob-b").status == "active"
        a.audit("alice", "org_created", "org-a", {"name": "A"}, "ok")
        assert [e.actor for e in b.list_audit()] == ["alice"]


def test_survives_a_restart(db_url: str) -> None:
    with Records(db_url) as r:
        r.add_org("org-1", "A", None, None, "me")
        r.audit("me", "org_created", "org-1", {"name": "A"}, "ok")
    with Records(db_url) as r:
        assert [o.org_id for o in r.list_orgs()] == ["org-1"]
        assert len(r.list_audit()) == 1


_WORKER = textwrap.dedent(
    """
    import sys
    from lib.store import Records
    url, who, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    r = Records(url)
    for i in range(n):
        r.add_org(f"shared-{i % 5}", "Shared", None, None, who)
        r.add_onboarding(f"{who}-ob-{i}", f"shared-{i % 5}", "pos", "toast", "pending", None, who)
        r.audit(who, "org_created", f"shared-{i % 5}", {"i": i}, "ok")
    r.close()
    """
)


def test_two_processes_write_at_once_without_errors(tmp_path: Path) -> None:
    # Both processes create the tables on a fresh file and then interleave writes.
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    n = 60
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, url, who, str(n)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in ("p1", "p2")
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    with Records(url) as r:
        assert len(r.list_audit()) == 2 * n
        assert len(r.list_audit(actor="p1")) == n
        assert len(r.list_orgs()) == 5
        assert len(r.list_onboardings()) == 2 * n
        assert all(o.created_at.tzinfo == UTC for o in r.list_orgs())
