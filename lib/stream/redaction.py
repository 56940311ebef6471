"""Keeping credentials out of log output: the library's logger, a registry of live secrets and a log filter.

The client never formats a secret into a log line or an exception in the first place; this module is the
belt-and-braces layer behind that rule, so a secret that slips into a message (a server echoing a token back,
say) is masked before any handler sees it.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from urllib.parse import urlsplit

from lib.redaction import MASK, redact_text

LOGGER_NAME = "lib.stream"

logger = logging.getLogger(LOGGER_NAME)

# Secrets shorter than this are not registered: masking every "abc" in every log line would do more harm than
# good, and real client secrets and tokens are far longer.
_MIN_SECRET_LENGTH = 8
# Tokens rotate every hour or so; remembering the latest few hundred covers any live token many times over.
_MAX_SECRETS = 512


def register_url_credentials(url: str) -> None:
    """Register the password in a URL (https://user:pass@host) so that logs never show it."""
    try:
        register_secret(urlsplit(url).password)
    except ValueError:
        return


class SecretRegistry:
    """The secrets currently in use (client secrets, access and refresh tokens), for masking by value."""

    def __init__(self, max_size: int = _MAX_SECRETS) -> None:
        self._lock = threading.Lock()
        self._values: OrderedDict[str, None] = OrderedDict()
        self._max_size = max_size

    def add(self, value: str | None) -> None:
        """Remember a secret so that it is masked wherever it appears in log output."""
        if not value or len(value) < _MIN_SECRET_LENGTH:
            return
        with self._lock:
            self._values[value] = None
            self._values.move_to_end(value)
            while len(self._values) > self._max_size:
                self._values.popitem(last=False)

    def redact(self, text: str) -> str:
        """Mask every registered secret and every token-looking pattern in text."""
        with self._lock:
            values = sorted(self._values, key=len, reverse=True)
        for value in values:
            if value in text:
                text = text.replace(value, MASK)
        return redact_text(text)

    def __repr__(self) -> str:
        return f"SecretRegistry(<{len(self._values)} secrets>)"


secrets = SecretRegistry()


def register_secret(value: str | None) -> None:
    """Add a secret to the process-wide registry used by redact() and RedactingFilter."""
    secrets.add(value)


def redact(text: str) -> str:
    """Mask known secrets and bearer/token patterns in text."""
    return secrets.redact(text)


class RedactingFilter(logging.Filter):
    """A logging filter that masks secrets in a record's message and traceback; it never drops a record."""

    def __init__(self, registry: SecretRegistry | None = None) -> None:
        super().__init__()
        self._registry = registry or secrets

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place with its secrets masked."""
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not break logging; leave the record as it is
            return True
        record.msg = self._registry.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._registry.redact(record.exc_text)
        return True


def install_redaction(*logger_names: str) -> None:
    """Attach a RedactingFilter to the named loggers (once each); the library's own logger always has one."""
    for name in logger_names:
        target = logging.getLogger(name)
        if not any(isinstance(existing, RedactingFilter) for existing in target.filters):
            target.addFilter(RedactingFilter())


# The library logs through one logger so that one filter covers every line. httpx logs request URLs and
# httpcore (at DEBUG) response headers such as a redirect's Location; a logger's filter does not apply to its
# children's records, so each httpcore logger is named.
THIRD_PARTY_LOGGERS = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)
install_redaction(LOGGER_NAME, *THIRD_PARTY_LOGGERS)
