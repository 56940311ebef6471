"""The one definition of what a secret looks like in text and in key names, and how it is masked.

lib/stream masks log lines and error messages with it (plus the live secrets it registers); lib/store masks
what it writes to the records (plus secret-named keys at any depth). Both use the same patterns and mask.
"""

from __future__ import annotations

import re

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

_KEYS = r"access_token|refresh_token|id_token|token|client_secret|password|code_verifier|code"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # "Authorization: Bearer <token>" and Basic credentials.
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9\-._~+/]+=*"), rf"\1 {MASK}"),
    # A token field in JSON or a repr: "access_token": "…".
    (
        re.compile(
            r"(?i)([\"']?(?:access_token|refresh_token|client_secret|id_token|authorization)[\"']?\s*[:=]\s*)"
            r"([\"'])[^\"']*\2"
        ),
        rf"\1\2{MASK}\2",
    ),
    # key=value in a query string or form body; `\b` keeps postal_code=… and country_code=… intact.
    (re.compile(rf"(?i)\b({_KEYS})=[^&#\s\"',;)]+"), rf"\1={MASK}"),
)


def is_secret_key(key: str) -> bool:
    """True when a mapping key names something that must never be stored or shown."""
    norm = re.sub(r"[\s_\-]", "", str(key)).lower()
    return norm in _SECRET_EXACT or any(part in norm for part in _SECRET_PARTS)


def redact_text(text: str) -> str:
    """Mask bearer/basic credentials, token fields and secret query parameters (`?code=…`) in free text."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


_URL_USERINFO = re.compile(r"^(\s*(?:[A-Za-z][A-Za-z0-9+.-]*:)?//)?[^/?#@\s]*@")


def mask_url(url: str) -> str:
    """The URL with any user name and password in it masked (also without a scheme), for showing it."""
    return _URL_USERINFO.sub(lambda m: f"{m.group(1) or ''}{MASK}@", url, count=1)
