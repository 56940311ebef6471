"""Which Partner API the console talks to: the configured one, or the embedded sandbox.

Shared by the Streamlit console and the command-line tools so both choose the API the same way.
Configuration comes from the environment first, then .streamlit/secrets.toml.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from lib.redaction import mask_url
from lib.settings import ConsoleSettings, load_settings
from lib.stream.client import StreamClient
from lib.stream.config import ClientSettings

_sandbox_lock = threading.Lock()
_sandbox: Any = None


@dataclass(frozen=True)
class ApiTarget:
    """The API the console uses; the secret never shows in a repr."""

    base_url: str
    client_id: str
    client_secret: SecretStr = field(repr=False)
    is_sandbox: bool

    @property
    def label(self) -> str:
        """How the sidebar names this API."""
        return "Sandbox (local)" if self.is_sandbox else mask_url(self.base_url)


def data_dir(settings: ConsoleSettings | None = None) -> Path:
    """The gitignored folder for the console's local state (records, sandbox database)."""
    return (settings or load_settings()).data_dir


def database_url(settings: ConsoleSettings | None = None) -> str:
    """DATABASE_URL when configured, else a SQLite file in the console's data folder."""
    return (settings or load_settings()).records_url


def embedded_sandbox(settings: ConsoleSettings | None = None) -> Any:
    """Start the bundled sandbox once per process on a loopback port and return it."""
    global _sandbox
    with _sandbox_lock:
        if _sandbox is None:
            from lib.sandbox.embed import start_background  # only needed without a configured API

            _sandbox = start_background(data_dir=(settings or load_settings()).sandbox_dir)
        return _sandbox


def resolve_target(settings: ConsoleSettings | None = None) -> ApiTarget:
    """The configured API, or the embedded sandbox (started on demand) when no URL is set."""
    settings = settings or load_settings()
    url = settings.stream_api_url
    if url:
        client_id = settings.stream_client_id.strip()
        secret = settings.stream_client_secret
        if not client_id or not secret.get_secret_value():
            raise ValueError(
                "STREAM_API_URL is set but STREAM_CLIENT_ID or STREAM_CLIENT_SECRET is missing: "
                "set both in the environment or .streamlit/secrets.toml."
            )
        return ApiTarget(url, client_id, secret, is_sandbox=False)
    sandbox = embedded_sandbox(settings)
    return ApiTarget(sandbox.base_url, sandbox.client_id, SecretStr(sandbox.client_secret), is_sandbox=True)


def open_client(target: ApiTarget, settings: ConsoleSettings | None = None, **options: Any) -> StreamClient:
    """A client for the target with STREAM_* timeouts and retries; options override ClientSettings fields."""
    settings = settings or load_settings()
    values: dict[str, Any] = {
        "connect_timeout": settings.stream_connect_timeout,
        "read_timeout": settings.stream_read_timeout,
        "max_retries": settings.stream_max_retries,
        "call_deadline": settings.stream_call_deadline,
        "max_body_bytes": settings.stream_max_body_bytes,
        **options,
    }
    client_settings = ClientSettings(
        base_url=target.base_url, client_id=target.client_id, client_secret=target.client_secret, **values
    )
    return StreamClient.from_settings(client_settings)
