"""Everything needed to build a StreamClient, in one validated object."""

from __future__ import annotations

import os
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

ENV_URL = "STREAM_API_URL"
ENV_CLIENT_ID = "STREAM_CLIENT_ID"
ENV_CLIENT_SECRET = "STREAM_CLIENT_SECRET"
ENV_CONNECT_TIMEOUT = "STREAM_CONNECT_TIMEOUT"
ENV_READ_TIMEOUT = "STREAM_READ_TIMEOUT"
ENV_MAX_RETRIES = "STREAM_MAX_RETRIES"


class ClientSettings(BaseModel):
    """Where the API is, the credentials (secret kept as SecretStr), timeouts and retries."""

    model_config = ConfigDict(frozen=True)

    base_url: str
    client_id: str = Field(min_length=1)
    client_secret: SecretStr
    connect_timeout: float = Field(default=5.0, gt=0)
    read_timeout: float = Field(default=30.0, gt=0)
    max_retries: int = Field(default=2, ge=0, le=10)
    scopes: tuple[str, ...] = ("onboarding",)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("base_url must start with http:// or https://")
        return value

    @field_validator("client_secret")
    @classmethod
    def _non_empty_secret(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value():
            raise ValueError("client_secret must not be empty")
        return value

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> ClientSettings | None:
        """Settings from STREAM_* keys (the environment, or st.secrets merged in); None when no URL is set."""
        url = str(values.get(ENV_URL) or "").strip()
        if not url:
            return None
        optional = {
            "connect_timeout": values.get(ENV_CONNECT_TIMEOUT),
            "read_timeout": values.get(ENV_READ_TIMEOUT),
            "max_retries": values.get(ENV_MAX_RETRIES),
        }
        return cls(
            base_url=url,
            client_id=str(values.get(ENV_CLIENT_ID) or ""),
            client_secret=SecretStr(str(values.get(ENV_CLIENT_SECRET) or "")),
            **{key: value for key, value in optional.items() if value not in (None, "")},
        )

    @classmethod
    def from_env(cls) -> ClientSettings | None:
        """Settings from the process environment; None when STREAM_API_URL is unset."""
        return cls.from_mapping(os.environ)
