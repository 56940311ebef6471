"""The token request as standard OAuth2 clients send it (RFC 6749): JSON or form body, client_secret_basic or
client_secret_post, and errors with RFC 6749 §5.2 codes beside the sandbox's readable message."""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
from typing import Any
from urllib.parse import parse_qs, unquote_plus

from fastapi import Request
from pydantic import ValidationError

from .errors import ApiError, summary, validation_details
from .schemas import TokenIn

# RFC 6749 §5.2 error codes, each with the status the RFC gives it.
INVALID_REQUEST = "invalid_request"
INVALID_CLIENT = "invalid_client"
INVALID_GRANT = "invalid_grant"
UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type"
INVALID_SCOPE = "invalid_scope"


def invalid_request(message: str, details: list[dict[str, str]] | None = None) -> ApiError:
    """400 invalid_request: a malformed token request."""
    return ApiError(400, message, details, oauth_error=INVALID_REQUEST)


def _basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    """client_secret_basic (RFC 6749 §2.3.1): id and secret form-urlencoded, then Base64 in a Basic header."""
    if not authorization:
        return None
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ApiError(
            401,
            "The Basic Authorization header is not valid Base64 of 'client_id:client_secret'.",
            headers={"WWW-Authenticate": 'Basic realm="oauth"'},
            oauth_error=INVALID_CLIENT,
        ) from exc
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise ApiError(
            401,
            "The Basic Authorization header must carry 'client_id:client_secret'.",
            headers={"WWW-Authenticate": 'Basic realm="oauth"'},
            oauth_error=INVALID_CLIENT,
        )
    return unquote_plus(client_id), unquote_plus(secret)


def _body_fields(raw: bytes, content_type: str) -> dict[str, Any]:
    if "application/x-www-form-urlencoded" in content_type:
        form: dict[str, Any] = {k: v[-1] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
        if "exp" in form:  # a form carries text; JSON bodies must send a number
            with contextlib.suppress(ValueError):  # else left as text: refused as not a number
                form["exp"] = float(form["exp"])
        return form
    try:
        data = json.loads(raw or b"null")
    except ValueError as exc:
        raise invalid_request(
            "The request body is neither JSON nor a form.", [{"field": "body", "message": "is not JSON"}]
        ) from exc
    if not isinstance(data, dict):
        raise invalid_request(
            "The request body must be a JSON object.", [{"field": "body", "message": "is not an object"}]
        )
    return data


def _oauth_code(details: list[dict[str, str]], errors: list[dict[str, Any]]) -> str:
    """The §5.2 code for a body that fails validation: a bad grant_type or scope has its own code."""
    for error in errors:
        field = error.get("loc", ("",))[0]
        if field == "grant_type" and error.get("type") != "missing":
            return UNSUPPORTED_GRANT_TYPE
        if field == "scopes":
            return INVALID_SCOPE
    return INVALID_REQUEST


async def token_request(request: Request) -> tuple[TokenIn, bool]:
    """The token request as TokenIn, and whether the client authenticated with HTTP Basic."""
    data = _body_fields(await request.body(), request.headers.get("content-type", ""))
    if isinstance(data.get("scope"), str) and "scopes" not in data:
        data["scopes"] = data.pop("scope").split()
    basic = _basic_credentials(request.headers.get("authorization"))
    if basic is not None:
        client_id, secret = basic
        # RFC 6749 §2.3: one authentication method per request; the same credentials twice do no harm.
        if data.get("client_id") not in (None, client_id) or data.get("client_secret") not in (None, secret):
            raise invalid_request(
                "The request carries two different client credentials (Basic header and body): send one."
            )
        data["client_id"], data["client_secret"] = client_id, secret
    try:
        return TokenIn.model_validate(data), basic is not None
    except ValidationError as exc:
        errors: list[dict[str, Any]] = [dict(e) for e in exc.errors()]
        details = validation_details(errors)
        raise ApiError(400, summary(details), details, oauth_error=_oauth_code(details, errors)) from exc
