"""The watcher's settings: alert rules and webhooks from `[watch]` in .streamlit/secrets.toml."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

WEBHOOK_FORMATS = ("slack", "json")


@dataclass(frozen=True)
class Rules:
    """Alert rules; a threshold of 0 (or false) turns that rule off."""

    integration_deprovisioned: bool = True
    dsp_rejected_or_paused: bool = True
    waiting_for_oauth_hours: float = 24
    dsp_pending_days: float = 3
    unbound_days: float = 1


@dataclass(frozen=True)
class Webhook:
    """Where alerts go; the URL is a credential (Slack's holds its token): never shown or stored."""

    name: str
    url: str = field(repr=False)
    format: str = "slack"


@dataclass(frozen=True)
class WatchSettings:
    """Everything a watcher pass needs besides the API and the records."""

    rules: Rules = field(default_factory=Rules)
    webhooks: tuple[Webhook, ...] = ()
    max_in_flight: int = 8
    public_url: str = ""  # the console's address, for links in alerts
    delivery_attempts: int = 3  # per pass, with back-off between them
    max_delivery_attempts: int = 30  # over all passes, then the delivery stays failed


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool):
        return 0.0 if not value else 1.0
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"[watch.rules] {what} must be a number (got {value!r})") from None
    if number < 0:
        raise ValueError(f"[watch.rules] {what} must not be negative (got {value!r})")
    return number


def watch_settings(secrets: Mapping[str, Any], public_url: str = "") -> WatchSettings:
    """Settings from the `[watch]` table of secrets.toml (or st.secrets); ValueError names a bad entry.

    public_url: the console's address (ConsoleSettings.console_public_url), for links in alerts.
    """
    section = secrets.get("watch") or {}
    rules_in = section.get("rules") or {}
    defaults = Rules()
    unknown = set(rules_in) - set(Rules.__dataclass_fields__)
    if unknown:
        raise ValueError(f"[watch.rules] has unknown settings: {', '.join(sorted(unknown))}")
    rules = Rules(
        integration_deprovisioned=bool(rules_in.get("integration_deprovisioned", True)),
        dsp_rejected_or_paused=bool(rules_in.get("dsp_rejected_or_paused", True)),
        **{
            key: _number(rules_in.get(key, getattr(defaults, key)), key)
            for key in ("waiting_for_oauth_hours", "dsp_pending_days", "unbound_days")
        },
    )
    hooks: list[Webhook] = []
    for i, hook in enumerate(section.get("webhooks") or [], start=1):
        url = str(hook.get("url") or "").strip()
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"[[watch.webhooks]] number {i} needs a url starting with http:// or https://")
        fmt = str(hook.get("format") or "slack").lower()
        if fmt not in WEBHOOK_FORMATS:
            raise ValueError(f"[[watch.webhooks]] number {i}: format must be slack or json (got {fmt!r})")
        hooks.append(Webhook(str(hook.get("name") or f"webhook-{i}"), url, fmt))
    names = [h.name for h in hooks]
    if len(set(names)) != len(names):
        raise ValueError("[[watch.webhooks]] names must differ: each one's deliveries are recorded by name")
    return WatchSettings(
        rules=rules,
        webhooks=tuple(hooks),
        max_in_flight=int(section.get("max_in_flight", 8)),
        public_url=public_url.rstrip("/"),
    )


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_every(text: str) -> timedelta:
    """'15m', '1h', '90s' or '900' (seconds) as a timedelta; ValueError with the accepted forms."""
    match = _DURATION.match(text or "")
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"--every takes a duration such as 90s, 15m, 1h or 1d (got {text!r})")
    return timedelta(seconds=float(match.group(1)) * _UNIT[match.group(2)])
