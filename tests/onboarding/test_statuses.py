"""Every status a screen shows gets a badge and a next step; unknown text is kept and marked unknown."""

from __future__ import annotations

import pytest

from lib.onboarding.checklist import StepState, compute_checklist
from lib.onboarding.statuses import (
    Attention,
    binding_groups,
    dsp_note,
    integration_note,
    location_note,
    most_urgent,
    org_location_note,
)
from lib.stream.models import OrgLocation
from tests.onboarding.test_checklist import ORG, location, onboarding


@pytest.mark.parametrize(
    ("status", "attention", "step"),
    [
        ("APPROVED", Attention.OK, None),
        ("PENDING", Attention.WAITING, "waiting for DoorDash to approve the store"),
        (
            "PENDING_REVIEW",
            Attention.WAITING,
            "DoorDash is reviewing the store: nothing to do until it decides",
        ),
        ("REJECTED", Attention.ACTION, "store rejected by DoorDash: open the DSP's merchant portal"),
        ("PAUSED", Attention.PAUSED, "store paused on DoorDash: resume it in the DSP's merchant portal"),
        (
            "DEPROVISIONED",
            Attention.ACTION,
            "DoorDash disconnected: start a new DSP integration and bind again",
        ),
        (
            "MENU_PUBLISHING",
            Attention.UNKNOWN,
            "unknown status 'MENU_PUBLISHING' from DoorDash: open the DSP's merchant portal",
        ),
        (
            None,
            Attention.UNKNOWN,
            "no status from DoorDash: refresh; if it stays, open the DSP's merchant portal",
        ),
    ],
)
def test_dsp_statuses(status: str | None, attention: Attention, step: str | None) -> None:
    note = dsp_note(status, "doordash")
    assert (note.attention, note.next_step) == (attention, step)
    assert note.status == (status or "unknown")


def test_integration_statuses() -> None:
    assert (
        integration_note("deprovisioned", "pos", "toast").next_step
        == "reconnect: start a new POS integration"
    )
    assert integration_note("active", "pos", "toast").ok
    assert (
        integration_note("pending", "dsp", "grubhub").next_step == "enter the integration code from Grubhub"
    )
    odd = integration_note("suspended_by_partner", "dsp", "doordash")
    assert (odd.status, odd.attention) == ("suspended_by_partner", Attention.UNKNOWN)


def test_location_statuses() -> None:
    assert location_note("active").ok
    assert location_note("inactive").attention is Attention.ACTION
    paused = location_note("inactive", "2030-01-31T18:00:00Z")
    assert (paused.status, paused.attention) == ("paused until 2030-01-31T18:00:00Z", Attention.PAUSED)
    assert paused.next_step == "paused until 2030-01-31T18:00:00Z: reopens by itself"
    assert location_note("closed_forever").attention is Attention.UNKNOWN


def test_a_location_row_shows_its_most_urgent_note() -> None:
    loc = OrgLocation.model_validate(
        {
            "_id": "l1",
            "name": "Main",
            "status": "active",
            "dsps": [
                {"source": "grubhub", "status": "PENDING"},
                {"source": "doordash", "status": "REJECTED"},
            ],
        }
    )
    note = org_location_note(loc)
    assert note.next_step == "store rejected by DoorDash: open the DSP's merchant portal"
    assert most_urgent([]) is None


def test_binding_groups_leave_out_approved_and_put_action_first() -> None:
    groups = binding_groups(
        {"p1": "APPROVED", "p2": "PAUSED", "p3": "REJECTED", "p4": "REJECTED"}, "ubereats"
    )
    assert [(note.status, ids) for note, ids in groups] == [("REJECTED", ["p3", "p4"]), ("PAUSED", ["p2"])]


def test_checklist_names_the_next_step_of_non_happy_states() -> None:
    records = [
        onboarding("toast", "pos", "active", 0),
        onboarding("doordash", "dsp", "active", 1),
        onboarding("grubhub", "dsp", "deprovisioned", 2),
    ]
    locations = [location(1, [("doordash", "REJECTED")]), location(2, [("doordash", "APPROVED")])]
    checklist = compute_checklist(ORG, records, locations, pos_available=2)
    bind = next(s for s in checklist.steps if s.key == "bind:doordash")
    assert bind.state is StepState.PARTIAL  # every location bound, but one store was rejected
    assert bind.detail.endswith("1 need you: store rejected by DoorDash: open the DSP's merchant portal.")

    gone = compute_checklist(ORG, [onboarding("toast", "pos", "deprovisioned")], [])
    assert gone.steps[1].detail == "Toast (deprovisioned): reconnect: start a new POS integration."
