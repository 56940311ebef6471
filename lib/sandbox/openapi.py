"""What the OpenAPI document says about answers: each 2xx body's model, the real error shape and every status.

The endpoints return pre-rendered JSON (thousands of locations cost string joins), so FastAPI cannot infer the
answers; they are declared here, and the schemathesis run in the tests holds the server to them.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi.openapi.models import OAuthFlowClientCredentials, OAuthFlows
from fastapi.security import HTTPBearer, OAuth2
from pydantic import BaseModel, ConfigDict, Field, create_model

from .merchants import ADDRESS_FIELDS
from .request_ids import DOCUMENTED
from .schemas import TokenIn

# Swagger UI's Authorize button, and the security requirement on every /onboarding operation.
BEARER = HTTPBearer(
    scheme_name="bearer",
    description="An access token from POST /oauth/token (scope onboarding).",
    auto_error=False,
)
# The same token, obtained the standard way: Swagger UI's Authorize can fetch it with the client credentials,
# and tools (schemathesis) learn from tokenUrl that the token call checks credentials, not just shapes.
CLIENT_CREDENTIALS = OAuth2(
    flows=OAuthFlows(
        clientCredentials=OAuthFlowClientCredentials(
            tokenUrl="/oauth/token", scopes={"onboarding": "the headless onboarding endpoints"}
        )
    ),
    scheme_name="oauth2",
    description="OAuth2 client credentials (RFC 6749 §4.4) at POST /oauth/token.",
    auto_error=False,
)


class Out(BaseModel):
    """Answer models: fields the server may add later are allowed."""

    model_config = ConfigDict(extra="allow")


class FieldProblem(Out):
    """One field the server refused, and why."""

    field: str
    message: str


class ErrorOut(Out):
    """Every error answer: one sentence, and the fields at fault."""

    message: str
    details: list[FieldProblem] = Field(default_factory=list)


class OAuthErrorOut(ErrorOut):
    """A token endpoint error: RFC 6749 §5.2's code beside the sandbox's sentence."""

    error: Literal[
        "invalid_request", "invalid_client", "invalid_grant", "unsupported_grant_type", "invalid_scope"
    ]
    error_description: str


class TokenOut(Out):
    """POST /oauth/token."""

    access_token: str
    token_type: str
    refresh_token: str
    expires_in: int
    refresh_token_expires_in: int
    scopes: list[str]
    scope: str


class OrgOut(Out):
    """POST /onboarding/org."""

    org_id: str
    user_id: str


class Onboarding(Out):
    """An integration (onboarding) object."""

    id: str = Field(alias="_id")
    status: str
    type: Literal["pos", "dsp"]
    source: str
    org_id: str
    entry_url: str | None = None


class OnboardingOut(Out):
    """The integration endpoints' envelope."""

    onboarding: Onboarding


# A postal address, any part of which may be missing: the API's one list of address fields.
Address = create_model(
    "Address",
    __base__=Out,
    **{name: (str | None, None) for name in ADDRESS_FIELDS},  # type: ignore[call-overload]
)


class ListedLocation(Out):
    """A POS location or DSP store as GET /onboarding/locations lists it."""

    provider_id: str
    name: str | None
    address: Address  # type: ignore[valid-type]
    source: str


class LocationsOut(Out):
    """GET /onboarding/locations."""

    locations: list[ListedLocation]


class Ingested(Out):
    """One ingested location."""

    provider_id: str
    id: str = Field(alias="_id")
    status: str


class IngestOut(Out):
    """POST /onboarding/locations/ingest."""

    locations: list[Ingested]


class Bound(Out):
    """One bound pair."""

    pos_location_id: str
    dsp_provider_id: str
    status: str


class BindOut(Out):
    """POST /onboarding/locations/bind."""

    locations: list[Bound]


class LocationDsp(Out):
    """A DSP binding of an org location; the status is open text (PENDING, APPROVED, REJECTED, ...)."""

    name: str
    source: str
    provider_id: str
    store_name: str | None = None
    status: str


class OrgLocation(Out):
    """A location in the org view."""

    id: str = Field(alias="_id")
    provider_id: str
    name: str | None
    source: str
    status: str
    paused_until: str | None = None
    address: Address  # type: ignore[valid-type]
    dsps: list[LocationDsp]


class OrgLocationsOut(Out):
    """GET /onboarding/org/{org_id}/locations."""

    locations: list[OrgLocation]


# What each status means, for the descriptions.
MEANINGS = {
    400: "The request breaks a rule the message names (the schema declares them), or a code or refresh token"
    " is not valid (RFC 6749 §5.2's invalid_grant).",
    401: "No, a bad or an expired access token (WWW-Authenticate: Bearer).",
    403: "The token lacks the onboarding scope.",
    404: "Something the path or body names does not exist.",
    405: "This method is not allowed on this path (Allow lists those that are).",
    409: "The request conflicts with the current state (named in the message).",
    422: "The body or a parameter does not fit the declared shape.",
    429: "Too many requests (a fault knob): retry after Retry-After seconds.",
    500: "A server fault (fault knobs: error_rate, fail_org_ids).",
    503: "The service is unavailable (fault knob: fail_next).",
}
FAULTS = (429, 500, 503)  # any /oauth or /onboarding call may meet these when fault knobs are on
AUTHED = (401, 403, 422, *FAULTS)


def errors(*codes: int, model: type[BaseModel] = ErrorOut) -> dict[int | str, dict[str, Any]]:
    """The error answers of an operation: each with its meaning and the real error shape."""
    return {
        code: {"model": model, "description": MEANINGS[code], "headers": DOCUMENTED}
        for code in sorted(set(codes))
    }


def onboarding_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """An /onboarding operation's errors: the ones every such call can get, plus `codes`."""
    return errors(*AUTHED, *codes)


TOKEN_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The guide's JSON body, or an OAuth2 form (client_secret_post); the client may "
        "authenticate with HTTP Basic instead (client_secret_basic).",
        "content": {"application/json": {"schema": TokenIn.model_json_schema()}},
    }
}
