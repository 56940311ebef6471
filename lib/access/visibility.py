"""Which audit entries a person may read."""

from __future__ import annotations

from collections.abc import Iterable

from lib.access.roles import Action, Role, can, require

AuditScope = tuple[str, set[str]] | None


def audit_scope(role: Role | None, email: str, own_org_ids: Iterable[str]) -> AuditScope:
    """None (everything) for admins; else (email, org ids) for `Records.list_audit(visible_to=...)`.

    Account managers and analysts read their own entries and every entry about an org they created or
    added; analysts change nothing, so for them that is usually empty. No role: PermissionDenied.
    """
    if can(role, Action.VIEW_ALL_AUDIT):
        return None
    require(role, Action.VIEW_AUDIT)
    return (email, set(own_org_ids))
