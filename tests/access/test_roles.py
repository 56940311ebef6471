"""The permission table: what each role may do, and the sentence a refusal shows."""

from __future__ import annotations

import pytest

from lib.access import Action, PermissionDenied, Role, can, parse_role, refusal, require, required_role

CHANGES = (
    Action.CREATE_ORG,
    Action.ADD_ORG,
    Action.START_INTEGRATION,
    Action.EXCHANGE_CODE,
    Action.INGEST,
    Action.BIND,
)
READS = (Action.VIEW, Action.EXPORT, Action.VIEW_AUDIT)
ADMIN_ONLY = (Action.VIEW_ALL_AUDIT, Action.VIEW_ROLE_SETTINGS)


@pytest.mark.parametrize("action", READS)
def test_every_role_reads_and_exports(action: Action) -> None:
    assert all(can(role, action) for role in Role)


@pytest.mark.parametrize("action", CHANGES)
def test_analyst_changes_nothing_account_manager_and_admin_do(action: Action) -> None:
    assert not can(Role.ANALYST, action)
    assert can(Role.ACCOUNT_MANAGER, action)
    assert can(Role.ADMIN, action)


@pytest.mark.parametrize("action", ADMIN_ONLY)
def test_only_admins_see_all_audit_and_role_settings(action: Action) -> None:
    assert [role for role in Role if can(role, action)] == [Role.ADMIN]


def test_no_role_can_do_nothing() -> None:
    assert not any(can(None, action) for action in Action)


def test_every_action_has_a_required_role() -> None:
    assert {required_role(a) for a in Action} <= set(Role)


def test_require_raises_a_sentence_naming_role_needed_and_next_step() -> None:
    with pytest.raises(PermissionDenied) as info:
        require(Role.ANALYST, Action.BIND)
    message = str(info.value)
    assert message.startswith("An analyst cannot bind locations")
    assert "account manager role" in message
    assert "Ask an admin" in message
    assert info.value.role is Role.ANALYST and info.value.action is Action.BIND


def test_require_passes_silently_when_allowed() -> None:
    require(Role.ACCOUNT_MANAGER, Action.INGEST)
    require(Role.ADMIN, Action.VIEW_ROLE_SETTINGS)


def test_refusal_without_a_role_asks_for_one() -> None:
    assert refusal(None, Action.VIEW) == (
        "You have no role in this console, so you cannot open the console's screens. "
        "Ask an admin to give you one."
    )


def test_account_manager_refusal_uses_the_right_article() -> None:
    assert refusal(Role.ACCOUNT_MANAGER, Action.VIEW_ALL_AUDIT).startswith("An account manager cannot")


@pytest.mark.parametrize("text", ["admin", "Account Manager", "account-manager", " analyst "])
def test_parse_role_accepts_spellings(text: str) -> None:
    assert isinstance(parse_role(text), Role)


def test_parse_role_rejects_unknown() -> None:
    with pytest.raises(ValueError, match="not a role"):
        parse_role("superuser")
