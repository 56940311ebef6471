"""Blocking: candidate (POS, DSP) pairs from shared keys, pruned with rapidfuzz cdist inside big blocks."""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from lib.matching.config import MatchConfig

# Block families. A pair is a candidate when it shares a key in any family, so each family covers a
# failure of another: the ZIP (the primary block); city + state, only for rows without a ZIP (the
# fallback); state + house number (a city spelled differently, a wrong ZIP); the phone line (a store that
# moved but kept its number).
FAMILIES: tuple[str, ...] = ("zip", "city", "number", "phone")


def block_keys(frame: pd.DataFrame, family: str) -> pd.Series:
    """The block key of every row for one family ('' = row not in any block of that family)."""
    region = frame["country"] + "|" + frame["state"]
    if family == "zip":
        # A ZIP or postal code names one place on its own: a blank or spelled-out state must not split it.
        return frame["zip5"]
    if family == "city":
        key = region + "|" + frame["city"]
        return key.where(frame["city"] != "", "")
    if family == "number":
        key = region + "|" + frame["number"]
        return key.where(frame["number"] != "", "")
    if family == "phone":
        return frame["phone"]
    raise ValueError(family)


def _groups(keys: pd.Series) -> dict[str, np.ndarray]:
    groups: dict[str, list[int]] = {}
    for row, key in enumerate(keys.tolist()):
        if key:
            groups.setdefault(key, []).append(row)
    return {k: np.array(v, dtype=np.int64) for k, v in groups.items()}


def _workers(cells: int) -> int:
    # Starting rapidfuzz's thread pool costs more than a small block's whole matrix.
    return -1 if cells >= 20_000 else 1


def _prune(
    pi: np.ndarray, dj: np.ndarray, pos: pd.DataFrame, dsp: pd.DataFrame, cfg: MatchConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of a big block worth scoring: similar "number street", or similar distinctive name words."""
    addr = process.cdist(
        pos["addr_key"].to_numpy()[pi],
        dsp["addr_key"].to_numpy()[dj],
        scorer=fuzz.ratio,
        score_cutoff=cfg.prefilter,
        dtype=np.uint8,
        workers=_workers(len(pi) * len(dj)),
    )
    keep = addr > 0
    p_label = pos["label"].to_numpy()[pi]
    d_label = dsp["label"].to_numpy()[dj]
    p_has = p_label != ""
    d_has = d_label != ""
    if p_has.any() and d_has.any():
        names = process.cdist(
            p_label[p_has],
            d_label[d_has],
            scorer=fuzz.token_sort_ratio,
            score_cutoff=cfg.name_prefilter,
            dtype=np.uint8,
            workers=_workers(int(p_has.sum()) * int(d_has.sum())),
        )
        keep[np.ix_(p_has, d_has)] |= names > 0
    r, c = np.nonzero(keep)
    return pi[r], dj[c]


def _block_pairs(
    p_groups: dict[str, np.ndarray],
    d_groups: dict[str, np.ndarray],
    pos: pd.DataFrame,
    dsp: pd.DataFrame,
    cfg: MatchConfig,
    prune: bool,
) -> list[tuple[np.ndarray, np.ndarray]]:
    out: list[tuple[np.ndarray, np.ndarray]] = []
    for key, pi in p_groups.items():
        dj = d_groups.get(key)
        if dj is None:
            continue
        if prune and len(pi) * len(dj) > cfg.small_block:
            out.append(_prune(pi, dj, pos, dsp, cfg))
        else:
            out.append((np.repeat(pi, len(dj)), np.tile(dj, len(pi))))
    return out


def candidate_pairs(pos: pd.DataFrame, dsp: pd.DataFrame, cfg: MatchConfig) -> tuple[np.ndarray, np.ndarray]:
    """Unique candidate pairs as (pos row indices, dsp row indices) over all block families."""
    chunks: list[tuple[np.ndarray, np.ndarray]] = []
    for family in FAMILIES:
        p_keys, d_keys = block_keys(pos, family), block_keys(dsp, family)
        prune = family != "phone"  # a shared phone line is rare enough to keep every pair
        if family == "city":
            # Fallback for a missing ZIP: that row meets every row of its city on the other side.
            p_nozip = p_keys.where(pos["zip5"] == "", "")
            d_nozip = d_keys.where(dsp["zip5"] == "", "")
            chunks += _block_pairs(_groups(p_nozip), _groups(d_keys), pos, dsp, cfg, prune)
            chunks += _block_pairs(_groups(p_keys), _groups(d_nozip), pos, dsp, cfg, prune)
        else:
            chunks += _block_pairs(_groups(p_keys), _groups(d_keys), pos, dsp, cfg, prune)
    if not chunks:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    i = np.concatenate([c[0] for c in chunks]).astype(np.int64)
    j = np.concatenate([c[1] for c in chunks]).astype(np.int64)
    width = max(len(dsp), 1)
    code = np.unique(i * width + j)
    return code // width, code % width
