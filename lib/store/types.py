"""Plain, frozen records that lib/store hands out (never ORM objects bound to a session)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

OrgSource = Literal["created", "added"]
OnboardingType = Literal["pos", "dsp"]
Outcome = Literal["ok", "error"]

ORG_SOURCES: tuple[str, ...] = ("created", "added")
ONBOARDING_TYPES: tuple[str, ...] = ("pos", "dsp")
OUTCOMES: tuple[str, ...] = ("ok", "error")


@dataclass(frozen=True)
class OrgRecord:
    """An organization the console created or that a person added by id."""

    org_id: str
    name: str | None
    provider_id: str | None
    user_email: str | None
    created_by: str
    source: str
    created_at: datetime


@dataclass(frozen=True)
class OnboardingRecord:
    """A POS or DSP integration the console started for an org."""

    onboarding_id: str
    org_id: str
    type: str
    source: str
    status: str
    entry_url: str | None
    created_by: str
    created_at: datetime
    updated_at: datetime


class StateStatus(StrEnum):
    """What consuming an OAuth `state` found."""

    OK = "ok"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"


_STATE_MESSAGES: dict[StateStatus, str] = {
    StateStatus.OK: "The sign-in came back to the console.",
    StateStatus.UNKNOWN: (
        "This sign-in link is not one the console started (or its record was removed). "
        "Start the integration again."
    ),
    StateStatus.EXPIRED: "This sign-in link has expired. Start the integration again to get a fresh one.",
    StateStatus.USED: (
        "This sign-in link has already been used. Refresh the integration to see its status, "
        "or start it again."
    ),
}


@dataclass(frozen=True)
class OAuthStateResult:
    """What `Records.consume_oauth_state` found; `onboarding` is set when ok and linked."""

    status: StateStatus
    state: str
    org_id: str | None = None
    onboarding_id: str | None = None
    onboarding: OnboardingRecord | None = None

    @property
    def ok(self) -> bool:
        """True when the state was valid and is now marked used by this call."""
        return self.status is StateStatus.OK

    @property
    def message(self) -> str:
        """A sentence a page can show the person as it is."""
        return _STATE_MESSAGES[self.status]


@dataclass(frozen=True)
class AuditEntry:
    """One change the console made (or tried to make) at the API."""

    id: int
    at: datetime
    actor: str
    action: str
    org_id: str | None
    request: dict[str, Any]
    outcome: str
    detail: dict[str, Any] | None
    error: str | None
    request_id: str | None = None  # the API's id of the failed call, when it sent one


@dataclass(frozen=True)
class BindLease:
    """Who is binding an org's locations right now, since when, until when (unless renewed)."""

    org_id: str
    holder: str
    since: datetime
    expires_at: datetime


class WrongOrgError(Exception):
    """A change asked for on one org's page would act on another org's integration or sign-in."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.user_message = message  # a sentence for the page, like StreamError.user_message
