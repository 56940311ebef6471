"""Request bodies the sandbox accepts: its own reading of the guide, independent of lib.stream."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from .sources import SOURCES, sources_of

# Text with something in it: the pattern says so in the OpenAPI document too (a blank name is refused).
# Python's strip() also takes \x1c-\x1f for whitespace, which JSON Schema's \s does not: hence the class.
NOT_BLANK = r"[^\s\x1c-\x1f]"
NonEmpty = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500, pattern=NOT_BLANK)
]

# Deliberately simple: one @, something before it, a dotted domain after it, no spaces. The server checks
# exactly the pattern the OpenAPI document declares, so generated clients and fuzzers agree with it.
EMAIL_PATTERN = r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"
EMAIL_RE = re.compile(EMAIL_PATTERN)
# An absolute http(s) URL (any letter case in the scheme, as urlsplit reads it); empty means none.
RETURN_URL_PATTERN = r"^([hH][tT][tT][pP][sS]?://[^/?#\s\x1c-\x1f]+([/?#][^\s\x1c-\x1f]*)?)?$"

RETURN_URL_RE = re.compile(RETURN_URL_PATTERN)

KNOWN_SCOPES = ("user", "onboarding", "legacy_onboarding", "sso", "billing")
Scope = Literal["user", "onboarding", "legacy_onboarding", "sso", "billing"]


class Body(BaseModel):
    """Base of request bodies: unknown fields are ignored, as a tolerant API would; types are strict
    (a number sent as text is refused, as the OpenAPI document says)."""

    model_config = ConfigDict(extra="ignore", strict=True)


def _token_grants(schema: dict[str, Any]) -> None:
    """Declare what the server checks beyond each field: the refresh grant needs a refresh_token."""
    schema["anyOf"] = [
        {"properties": {"grant_type": {"const": "client_credentials"}}},
        {
            "properties": {
                "grant_type": {"const": "refresh_token"},
                "refresh_token": {"type": "string", "minLength": 1},
            },
            "required": ["refresh_token"],
        },
    ]


class TokenIn(Body):
    """POST /oauth/token."""

    model_config = ConfigDict(json_schema_extra=_token_grants)

    grant_type: Literal["client_credentials", "refresh_token"]
    client_id: str | None = None
    client_secret: str | None = None
    refresh_token: str | None = None
    scopes: list[Scope] | None = None
    exp: float | None = Field(default=None, description="epoch seconds; may only shorten the token's life")

    @field_validator("scopes")
    @classmethod
    def _unique_scopes(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else list(dict.fromkeys(value))


class UserIn(Body):
    """The user block of an org."""

    email: Annotated[
        str,
        Field(max_length=320, description="an email address", json_schema_extra={"pattern": EMAIL_PATTERN}),
    ]
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


def _source_rules(schema: dict[str, Any]) -> None:
    """Declare what the server checks across fields: a source has one type, and an OAuth source needs a
    return_url (the browser comes back to it after consent)."""
    variants: list[dict[str, Any]] = []
    for kind in ("pos", "dsp"):
        for oauth in (True, False):
            keys = [key for key in sources_of(kind) if SOURCES[key].oauth is oauth]
            variant: dict[str, Any] = {"properties": {"source": {"enum": keys}, "type": {"const": kind}}}
            if oauth:
                variant["properties"]["return_url"] = {"type": "string", "minLength": 1}
                variant["required"] = ["return_url"]
            variants.append(variant)
    schema["anyOf"] = variants


class IntegrationIn(Body):
    """POST /onboarding/integrations."""

    model_config = ConfigDict(json_schema_extra=_source_rules)

    org_id: NonEmpty
    # The known sources are declared (and which type each is); the service answers any other text 400,
    # naming the ones it knows.
    source: Annotated[str, Field(json_schema_extra={"enum": list(SOURCES)})]
    type: Literal["pos", "dsp"]
    return_url: Annotated[str | None, Field(json_schema_extra={"pattern": RETURN_URL_PATTERN})] = None

    @field_validator("return_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not RETURN_URL_RE.match(value):
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
