"""Everything needed to build a StreamClient, in one validated object (lib.settings reads STREAM_*)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from lib.stream.guard import DEFAULT_DEADLINE, DEFAULT_MAX_BODY_BYTES


class ClientSettings(BaseModel):
    """Where the API is, the credentials (secret kept as SecretStr), timeouts and retries."""

    model_config = ConfigDict(frozen=True)

    base_url: str
    client_id: str = Field(min_length=1)
    client_secret: SecretStr
    connect_timeout: float = Field(default=5.0, gt=0)
    read_timeout: float = Field(default=30.0, gt=0)
    max_retries: int = Field(default=2, ge=0, le=10)
    # One call, retries and a token renewal included, ends within call_deadline seconds; a body larger than
    # max_body_bytes (after decompression) is refused rather than read.
    call_deadline: float = Field(default=DEFAULT_DEADLINE, gt=0)
    max_body_bytes: int = Field(default=DEFAULT_MAX_BODY_BYTES, ge=1024)
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
