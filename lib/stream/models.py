"""Typed request and response models of the Partner API headless onboarding endpoints.

Forward-compatible on purpose: extra fields from the server are kept, and a status string the
console does not know yet is kept as plain text instead of failing validation.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator


class ApiModel(BaseModel):
    """Base for every API model: tolerant of unknown fields, nulls and numeric ids; by name or alias."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, coerce_numbers_to_str=True)

    # Keys (names and aliases) of the fields that have a non-null default; filled per subclass.
    _defaulted_keys: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._defaulted_keys = tuple(
            key
            for name, info in cls.model_fields.items()
            if not info.is_required() and not (info.default is None and info.default_factory is None)
            for key in dict.fromkeys((name, info.alias))
            if key
        )

    @model_validator(mode="before")
    @classmethod
    def _null_means_default(cls, data: Any) -> Any:
        """A null for a field that has a non-null default (an address, a dsps list) means that default.

        Otherwise one location with "address": null would make a whole 5,000-location answer unreadable.
        """
        if not isinstance(data, dict):
            return data
        nulls = [key for key in cls._defaulted_keys if key in data and data[key] is None]
        return {key: value for key, value in data.items() if key not in nulls} if nulls else data


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


# A known status becomes its enum member; an unknown one stays plain text. left_to_right matters: pydantic's
# default "smart" union would pick `str` for every string input, so the enums would never be used.
IntegrationTypeValue = Annotated[IntegrationType | str, Field(union_mode="left_to_right")]
OnboardingStatusValue = Annotated[OnboardingStatus | str, Field(union_mode="left_to_right")]
DspStatusValue = Annotated[DspStatus | str, Field(union_mode="left_to_right")]
LocationStatusValue = Annotated[LocationStatus | str, Field(union_mode="left_to_right")]


# --- auth -----------------------------------------------------------------------------------------


class TokenResponse(ApiModel):
    """Answer of POST /oauth/token (tokens never appear in its repr)."""

    # Unknown token-response fields (an id_token, say) could be secrets too: drop them rather than keep them.
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    access_token: str = Field(repr=False)
    token_type: str = "bearer"
    refresh_token: str | None = Field(default=None, repr=False)
    # Seconds: floats and numeric strings too ("3599.5"), as some servers send them.
    expires_in: float = 3600
    refresh_token_expires_in: float | None = None
    scopes: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _scopes_from_text(cls, data: Any) -> Any:
        """Accept OAuth's space-separated `scope` string as well as the guide's `scopes` list."""
        if isinstance(data, dict):
            scopes = data.get("scopes", data.get("scope"))
            if isinstance(scopes, str):
                data = {**data, "scopes": scopes.split()}
        return data


class TokenInfo(ApiModel):
    """What the console may show about its current token: never the token itself."""

    scopes: list[str]
    expires_at: datetime
    token_type: str = "bearer"
    refresh_expires_at: datetime | None = None

    def seconds_left(self, now: datetime | None = None) -> float:
        """Seconds until the access token expires (negative once it has)."""
        return (self.expires_at - (now or datetime.now(UTC))).total_seconds()


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
    type: IntegrationTypeValue
    return_url: str


class Onboarding(ApiModel):
    """The onboarding object: `_id` per Stream's reference; entry_url only for OAuth sources."""

    id: str | None = Field(
        default=None, validation_alias=AliasChoices("_id", "id", "onboarding_id"), serialization_alias="_id"
    )
    status: OnboardingStatusValue
    type: IntegrationTypeValue | None = None
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
    """A US-style postal address as the API nests it (fields in the order people read them)."""

    address_line_1: str | None = None
    address_line_2: str | None = None
    locality: str | None = None
    administrative_district_level_1: str | None = None
    postal_code: str | None = None
    country: str | None = None


ADDRESS_FIELDS: tuple[str, ...] = tuple(Address.model_fields)


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
    """Per-location outcome of an ingest (the guide shows no answer body; an empty one is accepted too)."""

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
    status: DspStatusValue | None = None  # null: unknown (shown as such), not an unreadable location
    provider_id: str | None = None  # the bound store's id at the DSP
    store_name: str | None = None  # not in the guide: the bound store's name, when the API sends it
    bound_at: str | None = None  # not in the guide: when the store was bound, when the API sends it


class OrgLocation(ApiModel):
    """A location in GET /onboarding/org/{org_id}/locations."""

    id: str = Field(alias="_id")
    provider_id: str | None = None
    name: str
    source: str | None = None
    status: LocationStatusValue | None = None
    address: Address = Field(default_factory=Address)
    dsps: list[LocationDsp] = Field(default_factory=list)


class OrgLocationsResponse(ApiModel):
    """Answer of GET /onboarding/org/{org_id}/locations."""

    locations: list[OrgLocation] = Field(default_factory=list)
