"""Who may do what in the console: roles, the permission table, role assignment and sign-in settings.

No streamlit here: lib/ui/access.py applies this to pages and buttons.
"""

from lib.access.assignment import (
    DOMAIN_KEYS,
    EMAIL_KEYS,
    AccessConfigError,
    RoleRules,
    email_domain,
    normalize_email,
    role_for,
)
from lib.access.identity import LOCAL_OPERATOR, Gate, Identity, identify
from lib.access.roles import (
    ACTION_PHRASES,
    REQUIRED_ROLE,
    Action,
    PermissionDenied,
    Role,
    can,
    parse_role,
    refusal,
    require,
    required_role,
)
from lib.access.settings import DEFAULT_PROVIDER, AccessSettings, auth_providers
from lib.access.visibility import AuditScope, audit_scope

__all__ = [
    "ACTION_PHRASES",
    "DEFAULT_PROVIDER",
    "DOMAIN_KEYS",
    "EMAIL_KEYS",
    "LOCAL_OPERATOR",
    "REQUIRED_ROLE",
    "AccessConfigError",
    "AccessSettings",
    "Action",
    "AuditScope",
    "Gate",
    "Identity",
    "PermissionDenied",
    "Role",
    "RoleRules",
    "audit_scope",
    "auth_providers",
    "can",
    "email_domain",
    "identify",
    "normalize_email",
    "parse_role",
    "refusal",
    "require",
    "required_role",
    "role_for",
]
