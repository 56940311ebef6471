"""How the console is protected: whether sign-in is configured, whether it is required, the local role."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lib.access.assignment import AccessConfigError, RoleRules
from lib.access.roles import Role, parse_role

ACCESS_KEYS = ("require_login", "local_role")
DEFAULT_PROVIDER = "default"
# Keys that make a table under [auth] a named provider, e.g. [auth.okta].
_PROVIDER_KEYS = ("client_id", "server_metadata_url")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _flag(value: Any, what: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise AccessConfigError(f"{what} must be true or false (got {value!r}).")


def auth_providers(auth: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The provider names st.login accepts for this `[auth]` table ("default" for top-level credentials)."""
    if not auth:
        return ()
    names = [DEFAULT_PROVIDER] if any(k in auth for k in _PROVIDER_KEYS) else []
    names += [
        str(k) for k, v in auth.items() if isinstance(v, Mapping) and any(p in v for p in _PROVIDER_KEYS)
    ]
    return tuple(names)


@dataclass(frozen=True)
class AccessSettings:
    """Everything the sign-in gate needs to decide, parsed once from the configuration."""

    sign_in: bool = False
    providers: tuple[str, ...] = ()
    require_login: bool = False
    local_role: Role = Role.ADMIN
    rules: RoleRules = field(default_factory=RoleRules)

    @classmethod
    def from_config(
        cls, config: Mapping[str, Any] | None, require_login: bool | None = None
    ) -> AccessSettings:
        """Read `[auth]`, `[access]`, `[roles]` from `config`; `require_login` (the env) wins."""
        config = config or {}
        auth = config.get("auth")
        auth = auth if isinstance(auth, Mapping) else {}
        access = config.get("access") or {}
        if not isinstance(access, Mapping):
            raise AccessConfigError("[access] must be a table of settings.")
        unknown = sorted(set(access) - set(ACCESS_KEYS))
        if unknown:
            raise AccessConfigError(
                f"[access] has unknown setting(s) {', '.join(unknown)}; known: {', '.join(ACCESS_KEYS)}."
            )
        if require_login is None:
            require_login = _flag(access.get("require_login", False), "[access] require_login")
        try:
            local_role = parse_role(access.get("local_role", Role.ADMIN.value))
        except ValueError as exc:
            raise AccessConfigError(f"[access] local_role: {exc}") from None
        roles = config.get("roles")
        if roles is not None and not isinstance(roles, Mapping):
            raise AccessConfigError("[roles] must be a table of settings.")
        return cls(
            sign_in=bool(auth),
            providers=auth_providers(auth),
            require_login=require_login,
            local_role=local_role,
            rules=RoleRules.from_section(roles),
        )

    def role_of(self, email: str | None) -> Role | None:
        """The role a signed-in person with this email has (None: no role)."""
        return self.rules.role_of(email) if email else None
