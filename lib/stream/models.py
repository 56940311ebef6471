"""Typed request and response models of the Partner API headless onboarding endpoints.

Forward-compatible on purpose: extra fields from the server are kept, and a status string the
console does not know yet is kept as plain text instead of failing validation.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class ApiModel(BaseModel):
    """Base for every API model: tolerant of unknown fields, populated by name or alias."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class IntegrationType(StrEnum):
    """Kind of system an onboarding connects."""

    POS = "pos"
    DSP = "dsp"


class OnboardingStatus(StrEnum):
    """Integration status flow from the guide."""

    PENDING = "pending"
    WAITING_FOR_OAUTH = "waiting_for_oauth"
    ACTIVE = "active"
    DEPROVISIONED = "deprovisioned"


class DspStatus(StrEnum):
    """Known DSP binding statuses; the API may send others (kept as text)."""

    PENDING = "PENDING"
    PENDING_REVIEW = "PENDING_REVIEW"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    PAUSED = "PAUSED"


class LocationStatus(StrEnum):
    """POS-side location statuses."""

    ACTIVE = "active"
    INACTIVE = "inactive"


# --- auth -----------------------------------------------------------------------------------------


class TokenResponse(ApiModel):
    """Answer of POST /oauth/token."""

    access_token: str = Field(repr=False)
    token_type: str = "bearer"
    refresh_token: str | None = Field(default=None, repr=False)
    expires_in: int = 3600
    refresh_token_expires_in: int | None = None
    scopes: list[str] = Field(default_factory=list)


class TokenInfo(ApiModel):
    """What the console may show about its current token: never the token itself."""

    scopes: list[str]
    expires_at: datetime
    token_type: str = "bearer"


# --- organizations --------------------------------------------------------------------------------


class OrgUser(ApiModel):
    """The merchant's first user, created with the org."""

    email: str
    first_name: str
    last_name: str


class CreateOrgRequest(ApiModel):
    """Body of POST /onboarding/org."""

    name: str
    provider_id: str
    user: OrgUser


class CreateOrgResponse(ApiModel):
    """Answer of POST /onboarding/org."""

    org_id: str
    user_id: str | None = None


# --- integrations ---------------------------------------------------------------------------------


class CreateIntegrationRequest(ApiModel):
    """Body of POST /onboarding/integrations (POS or DSP)."""

    org_id: str
    source: str
    type: IntegrationType | str
    return_url: str


class Onboarding(ApiModel):
    """The onboarding object: `_id` per Stream's reference; entry_url only for OAuth sources."""

    id: str | None = Field(default=None, alias="_id")
    status: OnboardingStatus | str
    type: IntegrationType | str | None = None
    source: str | None = None
    org_id: str | None = None
    entry_url: str | None = None


class OnboardingEnvelope(ApiModel):
    """Both integration endpoints wrap the onboarding in {"onboarding": {...}}."""

    onboarding: Onboarding


class CodeExchangeRequest(ApiModel):
    """Body of PUT /onboarding/integrations/{id}: an OAuth code or a manual integration code."""

    code: str


# --- locations ------------------------------------------------------------------------------------


class Address(ApiModel):
    """A US-style postal address as the API nests it."""

    address_line_1: str | None = None
    address_line_2: str | None = None
    postal_code: str | None = None
    locality: str | None = None
    administrative_district_level_1: str | None = None
    country: str | None = None


class ProviderLocation(ApiModel):
    """A location as the POS or DSP lists it (GET /onboarding/locations)."""

    provider_id: str
    name: str
    address: Address = Field(default_factory=Address)
    source: str | None = None


class LocationsResponse(ApiModel):
    """Answer of GET /onboarding/locations?onboarding_id=..."""

    locations: list[ProviderLocation] = Field(default_factory=list)


class LocationRef(ApiModel):
    """One location to ingest, by its POS provider_id."""

    provider_id: str


class IngestRequest(ApiModel):
    """Body of POST /onboarding/locations/ingest."""

    onboarding_id: str
    locations: list[LocationRef]


class IngestResult(ApiModel):
    """Per-location outcome of an ingest (the guide shows no body; the sandbox answers this shape)."""

    provider_id: str
    id: str | None = Field(default=None, alias="_id")
    status: str | None = None
    message: str | None = None


class IngestResponse(ApiModel):
    """Answer of POST /onboarding/locations/ingest."""

    locations: list[IngestResult] = Field(default_factory=list)


class BindPair(ApiModel):
    """One POS location linked to one DSP store."""

    pos_location_id: str
    dsp_provider_id: str
    dsp_store_name: str


class BindRequest(ApiModel):
    """Body of POST /onboarding/locations/bind."""

    onboarding_id: str
    locations: list[BindPair]


class BindResult(ApiModel):
    """Per-pair outcome of a bind."""

    pos_location_id: str
    dsp_provider_id: str
    status: str | None = None
    message: str | None = None


class BindResponse(ApiModel):
    """Answer of POST /onboarding/locations/bind."""

    locations: list[BindResult] = Field(default_factory=list)


class LocationDsp(ApiModel):
    """A DSP binding of an org location, with its status (open text, known values in DspStatus)."""

    name: str | None = None
    source: str
    status: DspStatus | str
    provider_id: str | None = None


class OrgLocation(ApiModel):
    """A location in GET /onboarding/org/{org_id}/locations."""

    id: str = Field(alias="_id")
    provider_id: str | None = None
    name: str
    source: str | None = None
    status: LocationStatus | str | None = None
    address: Address = Field(default_factory=Address)
    dsps: list[LocationDsp] = Field(default_factory=list)


class OrgLocationsResponse(ApiModel):
    """Answer of GET /onboarding/org/{org_id}/locations."""

    locations: list[OrgLocation] = Field(default_factory=list)
