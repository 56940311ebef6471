"""The three roles, the actions the console guards, and the one table saying which role each action needs."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A person's role in the console; each role can do everything the roles below it can."""

    ANALYST = "analyst"
    ACCOUNT_MANAGER = "account_manager"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """Position in the hierarchy: analyst 0 < account_manager 1 < admin 2."""
        return _RANK[self]

    @property
    def label(self) -> str:
        """How a page names the role."""
        return _ROLE_LABELS[self]

    def at_least(self, other: Role) -> bool:
        """True when this role has every permission `other` has."""
        return self.rank >= other.rank


_RANK: dict[Role, int] = {Role.ANALYST: 0, Role.ACCOUNT_MANAGER: 1, Role.ADMIN: 2}
_ROLE_LABELS: dict[Role, str] = {
    Role.ANALYST: "analyst",
    Role.ACCOUNT_MANAGER: "account manager",
    Role.ADMIN: "admin",
}


class Action(StrEnum):
    """Something a page or a button lets a person do."""

    VIEW = "view"
    EXPORT = "export"
    VIEW_AUDIT = "view_audit"
    CREATE_ORG = "create_org"
    ADD_ORG = "add_org"
    START_INTEGRATION = "start_integration"
    EXCHANGE_CODE = "exchange_code"
    INGEST = "ingest"
    BIND = "bind"
    VIEW_ALL_AUDIT = "view_all_audit"
    VIEW_ROLE_SETTINGS = "view_role_settings"
    RUN_WATCH = "run_watch"
    ACKNOWLEDGE_ALERT = "acknowledge_alert"


# The whole policy: the least role each action needs. Pages and buttons declare an Action, never a role.
REQUIRED_ROLE: dict[Action, Role] = {
    Action.VIEW: Role.ANALYST,
    Action.EXPORT: Role.ANALYST,
    Action.VIEW_AUDIT: Role.ANALYST,
    Action.CREATE_ORG: Role.ACCOUNT_MANAGER,
    Action.ADD_ORG: Role.ACCOUNT_MANAGER,
    Action.START_INTEGRATION: Role.ACCOUNT_MANAGER,
    Action.EXCHANGE_CODE: Role.ACCOUNT_MANAGER,
    Action.INGEST: Role.ACCOUNT_MANAGER,
    Action.BIND: Role.ACCOUNT_MANAGER,
    Action.VIEW_ALL_AUDIT: Role.ADMIN,
    Action.VIEW_ROLE_SETTINGS: Role.ADMIN,
    Action.RUN_WATCH: Role.ACCOUNT_MANAGER,
    Action.ACKNOWLEDGE_ALERT: Role.ACCOUNT_MANAGER,
}

# Completes "… cannot <phrase>" in a refusal sentence.
ACTION_PHRASES: dict[Action, str] = {
    Action.VIEW: "open the console's screens",
    Action.EXPORT: "export tables",
    Action.VIEW_AUDIT: "read the audit log",
    Action.CREATE_ORG: "create organizations",
    Action.ADD_ORG: "add organizations by id",
    Action.START_INTEGRATION: "start integrations",
    Action.EXCHANGE_CODE: "complete an integration's sign-in (exchange its code)",
    Action.INGEST: "ingest locations",
    Action.BIND: "bind locations to DSP stores",
    Action.VIEW_ALL_AUDIT: "read everyone's audit log",
    Action.VIEW_ROLE_SETTINGS: "see the role settings",
    Action.RUN_WATCH: "run a watcher pass (Check now)",
    Action.ACKNOWLEDGE_ALERT: "acknowledge alerts",
}


class PermissionDenied(PermissionError):
    """An action refused because of the person's role; str() is a sentence a page can show as it is."""

    def __init__(self, role: Role | None, action: Action) -> None:
        self.role = role
        self.action = action
        super().__init__(refusal(role, action))


def required_role(action: Action) -> Role:
    """The least role that may perform `action`."""
    return REQUIRED_ROLE[Action(action)]


def can(role: Role | None, action: Action) -> bool:
    """True when a person with `role` (None: no role at all) may perform `action`."""
    if role is None:
        return False
    return Role(role).at_least(required_role(action))


def require(role: Role | None, action: Action) -> None:
    """Raise PermissionDenied unless `role` may perform `action`."""
    if not can(role, action):
        raise PermissionDenied(role, Action(action))


def refusal(role: Role | None, action: Action) -> str:
    """The sentence that says why `role` cannot perform `action` and what to do about it."""
    action = Action(action)
    needed = required_role(action)
    phrase = ACTION_PHRASES[action]
    if role is None:
        return f"You have no role in this console, so you cannot {phrase}. Ask an admin to give you one."
    article = "An" if Role(role).label[0] in "aeiou" else "A"
    return (
        f"{article} {Role(role).label} cannot {phrase}: that needs the {needed.label} role. "
        "Ask an admin if you need it."
    )


def parse_role(value: str) -> Role:
    """A role from its configured name (e.g. "account_manager" or "account manager"); ValueError otherwise."""
    text = str(value).strip().lower().replace(" ", "_").replace("-", "_")
    try:
        return Role(text)
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise ValueError(f"“{value}” is not a role: use one of {known}.") from None
