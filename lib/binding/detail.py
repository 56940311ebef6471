"""The side-by-side comparison of one POS location and one DSP store, field by field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from lib.numbers import whole

SAME, DIFFERS, BLANK = "same", "differs", "one side blank"
# (label, raw column, normalised key from explain_pair used to decide "same")
_FIELDS: tuple[tuple[str, str, str | None], ...] = (
    ("Name", "name", "name"),
    ("Street", "address_line_1", "street"),
    ("House number", "address_line_1", "number"),
    ("Unit", "address_line_2", "unit"),
    ("City", "locality", "city"),
    ("State", "administrative_district_level_1", "state"),
    ("ZIP", "postal_code", "zip5"),
    ("Country", "country", None),
    ("Phone", "phone", "phone"),
)
COMPONENTS: tuple[tuple[str, str], ...] = (
    ("Name", "name_score"),
    ("Street", "street_score"),
    ("ZIP", "postal_score"),
    ("City", "city_score"),
)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == ""


def compare_fields(
    pos_row: Mapping[str, Any], dsp_row: Mapping[str, Any], explained: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Rows field, pos, dsp, verdict (same / differs / one side blank), comparing normalised values.

    explained is explain_pair's answer (its "pos"/"dsp" normalised fields); without it raw values are
    compared case- and space-insensitively. House number shows the normalised number on each side.
    """
    norm_pos: Mapping[str, Any] = (explained or {}).get("pos") or {}
    norm_dsp: Mapping[str, Any] = (explained or {}).get("dsp") or {}
    rows = []
    for label, column, key in _FIELDS:
        if key == "number":
            left, right = norm_pos.get("number"), norm_dsp.get("number")
            if not norm_pos and not norm_dsp:
                continue
        else:
            left, right = pos_row.get(column), dsp_row.get(column)
        if key is not None and key in norm_pos and key in norm_dsp:
            a, b = norm_pos.get(key), norm_dsp.get(key)
        else:
            a, b = left, right
        if _blank(a) and _blank(b):
            if _blank(left) and _blank(right):
                continue
            verdict = SAME
        elif _blank(a) or _blank(b):
            verdict = BLANK
        else:
            verdict = (
                SAME
                if " ".join(str(a).casefold().split()) == " ".join(str(b).casefold().split())
                else DIFFERS
            )
        rows.append(
            {
                "field": label,
                "pos": "" if _blank(left) else str(left),
                "dsp": "" if _blank(right) else str(right),
                "verdict": verdict,
            }
        )
    return pd.DataFrame(rows, columns=["field", "pos", "dsp", "verdict"])


def component_scores(explained: Mapping[str, Any]) -> dict[str, int | None]:
    """Label -> 0-100 component score, a whole number like every score shown (None when a side was blank)."""
    out: dict[str, int | None] = {}
    for label, key in COMPONENTS:
        value = explained.get(key)
        out[label] = None if value is None or pd.isna(value) else whole(value)
    return out
