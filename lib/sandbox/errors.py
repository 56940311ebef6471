"""The sandbox's one error shape: {"message": "<sentence>", "details": [{"field", "message"}]}."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match


class ApiError(Exception):
    """An error answer of the Partner API; oauth_error is the RFC 6749 §5.2 code of token endpoint errors."""

    def __init__(
        self,
        status: int,
        message: str,
        details: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        oauth_error: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details or []
        self.headers = headers
        self.oauth_error = oauth_error


def error_response(
    status: int,
    message: str,
    details: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    oauth_error: str | None = None,
) -> JSONResponse:
    """A JSON error answer in the sandbox's shape (plus RFC 6749's error and error_description when given)."""
    body: dict[str, Any] = {"message": message, "details": details or []}
    if oauth_error is not None:
        body = {"error": oauth_error, "error_description": message, **body}
        headers = {"Cache-Control": "no-store", **(headers or {})}
    return JSONResponse(body, status_code=status, headers=headers)


def field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    """('body', 'user', 'email') -> 'user.email'; list indexes as locations[3].provider_id."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "body"


def _detail_message(error: dict[str, Any]) -> str:
    """Pydantic's error text turned into a short phrase a person can act on."""
    kind = error.get("type", "")
    if kind == "missing":
        return "is required"
    if kind == "json_invalid":
        return "the request body is not valid JSON"
    if kind in ("string_too_short",):
        return "must not be empty"
    msg = str(error.get("msg", "is invalid"))
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return msg[:1].lower() + msg[1:]


def validation_details(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    """FastAPI/pydantic errors as [{"field", "message"}]."""
    return [{"field": field_path(e.get("loc", ())), "message": _detail_message(e)} for e in errors]


def summary(details: list[dict[str, str]]) -> str:
    """One sentence naming every bad field."""
    parts = [f"{d['field']} {d['message']}" for d in details[:5]]
    more = f" (and {len(details) - 5} more)" if len(details) > 5 else ""
    return "The request is invalid: " + "; ".join(parts) + more + "."


def install_error_handlers(app: FastAPI) -> None:
    """Replace FastAPI's default error bodies with the sandbox's shape."""

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.message, exc.details, exc.headers, exc.oauth_error)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = validation_details(list(exc.errors()))
        return error_response(422, summary(details), details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {404: "No such endpoint.", 405: "This method is not allowed on this endpoint."}
        message = messages.get(exc.status_code, str(exc.detail))
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 400:
            # FastAPI's answer to a body it cannot even decode: a body that does not fit, like invalid JSON.
            details = [{"field": "body", "message": "the request body is not valid JSON"}]
            return error_response(422, summary(details), details)
        if exc.status_code == 405:
            # Starlette names the first matching route's methods only; a path served by two routes (GET and
            # PUT of one integration) must list both.
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return error_response(exc.status_code, message, headers=headers or None)


def _allowed_methods(request: Request) -> list[str]:
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)
