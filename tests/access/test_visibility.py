"""Audit visibility per role, applied to a real records database."""

from __future__ import annotations

from pathlib import Path

import pytest

from lib.access import PermissionDenied, Role, audit_scope
from lib.store import INTEGRATION_STARTED, ORG_CREATED, Records


@pytest.fixture
def records(tmp_path: Path) -> Records:
    r = Records(f"sqlite:///{tmp_path / 'records.db'}")
    r.add_org("org-a", "A", "pa", "a@merchant.example", created_by="am@example.com")
    r.add_org("org-b", "B", "pb", "b@merchant.example", created_by="other@example.com")
    r.audit("am@example.com", ORG_CREATED, "org-a", {"name": "A"}, "ok")
    r.audit("other@example.com", ORG_CREATED, "org-b", {"name": "B"}, "ok")
    # Someone else acted on the account manager's org: it is still theirs to see.
    r.audit("admin@example.com", INTEGRATION_STARTED, "org-a", {"source": "toast"}, "ok")
    return r


def _actors(records: Records, role: Role | None, email: str) -> list[tuple[str, str | None]]:
    scope = audit_scope(role, email, records.org_ids_created_by(email))
    return sorted((e.actor, e.org_id) for e in records.list_audit(visible_to=scope))


def test_admin_sees_everyone(records: Records) -> None:
    assert len(_actors(records, Role.ADMIN, "admin@example.com")) == 3


def test_account_manager_sees_own_and_own_orgs(records: Records) -> None:
    assert _actors(records, Role.ACCOUNT_MANAGER, "AM@example.com") == [
        ("admin@example.com", "org-a"),
        ("am@example.com", "org-a"),
    ]


def test_analyst_sees_only_own_which_is_none(records: Records) -> None:
    assert _actors(records, Role.ANALYST, "reader@example.com") == []


def test_no_role_is_refused(records: Records) -> None:
    with pytest.raises(PermissionDenied):
        audit_scope(None, "x@example.com", set())
