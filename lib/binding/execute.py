"""Bind confirmed pairs in batches with a per-pair outcome, and the audit entry that records it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from lib.binding.check import PlannedPair
from lib.store import LOCATIONS_BOUND, Records
from lib.stream.errors import ConflictError, StreamError, ValidationError
from lib.stream.models import BindPair, BindResponse

DEFAULT_BATCH_SIZE = 100
_FAILED_STATUSES = frozenset({"error", "failed", "failure"})


class Binder(Protocol):
    """What binding needs from the API client (StreamClient has it)."""

    def bind_locations(self, onboarding_id: str, pairs: Sequence[BindPair]) -> BindResponse: ...


@dataclass(frozen=True)
class PairOutcome:
    """What happened to one pair."""

    pos_location_id: str
    dsp_provider_id: str
    ok: bool
    status: str | None = None  # the DSP status the API answered (PENDING, APPROVED, ...)
    message: str | None = None  # why it failed, as a sentence

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return asdict(self)


@dataclass
class BindRun:
    """All outcomes of one confirmed bind, in the order the pairs were sent."""

    outcomes: list[PairOutcome] = field(default_factory=list)
    requests: int = 0

    @property
    def succeeded(self) -> list[PairOutcome]:
        """Pairs the API bound."""
        return [o for o in self.outcomes if o.ok]

    @property
    def failed(self) -> list[PairOutcome]:
        """Pairs that were not bound (to retry)."""
        return [o for o in self.outcomes if not o.ok]


ProgressFn = Callable[[int, int], None]


def plan_batches(
    pairs: Sequence[PlannedPair], batch_size: int = DEFAULT_BATCH_SIZE
) -> list[list[PlannedPair]]:
    """Consecutive chunks of at most batch_size pairs; a new wave always starts a new batch."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    batches: list[list[PlannedPair]] = []
    for pair in sorted(pairs, key=lambda p: p.wave):  # stable: keeps flagged-first inside a wave
        if not batches or len(batches[-1]) >= batch_size or batches[-1][-1].wave != pair.wave:
            batches.append([])
        batches[-1].append(pair)
    return batches


def bind_pairs(
    client: Binder,
    onboarding_id: str,
    pairs: Sequence[PlannedPair],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: ProgressFn | None = None,
) -> BindRun:
    """POST the pairs in batches; a failed batch fails its pairs and the next batch still goes.

    A batch the API rejects as a whole for one bad pair (400/409) is split until the bad pair is alone,
    so every other pair still gets bound and the failure names the right pair. Other errors (5xx,
    network) fail the whole batch without splitting: the client has already retried it.
    """
    run = BindRun()
    total = len(pairs)
    if on_progress:
        on_progress(0, total)
    for batch in plan_batches(pairs, batch_size):
        _bind_batch(client, onboarding_id, batch, run)
        if on_progress:
            on_progress(len(run.outcomes), total)
    return run


def _bind_batch(client: Binder, onboarding_id: str, batch: list[PlannedPair], run: BindRun) -> None:
    body = [
        BindPair(
            pos_location_id=p.pos_location_id,
            dsp_provider_id=p.dsp_provider_id,
            dsp_store_name=p.dsp_store_name,
        )
        for p in batch
    ]
    run.requests += 1
    try:
        response = client.bind_locations(onboarding_id, body)
    except (ValidationError, ConflictError) as exc:
        if len(batch) > 1:
            half = len(batch) // 2
            _bind_batch(client, onboarding_id, batch[:half], run)
            _bind_batch(client, onboarding_id, batch[half:], run)
            return
        run.outcomes.append(_failure(batch[0], exc.user_message))
        return
    except StreamError as exc:
        run.outcomes.extend(_failure(p, exc.user_message) for p in batch)
        return
    answered = {r.pos_location_id: r for r in response.locations}
    for pair in batch:
        result = answered.get(pair.pos_location_id)
        status = result.status if result is not None else None
        if status is not None and status.strip().lower() in _FAILED_STATUSES:
            message = (result.message if result is not None else None) or f"The API answered status {status}."
            run.outcomes.append(_failure(pair, message))
        else:
            run.outcomes.append(PairOutcome(pair.pos_location_id, pair.dsp_provider_id, True, status))


def _failure(pair: PlannedPair, message: str) -> PairOutcome:
    return PairOutcome(pair.pos_location_id, pair.dsp_provider_id, False, None, message)


@dataclass(frozen=True)
class AuditPayload:
    """Arguments for Records.audit(actor, LOCATIONS_BOUND, org_id, request, outcome, detail, error)."""

    request: dict[str, Any]
    outcome: str
    detail: dict[str, Any]
    error: str | None


def audit_payload(
    onboarding_id: str,
    dsp_source: str,
    pairs: Sequence[PlannedPair],
    run: BindRun,
    confirmed_by: str,
    *,
    retry: bool = False,
) -> AuditPayload:
    """The audit entry of one confirmed bind: every pair with its score and band, who confirmed, results."""
    failed = run.failed
    request = {
        "onboarding_id": onboarding_id,
        "dsp_source": dsp_source,
        "confirmed_by": confirmed_by,
        "retry": retry,
        "pairs": [
            {
                "pos_location_id": p.pos_location_id,
                "pos_name": p.pos_name,
                "dsp_provider_id": p.dsp_provider_id,
                "dsp_store_name": p.dsp_store_name,
                "score": p.score,
                "band": p.band,
                "flagged": p.flagged,
                "flag": p.flag,
                "changed": p.changed,
                "proposed_dsp_provider_id": p.proposed,
                "proposed_store_name": p.proposed_name,
                "replaces": p.replaces,
            }
            for p in pairs
        ],
    }
    detail = {
        "confirmed_by": confirmed_by,
        "requests": run.requests,
        "bound": [
            {"pos_location_id": o.pos_location_id, "dsp_provider_id": o.dsp_provider_id, "status": o.status}
            for o in run.succeeded
        ],
        "failed": [
            {"pos_location_id": o.pos_location_id, "dsp_provider_id": o.dsp_provider_id, "message": o.message}
            for o in failed
        ],
    }
    error = None
    if failed:
        error = f"{len(failed)} of {len(run.outcomes)} pairs were not bound: {failed[0].message}"
    return AuditPayload(request=request, outcome="error" if failed else "ok", detail=detail, error=error)


def bind_and_audit(
    client: Binder,
    records: Records,
    actor: str,
    org_id: str | None,
    onboarding_id: str,
    dsp_source: str,
    pairs: Sequence[PlannedPair],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: ProgressFn | None = None,
    retry: bool = False,
) -> BindRun:
    """Bind the confirmed pairs and write their one audit entry (who confirmed, every pair, the results).

    The bind use case: the Bind screen calls it, and so can a notebook or CLI with the same audit.
    """
    run = bind_pairs(client, onboarding_id, pairs, batch_size=batch_size, on_progress=on_progress)
    payload = audit_payload(onboarding_id, dsp_source, pairs, run, actor, retry=retry)
    records.audit(
        actor, LOCATIONS_BOUND, org_id, payload.request, payload.outcome, payload.detail, payload.error
    )
    return run
