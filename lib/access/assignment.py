"""Who gets which role: named emails and whole email domains, read from the `[roles]` configuration."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lib.access.roles import Role

# `[roles]` keys: a list of emails and a list of domains per role.
EMAIL_KEYS: dict[str, Role] = {
    "admins": Role.ADMIN,
    "account_managers": Role.ACCOUNT_MANAGER,
    "analysts": Role.ANALYST,
}
DOMAIN_KEYS: dict[str, Role] = {
    "admin_domains": Role.ADMIN,
    "account_manager_domains": Role.ACCOUNT_MANAGER,
    "analyst_domains": Role.ANALYST,
}


class AccessConfigError(ValueError):
    """The access configuration cannot be read; str() says which setting to fix."""


def normalize_email(email: str) -> str:
    """Emails compare trimmed and case-insensitively."""
    return str(email).strip().lower()


def email_domain(email: str) -> str | None:
    """The part after the last @, lower-case; None when there is none."""
    text = normalize_email(email)
    if "@" not in text:
        return None
    domain = text.rsplit("@", 1)[1]
    return domain or None


def _strings(section: str, key: str, value: Any) -> list[str]:
    if isinstance(value, str):  # a single value written without brackets is forgiven
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise AccessConfigError(f'[{section}] {key} must be a list of strings, like {key} = ["..."].')
    return [v.strip() for v in value if v.strip()]


@dataclass(frozen=True)
class RoleRules:
    """Role assignment: emails per role and domains per role (all lower-case)."""

    emails: Mapping[Role, frozenset[str]] = field(default_factory=dict)
    domains: Mapping[Role, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def from_section(cls, section: Mapping[str, Any] | None, name: str = "roles") -> RoleRules:
        """Parse a `[roles]` table; AccessConfigError names an unknown key or a malformed value."""
        section = dict(section or {})
        unknown = sorted(set(section) - set(EMAIL_KEYS) - set(DOMAIN_KEYS))
        if unknown:
            known = ", ".join([*EMAIL_KEYS, *DOMAIN_KEYS])
            raise AccessConfigError(f"[{name}] has unknown setting(s) {', '.join(unknown)}; known: {known}.")
        emails: dict[Role, frozenset[str]] = {}
        for key, role in EMAIL_KEYS.items():
            values = _strings(name, key, section.get(key, []))
            bad = [v for v in values if email_domain(v) is None]
            if bad:
                raise AccessConfigError(f"[{name}] {key} lists {bad[0]!r}, which is not an email address.")
            emails[role] = frozenset(normalize_email(v) for v in values)
        domains: dict[Role, frozenset[str]] = {}
        for key, role in DOMAIN_KEYS.items():
            values = _strings(name, key, section.get(key, []))
            domains[role] = frozenset(v.lower().lstrip("@") for v in values)
        return cls(emails=emails, domains=domains)

    def role_of(self, email: str) -> Role | None:
        """The role for `email`: a named email wins over domain rules; ties resolve to the highest role."""
        address = normalize_email(email)
        named = [role for role, members in self.emails.items() if address in members]
        if named:
            return _highest(named)
        domain = email_domain(address)
        if domain is None:
            return None
        by_domain = [role for role, members in self.domains.items() if domain in members]
        return _highest(by_domain) if by_domain else None

    def table(self) -> list[dict[str, str]]:
        """Every assignment as a row (role, by email or domain, who), highest role first."""
        rows: list[dict[str, str]] = []
        for role in sorted(Role, key=lambda r: -r.rank):
            rows += [{"role": role.label, "by": "email", "who": e} for e in sorted(self.emails.get(role, ()))]
            rows += [
                {"role": role.label, "by": "domain", "who": f"@{d}"}
                for d in sorted(self.domains.get(role, ()))
            ]
        return rows

    def conflicts(self) -> dict[str, list[Role]]:
        """Emails listed under more than one role (the highest applies): worth fixing in the settings."""
        seen: dict[str, list[Role]] = {}
        for role in Role:
            for address in self.emails.get(role, frozenset()):
                seen.setdefault(address, []).append(role)
        return {address: roles for address, roles in sorted(seen.items()) if len(roles) > 1}

    def is_empty(self) -> bool:
        """True when no email and no domain has a role."""
        return not any(self.emails.values()) and not any(self.domains.values())


def _highest(roles: Iterable[Role]) -> Role:
    return max(roles, key=lambda r: r.rank)


def role_for(email: str | None, config: Mapping[str, Any] | None) -> Role | None:
    """The role `email` gets from the `[roles]` table of `config` (None: no role)."""
    if not email:
        return None
    section = (config or {}).get("roles")
    return RoleRules.from_section(section).role_of(email)
