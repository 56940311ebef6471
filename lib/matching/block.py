"""Blocking: candidate (POS, DSP) pairs from shared keys, pruned with rapidfuzz cdist inside big blocks."""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from lib.matching.config import MatchConfig

# Block families. A pair is a candidate when it shares a key in any family, so each family covers a
# failure of another: a missing or ZIP+4 postal code (city), a city spelled differently or a wrong ZIP
# (state + house number), a store that moved but kept its phone line (phone).
FAMILIES: tuple[str, ...] = ("zip", "city", "number", "phone")


def block_keys(frame: pd.DataFrame, family: str) -> pd.Series:
    """The block key of every row for one family ('' = row not in any block of that family)."""
    region = frame["country"] + "|" + frame["state"]
    if family == "zip":
        key = region + "|" + frame["zip5"]
        return key.where(frame["zip5"] != "", "")
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
    keys = keys[keys != ""]
    return {k: keys.index.to_numpy()[v] for k, v in keys.groupby(keys.to_numpy(), sort=False).indices.items()}


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
        workers=-1,
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
            workers=-1,
        )
        keep[np.ix_(p_has, d_has)] |= names > 0
    r, c = np.nonzero(keep)
    return pi[r], dj[c]


def candidate_pairs(pos: pd.DataFrame, dsp: pd.DataFrame, cfg: MatchConfig) -> tuple[np.ndarray, np.ndarray]:
    """Unique candidate pairs as (pos row indices, dsp row indices) over all block families."""
    chunks_i: list[np.ndarray] = []
    chunks_j: list[np.ndarray] = []
    for family in FAMILIES:
        p_groups = _groups(block_keys(pos, family))
        d_groups = _groups(block_keys(dsp, family))
        for key, pi in p_groups.items():
            dj = d_groups.get(key)
            if dj is None:
                continue
            if family != "phone" and len(pi) * len(dj) > cfg.small_block:
                ii, jj = _prune(pi, dj, pos, dsp, cfg)
            else:
                ii, jj = np.repeat(pi, len(dj)), np.tile(dj, len(pi))
            chunks_i.append(ii)
            chunks_j.append(jj)
    if not chunks_i:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    i = np.concatenate(chunks_i).astype(np.int64)
    j = np.concatenate(chunks_j).astype(np.int64)
    code = np.unique(i * max(len(dsp), 1) + j)
    return code // max(len(dsp), 1), code % max(len(dsp), 1)
