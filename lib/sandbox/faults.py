"""Fault injection for /oauth and /onboarding: error and 429 rates, latency, scripted failures."""

from __future__ import annotations

import asyncio
import json
import random
import re
import threading
from dataclasses import fields, replace
from typing import Any

from fastapi import FastAPI, Request
from starlette.responses import Response

from .errors import ApiError, error_response
from .settings import FaultSettings

FAULTY_PREFIXES = ("/oauth", "/onboarding")
ORG_LOCATIONS = re.compile(r"^/onboarding/org/([^/]+)/locations/?$")
LISTINGS = re.compile(r"^/onboarding/(org/[^/]+/)?locations/?$")
BROKEN_JSON = b'{"locations": [{"_id": "truncated", "name": "Broken'


class FaultState:
    """The live fault knobs, changed through /sandbox/faults; counters are consumed atomically."""

    def __init__(self, initial: FaultSettings) -> None:
        self._initial = replace(initial, fail_org_ids=list(initial.fail_org_ids))
        self._lock = threading.Lock()
        self.knobs = replace(self._initial, fail_org_ids=list(self._initial.fail_org_ids))
        self._rng = random.Random(self.knobs.seed)

    def snapshot(self) -> dict[str, Any]:
        """The knobs as JSON."""
        with self._lock:
            return self.knobs.to_dict()

    def update(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Apply a partial update (validated); returns the new knobs."""
        names = {f.name for f in fields(FaultSettings)}
        unknown = sorted(set(changes) - names)
        details = [{"field": k, "message": "is not a fault knob"} for k in unknown]
        clean: dict[str, Any] = {}
        for key, value in changes.items():
            if key in unknown:
                continue
            try:
                clean[key] = _coerce(key, value)
            except (TypeError, ValueError) as exc:
                details.append({"field": key, "message": str(exc)})
        if details:
            raise ApiError(
                422,
                "Invalid fault knobs: " + "; ".join(f"{d['field']} {d['message']}" for d in details) + ".",
                details,
            )
        with self._lock:
            self.knobs = replace(self.knobs, **clean)
            if "seed" in clean:
                self._rng = random.Random(self.knobs.seed)
            return self.knobs.to_dict()

    def reset(self) -> dict[str, Any]:
        """Back to the settings the sandbox started with."""
        with self._lock:
            self.knobs = replace(self._initial, fail_org_ids=list(self._initial.fail_org_ids))
            self._rng = random.Random(self.knobs.seed)
            return self.knobs.to_dict()

    def decide(self, method: str, path: str) -> tuple[float, str | None]:
        """(latency seconds, fault to apply or None) for one request."""
        with self._lock:
            k = self.knobs
            latency = max(0.0, k.latency_ms) / 1000
            if k.fail_next > 0 and (k.fail_path is None or path.startswith(k.fail_path)):
                self.knobs = replace(k, fail_next=k.fail_next - 1)
                return latency, "fail_after" if k.fail_after_processing else "fail"
            if k.malformed_next > 0 and (k.malformed_path is None or path.startswith(k.malformed_path)):
                self.knobs = replace(k, malformed_next=k.malformed_next - 1)
                return latency, "malformed"
            match = ORG_LOCATIONS.match(path)
            if method == "GET" and match and match.group(1) in k.fail_org_ids:
                return latency, "org_fail"
            # Always draw both numbers so one knob does not shift the other's sequence.
            draw_429, draw_5xx = self._rng.random(), self._rng.random()
            if draw_429 < k.rate_limit_rate:
                return latency, "rate_limit"
            if draw_5xx < k.error_rate:
                return latency, "error"
            return latency, None


def _coerce(key: str, value: Any) -> Any:
    if key in ("error_rate", "rate_limit_rate", "reject_rate"):
        number = float(value)
        if not 0 <= number <= 1:
            raise ValueError("must be between 0 and 1")
        return number
    if key in ("retry_after", "latency_ms"):
        number = float(value)
        if number < 0:
            raise ValueError("must not be negative")
        return number
    if key in ("fail_next", "malformed_next", "seed", "unreadable_items"):
        if isinstance(value, bool) or int(value) != value:
            raise ValueError("must be an integer")
        if int(value) < 0 and key != "seed":
            raise ValueError("must not be negative")
        return int(value)
    if key in ("fail_path", "malformed_path"):
        if value is not None and not isinstance(value, str):
            raise ValueError("must be a path prefix or null")
        return value or None
    if key == "fail_after_processing":
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value
    if key == "fail_org_ids":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("must be a list of org ids")
        return list(value)
    raise ValueError("is not a fault knob")


def _retry_after(seconds: float) -> str:
    # Retry-After takes whole seconds; round up so a client never comes back early.
    whole = int(seconds) if float(seconds).is_integer() else int(seconds) + 1
    return str(max(0, whole))


async def _with_unreadable_items(response: Any, count: int) -> Response:
    """The listing with the first `count` items' names null: what a client must survive item by item."""
    raw = b"".join([chunk async for chunk in response.body_iterator])
    if response.status_code != 200:
        return Response(raw, status_code=response.status_code, headers=dict(response.headers))
    body = json.loads(raw)
    for item in body.get("locations", [])[:count]:
        item["name"] = None
    return Response(json.dumps(body).encode(), status_code=200, media_type="application/json")


def install_fault_middleware(app: FastAPI, state: FaultState) -> None:
    """Apply the knobs to /oauth and /onboarding requests only."""

    @app.middleware("http")
    async def _faults(request: Request, call_next: Any) -> Response:
        path = request.url.path
        if not path.startswith(FAULTY_PREFIXES):
            return await call_next(request)
        latency, fault = state.decide(request.method, path)
        if latency:
            await asyncio.sleep(latency)
        if fault is None:
            unreadable = state.knobs.unreadable_items
            if unreadable and request.method == "GET" and LISTINGS.match(path):
                return await _with_unreadable_items(await call_next(request), unreadable)
            return await call_next(request)
        if fault == "fail_after":
            # The request takes effect, then the answer is lost: a client must not repeat unsafe calls.
            await call_next(request)
            return error_response(
                503, "Sandbox fault: the service is unavailable (fail_next, after processing)."
            )
        if fault == "fail":
            return error_response(503, "Sandbox fault: the service is unavailable (fail_next).")
        if fault == "malformed":
            return Response(BROKEN_JSON, status_code=200, media_type="application/json")
        if fault == "org_fail":
            return error_response(
                500, "Sandbox fault: this organization's locations failed to load (fail_org_ids)."
            )
        if fault == "rate_limit":
            seconds = state.snapshot()["retry_after"]
            headers = {"Retry-After": _retry_after(seconds), "Retry-After-Ms": str(round(seconds * 1000))}
            return error_response(429, "Too many requests: slow down and retry later.", headers=headers)
        return error_response(500, "Sandbox fault: internal server error (error_rate).")
