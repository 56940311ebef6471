"""API locations as the matching engine's tables, and which POS locations a DSP already has bound."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd

from lib.stream.models import ADDRESS_FIELDS, OrgLocation, ProviderLocation
from lib.stream.partial import unreadable_summary

LOCATION_COLUMNS: tuple[str, ...] = ("provider_id", "name", *ADDRESS_FIELDS, "phone")


class LocationSource(Protocol):
    """The two reads the bind screen needs (StreamClient has both)."""

    def list_locations(self, onboarding_id: str) -> list[ProviderLocation]: ...

    def org_locations(self, org_id: str) -> list[OrgLocation]: ...


@dataclass(frozen=True)
class BoundStore:
    """The DSP store a POS location is already bound to on one DSP, with the DSP's status."""

    dsp_provider_id: str
    store_name: str | None
    status: str


@dataclass(frozen=True)
class BindInputs:
    """Everything the screen matches and shows: POS and DSP tables, and the existing bindings."""

    pos: pd.DataFrame
    dsp: pd.DataFrame
    bound: dict[str, BoundStore] = field(default_factory=dict)
    # Sentences naming items of the answers that could not be read ("2 of 5,000 locations could not be read").
    unreadable: tuple[str, ...] = ()


def pos_location_id(location: OrgLocation) -> str:
    """The id bind expects for an ingested location: its POS provider_id (the org's own _id as fallback)."""
    return location.provider_id or location.id


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _row(provider_id: str, location: ProviderLocation | OrgLocation) -> dict[str, Any]:
    address = location.address
    extra: Mapping[str, Any] = {**(address.model_extra or {}), **(location.model_extra or {})}
    row: dict[str, Any] = {"provider_id": provider_id, "name": _text(location.name) or ""}
    for column in ADDRESS_FIELDS:
        row[column] = _text(getattr(address, column, None))
    row["phone"] = _text(extra.get("phone") or extra.get("phone_number"))
    return row


def locations_frame(locations: Iterable[ProviderLocation | OrgLocation]) -> pd.DataFrame:
    """One row per location with LOCATION_COLUMNS (first of any repeated id kept), in the API's order."""
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for location in locations:
        pid = pos_location_id(location) if isinstance(location, OrgLocation) else location.provider_id
        pid = str(pid).strip()
        if not pid or pid in seen:
            continue
        seen.add(pid)
        rows.append(_row(pid, location))
    frame = pd.DataFrame(rows, columns=list(LOCATION_COLUMNS))
    return frame.astype(object).where(frame.notna(), None)


def bound_stores(org_locations: Iterable[OrgLocation], dsp_source: str) -> dict[str, BoundStore]:
    """POS location id -> the store it is bound to on this DSP (bindings without a store id are skipped)."""
    source = dsp_source.strip().lower()
    bound: dict[str, BoundStore] = {}
    for location in org_locations:
        for dsp in location.dsps:
            if str(dsp.source or "").strip().lower() != source or not dsp.provider_id:
                continue
            extra = dsp.model_extra or {}
            bound[pos_location_id(location)] = BoundStore(
                dsp_provider_id=dsp.provider_id,
                store_name=_text(dsp.store_name or extra.get("dsp_store_name")),
                status="unknown" if dsp.status is None else str(dsp.status),
            )
    return bound


def load_inputs(
    client: LocationSource,
    org_id: str,
    dsp_onboarding_id: str,
    dsp_source: str,
    org_locations: Sequence[OrgLocation] | None = None,
) -> BindInputs:
    """Fetch the org's ingested POS locations and the DSP onboarding's stores (raises StreamError).

    `org_locations`: the org's locations when the caller already has them (read here when None).
    """
    if org_locations is None:
        org_locations = client.org_locations(org_id)
    stores = client.list_locations(dsp_onboarding_id)
    notes = (unreadable_summary(org_locations), unreadable_summary(stores, "DSP stores"))
    return BindInputs(
        pos=locations_frame(org_locations),
        dsp=locations_frame(stores),
        bound=bound_stores(org_locations, dsp_source),
        unreadable=tuple(n for n in notes if n),
    )


def format_addresses(frame: pd.DataFrame) -> list[str]:
    """format_address for every row of a location table (column by column: fast on thousands of rows)."""
    columns = [frame[c].tolist() if c in frame.columns else [None] * len(frame) for c in ADDRESS_FIELDS]
    return [
        format_address(dict(zip(ADDRESS_FIELDS, values, strict=True)))
        for values in zip(*columns, strict=True)
    ]


def format_address(row: Mapping[str, Any]) -> str:
    """'1520 Oak Ave, Ste 4, Oakland, CA 94612' from a location row (blank parts left out)."""
    street = ", ".join(p for p in (_text(row.get("address_line_1")), _text(row.get("address_line_2"))) if p)
    region = " ".join(
        p for p in (_text(row.get("administrative_district_level_1")), _text(row.get("postal_code"))) if p
    )
    return ", ".join(p for p in (street, _text(row.get("locality")), region) if p)
