"""Score candidate pairs: component similarities, red flags and the combined 0-100 score (vectorised)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from lib.matching.config import MatchConfig

# Red flags that only cast doubt (the pair may still be proposed for review).
DOUBTS: tuple[str, ...] = (
    "number_missing",
    "name_differs",
    "street_type_differs",
    "directional_differs",
    "postal_differs",
    "unit_differs",
    "store_number_differs",
    "far_apart",
    "route_type_differs",
    "virtual_brand",
)


def _pairwise(
    a: np.ndarray, b: np.ndarray, scorer: Callable[..., float], mask: np.ndarray | None = None
) -> np.ndarray:
    """scorer(a[k], b[k]) for every k (NaN where mask is False), computed by rapidfuzz in C."""
    out = np.full(len(a), np.nan)
    if mask is None:
        mask = np.ones(len(a), dtype=bool)
    if mask.any():
        out[mask] = process.cpdist(a[mask], b[mask], scorer=scorer, workers=-1, dtype=np.float32)
    return out


def _equal(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """1.0 equal, 0.0 different, NaN when either side is blank."""
    out = (a == b).astype(float)
    out[(a == "") | (b == "")] = np.nan
    return out


def _number_match(pos: pd.DataFrame, dsp: pd.DataFrame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """1.0 same house number (or overlapping ranges, or both corners), 0.0 different, NaN if one is blank."""
    p_lo, p_hi = pos["num_lo"].to_numpy()[i], pos["num_hi"].to_numpy()[i]
    d_lo, d_hi = dsp["num_lo"].to_numpy()[j], dsp["num_hi"].to_numpy()[j]
    with np.errstate(invalid="ignore"):
        out = ((p_lo <= d_hi) & (d_lo <= p_hi)).astype(float)
    out[np.isnan(p_lo) | np.isnan(d_lo)] = np.nan
    both_corners = pos["corner"].to_numpy()[i] & dsp["corner"].to_numpy()[j]
    out[both_corners] = 1.0  # an intersection has no number: the two street names decide
    return out


def _unit_match(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """1.0 same unit, 0.0 different, NaN when one side has none or one names only part of the other
    ("Gate B33" vs "Terminal B, Gate B33")."""
    out = _equal(a, b)
    for k in np.flatnonzero(out == 0):
        x, y = set(str(a[k]).split()), set(str(b[k]).split())
        if x <= y or y <= x:
            out[k] = np.nan
    return out


def _digits_differ(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The numbers in two street names differ ("17th" vs "15th", route 9 vs route 99): another street."""
    return (a != "") & (b != "") & (a != b)


def _route_type_differs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Both routes name their system and the systems differ (US-9 vs SR-9); a bare 'Hwy' fits any."""
    sa = np.array([r.split("-")[0] for r in a.tolist()], dtype=object)
    sb = np.array([r.split("-")[0] for r in b.tolist()], dtype=object)
    typed = (sa != "") & (sb != "") & (sa != "Hwy") & (sb != "Hwy")
    return typed & (sa != sb)


def _haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dlat, dlon = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


def _agreement(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(agreement 0..1, conflict) for optional parts like the street type: equal 1, one missing 0.7."""
    both = (a != "") & (b != "")
    either = (a != "") | (b != "")
    agree = np.where(both, (a == b).astype(float), np.where(either, 0.7, 1.0))
    return agree, both & (a != b)


def name_scores(pos: pd.DataFrame, dsp: pd.DataFrame, i: np.ndarray, j: np.ndarray) -> dict[str, np.ndarray]:
    """Name similarity that ignores the merchant's own brand words but catches a different brand.

    brand_score: how well one side's brand words appear in the other name (a virtual brand scores low).
    label_score: the distinctive words (neighbourhood, street, city) when both names have some.
    name_score: the lower of the two, falling back to the whole-name similarity.
    """
    p_name, d_name = pos["name"].to_numpy()[i], dsp["name"].to_numpy()[j]
    full = _pairwise(p_name, d_name, fuzz.WRatio, (p_name != "") & (d_name != ""))
    p_brand, d_brand = pos["brand_part"].to_numpy()[i], dsp["brand_part"].to_numpy()[j]
    a = _pairwise(p_brand, d_name, fuzz.WRatio, (p_brand != "") & (d_name != ""))
    b = _pairwise(d_brand, p_name, fuzz.WRatio, (d_brand != "") & (p_name != ""))
    with np.errstate(invalid="ignore"):
        brand = np.fmin(a, b)
    brand = np.where(np.isnan(brand), full, brand)
    p_label, d_label = pos["label"].to_numpy()[i], dsp["label"].to_numpy()[j]
    label = _pairwise(p_label, d_label, fuzz.WRatio, (p_label != "") & (d_label != ""))
    name = np.fmin(brand, label)
    # Identical names are a perfect name match (WRatio of a brand part against the whole name tops out at 90).
    name = np.where((p_name == d_name) & (p_name != ""), 100.0, name)
    # The merchant's distinctive brand words on one side only ("Blaze Pizza" beside "Sal's ... Pizza").
    p_hits, d_hits = pos["brand_hits"].to_numpy()[i], dsp["brand_hits"].to_numpy()[j]
    brand_missing = (p_hits == "") != (d_hits == "")
    virtual = _adds_words(pos["extra"].to_numpy()[i], dsp["extra"].to_numpy()[j], p_name, d_name)
    return {
        "name_full": full,
        "brand_score": brand,
        "label_score": label,
        "name_score": name,
        "brand_missing": brand_missing,
        "virtual_brand": virtual,
    }


def _adds_words(
    p_extra: np.ndarray, d_extra: np.ndarray, p_name: np.ndarray, d_name: np.ndarray
) -> np.ndarray:
    """A name adds words (before any label) that the other name lacks and that are neither brand nor
    place words: "Olé Burrito Co - London" beside "Café Olé London" is a virtual brand, not a label."""
    out = np.zeros(len(p_extra), dtype=bool)
    for k in np.flatnonzero((p_extra != "") | (d_extra != "")):
        p_words, d_words = set(str(p_name[k]).split()), set(str(d_name[k]).split())
        out[k] = bool(set(str(d_extra[k]).split()) - p_words) or bool(set(str(p_extra[k]).split()) - d_words)
    return out


def street_scores(
    pos: pd.DataFrame, dsp: pd.DataFrame, i: np.ndarray, j: np.ndarray
) -> dict[str, np.ndarray]:
    """Street similarity: the street name (spaces ignored) plus agreement of suffix and directionals."""
    p_core, d_core = pos["street_key"].to_numpy()[i], dsp["street_key"].to_numpy()[j]
    core = _pairwise(p_core, d_core, fuzz.ratio, (p_core != "") & (d_core != ""))
    suffix_agree, suffix_conflict = _agreement(pos["suffix"].to_numpy()[i], dsp["suffix"].to_numpy()[j])
    # "E Paces Ferry Rd" vs "E Paces Ferry Rd NE": a directional on one side only is drift, not conflict.
    pre_agree, pre_conflict = _agreement(pos["pre_dir"].to_numpy()[i], dsp["pre_dir"].to_numpy()[j])
    post_agree, post_conflict = _agreement(pos["post_dir"].to_numpy()[i], dsp["post_dir"].to_numpy()[j])
    dir_agree, dir_conflict = (pre_agree + post_agree) / 2, pre_conflict | post_conflict
    street = 0.8 * core + 10.0 * suffix_agree + 10.0 * dir_agree
    return {
        "street_score": street,
        "street_type_differs": suffix_conflict,
        "directional_differs": dir_conflict,
    }


def score_pairs(
    pos: pd.DataFrame, dsp: pd.DataFrame, i: np.ndarray, j: np.ndarray, cfg: MatchConfig
) -> pd.DataFrame:
    """Components, red flags and the 0-100 score of each candidate pair (one row per pair).

    score: weighted mean of the components present (name, street, house number, ZIP, city; a blank side
    leaves its component out), plus bonuses for the same phone or store number, minus doubt_penalty per
    doubt beyond the first. Then a different house number or street (unless the phone is the same) or a
    different brand is squeezed below the review band, and any red flag caps the score just below auto.
    rank_score is the same number before clipping to 0-100 (it orders candidates).
    """
    out: dict[str, np.ndarray] = {"i": i, "j": j}
    out.update(name_scores(pos, dsp, i, j))
    out.update(street_scores(pos, dsp, i, j))
    out["number_match"] = _number_match(pos, dsp, i, j)
    out["postal_score"] = 100.0 * _equal(pos["zip5"].to_numpy()[i], dsp["zip5"].to_numpy()[j])
    p_city, d_city = pos["city"].to_numpy()[i], dsp["city"].to_numpy()[j]
    out["city_score"] = _pairwise(p_city, d_city, fuzz.token_set_ratio, (p_city != "") & (d_city != ""))
    out["unit_match"] = _unit_match(pos["unit"].to_numpy()[i], dsp["unit"].to_numpy()[j])
    out["street_number_differs"] = _digits_differ(
        pos["street_digits"].to_numpy()[i], dsp["street_digits"].to_numpy()[j]
    )
    out["route_type_differs"] = _route_type_differs(pos["route"].to_numpy()[i], dsp["route"].to_numpy()[j])
    out["phone_match"] = _equal(pos["phone"].to_numpy()[i], dsp["phone"].to_numpy()[j])
    out["store_number_match"] = _equal(pos["store_number"].to_numpy()[i], dsp["store_number"].to_numpy()[j])
    out["distance_km"] = _haversine_km(
        pos["lat"].to_numpy()[i], pos["lon"].to_numpy()[i], dsp["lat"].to_numpy()[j], dsp["lon"].to_numpy()[j]
    )

    # The same exact place (house number, street, ZIP, no other unit) and the merchant's whole brand: a
    # different store label ("(Crossing)", "(9697 3rd)") is the marketplace's wording, not another store.
    # The label still orders two such listings (the one with the POS's own label first).
    label = out["label_score"]
    with np.errstate(invalid="ignore"):
        same_place = (
            (out["number_match"] == 1)
            & (out["street_score"] >= 95)
            & (out["postal_score"] == 100)
            & (out["unit_match"] != 0)
            & ~out["street_number_differs"]
        )
        whole_brand = (
            (out["brand_score"] >= 90)
            & ~out["virtual_brand"]
            & ~out["brand_missing"]
            & (pos["brand_part"].to_numpy()[i] != "")
            & (dsp["brand_part"].to_numpy()[j] != "")
        )
    label_free = same_place & whole_brand
    out["label_free"] = label_free
    label_bonus = np.where(label_free & ~np.isnan(label), (np.nan_to_num(label) - 50.0) / 10.0, 0.0)

    w = cfg.weights
    parts = (
        (np.where(label_free, out["brand_score"], out["name_score"]), w.name),
        (out["street_score"], w.street),
        (100.0 * out["number_match"], w.number),
        (out["postal_score"], w.postal),
        (out["city_score"], w.city),
    )
    num = np.zeros(len(i))
    den = np.zeros(len(i))
    for values, weight in parts:
        have = ~np.isnan(values)
        num += np.where(have, values * weight, 0.0)
        den += np.where(have, weight, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(den > 0, num / den, 0.0)
    same_phone = out["phone_match"] == 1
    score = score + np.where(same_phone, cfg.phone_bonus, 0.0)
    score = score + np.where(out["store_number_match"] == 1, cfg.store_number_bonus, 0.0)

    out["number_differs"] = out["number_match"] == 0
    out["number_missing"] = np.isnan(out["number_match"])
    out["other_brand"] = (out["brand_score"] < cfg.brand_min) | out["brand_missing"]
    out["name_differs"] = (out["name_score"] < cfg.name_min) & ~label_free
    # Two corners are one place only when both streets agree (Oak Ave & 20th St is not Central Ave & 20th St).
    corners = pos["corner"].to_numpy()[i] & dsp["corner"].to_numpy()[j]
    other_corner = corners & (pos["street_key"].to_numpy()[i] != dsp["street_key"].to_numpy()[j])
    out["street_differs"] = (
        (out["street_score"] < cfg.street_min) | out["street_number_differs"] | other_corner
    )
    out["postal_differs"] = out["postal_score"] == 0
    out["unit_differs"] = out["unit_match"] == 0
    out["store_number_differs"] = out["store_number_match"] == 0
    out["far_apart"] = out["distance_km"] > cfg.far_km

    # Red flags. A different house number or street is a different place, unless the phone says it is
    # the same store under another address (moved, or a second entrance): then a person decides.
    elsewhere = out["number_differs"] | out["street_differs"]
    doubts = np.zeros(len(i))
    for flag in DOUBTS:
        doubts += out[flag]
    # One doubt costs the pre-tick; several together (other ZIP, other street type, pins apart...) mean
    # another place, so the pair sinks towards no proposal.
    score = score - cfg.doubt_penalty * np.maximum(doubts - 1, 0)
    # A virtual brand in the real store's kitchen must rank well below the store's own listing.
    score = score - np.where(out["virtual_brand"], 4 * cfg.doubt_penalty, 0.0)
    # Same phone and same name at another address: a moved store or a second listing. Never auto, but
    # worth a look rather than silently dropped.
    moved = same_phone & elsewhere & (out["name_score"] >= cfg.moved_name_min)
    score = np.where(moved, np.maximum(score, cfg.review_threshold + 5.0), score)

    # Never proposed: squeezed below the review band, keeping their order (a virtual brand at the same
    # address or the store two doors down still outranks a store across town among the alternatives).
    below_review = cfg.review_threshold - 10.0
    # Without a house number the street does not name the place: only a close name can.
    unplaced = out["number_missing"] & (out["name_score"] < cfg.name_min + 20) & ~same_phone
    never = (elsewhere & ~same_phone) | out["other_brand"] | unplaced
    score = np.where(never, np.clip(score, 0.0, 100.0) * below_review / 100.0, score)
    # Proposed at most for review.
    doubtful = elsewhere | (doubts > 0) | np.isnan(out["street_score"])
    score = np.where(doubtful, np.minimum(score, cfg.auto_threshold - 0.5), score)
    # rank_score may exceed 100 (bonuses): it orders candidates and measures ambiguity; score is shown.
    out["rank_score"] = score + label_bonus
    out["score"] = np.round(np.clip(score, 0.0, 100.0), 1)
    return pd.DataFrame(out)
