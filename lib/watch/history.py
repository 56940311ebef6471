"""Turn a snapshot into history: close the statuses that changed, open the new ones, name the changes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from lib.store.watch import Event, NewInterval, OrgUpdate
from lib.store.watch_tables import integration_history, location_history
from lib.watch.snapshot import BINDING_CHANNEL, POS_CHANNEL, UNBOUND, OrgSnapshot

DEPROVISIONED, ACTIVE = "deprovisioned", "active"
# Event kinds
INTEGRATION_DEPROVISIONED = "integration_deprovisioned"
INTEGRATION_RECONNECTED = "integration_reconnected"
INTEGRATION_STATUS_CHANGED = "integration_status_changed"
INTEGRATION_ADDED = "integration_added"
DSP_STATUS_CHANGED = "dsp_status_changed"
LOCATION_INACTIVE = "location_inactive"
LOCATION_PAUSED = "location_paused"
LOCATION_STATUS_CHANGED = "location_status_changed"
LOCATIONS_NEW_UNBOUND = "locations_new_unbound"
LOCATIONS_REMOVED = "locations_removed"

_NAMES_SHOWN = 3


def slot(type_: str, source: str) -> tuple[str, str]:
    """What an integration stands for: the org's POS (any source replaces another) or one DSP."""
    return (type_, "") if type_ == "pos" else (type_, source)


def _integration_kind(old: str | None, new: str, replaces_deprovisioned: bool) -> str:
    if new == DEPROVISIONED:
        return INTEGRATION_DEPROVISIONED
    if new == ACTIVE and (old == DEPROVISIONED or replaces_deprovisioned):
        # The merchant reconnected: the same integration, or a new one taking a disconnected one's place.
        return INTEGRATION_RECONNECTED
    return INTEGRATION_STATUS_CHANGED if old is not None else INTEGRATION_ADDED


def _location_kind(channel: str, new: str | None) -> str:
    if channel != POS_CHANNEL:
        return DSP_STATUS_CHANGED
    if (new or "").lower() == "inactive":
        return LOCATION_INACTIVE
    if (new or "").lower() == "paused":
        return LOCATION_PAUSED
    return LOCATION_STATUS_CHANGED


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:_NAMES_SHOWN])
    return shown + (f" and {len(names) - _NAMES_SHOWN} more" if len(names) > _NAMES_SHOWN else "")


def _grouped(
    org_id: str,
    kind: str,
    channel: str | None,
    old: str | None,
    new: str | None,
    items: list[tuple[str, str]],
) -> Event:
    """One event for many locations with the same change (a 5,000-store approval is one line, not 5,000)."""
    ids = sorted(i for i, _ in items)
    subject = ids[0] if len(ids) == 1 else f"{len(ids)} locations"
    what = {
        DSP_STATUS_CHANGED: f"{channel}: {old or 'not bound'} → {new or 'not bound'}",
        LOCATION_INACTIVE: "location inactive",
        LOCATION_PAUSED: "location paused",
        LOCATION_STATUS_CHANGED: f"location {old} → {new}",
        LOCATIONS_NEW_UNBOUND: "new POS locations, not bound yet",
        LOCATIONS_REMOVED: "locations no longer listed",
    }[kind]
    count = f"{len(ids)} location{'s' if len(ids) != 1 else ''}"
    summary = f"{what}: {count} ({_names(sorted(n for _, n in items))})"
    return Event(org_id, kind, subject, summary, channel, old, new)


def apply_snapshot(update: OrgUpdate, snap: OrgSnapshot) -> list[Event]:
    """Record the snapshot as intervals inside the org's transaction; returns the changes as events.

    The org's first successful read is its baseline: intervals open, but nothing counts as a change.
    """
    first = update.first_read()
    events: list[Event] = []
    events += _apply_integrations(update, snap, first)
    events += _apply_locations(update, snap, first)
    return events


def _apply_integrations(update: OrgUpdate, snap: OrgSnapshot, first: bool) -> list[Event]:
    current = update.open_integrations()
    to_close: list[int] = []
    to_open: list[NewInterval] = []
    events: list[Event] = []
    known = {state.onboarding_id: state for state in snap.integrations}
    disconnected = {
        slot(known[key[0]].type, known[key[0]].source)
        for key, was in current.items()
        if was.status == DEPROVISIONED and key[0] in known
    }
    for state in snap.integrations:
        key = (state.onboarding_id,)
        was = current.get(key)
        if was is not None and was.status == state.status:
            continue
        if was is not None:
            to_close.append(was.id)
        to_open.append(NewInterval(key, state.status, state.type, state.source))
        if first:
            continue
        label = f"{state.type.upper()} {state.source}"
        old = was.status if was else None
        kind = _integration_kind(old, state.status, slot(state.type, state.source) in disconnected)
        text = f"{label}: {old} → {state.status}" if old else f"{label} integration started ({state.status})"
        events.append(Event(snap.org_id, kind, state.onboarding_id, text, state.source, old, state.status))
    update.close(integration_history, to_close)
    update.open_integrations_rows(to_open)
    return events


def _apply_locations(update: OrgUpdate, snap: OrgSnapshot, first: bool) -> list[Event]:
    current = update.open_locations()
    seen_ids = {s.location_id for s in snap.locations}
    known_ids = {key[0] for key in current}
    to_close: list[int] = []
    to_open: list[NewInterval] = []
    changes: dict[tuple[str, str | None, str | None, str | None], list[tuple[str, str]]] = defaultdict(list)
    seen_keys = set()
    for state in snap.locations:
        key = (state.location_id, state.channel)
        seen_keys.add(key)
        was = current.get(key)
        if was is not None and was.status == state.status:
            continue
        if was is not None:
            to_close.append(was.id)
        to_open.append(NewInterval(key, state.status, name=state.name))
        if first or state.channel == BINDING_CHANNEL or state.location_id not in known_ids:
            continue  # a new location is reported below, once, if it is not bound
        old = was.status if was else None
        changes[(_location_kind(state.channel, state.status), state.channel, old, state.status)].append(
            (state.location_id, state.name)
        )
    # New locations after a re-sync that are not bound to any DSP yet.
    if not first:
        for state in snap.locations:
            if (
                state.channel == BINDING_CHANNEL
                and state.status == UNBOUND
                and state.location_id not in known_ids
            ):
                changes[(LOCATIONS_NEW_UNBOUND, None, None, None)].append((state.location_id, state.name))
    # Channels that disappeared: a DSP store unbound, or a location no longer listed at all.
    gone_locations: dict[str, str] = {}
    for key, was in current.items():  # type: ignore[assignment]
        if key in seen_keys or (key[0] not in seen_ids and not _surely_gone(snap, key[0])):
            continue
        to_close.append(was.id)
        if key[0] not in seen_ids:
            gone_locations[key[0]] = was.name or key[0]
        elif key[1] not in (POS_CHANNEL, BINDING_CHANNEL):
            changes[(DSP_STATUS_CHANGED, key[1], was.status, None)].append((key[0], was.name or key[0]))
    if gone_locations:
        changes[(LOCATIONS_REMOVED, None, None, None)] = sorted(gone_locations.items())
    update.close(location_history, to_close)
    update.open_location_rows(to_open)
    return [
        _grouped(snap.org_id, kind, channel, old, new, items)
        for (kind, channel, old, new), items in sorted(changes.items(), key=_sort_key)
    ]


def _surely_gone(snap: OrgSnapshot, location_id: str) -> bool:
    """A location missing from the answer is gone unless the API listed it but it could not be read."""
    return snap.unreadable_ids is not None and location_id not in snap.unreadable_ids


def _sort_key(
    item: tuple[tuple[str, str | None, str | None, str | None], Iterable[object]],
) -> tuple[str, ...]:
    return tuple(part or "" for part in item[0])
