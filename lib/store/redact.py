"""Defensive redaction so a caller's mistake cannot put a secret in the records database."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

from lib.redaction import MASK, is_secret_key, redact_text

__all__ = ["MASK", "is_secret_key", "redact", "redact_text", "to_json_safe"]


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
