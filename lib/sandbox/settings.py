"""Sandbox configuration: data directory, token lifetimes, approval delay and fault knobs."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from lib.settings import ConsoleSettings, load_settings

DEFAULT_DATA_DIR = ConsoleSettings.model_construct().sandbox_dir


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
    unreadable_items: int = 0  # location lists answer with this many items' names null (the rest intact)

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
    # Seconds since the epoch: token expiry, OAuth codes, approvals and pauses all read it, so a test can
    # move time forward instead of sleeping.
    clock: Callable[[], float] = field(default=time.time, repr=False)

    @property
    def db_path(self) -> Path:
        """The SQLite file holding all sandbox state."""
        return Path(self.data_dir) / "sandbox.sqlite3"

    @classmethod
    def from_env(cls, settings: ConsoleSettings | None = None, **overrides: Any) -> SandboxSettings:
        """The SANDBOX_* settings (lib.settings: environment, then secrets.toml), then explicit overrides.

        Overrides may name a FaultSettings knob directly (e.g. ``error_rate=0.5``).
        """
        s = settings or load_settings()
        faults = FaultSettings(
            error_rate=s.sandbox_error_rate,
            rate_limit_rate=s.sandbox_rate_limit_rate,
            retry_after=s.sandbox_retry_after,
            latency_ms=s.sandbox_latency_ms,
            seed=s.sandbox_seed,
            reject_rate=s.sandbox_reject_rate,
        )
        fault_names = {f.name for f in fields(FaultSettings)}
        fault_overrides = {k: overrides.pop(k) for k in list(overrides) if k in fault_names}
        if "faults" in overrides:
            faults = overrides.pop("faults")
        if overrides.get("data_dir", "") is None:
            overrides.pop("data_dir")
        settings_ = cls(
            data_dir=s.sandbox_dir,
            token_ttl=s.sandbox_token_ttl,
            refresh_ttl=s.sandbox_refresh_ttl,
            approve_after_seconds=s.sandbox_approve_after,
            public_url=s.sandbox_public_url or None,
            faults=replace(faults, **fault_overrides),
        )
        result = replace(settings_, **overrides)
        result.data_dir = Path(result.data_dir)
        return result
