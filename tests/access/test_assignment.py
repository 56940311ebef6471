"""Role assignment from configuration: named emails, whole domains, and mistakes in the settings."""

from __future__ import annotations

from typing import Any

import pytest

from lib.access import AccessConfigError, Role, RoleRules, role_for

CONFIG: dict[str, Any] = {
    "roles": {
        "admins": ["Lead@Example.com"],
        "account_managers": ["am@example.com", "partner.am@agency.example"],
        "analysts": ["demoted@corp.example"],
        "analyst_domains": ["example.com", "@corp.example"],
        "account_manager_domains": ["corp.example"],
    }
}


@pytest.mark.parametrize(
    ("email", "role"),
    [
        ("lead@example.com", Role.ADMIN),
        ("  LEAD@example.COM ", Role.ADMIN),
        ("am@example.com", Role.ACCOUNT_MANAGER),
        ("partner.am@agency.example", Role.ACCOUNT_MANAGER),
        ("someone@example.com", Role.ANALYST),
        ("someone@corp.example", Role.ACCOUNT_MANAGER),  # highest of the matching domain rules
        ("demoted@corp.example", Role.ANALYST),  # a named email wins over its domain
        ("stranger@elsewhere.example", None),
        ("someone@sub.example.com", None),  # domains match exactly, not subdomains
        ("someone@example.com.evil.example", None),
        ("not-an-email", None),
        ("", None),
        (None, None),
    ],
)
def test_role_for(email: str | None, role: Role | None) -> None:
    assert role_for(email, CONFIG) == role


def test_no_roles_section_means_nobody_has_a_role() -> None:
    assert role_for("lead@example.com", {}) is None
    assert role_for("lead@example.com", None) is None
    assert RoleRules.from_section(None).is_empty()


def test_single_string_is_read_as_one_item_list() -> None:
    assert role_for("a@example.com", {"roles": {"admins": "a@example.com"}}) is Role.ADMIN


def test_unknown_key_is_named_so_a_typo_does_not_lock_people_out_silently() -> None:
    with pytest.raises(AccessConfigError, match=r"unknown setting\(s\) admin;"):
        role_for("a@example.com", {"roles": {"admin": ["a@example.com"]}})


def test_malformed_entries_are_refused_with_the_key() -> None:
    with pytest.raises(AccessConfigError, match=r"admins lists 'example\.com'"):
        RoleRules.from_section({"admins": ["example.com"]})
    with pytest.raises(AccessConfigError, match="must be a list of strings"):
        RoleRules.from_section({"analysts": [1, 2]})


def test_conflicts_lists_emails_with_several_roles() -> None:
    rules = RoleRules.from_section(
        {"admins": ["x@example.com"], "analysts": ["X@example.com", "y@example.com"]}
    )
    assert rules.conflicts() == {"x@example.com": [Role.ANALYST, Role.ADMIN]}
    assert rules.role_of("x@example.com") is Role.ADMIN


def test_the_role_table_lists_every_assignment_highest_role_first() -> None:
    rules = RoleRules.from_section({"analysts": ["b@x.test", "a@x.test"], "admin_domains": ["corp.test"]})
    assert rules.table() == [
        {"role": Role.ADMIN.label, "by": "domain", "who": "@corp.test"},
        {"role": Role.ANALYST.label, "by": "email", "who": "a@x.test"},
        {"role": Role.ANALYST.label, "by": "email", "who": "b@x.test"},
    ]
