"""Changes a person makes from the screens: each calls the API, updates the records, writes the audit log."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from lib.numbers import count
from lib.onboarding.forms import OrgForm
from lib.onboarding.locations import IngestRun, ingest_in_batches
from lib.onboarding.returns import build_return_url
from lib.onboarding.sources import ABANDONED
from lib.store import (
    CODE_EXCHANGED,
    INTEGRATION_ABANDONED,
    INTEGRATION_STARTED,
    LOCATIONS_INGESTED,
    MASK,
    ORG_ADDED,
    ORG_CREATED,
    OnboardingRecord,
    OrgRecord,
    Records,
    WrongOrgError,
)
from lib.stream.client import StreamClient
from lib.stream.errors import StreamError
from lib.stream.models import CreateIntegrationRequest, CreateOrgRequest


def _status(value: object) -> str:
    """An API status (enum or text) as plain text."""
    return str(getattr(value, "value", value) or "")


def mask_state(url: str) -> str:
    """The return_url with its one-time state masked, for the audit log."""
    parts = urlsplit(url)
    query = [(k, MASK if k == "state" else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit(parts._replace(query=urlencode(query, safe="*")))


def create_org(client: StreamClient, records: Records, actor: str, form: OrgForm) -> OrgRecord:
    """Create the org at the API and remember it; StreamError (audited) when the API refuses."""
    request = form.request()
    try:
        created = client.create_org(CreateOrgRequest.model_validate(request))
    except StreamError as exc:
        records.audit_failure(actor, ORG_CREATED, None, request, exc)
        raise
    org = records.add_org(created.org_id, form.name, form.provider_id, form.email, actor, source="created")
    records.audit(actor, ORG_CREATED, created.org_id, request, "ok", detail={"user_id": created.user_id})
    return org


def add_existing_org(
    client: StreamClient, records: Records, actor: str, org_id: str
) -> tuple[OrgRecord, int]:
    """Check the org exists at the API (its locations answer) and remember it, with its location count."""
    org_id = org_id.strip()
    request = {"org_id": org_id}
    try:
        locations = client.org_locations(org_id)
    except StreamError as exc:
        records.audit_failure(actor, ORG_ADDED, org_id, request, exc)
        raise
    org = records.add_org(org_id, None, None, None, actor, source="added")
    records.audit(actor, ORG_ADDED, org_id, request, "ok", detail={"locations": len(locations)})
    return org, len(locations)


def start_integration(
    client: StreamClient,
    records: Records,
    actor: str,
    org_id: str,
    type: str,
    source: str,
    console_base: str,
    state_ttl_seconds: float = 1800,
    *,
    restarting: OnboardingRecord | None = None,
) -> OnboardingRecord:
    """Start a POS or DSP integration for org_id (the org the page shows), its return_url carrying the org
    and a fresh one-time state linked to it.

    `restarting` is the integration being started again; WrongOrgError (audited) when it, or org_id
    itself, is not this org's as the records know it.
    """
    request: dict[str, Any] = {"org_id": org_id, "source": source, "type": type}
    try:
        if records.get_org(org_id) is None:
            raise WrongOrgError(
                f"Organization {org_id} is not one the console knows, so nothing was started: add it on "
                "the Organizations page first."
            )
        if restarting is not None:
            records.onboarding_in_org(restarting.onboarding_id, org_id)
    except WrongOrgError as exc:
        records.audit_failure(actor, INTEGRATION_STARTED, org_id, request, exc)
        raise
    state = records.new_oauth_state(None, org_id, actor, ttl_seconds=state_ttl_seconds)
    return_url = build_return_url(console_base, state, org_id)
    request["return_url"] = return_url
    audited = {**request, "return_url": mask_state(return_url)}
    try:
        onboarding = client.create_integration(CreateIntegrationRequest(**request))
    except StreamError as exc:
        records.audit_failure(actor, INTEGRATION_STARTED, org_id, audited, exc)
        raise
    assert onboarding.id is not None  # the client refuses an answer without an id
    record = records.add_onboarding(
        onboarding.id, org_id, type, source, _status(onboarding.status), onboarding.entry_url, actor
    )
    records.attach_state(state, onboarding.id)
    detail = {"onboarding_id": onboarding.id, "status": record.status, "entry_url": onboarding.entry_url}
    records.audit(actor, INTEGRATION_STARTED, org_id, audited, "ok", detail=detail)
    return record


def exchange_code(
    client: StreamClient,
    records: Records,
    actor: str,
    onboarding: OnboardingRecord,
    code: str,
    via: str,
    *,
    org_id: str,
) -> OnboardingRecord:
    """Submit an OAuth code (via="oauth") or a manual code (via="manual"); the code is never recorded.

    org_id is the org the page shows: WrongOrgError (audited) when the onboarding is another org's.
    """
    request = {"onboarding_id": onboarding.onboarding_id, "source": onboarding.source, "via": via}
    try:
        onboarding = records.onboarding_in_org(onboarding.onboarding_id, org_id)
    except WrongOrgError as exc:
        records.audit_failure(actor, CODE_EXCHANGED, org_id, request, exc)
        raise
    try:
        answer = client.exchange_code(onboarding.onboarding_id, code.strip())
    except StreamError as exc:
        records.audit_failure(actor, CODE_EXCHANGED, onboarding.org_id, request, exc)
        raise
    record = records.update_onboarding_status(onboarding.onboarding_id, _status(answer.status))
    records.audit(actor, CODE_EXCHANGED, onboarding.org_id, request, "ok", detail={"status": record.status})
    return record


def abandon_integration(records: Records, actor: str, onboarding: OnboardingRecord) -> OnboardingRecord:
    """Mark a waiting integration abandoned in the console's records (audited); the API is not called.

    The Partner API has no call that deletes an integration: at the API it stays as it was, and a consent
    approved later still connects it.
    """
    record = records.update_onboarding_status(onboarding.onboarding_id, ABANDONED)
    request = {
        "onboarding_id": onboarding.onboarding_id,
        "source": onboarding.source,
        "type": onboarding.type,
    }
    records.audit(
        actor, INTEGRATION_ABANDONED, onboarding.org_id, request, "ok", detail={"was": onboarding.status}
    )
    return record


def settle_exchange(
    client: StreamClient, records: Records, onboarding: OnboardingRecord
) -> OnboardingRecord | None:
    """After a code exchange whose answer was lost: the integration as read now (None: unreadable)."""
    try:
        return refresh_onboarding(client, records, onboarding)
    except StreamError:
        return None


def refresh_onboarding(
    client: StreamClient, records: Records, onboarding: OnboardingRecord
) -> OnboardingRecord:
    """Read the onboarding's status from the API and store it (a read: not audited).

    An abandoned one keeps its status: the API still calls it waiting, which is what abandoning set aside.
    """
    if onboarding.status == ABANDONED:
        return onboarding
    answer = client.get_integration(onboarding.onboarding_id)
    status = _status(answer.status)
    if status == onboarding.status:
        return onboarding
    return records.update_onboarding_status(onboarding.onboarding_id, status)


def refresh_onboardings(
    client: StreamClient, records: Records, onboardings: Sequence[OnboardingRecord]
) -> tuple[list[OnboardingRecord], list[OnboardingRecord]]:
    """Re-read each onboarding's status from the API: (all, as now known; those that could not be read).

    One that cannot be read (the API errs or lacks GET /onboarding/integrations/{id}) keeps its recorded
    status, so a status screen still shows every integration.
    """
    current: list[OnboardingRecord] = []
    unread: list[OnboardingRecord] = []
    for onboarding in onboardings:
        try:
            current.append(refresh_onboarding(client, records, onboarding))
        except StreamError:
            current.append(onboarding)
            unread.append(onboarding)
    return current, unread


def ingest(
    client: StreamClient,
    records: Records,
    actor: str,
    onboarding: OnboardingRecord,
    provider_ids: Sequence[str],
    batch_size: int,
    on_progress: Callable[[int, int], None] | None = None,
    resync: bool = False,
    *,
    org_id: str,
) -> IngestRun:
    """Ingest (or re-sync) the chosen POS locations in batches, audited as one entry with the counts.

    org_id is the org the page shows: WrongOrgError (audited) when the POS onboarding is another org's.
    """
    try:
        onboarding = records.onboarding_in_org(onboarding.onboarding_id, org_id)
    except WrongOrgError as exc:
        request = {
            "onboarding_id": onboarding.onboarding_id,
            "resync": resync,
            "locations": len(provider_ids),
        }
        records.audit_failure(actor, LOCATIONS_INGESTED, org_id, request, exc)
        raise
    run = ingest_in_batches(
        client.ingest_locations, onboarding.onboarding_id, provider_ids, batch_size, on_progress=on_progress
    )
    request = {
        "onboarding_id": onboarding.onboarding_id,
        "source": onboarding.source,
        "resync": resync,
        "locations": list(dict.fromkeys(provider_ids)),
    }
    detail: dict[str, Any] = {
        "ingested": run.succeeded,
        "failed": run.failed,
        "failed_ids": [o.provider_id for o in run.outcomes if not o.ok],
    }
    if run.request_ids:
        detail["request_ids"] = run.request_ids  # of the failed batches: the first is the entry's
    outcome = "ok" if not run.errors and run.failed == 0 else "error"
    error = " ".join(dict.fromkeys(run.errors)) if run.errors else None
    if outcome == "error" and error is None:
        error = f"{count(run.failed, 'location')} {'was' if run.failed == 1 else 'were'} not ingested."
    first_id = run.request_ids[0] if run.request_ids else None
    records.audit(
        actor, LOCATIONS_INGESTED, onboarding.org_id, request, outcome, detail, error, request_id=first_id
    )
    return run
