"""The sandbox Partner API as a FastAPI app: the guide's endpoints plus /sandbox/* admin and consent."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request, Security
from fastapi.responses import JSONResponse, Response
from fastapi_offline import FastAPIOffline
from starlette.concurrency import run_in_threadpool

from . import merchants
from .auth import ONBOARDING_SCOPE, TokenService
from .consent import consent_router
from .db import Database
from .errors import ApiError, install_error_handlers
from .faults import FaultState, install_fault_middleware
from .oauth import token_request
from .openapi import (
    BEARER,
    CLIENT_CREDENTIALS,
    FAULTS,
    TOKEN_BODY,
    BindOut,
    IngestOut,
    LocationsOut,
    OAuthErrorOut,
    OnboardingOut,
    OrgLocationsOut,
    OrgOut,
    TokenOut,
    errors,
    onboarding_responses,
)
from .request_ids import DOCUMENTED, RequestIdMiddleware
from .schemas import BindIn, CodeIn, IngestIn, IntegrationIn, OrgIn
from .service import SandboxService
from .settings import SandboxSettings
from .states import LocationStateIn, StateControls, StoreStatusIn


def create_app(settings: SandboxSettings) -> FastAPI:
    """Build the sandbox app over the SQLite state in settings.data_dir."""
    db = Database(settings.db_path)
    tokens = TokenService(db, settings.token_ttl, settings.refresh_ttl, settings.clock)
    faults = FaultState(settings.faults)
    service = SandboxService(db, settings, reject_rate=lambda: faults.knobs.reject_rate)
    states = StateControls(db, settings.clock)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        db.close()

    # Swagger UI's assets come from the fastapi-offline package, not a CDN: the docs work with no network.
    app = FastAPIOffline(
        title="Stream Partner API sandbox",
        version="1.0",
        docs_url="/sandbox/docs",
        openapi_url="/sandbox/openapi.json",
        redoc_url=None,
        static_url="/sandbox/static-docs",
        swagger_ui_oauth2_redirect_url="/sandbox/docs/oauth2-redirect",
        swagger_ui_parameters={"persistAuthorization": True},
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.faults = faults
    app.state.service = service
    install_error_handlers(app)
    install_fault_middleware(app, faults)
    app.add_middleware(RequestIdMiddleware)  # added last, so outermost: fault answers carry an id too
    app.include_router(consent_router(service))

    def require_onboarding(request: Request) -> None:
        tokens.check(request.headers.get("authorization"), ONBOARDING_SCOPE)

    # BEARER and CLIENT_CREDENTIALS (either one) only declare the schemes (Swagger UI's Authorize button);
    # require_onboarding does the checking.
    oauth2 = Security(CLIENT_CREDENTIALS, scopes=[ONBOARDING_SCOPE])
    auth = [Depends(BEARER), oauth2, Depends(require_onboarding)]

    # --- the guide's endpoints --------------------------------------------------------------------

    @app.post(
        "/oauth/token",
        status_code=201,
        response_model=None,
        responses={
            201: {
                "model": TokenOut,
                "description": "A new access and refresh token pair.",
                "headers": DOCUMENTED,
            },
            **errors(400, 401, model=OAuthErrorOut),
            **errors(*FAULTS),
        },
        openapi_extra=TOKEN_BODY,
    )
    async def token(request: Request) -> JSONResponse:
        body, basic = await token_request(request)
        answer = await run_in_threadpool(tokens.grant, body, basic)
        return JSONResponse(answer, status_code=201, headers={"Cache-Control": "no-store"})

    def answers(status: int, model: type[Any], what: str, *codes: int) -> dict[str, Any]:
        """Route keywords: the 2xx model and every error an /onboarding operation can answer."""
        responses = {
            status: {"model": model, "description": what, "headers": DOCUMENTED},
            **onboarding_responses(*codes),
        }
        return {"status_code": status, "response_model": None, "responses": responses, "dependencies": auth}

    @app.post("/onboarding/org", **answers(201, OrgOut, "The new org and its first user.", 400, 409))
    def create_org(body: OrgIn) -> JSONResponse:
        return JSONResponse(service.create_org(body), status_code=201)

    @app.post("/onboarding/integrations", **answers(201, OnboardingOut, "The started integration.", 400, 404))
    def create_integration(body: IntegrationIn, request: Request) -> JSONResponse:
        base = settings.public_url or str(request.base_url)
        return JSONResponse(service.create_integration(body, base), status_code=201)

    @app.get(
        "/onboarding/integrations/{onboarding_id}", **answers(200, OnboardingOut, "The integration.", 404)
    )
    def get_integration(onboarding_id: str) -> JSONResponse:
        return JSONResponse(service.get_integration(onboarding_id))

    @app.put(
        "/onboarding/integrations/{onboarding_id}",
        **answers(200, OnboardingOut, "The integration, now active.", 400, 404, 409),
    )
    def exchange_code(onboarding_id: str, body: CodeIn) -> JSONResponse:
        return JSONResponse(service.exchange_code(onboarding_id, body.code))

    @app.get("/onboarding/locations", **answers(200, LocationsOut, "POS locations or DSP stores.", 404, 409))
    def locations(onboarding_id: str) -> Response:
        return Response(service.locations_body(onboarding_id), media_type="application/json")

    @app.post("/onboarding/locations/ingest", **answers(200, IngestOut, "The ingested locations.", 404, 409))
    def ingest(body: IngestIn) -> JSONResponse:
        return JSONResponse(service.ingest(body))

    @app.post("/onboarding/locations/bind", **answers(200, BindOut, "The bound pairs.", 404, 409))
    def bind(body: BindIn) -> JSONResponse:
        return JSONResponse(service.bind(body))

    @app.get(
        "/onboarding/org/{org_id}/locations",
        **answers(200, OrgLocationsOut, "The org's locations with their DSP bindings.", 404),
    )
    def org_locations(org_id: str) -> Response:
        return Response(service.org_locations_body(org_id), media_type="application/json")

    # --- sandbox administration (no auth, no faults) ----------------------------------------------

    @app.get("/sandbox/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/sandbox/merchants")
    def merchant_catalog() -> dict[str, Any]:
        return {"merchants": merchants.merchant_summary()}

    @app.get("/sandbox/faults")
    def get_faults() -> dict[str, Any]:
        return faults.snapshot()

    @app.put("/sandbox/faults")
    async def put_faults(request: Request) -> dict[str, Any]:
        try:
            changes = json.loads(await request.body() or b"{}")
        except ValueError as exc:
            raise ApiError(422, "The request body is not valid JSON.") from exc
        if not isinstance(changes, dict):
            raise ApiError(422, "The request body must be a JSON object of fault knobs.")
        return faults.update(changes)

    @app.post("/sandbox/integrations/{onboarding_id}/deprovision")
    def deprovision(onboarding_id: str) -> dict[str, Any]:
        return service.deprovision(onboarding_id)

    @app.put("/sandbox/orgs/{org_id}/stores/{dsp_provider_id}/status")
    def set_store_status(org_id: str, dsp_provider_id: str, body: StoreStatusIn) -> dict[str, Any]:
        return states.set_store_status(org_id, dsp_provider_id, body.status)

    @app.put("/sandbox/orgs/{org_id}/locations/{location}")
    def set_location_state(org_id: str, location: str, body: LocationStateIn) -> dict[str, Any]:
        return states.set_location_state(org_id, location, body)

    @app.post("/sandbox/reset")
    def reset() -> dict[str, Any]:
        db.wipe()
        return {"status": "reset", "faults": faults.reset()}

    return app
