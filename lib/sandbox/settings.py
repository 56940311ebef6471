"""Sandbox configuration: data directory, token lifetimes, approval delay and fault knobs."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = REPO_ROOT / "data" / "sandbox"


@dataclass
class FaultSettings:
    """Fault knobs applied to /oauth and /onboarding requests (never to /sandbox/*)."""

    error_rate: float = 0.0  # share of requests answered 500
    rate_limit_rate: float = 0.0  # share of requests answered 429 with Retry-After
    retry_after: float = 1.0  # seconds, sent in the Retry-After header of 429s
    latency_ms: float = 0.0  # added to every matching request
    fail_next: int = 0  # the next N matching requests answer 503
    fail_path: str | None = None  # path prefix fail_next applies to; None = any
    fail_after_processing: bool = False  # fail_next answers 503 only after the request took effect
    fail_org_ids: list[str] = field(default_factory=list)  # GET org locations answers 500 for these
    malformed_next: int = 0  # the next N matching requests answer 200 with broken JSON
    malformed_path: str | None = None  # path prefix malformed_next applies to; None = any
    seed: int = 0  # seed of the RNG drawing error_rate / rate_limit_rate
    reject_rate: float = 0.0  # share of bindings that end REJECTED instead of APPROVED (stable per store)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict of every knob."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class SandboxSettings:
    """Everything that shapes one sandbox instance."""

    data_dir: Path = DEFAULT_DATA_DIR
    token_ttl: float = 3600
    refresh_ttl: float = 7200
    approve_after_seconds: float = 5.0
    code_ttl: float = 600  # lifetime of a one-time OAuth code
    public_url: str | None = None  # base of consent entry_urls; None = the URL the request came in on
    faults: FaultSettings = field(default_factory=FaultSettings)

    @property
    def db_path(self) -> Path:
        """The SQLite file holding all sandbox state."""
        return Path(self.data_dir) / "sandbox.sqlite3"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: Any) -> SandboxSettings:
        """Defaults, then SANDBOX_* environment variables, then explicit overrides.

        Overrides may name a FaultSettings knob directly (e.g. ``error_rate=0.5``).
        """
        env = dict(os.environ if env is None else env)
        settings = cls()
        faults = FaultSettings()
        if env.get("SANDBOX_DATA_DIR"):
            settings.data_dir = Path(env["SANDBOX_DATA_DIR"])
        if env.get("SANDBOX_PUBLIC_URL"):
            settings.public_url = env["SANDBOX_PUBLIC_URL"]
        for name, attr in (
            ("SANDBOX_TOKEN_TTL", "token_ttl"),
            ("SANDBOX_REFRESH_TTL", "refresh_ttl"),
            ("SANDBOX_APPROVE_AFTER", "approve_after_seconds"),
        ):
            if env.get(name):
                setattr(settings, attr, float(env[name]))
        for name, attr in (
            ("SANDBOX_ERROR_RATE", "error_rate"),
            ("SANDBOX_RATE_LIMIT_RATE", "rate_limit_rate"),
            ("SANDBOX_RETRY_AFTER", "retry_after"),
            ("SANDBOX_LATENCY_MS", "latency_ms"),
            ("SANDBOX_REJECT_RATE", "reject_rate"),
        ):
            if env.get(name):
                setattr(faults, attr, float(env[name]))
        if env.get("SANDBOX_SEED"):
            faults.seed = int(env["SANDBOX_SEED"])
        fault_names = {f.name for f in fields(FaultSettings)}
        fault_overrides = {k: overrides.pop(k) for k in list(overrides) if k in fault_names}
        if "faults" in overrides:
            faults = overrides.pop("faults")
        faults = replace(faults, **fault_overrides)
        if "data_dir" in overrides and overrides["data_dir"] is None:
            overrides.pop("data_dir")
        settings = replace(settings, faults=faults, **overrides)
        settings.data_dir = Path(settings.data_dir)
        return settings
