"""The console's own records (orgs, onboardings, OAuth states, audit log) in SQLite or any SQLAlchemy URL."""

from lib.store.audit import (
    ACTION_LABELS,
    ACTIONS,
    ALERT_ACKNOWLEDGED,
    AUDIT_COLUMNS,
    CODE_EXCHANGED,
    INTEGRATION_ABANDONED,
    INTEGRATION_STARTED,
    LOCATIONS_BOUND,
    LOCATIONS_INGESTED,
    ORG_ADDED,
    ORG_CREATED,
    audit_frame,
    summarize,
)
from lib.store.db import default_database_url, records_unavailable
from lib.store.records import Records
from lib.store.redact import MASK, is_secret_key, redact, redact_text
from lib.store.types import (
    AuditEntry,
    BindLease,
    OAuthStateResult,
    OnboardingRecord,
    OrgRecord,
    StateStatus,
    WrongOrgError,
)

__all__ = [
    "ACTIONS",
    "ACTION_LABELS",
    "ALERT_ACKNOWLEDGED",
    "AUDIT_COLUMNS",
    "CODE_EXCHANGED",
    "INTEGRATION_ABANDONED",
    "INTEGRATION_STARTED",
    "LOCATIONS_BOUND",
    "LOCATIONS_INGESTED",
    "MASK",
    "ORG_ADDED",
    "ORG_CREATED",
    "AuditEntry",
    "BindLease",
    "OAuthStateResult",
    "OnboardingRecord",
    "OrgRecord",
    "Records",
    "StateStatus",
    "WrongOrgError",
    "audit_frame",
    "default_database_url",
    "is_secret_key",
    "records_unavailable",
    "redact",
    "redact_text",
    "summarize",
]
