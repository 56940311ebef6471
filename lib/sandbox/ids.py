"""Identifiers shaped like Stream's (24 hex digits, ObjectId-like)."""

from __future__ import annotations

import secrets
import time


def new_id() -> str:
    """A fresh 24-hex-digit id: 4 bytes of time, 8 random bytes."""
    return f"{int(time.time()) & 0xFFFFFFFF:08x}{secrets.token_hex(8)}"
