"""Bind confirmed pairs in batches with a per-pair outcome, and the audit entry that records it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from lib.binding.check import PlannedPair
from lib.numbers import part
from lib.store import LOCATIONS_BOUND, Records, WrongOrgError
from lib.stream.errors import ConflictError, NotFoundError, StreamError, ValidationError
from lib.stream.models import BindPair, BindResponse

DEFAULT_BATCH_SIZE = 100
_FAILED_STATUSES = frozenset({"error", "failed", "failure"})
UNKNOWN_OUTCOME = (
    "Outcome unknown: re-read. The API accepted the request but its answer does not say what happened to "
    "this pair; reading the org's bindings again settles it."
)
BY_SOMEONE_ELSE = "bound by someone else"  # the status of a pair not sent because someone else bound it
UNKNOWN_SETTLED_NOT_BOUND = (
    "Not bound: the API's answer did not say what happened, and reading the bindings again shows this "
    "location is not bound to this store. Retry it."
)
NOT_SENT = "Not sent: the bind was stopped before this pair's batch. Bind it again when you are ready."


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
    unknown: bool = False  # the API answered 2xx without saying what happened to this pair
    request_id: str | None = None  # the API's id of the request that failed this pair, when it sent one

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
        """Pairs that were not bound, or not known to be (to retry)."""
        return [o for o in self.outcomes if not o.ok]

    @property
    def unknown(self) -> list[PairOutcome]:
        """Pairs whose outcome the API's answer did not give (settle them by reading the bindings)."""
        return [o for o in self.outcomes if o.unknown]


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
    org_id: str | None = None,
    records: Records | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: ProgressFn | None = None,
    should_stop: Callable[[], bool] | None = None,
    run: BindRun | None = None,
) -> BindRun:
    """POST the pairs in batches; a failed batch fails its pairs and the next batch still goes.

    `should_stop` is asked between batches: when it says so, the remaining pairs are not sent (outcome
    "not sent"). A batch answered 2xx that does not name a pair leaves that pair's outcome unknown.
    Outcomes are added to `run` (a new BindRun by default) as each batch ends, so a caller interrupted
    between batches still knows what was sent.

    org_id is the org the page shows: with `records`, nothing is sent (lib.store.WrongOrgError) when the
    DSP onboarding is another org's in the records.

    A batch the API rejects as a whole for one bad pair (400/409) is split until the bad pair is alone,
    so every other pair still gets bound and the failure names the right pair. Other errors (5xx,
    network) fail the whole batch without splitting: the client has already retried it.
    """
    if records is not None and org_id is not None:
        records.onboarding_in_org(onboarding_id, org_id)
    run = BindRun() if run is None else run
    total = len(pairs)
    if on_progress:
        on_progress(0, total)
    for batch in plan_batches(pairs, batch_size):
        if should_stop is not None and should_stop():
            run.outcomes.extend(_failure(p, NOT_SENT) for p in batch)
            continue
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
    except StreamError as exc:
        if not _refuses_pairs(exc):
            run.outcomes.extend(_failure(p, exc.user_message, exc.request_id) for p in batch)
        elif len(batch) > 1:  # halves isolate the refused pairs; the others are bound
            half = len(batch) // 2
            _bind_batch(client, onboarding_id, batch[:half], run)
            _bind_batch(client, onboarding_id, batch[half:], run)
        else:
            run.outcomes.append(_failure(batch[0], exc.user_message, exc.request_id))
        return
    answered = {r.pos_location_id: r for r in response.locations}
    for pair in batch:
        result = answered.get(pair.pos_location_id)
        if result is None:  # null, {}, 204 or a list without this pair: the API did not say
            run.outcomes.append(
                PairOutcome(pair.pos_location_id, pair.dsp_provider_id, False, None, UNKNOWN_OUTCOME, True)
            )
            continue
        status = result.status
        if status is not None and status.strip().lower() in _FAILED_STATUSES:
            message = result.message or f"The API answered status {status}."
            run.outcomes.append(_failure(pair, message))
        else:
            run.outcomes.append(PairOutcome(pair.pos_location_id, pair.dsp_provider_id, True, status))


def _refuses_pairs(exc: StreamError) -> bool:
    """Whether the API refused some of the request's pairs rather than the request as a whole."""
    if isinstance(exc, ValidationError | ConflictError):
        return True
    # An unknown location or store is a 404 naming the pair's field; an unknown onboarding names none.
    return isinstance(exc, NotFoundError) and any(d.field.startswith("locations") for d in exc.details)


def not_sent(pairs: Sequence[PlannedPair], run: BindRun) -> list[PairOutcome]:
    """Outcomes for the pairs that have none in `run` yet: the bind ended before their batch."""
    done = {o.pos_location_id for o in run.outcomes}
    return [_failure(p, NOT_SENT) for p in pairs if p.pos_location_id not in done]


def outcome_word(outcome: Mapping[str, Any]) -> str:
    """What happened to one pair (a PairOutcome.to_dict()): "bound", "unknown", "not sent" or "failed"."""
    if outcome["ok"]:
        return "bound"
    if outcome.get("unknown"):
        return "unknown"
    return "not sent" if outcome["message"] == NOT_SENT else "failed"


def _failure(pair: PlannedPair, message: str, request_id: str | None = None) -> PairOutcome:
    return PairOutcome(
        pair.pos_location_id, pair.dsp_provider_id, False, None, message, request_id=request_id
    )


@dataclass(frozen=True)
class AuditPayload:
    """Arguments for Records.audit(actor, LOCATIONS_BOUND, org_id, request, outcome, detail, error)."""

    request: dict[str, Any]
    outcome: str
    detail: dict[str, Any]
    error: str | None
    request_id: str | None = None  # of the first failed request that had one


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
            if o.status != BY_SOMEONE_ELSE
        ],
        "bound_by_someone_else": [
            {"pos_location_id": o.pos_location_id, "dsp_provider_id": o.dsp_provider_id}
            for o in run.outcomes
            if o.status == BY_SOMEONE_ELSE
        ],
        "failed": [
            {
                "pos_location_id": o.pos_location_id,
                "dsp_provider_id": o.dsp_provider_id,
                "message": o.message,
                **({"request_id": o.request_id} if o.request_id else {}),
            }
            for o in failed
        ],
        "unknown": [
            {"pos_location_id": o.pos_location_id, "dsp_provider_id": o.dsp_provider_id} for o in run.unknown
        ],
    }
    error = None
    if failed:
        error = f"{part(len(failed), len(run.outcomes), 'pair')} were not bound: {failed[0].message}"
    request_id = next((o.request_id for o in failed if o.request_id), None)
    return AuditPayload(
        request=request,
        outcome="error" if failed else "ok",
        detail=detail,
        error=error,
        request_id=request_id,
    )


def bind_and_audit(
    client: Binder,
    records: Records,
    actor: str,
    org_id: str,
    onboarding_id: str,
    dsp_source: str,
    pairs: Sequence[PlannedPair],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: ProgressFn | None = None,
    retry: bool = False,
    run: BindRun | None = None,
    read_back: Callable[[], Mapping[str, str] | None] | None = None,
    told: Sequence[PairOutcome] = (),
    planned: Sequence[PlannedPair] | None = None,
) -> BindRun:
    """Bind the confirmed pairs and write their one audit entry (who confirmed, every pair, the results).

    The bind use case: the Bind screen calls it, and so can a notebook or CLI with the same audit. The audit
    is written even when the caller interrupts between batches (an exception from on_progress): pairs not
    sent say so. `read_back` re-reads the bindings afterwards (POS id -> store, None when unreadable) to
    settle pairs whose outcome the API's answer left unknown; `told` are outcomes of pairs not sent because
    someone else bound them, and `planned` every pair the person confirmed (default: `pairs`). org_id is
    the org the page shows: WrongOrgError (audited, nothing sent) when the DSP onboarding is another org's.
    """
    try:
        records.onboarding_in_org(onboarding_id, org_id)
    except WrongOrgError as exc:
        asked = {
            "onboarding_id": onboarding_id,
            "dsp_source": dsp_source,
            "retry": retry,
            "pairs": len(pairs),
        }
        records.audit_failure(actor, LOCATIONS_BOUND, org_id, asked, exc)
        raise
    run = BindRun() if run is None else run
    try:
        bind_pairs(
            client,
            onboarding_id,
            pairs,
            org_id=org_id,
            records=records,
            batch_size=batch_size,
            on_progress=on_progress,
            run=run,
        )
    finally:
        run.outcomes.extend(not_sent(pairs, run))
        current = read_back() if read_back is not None else None
        if current is not None:
            settle_unknown(run, current)
        run.outcomes.extend(told)
        payload = audit_payload(onboarding_id, dsp_source, planned or pairs, run, actor, retry=retry)
        records.audit(
            actor,
            LOCATIONS_BOUND,
            org_id,
            payload.request,
            payload.outcome,
            payload.detail,
            payload.error,
            request_id=payload.request_id,
        )
    return run


def settle_unknown(run: BindRun, current: Mapping[str, str]) -> int:
    """Decide the pairs whose outcome the API's answer left unknown from the bindings read afterwards.

    Returns how many were settled; a pair bound as planned is bound, any other is not.
    """
    settled = 0
    for i, outcome in enumerate(run.outcomes):
        if not outcome.unknown:
            continue
        bound = current.get(outcome.pos_location_id) == outcome.dsp_provider_id
        run.outcomes[i] = PairOutcome(
            outcome.pos_location_id,
            outcome.dsp_provider_id,
            bound,
            "bound (read back)" if bound else None,
            None if bound else UNKNOWN_SETTLED_NOT_BOUND,
        )
        settled += 1
    return settled
