"""Which Partner API the console talks to: the configured one, or the embedded sandbox.

Shared by the Streamlit console and the command-line tools so both choose the API the same way.
Configuration comes from the environment first, then .streamlit/secrets.toml.
"""

from __future__ import annotations

import os
import threading
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from lib.stream.client import StreamClient
from lib.stream.config import ClientSettings

REPO_ROOT = Path(__file__).resolve().parent.parent
SECRETS_PATH = REPO_ROOT / ".streamlit" / "secrets.toml"
CONFIG_KEYS = (
    "STREAM_API_URL",
    "STREAM_CLIENT_ID",
    "STREAM_CLIENT_SECRET",
    "DATABASE_URL",
    "CONSOLE_DATA_DIR",
    "CONSOLE_PUBLIC_URL",
)

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
        return "Sandbox (local)" if self.is_sandbox else self.base_url


def load_config(
    env: Mapping[str, str] | None = None,
    secrets: Mapping[str, Any] | None = None,
    secrets_path: Path | None = None,
) -> dict[str, Any]:
    """Merge the settings from st.secrets (else secrets.toml) and the environment, which wins."""
    env = os.environ if env is None else env
    config: dict[str, Any] = {}
    if secrets is not None:
        config.update(secrets)
    else:
        path = SECRETS_PATH if secrets_path is None else secrets_path
        if path.is_file():
            with path.open("rb") as fh:
                config.update(tomllib.load(fh))
    for key in CONFIG_KEYS:
        if env.get(key):
            config[key] = env[key]
    return config


def data_dir(config: Mapping[str, Any] | None = None) -> Path:
    """The gitignored folder for the console's local state (records, sandbox database)."""
    config = load_config() if config is None else config
    return Path(config.get("CONSOLE_DATA_DIR") or REPO_ROOT / "data")


def database_url(config: Mapping[str, Any] | None = None) -> str:
    """DATABASE_URL when configured, else a SQLite file in the console's data folder."""
    config = load_config() if config is None else config
    url = str(config.get("DATABASE_URL") or "").strip()
    return url or f"sqlite:///{data_dir(config) / 'console.db'}"


def embedded_sandbox(config: Mapping[str, Any] | None = None) -> Any:
    """Start the bundled sandbox once per process on a loopback port and return it."""
    global _sandbox
    with _sandbox_lock:
        if _sandbox is None:
            from lib.sandbox.embed import start_background  # only needed without a configured API

            _sandbox = start_background(data_dir=data_dir(config) / "sandbox")
        return _sandbox


def resolve_target(config: Mapping[str, Any] | None = None) -> ApiTarget:
    """The configured API, or the embedded sandbox (started on demand) when no URL is set."""
    config = load_config() if config is None else config
    url = str(config.get("STREAM_API_URL") or "").strip()
    if url:
        client_id = str(config.get("STREAM_CLIENT_ID") or "")
        secret = str(config.get("STREAM_CLIENT_SECRET") or "")
        if not client_id or not secret:
            raise ValueError(
                "STREAM_API_URL is set but STREAM_CLIENT_ID or STREAM_CLIENT_SECRET is missing: "
                "set both in the environment or .streamlit/secrets.toml."
            )
        return ApiTarget(url.rstrip("/"), client_id, SecretStr(secret), is_sandbox=False)
    sandbox = embedded_sandbox(config)
    return ApiTarget(sandbox.base_url, sandbox.client_id, SecretStr(sandbox.client_secret), is_sandbox=True)


def open_client(target: ApiTarget, **options: Any) -> StreamClient:
    """A client for the target; options override ClientSettings fields (timeouts, retries)."""
    settings = ClientSettings(
        base_url=target.base_url,
        client_id=target.client_id,
        client_secret=target.client_secret,
        **options,
    )
    return StreamClient.from_settings(settings)


@contextmanager
def console_env(api: Any, database_url: str, data_dir: Path) -> Iterator[None]:
    """Point console code in this process (e.g. AppTest in a benchmark) at `api` and a records database.

    `api` is anything with base_url, client_id and client_secret (an embedded or separate sandbox).
    """
    values = {
        "STREAM_API_URL": api.base_url,
        "STREAM_CLIENT_ID": api.client_id,
        "STREAM_CLIENT_SECRET": api.client_secret,
        "DATABASE_URL": database_url,
        "CONSOLE_DATA_DIR": str(data_dir),
    }
    saved = {k: os.environ.get(k) for k in [*values, "CONSOLE_REQUIRE_LOGIN"]}
    os.environ.update(values)
    os.environ.pop("CONSOLE_REQUIRE_LOGIN", None)  # benchmarks measure pages, not the sign-in gate
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
