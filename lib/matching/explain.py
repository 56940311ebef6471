"""Short, readable reasons for a scored pair ("same address and ZIP; name differs only by neighbourhood")."""

from __future__ import annotations

import math
from collections.abc import Mapping

from lib.matching.config import MatchConfig

AMBIGUOUS = "another candidate scores almost as high"


def _isnan(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def near_numbers(a: str, b: str) -> bool:
    """House numbers a few doors apart (within 60) or the same digits swapped (1520 vs 1250)."""
    if not (a.isdigit() and b.isdigit()):
        return False
    return abs(int(a) - int(b)) <= 60 or (len(a) == len(b) and sorted(a) == sorted(b))


def _name_clause(pair: Mapping[str, object], pos: Mapping[str, object], dsp: Mapping[str, object]) -> str:
    if pos["name"] == dsp["name"] and pos["label"] == dsp["label"]:
        return "same name"
    if pos["name"] == dsp["name"]:
        return "name differs only by neighbourhood"
    if pair["store_number_match"] == 1:
        return "same store number"
    p_words, d_words = set(str(pos["name"]).split()), set(str(dsp["name"]).split())
    if p_words == d_words:
        return "same name, words reordered"
    if p_words and d_words and (p_words <= d_words or d_words <= p_words):
        return "name differs only by neighbourhood" if pos["brand_part"] else "one name extends the other"
    name = float(pair["name_score"])  # type: ignore[arg-type]
    if name >= 90:
        return f"names nearly the same ({name:.0f})"
    return f"names similar ({name:.0f})"


def pair_reason(
    pair: Mapping[str, object],
    pos: Mapping[str, object],
    dsp: Mapping[str, object],
    cfg: MatchConfig,
    ambiguous: bool = False,
) -> str:
    """The reason for one scored pair, given the normalised POS and DSP rows it joins."""
    same_phone = pair["phone_match"] == 1
    if pair["number_differs"]:
        nums = f"{pos['number']} vs {dsp['number']}"
        if same_phone:
            return f"same phone, different house number ({nums}): moved or a second listing?"
        if near_numbers(str(pos["number"]), str(dsp["number"])):
            return f"different house number ({nums}): another store a few doors away?"
        return f"different house number ({nums})"
    if pair["street_differs"] and pos["route"] and dsp["route"] and pos["route"] != dsp["route"]:
        routes = f"{pos['route']} vs {dsp['route']}"
        return (
            f"same phone, different route ({routes}): moved?" if same_phone else f"different route: {routes}"
        )
    if pair["street_differs"]:
        streets = f"{pos['street'] or '?'} vs {dsp['street'] or '?'}"
        if same_phone:
            return f"same phone, different street ({streets}): moved?"
        return f"different street ({streets})"
    if pair["other_brand"]:
        where = "same address" if pair["number_match"] == 1 else "similar address"
        return f"{where}, different brand ({dsp['name'] or '?'}): virtual brand?"
    if pair["virtual_brand"]:
        where = "same address" if pair["number_match"] == 1 else "similar address"
        added = " ".join(str(w) for w in (pos["extra"], dsp["extra"]) if w)
        return f"{where}, a brand word with other words ({added}): virtual brand?"

    postal = pair["postal_score"]
    if pair["number_missing"]:
        head = "same street, house number missing on one side"
    elif _isnan(postal):
        head = "same address, ZIP missing on one side"
    elif postal == 100:
        head = "same address and ZIP"
    else:
        head = f"same street address, different ZIP ({pos['zip5']} vs {dsp['zip5']})"
    parts = [head, _name_clause(pair, pos, dsp)]
    if pair["unit_differs"]:
        parts.append(f"unit differs: {pos['unit_text'] or pos['unit']} vs {dsp['unit_text'] or dsp['unit']}")
    elif pos["unit"] != dsp["unit"]:
        parts.append("unit on one side only")
    if pair["street_type_differs"]:
        parts.append(f"street type differs ({pos['suffix']} vs {dsp['suffix']})")
    if pair["route_type_differs"]:
        parts.append(f"route system differs: {pos['route']} vs {dsp['route']}")
    if pair["directional_differs"]:
        parts.append(f"direction differs ({pos['street']} vs {dsp['street']})")
    if pair["store_number_differs"]:
        parts.append(f"store number differs (#{pos['store_number']} vs #{dsp['store_number']})")
    if pair["far_apart"]:
        parts.append(f"pins {float(pair['distance_km']):.1f} km apart")  # type: ignore[arg-type]
    if same_phone:
        parts.append("same phone")
    if ambiguous:
        parts.append(AMBIGUOUS)
    return "; ".join(parts)


def no_proposal_reason(best_reason: str | None, taken_by: str | None, relevant: bool) -> str:
    """Why a POS location gets no proposal, naming its best candidate when that one is worth a look."""
    if best_reason is None or not relevant:
        return "no DSP store at this address"
    if taken_by is not None:
        return f"best candidate is proposed for {taken_by}; {best_reason}"
    return f"no DSP store close enough; best candidate: {best_reason}"
