"""Defensive redaction so a caller's mistake cannot put a secret in the records database."""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

MASK = "***"

# Compared after lower-casing and dropping "-", "_" and spaces, so "Client-Secret" and "client_secret" match.
_SECRET_PARTS: tuple[str, ...] = (
    "secret",
    "token",
    "password",
    "passwd",
    "authorization",
    "codeverifier",
    "apikey",
    "privatekey",
    "credential",
    "cookie",
)
# Matched whole: an OAuth or manual integration `code` is short-lived but still a credential, while
# "postal_code" or "country_code" are plain address data and must survive.
_SECRET_EXACT: frozenset[str] = frozenset({"code", "oauthcode", "integrationcode", "authcode"})

_QUERY_SECRET = re.compile(
    r"(?P<key>[?&;](?:code|access_token|refresh_token|id_token|token|client_secret|password|code_verifier)=)"
    r"[^&#\s\"']*",
    re.IGNORECASE,
)
_BEARER = re.compile(r"(?P<key>\b(?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE)


def is_secret_key(key: str) -> bool:
    """True when a mapping key names something that must never be stored."""
    norm = re.sub(r"[\s_\-]", "", str(key)).lower()
    return norm in _SECRET_EXACT or any(part in norm for part in _SECRET_PARTS)


def redact_text(text: str) -> str:
    """Mask secret-looking query parameters (`?code=…`) and bearer/basic credentials inside free text."""
    text = _QUERY_SECRET.sub(lambda m: m.group("key") + MASK, text)
    return _BEARER.sub(lambda m: m.group("key") + MASK, text)


def redact(value: Any) -> Any:
    """Return a copy of a JSON-like value with secret-named keys (at any depth) replaced by "***"."""
    if isinstance(value, Mapping):
        return {str(k): (MASK if is_secret_key(str(k)) else redact(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None  # NaN/inf are not JSON; PostgreSQL would refuse them
    return value


def _default(obj: Any) -> Any:
    # Pydantic models, dataclasses, dates and sets become plain JSON before redaction sees them, so a model
    # with a secret field is redacted like a dict.
    if hasattr(obj, "model_dump") and callable(obj.model_dump):
        return obj.model_dump(mode="json")
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.asdict(obj)
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, set | frozenset):
        return sorted(obj, key=str)
    return str(obj)


def to_json_safe(value: Any) -> Any:
    """Convert a value to plain JSON types (dict/list/str/number/bool/None) and redact it."""
    return redact(json.loads(json.dumps(value, default=_default)))
