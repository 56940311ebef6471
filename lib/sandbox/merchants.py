"""Sandbox merchants from lib.synthetic (the one generator), cached so big merchants are built once."""

from __future__ import annotations

import json
import math
from functools import lru_cache
from typing import Any

import pandas as pd

from lib.synthetic import merchants as synthetic

from .sources import manual_code

# The sandbox's own reading of the guide's address object (not the client's model, so a client-side change
# cannot change the fake too); tests/sandbox/test_sandbox_contract.py compares the two.
ADDRESS_FIELDS = (
    "address_line_1",
    "address_line_2",
    "locality",
    "administrative_district_level_1",
    "postal_code",
    "country",
)
EXTRA_FIELDS = ("phone", "latitude", "longitude")


def catalog() -> dict[str, Any]:
    """Merchant code -> MerchantSpec, smallest first."""
    return dict(sorted(synthetic.CATALOG.items(), key=lambda kv: (kv[1].n_locations, kv[0])))


def merchant_summary() -> list[dict[str, Any]]:
    """The catalog as JSON-ready rows (what /sandbox/merchants and the consent page show)."""
    return [
        {"code": code, "brand": spec.brand, "n_locations": spec.n_locations, "manual_code": manual_code(code)}
        for code, spec in catalog().items()
    ]


def _clean(value: Any) -> Any:
    """NaN/None -> None, numpy scalars -> Python."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, str) and value == "":
        return None
    return value


def _rows(frame: pd.DataFrame, id_column: str) -> tuple[dict[str, Any], ...]:
    """Frame -> {provider_id, name, address, phone, latitude, longitude} in the API's location shape.

    phone and coordinates are extras beyond the guide's shape (POS and DSP listings carry them in practice).
    """
    present = [f for f in ADDRESS_FIELDS if f in frame.columns]
    extras = [f for f in EXTRA_FIELDS if f in frame.columns]
    out = []
    for rec in frame.to_dict("records"):
        row: dict[str, Any] = {"provider_id": str(rec[id_column]), "name": str(rec["name"])}
        row["address"] = {f: _clean(rec.get(f)) for f in present}
        row.update({f: _clean(rec.get(f)) for f in extras})
        out.append(row)
    return tuple(out)


@lru_cache(maxsize=32)
def pos_frame(code: str) -> pd.DataFrame:
    """The POS locations of one merchant (generated once per process)."""
    return synthetic.pos_locations(catalog()[code])


@lru_cache(maxsize=32)
def pos_rows(code: str) -> tuple[dict[str, Any], ...]:
    """POS locations as API rows."""
    return _rows(pos_frame(code), "provider_id")


@lru_cache(maxsize=32)
def pos_index(code: str) -> dict[str, dict[str, Any]]:
    """POS provider_id -> API row."""
    return {row["provider_id"]: row for row in pos_rows(code)}


@lru_cache(maxsize=64)
def dsp_frames(code: str, dsp: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(stores, truth) of one merchant on one DSP (generated once per process)."""
    return synthetic.dsp_stores(catalog()[code], dsp)


def _store_id_column(frame: pd.DataFrame) -> str:
    for name in ("provider_id", "store_id", "dsp_provider_id", "id"):
        if name in frame.columns:
            return name
    raise KeyError(f"no store id column in {list(frame.columns)}")


@lru_cache(maxsize=64)
def dsp_rows(code: str, dsp: str) -> tuple[dict[str, Any], ...]:
    """DSP stores as API rows."""
    stores, _ = dsp_frames(code, dsp)
    return _rows(stores, _store_id_column(stores))


@lru_cache(maxsize=64)
def dsp_index(code: str, dsp: str) -> dict[str, dict[str, Any]]:
    """DSP store id -> API row."""
    return {row["provider_id"]: row for row in dsp_rows(code, dsp)}


@lru_cache(maxsize=64)
def listing_body(code: str, kind: str, source: str) -> bytes:
    """The JSON body of GET /onboarding/locations for a merchant, pre-rendered once."""
    rows = pos_rows(code) if kind == "pos" else dsp_rows(code, source)
    return json.dumps({"locations": [{**row, "source": source} for row in rows]}).encode()
