"""The home checklist from records and the org's locations view."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lib.onboarding.checklist import (
    BIND_PAGE,
    INTEGRATIONS_PAGE,
    LOCATIONS_PAGE,
    ORGS_PAGE,
    StepState,
    compute_checklist,
)
from lib.store import OnboardingRecord, OrgRecord
from lib.stream.models import OrgLocation

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ORG = OrgRecord("org-1", "Rosa's Cantina", "crm-1", "rosa@example.com", "am@example.com", "created", T0)


def onboarding(source: str, type: str, status: str, minutes: int = 0) -> OnboardingRecord:
    at = T0 + timedelta(minutes=minutes)
    return OnboardingRecord(f"{source}-{minutes}", "org-1", type, source, status, None, "am", at, at)


def location(n: int, dsps: list[tuple[str, str]] = ()) -> OrgLocation:  # type: ignore[assignment]
    return OrgLocation.model_validate(
        {
            "_id": f"loc-{n}",
            "provider_id": f"pos-{n}",
            "name": f"Store {n}",
            "dsps": [{"source": s, "status": st, "name": s} for s, st in dsps],
        }
    )


def states(checklist) -> dict[str, StepState]:  # type: ignore[no-untyped-def]
    return {s.key: s.state for s in checklist.steps}


def test_without_an_org_the_only_step_is_to_create_one() -> None:
    checklist = compute_checklist(None, [], None)
    assert [s.key for s in checklist.steps] == ["org"]
    assert checklist.next_step is not None and checklist.next_step.page == ORGS_PAGE


def test_a_new_org_points_at_connecting_the_pos() -> None:
    checklist = compute_checklist(ORG, [], [])
    assert states(checklist) == {
        "org": StepState.DONE,
        "pos": StepState.TODO,
        "ingest": StepState.BLOCKED,
        "dsp": StepState.TODO,
        "bind": StepState.BLOCKED,
    }
    nxt = checklist.next_step
    assert nxt is not None and (nxt.key, nxt.page) == ("pos", INTEGRATIONS_PAGE)


def test_a_pos_waiting_for_consent_is_in_progress_with_a_hint() -> None:
    checklist = compute_checklist(ORG, [onboarding("toast", "pos", "waiting_for_oauth")], [])
    pos = checklist.steps[1]
    assert pos.state is StepState.PARTIAL
    assert pos.detail == (
        "Toast (waiting_for_oauth): waiting for the merchant's consent at Toast: open the consent link."
    )


def test_ingested_n_of_m_and_bound_per_dsp() -> None:
    records = [
        onboarding("toast", "pos", "waiting_for_oauth", 0),
        onboarding("toast", "pos", "active", 1),
        onboarding("doordash", "dsp", "active", 2),
        onboarding("grubhub", "dsp", "active", 3),
    ]
    locations = [
        location(1, [("doordash", "APPROVED"), ("grubhub", "PENDING")]),
        location(2, [("doordash", "PENDING")]),
        location(3),
    ]
    checklist = compute_checklist(ORG, records, locations, pos_available=5)
    by_key = {s.key: s for s in checklist.steps}
    assert (
        by_key["ingest"].state is StepState.PARTIAL
        and by_key["ingest"].detail == "3 of 5 locations ingested."
    )
    assert by_key["ingest"].page == LOCATIONS_PAGE
    assert by_key["dsp"].detail == "DoorDash, Grubhub connected."
    assert by_key["bind:doordash"].detail == "2 of 3 locations bound (1 approved)."
    assert by_key["bind:grubhub"].detail == "1 of 3 locations bound (0 approved)."
    assert by_key["bind:doordash"].page == BIND_PAGE
    assert checklist.next_step is by_key["ingest"]


def test_everything_done_completes_the_checklist() -> None:
    records = [onboarding("toast", "pos", "active"), onboarding("ubereats", "dsp", "active", 1)]
    locations = [location(n, [("ubereats", "APPROVED")]) for n in range(3)]
    checklist = compute_checklist(ORG, records, locations, pos_available=3)
    assert checklist.complete and checklist.next_step is None
    assert checklist.steps[-1].label == "Locations bound on Uber Eats"


def test_an_unreadable_org_view_is_said_not_guessed() -> None:
    checklist = compute_checklist(ORG, [onboarding("toast", "pos", "active")], None, pos_available=3)
    ingest = checklist.steps[2]
    assert ingest.state is StepState.PARTIAL and "did not return" in ingest.detail
