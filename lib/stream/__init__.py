"""Typed client of the Stream Partner API's headless onboarding endpoints (httpx + pydantic, no UI)."""

from lib.stream.auth import TokenAuth
from lib.stream.client import DEFAULT_TIMEOUT, StreamClient
from lib.stream.config import ClientSettings
from lib.stream.errors import (
    AuthenticationError,
    ConflictError,
    FieldError,
    NotFoundError,
    RateLimitError,
    ServerError,
    StreamError,
    TransportError,
    UnexpectedResponseError,
    ValidationError,
)
from lib.stream.redaction import RedactingFilter, redact
from lib.stream.retry import RetryPolicy

__all__ = [
    "DEFAULT_TIMEOUT",
    "AuthenticationError",
    "ClientSettings",
    "ConflictError",
    "FieldError",
    "NotFoundError",
    "RateLimitError",
    "RedactingFilter",
    "RetryPolicy",
    "ServerError",
    "StreamClient",
    "StreamError",
    "TokenAuth",
    "TransportError",
    "UnexpectedResponseError",
    "ValidationError",
    "redact",
]
