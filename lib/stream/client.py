"""StreamClient: the typed, synchronous client of the Partner API's headless onboarding endpoints."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import quote

import httpx
from pydantic import SecretStr

from lib.redaction import mask_url
from lib.stream.auth import TokenAuth
from lib.stream.config import ClientSettings
from lib.stream.errors import Operation, StreamError
from lib.stream.guard import DEFAULT_DEADLINE, DEFAULT_MAX_BODY_BYTES, GuardTransport
from lib.stream.models import (
    BindPair,
    BindRequest,
    BindResponse,
    CodeExchangeRequest,
    CreateIntegrationRequest,
    CreateOrgRequest,
    CreateOrgResponse,
    IngestRequest,
    IngestResponse,
    LocationRef,
    LocationsResponse,
    Onboarding,
    OnboardingStatus,
    OrgLocation,
    ProviderLocation,
    TokenInfo,
)
from lib.stream.partial import PartialList, parse_items
from lib.stream.redaction import logger, register_url_credentials
from lib.stream.request import JsonAnswer, send_json
from lib.stream.retry import RetryPolicy, RetryTransport

ItemT = TypeVar("ItemT", ProviderLocation, OrgLocation)

DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=10.0)

# What each call does, in words for error messages, and whether repeating it blindly is harmless.
CREATE_ORG = Operation(
    "creating the organization",
    "the organization",
    repeatable=False,
    verify="check whether the organization was created",
)
CREATE_INTEGRATION = Operation(
    "starting the integration",
    "the integration",
    repeatable=False,
    verify="check whether the integration was started",
)
EXCHANGE_CODE = Operation(
    "submitting the integration code",
    "the integration code",
    repeatable=False,
    verify="check the integration's status (a code works only once)",
)
GET_INTEGRATION = Operation("loading the integration", "the integration")
LIST_LOCATIONS = Operation("loading the integration's locations", "the location list request")
INGEST = Operation("importing the selected locations", "the location import")
BIND = Operation("binding DSP stores to POS locations", "the binding")
ORG_LOCATIONS = Operation("loading the organization's locations", "the organization's locations")


class StreamClient:
    """One method per Partner API endpoint, typed models in and out; safe to share between threads.

    Errors are raised as lib.stream.errors.StreamError subclasses. Use as a context manager or call close().
    """

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: SecretStr | str,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        transport: httpx.BaseTransport | None = None,
        scopes: Sequence[str] = ("onboarding",),
        retry_policy: RetryPolicy | None = None,
        clock: Callable[[], float] = time.time,
        deadline: float | None = DEFAULT_DEADLINE,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        """Build a client; retry_policy overrides max_retries, clock (token expiry) is for tests.

        Each call ends within `deadline` seconds (None: no total limit) and reads at most `max_body_bytes`.
        """
        self.base_url = base_url.rstrip("/")
        register_url_credentials(self.base_url)
        self.client_id = client_id
        self.scopes = tuple(scopes)
        self.retry_policy = retry_policy or RetryPolicy(max_retries=max_retries)
        self.deadline = deadline
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            transport=RetryTransport(
                GuardTransport(transport or httpx.HTTPTransport(), max_body_bytes), self.retry_policy
            ),
            follow_redirects=False,
            headers={"Accept": "application/json", "User-Agent": "onboarding-console/0.1"},
        )
        self._auth = TokenAuth(
            self._http, client_id, client_secret, scopes=self.scopes, clock=clock, deadline=deadline
        )

    @classmethod
    def from_settings(cls, settings: ClientSettings, **kwargs: Any) -> Self:
        """Build a client from ClientSettings; keyword arguments (transport, retry_policy) pass through."""
        return cls(
            settings.base_url,
            settings.client_id,
            settings.client_secret,
            timeout=httpx.Timeout(
                connect=settings.connect_timeout,
                read=settings.read_timeout,
                write=settings.read_timeout,
                pool=settings.connect_timeout,
            ),
            max_retries=settings.max_retries,
            scopes=settings.scopes,
            deadline=settings.call_deadline,
            max_body_bytes=settings.max_body_bytes,
            **kwargs,
        )

    def __repr__(self) -> str:
        return (
            f"StreamClient(base_url={mask_url(self.base_url)!r}, client_id={self.client_id!r},"
            f" scopes={self.scopes!r})"
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    @property
    def auth(self) -> TokenAuth:
        """The token handler (for diagnostics: grant counts, invalidate())."""
        return self._auth

    # --- auth ---------------------------------------------------------------------------------------------

    def token_info(self) -> TokenInfo:
        """Scopes and expiry of the current access token, obtaining one if none is held."""
        return self._auth.token_info()

    def check_connection(self) -> TokenInfo:
        """Obtain a fresh token with the configured credentials: proves URL and credentials work right now."""
        return self._auth.new_grant()

    # --- organizations and integrations -------------------------------------------------------------------

    def create_org(self, request: CreateOrgRequest) -> CreateOrgResponse:
        """POST /onboarding/org: create the merchant's organization and its first user."""
        answer = self._call("POST", "/onboarding/org", CREATE_ORG, body=request)
        return answer.parse(CreateOrgResponse, _unwrap(answer.data, "org"))

    def create_integration(self, request: CreateIntegrationRequest) -> Onboarding:
        """POST /onboarding/integrations: start a POS or DSP integration (entry_url set for OAuth sources)."""
        answer = self._call("POST", "/onboarding/integrations", CREATE_INTEGRATION, body=request)
        onboarding = _onboarding(answer)
        if not onboarding.id:
            raise answer.unexpected("the new onboarding has no id (_id)", maybe_applied=True)
        return onboarding

    def exchange_code(self, onboarding_id: str, code: str) -> Onboarding:
        """PUT /onboarding/integrations/{id}: submit an OAuth code or a manual integration code."""
        answer = self._call(
            "PUT",
            f"/onboarding/integrations/{_segment(onboarding_id)}",
            EXCHANGE_CODE,
            body=CodeExchangeRequest(code=code),
        )
        if _has_status(answer.data):
            return _onboarding(answer, default_id=onboarding_id)
        # The guide shows no body for the exchange, and a code works only once: a 2xx is the success, and
        # the integration is read again for its state rather than the exchange being reported as failed.
        try:
            return self.get_integration(onboarding_id)
        except StreamError as exc:
            logger.info("code exchange answered with no onboarding and the re-read failed: %s", exc)
            return Onboarding(id=onboarding_id, status=OnboardingStatus.ACTIVE)

    def get_integration(self, onboarding_id: str) -> Onboarding:
        """GET /onboarding/integrations/{id}: an onboarding's current state.

        Not in the guide: a convenience for polling an OAuth onboarding's status. An API without it
        answers 404 or 405, raised as NotFoundError or StreamError.
        """
        answer = self._call(
            "GET",
            f"/onboarding/integrations/{_segment(onboarding_id)}",
            GET_INTEGRATION,
        )
        return _onboarding(answer, default_id=onboarding_id)

    # --- locations ----------------------------------------------------------------------------------------

    def list_locations(self, onboarding_id: str) -> PartialList[ProviderLocation]:
        """GET /onboarding/locations?onboarding_id=...: the POS or DSP locations of an active onboarding.

        Items that do not fit are left out and listed in .unreadable (id and reason).
        """
        answer = self._call(
            "GET",
            "/onboarding/locations",
            LIST_LOCATIONS,
            params={"onboarding_id": onboarding_id},
        )
        return _items(answer, ProviderLocation)

    def ingest_locations(self, onboarding_id: str, provider_ids: Sequence[str]) -> IngestResponse:
        """POST /onboarding/locations/ingest: import (or re-sync) the chosen POS locations and their menus."""
        if isinstance(provider_ids, str):  # a lone id would otherwise be ingested character by character
            raise TypeError("provider_ids must be a sequence of ids, not a string")
        body = IngestRequest(
            onboarding_id=onboarding_id, locations=[LocationRef(provider_id=pid) for pid in provider_ids]
        )
        answer = self._call("POST", "/onboarding/locations/ingest", INGEST, body=body)
        return answer.parse(IngestResponse, _listing(answer.data))

    def bind_locations(self, onboarding_id: str, pairs: Sequence[BindPair]) -> BindResponse:
        """POST /onboarding/locations/bind: link POS locations to the DSP onboarding's stores."""
        body = BindRequest(onboarding_id=onboarding_id, locations=list(pairs))
        answer = self._call("POST", "/onboarding/locations/bind", BIND, body=body)
        return answer.parse(BindResponse, _listing(answer.data))

    def org_locations(self, org_id: str) -> PartialList[OrgLocation]:
        """GET /onboarding/org/{org_id}/locations: the org's locations with their status and DSP bindings.

        Items that do not fit are left out and listed in .unreadable (id and reason).
        """
        answer = self._call("GET", f"/onboarding/org/{_segment(org_id)}/locations", ORG_LOCATIONS)
        return _items(answer, OrgLocation)

    # --- plumbing -----------------------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        operation: Operation,
        *,
        body: Any = None,
        params: dict[str, str] | None = None,
    ) -> JsonAnswer:
        json_body = (
            body.model_dump(mode="json", by_alias=True, exclude_none=True) if body is not None else None
        )
        return send_json(
            self._http,
            method,
            path,
            operation=operation,
            json_body=json_body,
            params=params,
            auth=self._auth,
            deadline=self.deadline,
        )


def _segment(value: str) -> str:
    """An id as one URL path segment: a slash or '..' in an id must not reach another endpoint."""
    if not value or value in (".", ".."):
        raise ValueError(f"invalid id: {value!r}")
    return quote(value, safe="")


def _unwrap(data: Any, key: str) -> Any:
    """The object inside an {key: {...}} envelope, or the data itself when there is no envelope."""
    if isinstance(data, dict) and isinstance(data.get(key), dict):
        return data[key]
    return data


def _listing(data: Any) -> Any:
    """{"locations": [...]} as the guide shows it; also a bare list, or an empty body (as no locations)."""
    if data is None:
        return {"locations": []}
    if isinstance(data, list):
        return {"locations": data}
    return data


def _items(answer: JsonAnswer, model: type[ItemT]) -> PartialList[ItemT]:
    """The items of a {"locations": [...]} answer read one by one; a body of another shape is an error."""
    data = _listing(answer.data)
    items = data.get("locations") if isinstance(data, dict) else None
    if isinstance(data, dict) and "locations" not in data:
        # A read of the current state that says nothing about locations must not pass for "no locations"
        # (an export of 0 rows, a bind screen with nothing bound).
        raise answer.unexpected('the answer has no "locations"')
    if isinstance(data, dict) and items is None:
        return PartialList()  # "locations": null: none
    if not isinstance(items, list):
        answer.parse(LocationsResponse, data)  # raises, naming what is wrong with the shape
        return PartialList()
    return parse_items(model, items)


def _has_status(data: Any) -> bool:
    """Whether an answer carries an onboarding with a status (the guide shows the exchange without one)."""
    body = _unwrap(data, "onboarding")
    return isinstance(body, dict) and body.get("status") not in (None, "")


def _onboarding(answer: JsonAnswer, default_id: str | None = None) -> Onboarding:
    """The onboarding object, with or without its {"onboarding": ...} envelope, `_id` or `id`."""
    onboarding = answer.parse(Onboarding, _unwrap(answer.data, "onboarding"))
    if onboarding.id is None and default_id is not None:
        onboarding.id = default_id
    return onboarding
