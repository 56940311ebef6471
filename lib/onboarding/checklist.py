"""The home page checklist: where one org stands in the onboarding, from records and the API view."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from lib.numbers import count, number, part
from lib.onboarding.sources import ABANDONED, source_label
from lib.onboarding.statuses import (
    Attention,
    StatusNote,
    dsp_note,
    integration_note,
    location_note,
    most_urgent,
)
from lib.store.types import OnboardingRecord, OrgRecord
from lib.stream.models import OrgLocation

ORGS_PAGE = "pages/2_Organizations.py"
INTEGRATIONS_PAGE = "pages/3_Integrations.py"
LOCATIONS_PAGE = "pages/4_Locations.py"
BIND_PAGE = "pages/5_Bind.py"
STATUS_PAGE = "pages/6_Org_status.py"


class StepState(StrEnum):
    """How far one step is."""

    DONE = "done"
    PARTIAL = "partial"  # started or partly done: something to finish
    TODO = "todo"
    BLOCKED = "blocked"  # an earlier step must be done first


@dataclass(frozen=True)
class Step:
    """One line of the checklist, with the page that does it."""

    key: str
    label: str
    state: StepState
    detail: str
    page: str
    action: str  # what the link to `page` says
    query: tuple[tuple[str, str], ...] = ()  # query parameters for the link (e.g. kind=dsp preselects DSP)

    @property
    def done(self) -> bool:
        """True when nothing is left to do in this step."""
        return self.state is StepState.DONE


@dataclass(frozen=True)
class Checklist:
    """The org's steps in workflow order."""

    steps: list[Step] = field(default_factory=list)

    @property
    def next_step(self) -> Step | None:
        """The first step that is not done (None when the onboarding is complete)."""
        return next((s for s in self.steps if not s.done), None)

    @property
    def complete(self) -> bool:
        """Every step is done."""
        return all(s.done for s in self.steps)


def _newest(records: Sequence[OnboardingRecord]) -> OnboardingRecord | None:
    return max(records, key=lambda r: (r.updated_at, r.created_at), default=None)


def _integration_step(
    key: str, label: str, onboardings: Sequence[OnboardingRecord], blocked: bool, what: str
) -> Step:
    active = [o for o in onboardings if o.status == "active"]
    if active:
        names = ", ".join(sorted({source_label(o.source) for o in active}))
        return Step(key, label, StepState.DONE, f"{names} connected.", INTEGRATIONS_PAGE, "Open Integrations")
    if blocked:
        return Step(
            key, label, StepState.BLOCKED, "Create the organization first.", ORGS_PAGE, "Create the org"
        )
    latest = _newest([o for o in onboardings if o.status != ABANDONED])
    if latest is None:
        return Step(
            key,
            label,
            StepState.TODO,
            f"No {what} integration started yet.",
            INTEGRATIONS_PAGE,
            f"Connect a {what}",
            (("kind", key),),
        )
    note = integration_note(latest.status, what, latest.source)
    detail = f"{source_label(latest.source)} ({note.status}): {note.next_step}."
    return Step(
        key,
        label,
        StepState.PARTIAL,
        detail,
        INTEGRATIONS_PAGE,
        f"Finish the {what} integration",
        (("kind", key),),
    )


def compute_checklist(
    org: OrgRecord | None,
    onboardings: Sequence[OnboardingRecord],
    org_locations: Sequence[OrgLocation] | None,
    pos_available: int | None = None,
) -> Checklist:
    """The checklist for one org.

    `onboardings` are the org's records; `org_locations` is GET /onboarding/org/{id}/locations (None when it
    could not be read); `pos_available` is how many locations the active POS lists (None when unknown).
    """
    if org is None:
        first = Step(
            "org",
            "Organization created",
            StepState.TODO,
            "No organization chosen yet.",
            ORGS_PAGE,
            "Create an organization",
        )
        return Checklist([first])
    steps = [
        Step(
            "org",
            "Organization created",
            StepState.DONE,
            f"{org.name or org.org_id} ({org.org_id}).",
            ORGS_PAGE,
            "Open Organizations",
        )
    ]
    pos = [o for o in onboardings if o.type == "pos"]
    dsp = [o for o in onboardings if o.type == "dsp"]
    pos_step = _integration_step("pos", "POS connected", pos, blocked=False, what="POS")
    steps.append(pos_step)

    locations = list(org_locations or [])
    ingested = len(locations)
    if not pos_step.done:
        ingest = Step(
            "ingest",
            "Locations ingested",
            StepState.BLOCKED,
            "Connect the POS first.",
            INTEGRATIONS_PAGE,
            "Connect the POS",
        )
    elif org_locations is None:
        ingest = Step(
            "ingest",
            "Locations ingested",
            StepState.PARTIAL,
            "The API did not return the org's locations; refresh to try again.",
            LOCATIONS_PAGE,
            "Open Locations",
        )
    elif ingested == 0:
        ingest = Step(
            "ingest",
            "Locations ingested",
            StepState.TODO,
            _ingested(0, pos_available),
            LOCATIONS_PAGE,
            "Ingest locations",
        )
    else:
        full = pos_available is None or ingested >= pos_available
        state = StepState.DONE if full else StepState.PARTIAL
        notes = [  # a location without any status (the guide always sends one) is not flagged here
            location_note(loc.status, (loc.model_extra or {}).get("paused_until"))
            for loc in locations
            if loc.status is not None
        ]
        ingest = Step(
            "ingest",
            "Locations ingested",
            state,
            _ingested(ingested, pos_available) + _attention(notes, "not active"),
            LOCATIONS_PAGE,
            "Open Locations",
        )
    steps.append(ingest)

    dsp_step = _dsp_step(dsp)
    steps.append(dsp_step)

    active_dsps = sorted({o.source for o in dsp if o.status == "active"})
    if not active_dsps:
        steps.append(
            Step(
                "bind",
                "Locations bound",
                StepState.BLOCKED,
                "Connect a DSP first.",
                INTEGRATIONS_PAGE,
                "Connect a DSP",
                (("kind", "dsp"),),
            )
        )
    for source in active_dsps:
        steps.append(_bind_step(source, locations, ingested, org_locations is None))
    return Checklist(steps)


def _bind_step(source: str, locations: Sequence[OrgLocation], ingested: int, unknown: bool) -> Step:
    label = f"Locations bound on {source_label(source)}"
    key = f"bind:{source}"
    if unknown:
        return Step(
            key,
            label,
            StepState.PARTIAL,
            "The org's locations could not be read; refresh to try again.",
            BIND_PAGE,
            "Open Bind",
        )
    if ingested == 0:
        return Step(
            key, label, StepState.BLOCKED, "Ingest POS locations first.", LOCATIONS_PAGE, "Ingest locations"
        )
    bound = [d for loc in locations for d in loc.dsps if (d.source or "").lower() == source]
    approved = sum(1 for d in bound if str(d.status).upper() == "APPROVED")
    n = len({loc.id for loc in locations if any((d.source or "").lower() == source for d in loc.dsps)})
    notes = [dsp_note(d.status, source) for d in bound]
    detail = f"{part(n, ingested, 'location')} bound ({number(approved)} approved)." + _attention(
        notes, "need you"
    )
    if n == 0:
        return Step(key, label, StepState.TODO, detail, BIND_PAGE, f"Bind {source_label(source)} stores")
    troubled = any(note.attention in (Attention.ACTION, Attention.UNKNOWN) for note in notes)
    state = StepState.DONE if n >= ingested and not troubled else StepState.PARTIAL
    return Step(key, label, state, detail, BIND_PAGE, "Open Bind")


def next_for(checklist: Checklist, onboarding: OnboardingRecord) -> Step | None:
    """The step an active integration's card points to: its own bind if not done, else the org's next step."""
    if onboarding.type == "dsp":
        own = next((s for s in checklist.steps if s.key == f"bind:{onboarding.source}"), None)
        if own is not None and not own.done and own.state is not StepState.BLOCKED:
            return own
    return checklist.next_step


def _dsp_step(dsp: Sequence[OnboardingRecord]) -> Step:
    return _integration_step("dsp", "DSPs connected", dsp, blocked=False, what="DSP")


def after_ingest(onboardings: Sequence[OnboardingRecord]) -> Step:
    """Where the Locations page points once locations are ingested: connect a DSP, else bind its stores."""
    dsp = [o for o in onboardings if o.type == "dsp"]
    step = _dsp_step(dsp)
    if not step.done:
        return step
    active = sorted({o.source for o in dsp if o.status == "active"})
    names = " and ".join(source_label(s) for s in active)
    return Step(f"bind:{active[0]}", "Locations bound", StepState.TODO, "", BIND_PAGE, f"Bind {names} stores")


def _ingested(n: int, available: int | None) -> str:
    """The ingest step's line, "3 of 5 locations ingested." (no "of 5" when the POS's total is unknown)."""
    return f"{count(n, 'location') if available is None else part(n, available, 'location')} ingested."


def _attention(notes: Sequence[StatusNote], what: str) -> str:
    """' 2 need you: store rejected by DoorDash: open the DSP's merchant portal.' ('' when all are fine)."""
    troubled = [n for n in notes if n.attention not in (Attention.OK, Attention.WAITING)]
    worst = most_urgent(troubled)
    if worst is None:
        return ""
    return f" {number(len(troubled))} {what}: {worst.next_step}."
