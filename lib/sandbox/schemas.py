"""Request bodies the sandbox accepts: its own reading of the guide, independent of lib.stream."""

from __future__ import annotations

import re
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]

# Deliberately simple: one @, something before it, a dotted domain after it, no spaces.
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")

KNOWN_SCOPES = ("user", "onboarding", "legacy_onboarding", "sso", "billing")


class Body(BaseModel):
    """Base of request bodies: unknown fields are ignored, as a tolerant API would."""

    model_config = ConfigDict(extra="ignore")


class TokenIn(Body):
    """POST /oauth/token."""

    grant_type: Literal["client_credentials", "refresh_token"]
    client_id: str | None = None
    client_secret: str | None = None
    refresh_token: str | None = None
    scopes: list[str] | None = None
    exp: float | None = None

    @field_validator("scopes")
    @classmethod
    def _known_scopes(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        unknown = [s for s in value if s not in KNOWN_SCOPES]
        if unknown:
            raise ValueError(f"unknown scope(s) {', '.join(unknown)}; known: {', '.join(KNOWN_SCOPES)}")
        return list(dict.fromkeys(value))


class UserIn(Body):
    """The user block of an org."""

    email: NonEmpty
    first_name: NonEmpty
    last_name: NonEmpty

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not EMAIL_RE.match(value):
            raise ValueError(f"'{value}' is not a valid email address")
        return value


class OrgIn(Body):
    """POST /onboarding/org."""

    name: NonEmpty
    provider_id: NonEmpty
    user: UserIn


class IntegrationIn(Body):
    """POST /onboarding/integrations."""

    org_id: NonEmpty
    source: NonEmpty
    type: Literal["pos", "dsp"]
    return_url: str | None = None

    @field_validator("source")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()

    @field_validator("return_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an absolute http(s) URL")
        return value


class CodeIn(Body):
    """PUT /onboarding/integrations/{id}: an OAuth code or a manual integration code."""

    code: NonEmpty


class IngestItem(Body):
    """One POS location to ingest."""

    provider_id: NonEmpty


class IngestIn(Body):
    """POST /onboarding/locations/ingest."""

    onboarding_id: NonEmpty
    locations: list[IngestItem] = Field(min_length=1, max_length=10_000)


class BindItem(Body):
    """One POS location to link to one DSP store."""

    pos_location_id: NonEmpty
    dsp_provider_id: NonEmpty
    dsp_store_name: str | None = None


class BindIn(Body):
    """POST /onboarding/locations/bind."""

    onboarding_id: NonEmpty
    locations: list[BindItem] = Field(min_length=1, max_length=10_000)
