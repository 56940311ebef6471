"""The console's one settings model: STREAM_*, CONSOLE_*, DATABASE_URL and SANDBOX_*.

Read from the environment first, then `.streamlit/secrets.toml` (or st.secrets, which honours
`--secrets.files`). The console, the command-line tools and the sandbox all read it here, so a documented
setting has exactly one name, type and default. A bad value is a SettingsError: one line saying which
setting, what is wrong and where to fix it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from lib.redaction import mask_url
from lib.stream.guard import DEFAULT_DEADLINE, DEFAULT_MAX_BODY_BYTES

REPO_ROOT = Path(__file__).resolve().parent.parent
SECRETS_PATH = REPO_ROOT / ".streamlit" / "secrets.toml"
WHERE = "the environment or .streamlit/secrets.toml"


class SettingsError(ValueError):
    """A setting has a value the console cannot use; the message is one sentence naming it."""


class ConsoleSettings(BaseSettings):
    """Every setting the console, its CLIs and its sandbox read; field name = setting name in lower case."""

    model_config = SettingsConfigDict(
        case_sensitive=False, env_ignore_empty=True, extra="ignore", frozen=True, validate_default=False
    )

    stream_api_url: str = Field(
        "", description="the Partner API base URL; when unset, the console starts its sandbox"
    )
    stream_client_id: str = Field("", description="OAuth2 client id (scope `onboarding`)")
    stream_client_secret: SecretStr = Field(SecretStr(""), description="OAuth2 client secret")
    stream_connect_timeout: float = Field(5.0, gt=0, description="seconds to wait for a connection")
    stream_read_timeout: float = Field(30.0, gt=0, description="seconds to wait for an answer")
    stream_max_retries: int = Field(
        2, ge=0, le=10, description="retries of a failed call that is safe to repeat"
    )
    stream_call_deadline: float = Field(
        DEFAULT_DEADLINE, gt=0, description="seconds one call may take, retries and token renewal included"
    )
    stream_max_body_bytes: int = Field(
        DEFAULT_MAX_BODY_BYTES, ge=1024, description="largest answer read, after decompression"
    )
    database_url: str = Field("", description="the console's own records")
    console_data_dir: Path | None = Field(None, description="the local data folder")
    console_public_url: str = Field("", description="the console's address as browsers reach it")
    console_require_login: bool | None = Field(None, description="refuse to serve pages without sign-in")
    sandbox_data_dir: Path | None = Field(None, description="the sandbox's state folder")
    sandbox_public_url: str = Field("", description="base of the sandbox's consent entry URLs")
    sandbox_token_ttl: float = Field(3600, gt=0, description="sandbox access-token lifetime, seconds")
    sandbox_refresh_ttl: float = Field(7200, gt=0, description="sandbox refresh-token lifetime, seconds")
    sandbox_approve_after: float = Field(5.0, ge=0, description="seconds before a DSP binding is APPROVED")
    sandbox_error_rate: float = Field(0.0, ge=0, le=1, description="share of sandbox calls answered 500")
    sandbox_rate_limit_rate: float = Field(0.0, ge=0, le=1, description="share answered 429")
    sandbox_retry_after: float = Field(1.0, ge=0, description="Retry-After of the sandbox's 429s, seconds")
    sandbox_latency_ms: float = Field(0.0, ge=0, description="delay added to each sandbox call")
    sandbox_reject_rate: float = Field(
        0.0, ge=0, le=1, description="share of sandbox bindings that end REJECTED"
    )
    sandbox_seed: int = Field(0, description="seed of the sandbox's fault draws")

    @field_validator("stream_api_url", "console_public_url", "sandbox_public_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The environment wins over the secrets table, which `load_settings` passes as init values."""
        return (env_settings, init_settings)

    @property
    def data_dir(self) -> Path:
        """The gitignored folder for the console's local state (records, sandbox database)."""
        return self.console_data_dir or REPO_ROOT / "data"

    @property
    def records_url(self) -> str:
        """DATABASE_URL when configured, else a SQLite file in the console's data folder."""
        return self.database_url.strip() or f"sqlite:///{self.data_dir / 'console.db'}"

    @property
    def sandbox_dir(self) -> Path:
        """Where the sandbox keeps its state: SANDBOX_DATA_DIR, else `sandbox/` in the data folder."""
        return self.sandbox_data_dir or self.data_dir / "sandbox"


def setting_names() -> list[str]:
    """Every setting's name as written in the environment or secrets.toml."""
    return [name.upper() for name in ConsoleSettings.model_fields]


def read_secrets_file(path: Path | None = None) -> dict[str, Any]:
    """The top-level table of secrets.toml ({} when there is none)."""
    path = SECRETS_PATH if path is None else path
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path} is not valid TOML ({exc}): fix it.") from None


def _one_line(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        name = str(error["loc"][0]).upper() if error["loc"] else "a setting"
        message = str(error["msg"]).removeprefix("Value error, ").removeprefix("Input ")
        # A secret is never echoed, nor the password in a URL.
        shown = "" if "SECRET" in name else f" (got {mask_url(str(error['input']))!r})"
        problems.append(f"{name} {message[0].lower()}{message[1:]}{shown}")
    return f"{'; '.join(problems)}: fix it in {WHERE}."


def load_settings(
    secrets: Mapping[str, Any] | None = None, secrets_path: Path | None = None
) -> ConsoleSettings:
    """The settings from the environment, then `secrets` (st.secrets) or else the secrets file."""
    table = dict(secrets) if secrets is not None else read_secrets_file(secrets_path)
    known = set(ConsoleSettings.model_fields)
    # Tables such as [auth] and [roles] belong to lib/access; only top-level scalar settings are read here.
    values = {key.lower(): value for key, value in table.items() if key.lower() in known and value != ""}
    try:
        return ConsoleSettings(**values)
    except ValidationError as exc:
        raise SettingsError(_one_line(exc)) from None
