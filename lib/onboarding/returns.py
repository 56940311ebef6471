"""The OAuth return_url: where it points, and reading what the provider appends on the way back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

# Streamlit serves pages/3_Integrations.py at /Integrations (the number prefix is dropped).
INTEGRATIONS_PATH = "Integrations"
CALLBACK_KEYS = ("state", "code", "error", "error_description")


def base_url(context_url: str | None, page_path: str | None = None, fallback_port: int = 8501) -> str:
    """The console's root URL from the browser's URL (minus the current page), else localhost:port."""
    if not context_url:
        return f"http://localhost:{fallback_port}"
    parts = urlsplit(context_url)
    path = parts.path.rstrip("/")
    if page_path and path.endswith("/" + page_path.strip("/")):
        path = path[: -len(page_path.strip("/")) - 1]
    return urlunsplit((parts.scheme, parts.netloc, path, "", "")).rstrip("/")


def public_base_url(
    override: str | None, context_url: str | None, page_path: str | None = None, fallback_port: int = 8501
) -> str:
    """CONSOLE_PUBLIC_URL when set (a proxy or a tunnel in front), else the URL the browser is using."""
    if override and override.strip():
        return override.strip().rstrip("/")
    return base_url(context_url, page_path, fallback_port)


def build_return_url(console_base: str, state: str, org_id: str | None = None) -> str:
    """The Integrations page of this console, carrying the org it is for (?org=) and the one-time state."""
    query = ({"org": org_id} if org_id else {}) | {"state": state}
    return f"{console_base.rstrip('/')}/{INTEGRATIONS_PATH}?{urlencode(query)}"


@dataclass(frozen=True)
class Callback:
    """What the provider put on the return_url: the state, and a code or an error."""

    state: str | None
    code: str | None
    error: str | None
    error_description: str | None

    @property
    def denied(self) -> bool:
        """The person refused consent (or the provider reported another error)."""
        return bool(self.error)


def _one(value: str | list[str] | None) -> str | None:
    if isinstance(value, list):
        value = value[-1] if value else None
    value = (value or "").strip()
    return value or None


def parse_callback(params: Mapping[str, str | list[str]]) -> Callback | None:
    """The OAuth callback in the query parameters, or None when the page was opened normally."""
    values = {k: _one(params.get(k)) for k in CALLBACK_KEYS}
    if not (values["state"] or values["code"] or values["error"]):
        return None
    return Callback(**values)
