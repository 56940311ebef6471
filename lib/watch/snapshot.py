"""Read one org as the watcher sees it: its integrations' statuses and its locations' channels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from lib.export.tables import dsp_statuses
from lib.stream.models import Onboarding, OrgLocation

POS_CHANNEL = "pos"
BINDING_CHANNEL = "binding"
BOUND, UNBOUND = "bound", "unbound"
PAUSED = "paused"


class WatchClient(Protocol):
    """The two API calls the watcher makes (StreamClient satisfies it)."""

    def get_integration(self, onboarding_id: str) -> Onboarding: ...

    def org_locations(self, org_id: str) -> list[OrgLocation]: ...


@dataclass(frozen=True)
class IntegrationState:
    """An integration's current status."""

    onboarding_id: str
    type: str
    source: str
    status: str


@dataclass(frozen=True)
class LocationState:
    """One location's status on one channel: "pos", "binding" or a DSP source."""

    location_id: str
    channel: str
    name: str
    status: str


@dataclass(frozen=True)
class OrgSnapshot:
    """Everything read about one org in one pass."""

    org_id: str
    integrations: tuple[IntegrationState, ...]
    locations: tuple[LocationState, ...]
    # Locations the API listed but that could not be read: their history is left as it was, not closed.
    # None when some unreadable item had no id, so no missing location can be told apart from them.
    unreadable_ids: frozenset[str] | None = frozenset()


def _text(value: Any) -> str:
    return str(value.value if hasattr(value, "value") else value)


def location_states(location: OrgLocation) -> list[LocationState]:
    """A location's channels: its POS status, whether it is bound, and each DSP store's status."""
    name = location.name
    pos_status = _text(location.status) if location.status is not None else "unknown"
    if getattr(location, "paused_until", None):
        # The API reports a pause as inactive with paused_until while it runs: a pause is not a closure.
        pos_status = PAUSED
    dsps = dsp_statuses(location)
    states = [
        LocationState(location.id, POS_CHANNEL, name, pos_status),
        LocationState(location.id, BINDING_CHANNEL, name, BOUND if dsps else UNBOUND),
    ]
    states += [LocationState(location.id, source, name, status) for source, status in sorted(dsps.items())]
    return states


def read_org(client: WatchClient, org_id: str, onboardings: Sequence[Any]) -> OrgSnapshot:
    """Fetch the org's recorded integrations and its locations; any API error propagates (org unreadable)."""
    integrations = []
    for record in onboardings:
        answer = client.get_integration(record.onboarding_id)
        integrations.append(
            IntegrationState(
                record.onboarding_id,
                _text(answer.type or record.type).lower(),
                (answer.source or record.source or "").lower(),
                _text(answer.status),
            )
        )
    listed = client.org_locations(org_id)
    unreadable = getattr(listed, "unreadable", [])
    ids = [item.id for item in unreadable]
    locations = [state for loc in listed for state in location_states(loc)]
    skipped = None if any(i is None for i in ids) else frozenset(str(i) for i in ids)
    return OrgSnapshot(org_id, tuple(integrations), tuple(locations), skipped)
