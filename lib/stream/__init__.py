"""Typed client of the Stream Partner API's headless onboarding endpoints (httpx + pydantic, no UI)."""

from lib.stream.auth import TokenAuth
from lib.stream.client import DEFAULT_TIMEOUT, StreamClient
from lib.stream.config import ClientSettings
from lib.stream.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    ConflictError,
    FieldError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    StreamError,
    UnexpectedResponseError,
    ValidationError,
)
from lib.stream.redaction import RedactingFilter, redact
from lib.stream.retry import RetryPolicy

__all__ = [
    "DEFAULT_TIMEOUT",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "ClientSettings",
    "ConflictError",
    "FieldError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RedactingFilter",
    "RetryPolicy",
    "ServerError",
    "StreamClient",
    "StreamError",
    "TokenAuth",
    "UnexpectedResponseError",
    "ValidationError",
    "redact",
]
