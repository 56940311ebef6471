"""Everything needed to build a StreamClient, in one validated object (lib.settings reads STREAM_*)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator


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
