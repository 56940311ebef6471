"""Blocking: candidate (POS, DSP) pairs from shared keys, pruned with rapidfuzz cdist inside big blocks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from lib.matching.config import MatchConfig
from lib.matching.errors import MatchBudgetError

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


@dataclass(frozen=True)
class _Blocks:
    """The rows of both sides grouped by block key: block b holds pos_rows[p_start[b]:p_start[b] + p_count[b]]
    (and the same for dsp); keys are coded together, so a block code means the same key on both sides."""

    pos_rows: np.ndarray
    p_start: np.ndarray
    p_count: np.ndarray
    dsp_rows: np.ndarray
    d_start: np.ndarray
    d_count: np.ndarray

    def pos(self, b: int) -> np.ndarray:
        return self.pos_rows[self.p_start[b] : self.p_start[b] + self.p_count[b]]

    def dsp(self, b: int) -> np.ndarray:
        return self.dsp_rows[self.d_start[b] : self.d_start[b] + self.d_count[b]]


def _blocks(p_keys: pd.Series, d_keys: pd.Series) -> _Blocks:
    """Group both sides' rows by key in a few vectorised passes ('' = in no block)."""
    codes, uniques = pd.factorize(pd.concat([p_keys, d_keys], ignore_index=True), sort=False)
    n_blocks = len(uniques)
    blank = np.flatnonzero(np.asarray(uniques, dtype=object) == "")
    if blank.size:
        codes = np.where(codes == blank[0], -1, codes)
    pc, dc = codes[: len(p_keys)], codes[len(p_keys) :]

    def side(c: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows = np.flatnonzero(c >= 0)
        rows = rows[np.argsort(c[rows], kind="stable")]
        count = np.bincount(c[rows], minlength=n_blocks)
        return rows, np.cumsum(count) - count, count

    return _Blocks(*side(pc), *side(dc))


def _workers(cells: int) -> int:
    # Starting rapidfuzz's thread pool costs more than a small block's whole matrix.
    return -1 if cells >= 20_000 else 1


def _prune(
    pi: np.ndarray, dj: np.ndarray, pos: pd.DataFrame, dsp: pd.DataFrame, cfg: MatchConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of a big block worth scoring: similar "number street", or similar distinctive name words.

    The score matrix is built a chunk of POS rows at a time and each row keeps at most
    cfg.max_candidates pairs, so memory stays bounded however many rows the block has.
    """
    step = max(1, cfg.chunk_cells // max(len(dj), 1))
    if len(pi) <= step:
        return _prune_chunk(pi, dj, pos, dsp, cfg)
    parts = [_prune_chunk(pi[k : k + step], dj, pos, dsp, cfg) for k in range(0, len(pi), step)]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _prune_chunk(
    pi: np.ndarray, dj: np.ndarray, pos: pd.DataFrame, dsp: pd.DataFrame, cfg: MatchConfig
) -> tuple[np.ndarray, np.ndarray]:
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
        # An address match ranks first; a name-only match (a moved store) after it.
        names_full = np.zeros_like(addr)
        names_full[np.ix_(p_has, d_has)] = names
        # A name alone finds a store by its own label; a label that many rows of the block share (the
        # neighbourhood of a busy ZIP) names no one store, and its pairs would grow with the block's square.
        name_only = (names_full > 0) & ~keep
        name_only[name_only.sum(axis=1) > cfg.name_only_max, :] = False
        name_only[:, name_only.sum(axis=0) > cfg.name_only_max] = False
        addr = np.where(keep, addr.astype(np.uint16) + 100, names_full).astype(np.uint16)
        keep |= name_only
    r, c = np.nonzero(keep)
    # At most max_candidates per row, whatever the block's density: the work stays linear in the rows.
    if r.size and int(np.bincount(r).max()) > cfg.max_candidates:
        # Many stores at one address (a mall, an airport): the same unit ranks first among equals.
        p_unit, d_unit = pos["unit"].to_numpy()[pi][r], dsp["unit"].to_numpy()[dj][c]
        rank = addr[r, c].astype(float) + 0.5 * ((p_unit == d_unit) & (p_unit != ""))
        top = _top_per_row(r, c, rank, cfg.max_candidates)
        r, c = r[top], c[top]
    return pi[r], dj[c]


def _top_per_row(rows: np.ndarray, cols: np.ndarray, score: np.ndarray, keep: int) -> np.ndarray:
    """Indices of the `keep` best-scoring entries per row (all of a row's entries when it has fewer)."""
    order = np.lexsort((-score, rows))
    if order.size == 0:
        return order
    r = rows[order]
    starts = np.r_[0, np.flatnonzero(np.diff(r)) + 1]
    rank = np.arange(order.size) - np.repeat(starts, np.diff(np.r_[starts, order.size]))
    return order[rank < keep]


def _nearest_numbers(p_num: np.ndarray, d_num: np.ndarray, keep: int) -> tuple[np.ndarray, np.ndarray]:
    """(pos k, dsp k) pairs: for each POS number, the `keep` DSP rows with the closest house numbers."""
    order = np.argsort(d_num, kind="stable")  # NaN (no number) last
    sorted_num = d_num[order]
    finite = int(np.isfinite(sorted_num).sum())
    n = len(order)
    if n <= keep:
        return np.repeat(np.arange(len(p_num)), n), np.tile(order, len(p_num))
    half = keep // 2
    at = np.searchsorted(sorted_num[:finite], np.nan_to_num(p_num, nan=0.0))
    start = np.clip(at - half, 0, max(n - keep, 0))
    idx = start[:, None] + np.arange(keep)[None, :]
    return np.repeat(np.arange(len(p_num)), keep), order[idx.ravel()]


def _dense_pairs(
    pi: np.ndarray, dj: np.ndarray, pos: pd.DataFrame, dsp: pd.DataFrame, cfg: MatchConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Candidates of a block too big to compare row by row (a dense downtown, a file with one ZIP).

    Sub-blocks by street: the distinct street names of both sides are compared (few, however many rows
    share them), and each POS row meets the DSP rows with the nearest house numbers on each similar
    street, at most cfg.max_candidates per street. Rows without a street fall back to the row-by-row
    prefilter, in chunks, capped per row. Linear in the rows, so memory stays flat.
    """
    p_st, d_st = pos["street_key"].to_numpy()[pi], dsp["street_key"].to_numpy()[dj]
    # Ordered by house number, then unit: the window of nearest rows starts at the same number and unit.
    p_unit, d_unit = pos["unit"].to_numpy()[pi], dsp["unit"].to_numpy()[dj]
    units, codes = np.unique(np.concatenate([p_unit, d_unit]).astype(str), return_inverse=True)
    width = float(len(units) + 1)
    p_num = pos["num_lo"].to_numpy()[pi] * width + codes[: len(pi)]
    d_num = dsp["num_lo"].to_numpy()[dj] * width + codes[len(pi) :]
    ps_u, p_inv = np.unique(p_st, return_inverse=True)
    ds_u, d_inv = np.unique(d_st, return_inverse=True)
    if len(ps_u) * len(ds_u) > cfg.max_street_cells:
        raise MatchBudgetError(
            f"{len(pi):,} POS and {len(dj):,} DSP rows share one city or ZIP on {len(ps_u):,} and "
            f"{len(ds_u):,} different streets, more than the matcher compares in its budget"
        )
    sim = process.cdist(
        ps_u, ds_u, scorer=fuzz.ratio, score_cutoff=cfg.street_prefilter, dtype=np.uint8, workers=-1
    )
    sim[ps_u == "", :] = 0
    sim[:, ds_u == ""] = 0
    sr, sc = np.nonzero(sim)
    best = _top_per_row(sr, sc, sim[sr, sc].astype(float), cfg.similar_streets)
    p_rows = {s: np.flatnonzero(p_inv == s) for s in np.unique(sr[best]).tolist()}
    d_rows = {t: np.flatnonzero(d_inv == t) for t in np.unique(sc[best]).tolist()}
    out_i: list[np.ndarray] = []
    out_j: list[np.ndarray] = []
    for s, t in zip(sr[best].tolist(), sc[best].tolist(), strict=True):
        pk, dk = p_rows[s], d_rows[t]
        a, b = _nearest_numbers(p_num[pk], d_num[dk], cfg.max_candidates)
        out_i.append(pi[pk[a]])
        out_j.append(dj[dk[b]])
    no_street = p_st == ""
    if no_street.any():
        out_i_s, out_j_s = _prune(pi[no_street], dj, pos, dsp, cfg)
        out_i.append(out_i_s)
        out_j.append(out_j_s)
    if not out_i:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    return np.concatenate(out_i), np.concatenate(out_j)


def _similar(
    i: np.ndarray, j: np.ndarray, pos: pd.DataFrame, dsp: pd.DataFrame, cfg: MatchConfig
) -> np.ndarray:
    """Which pairs pass the prefilter (similar "number street", or similar distinctive name words), pair
    by pair in one rapidfuzz call: for many small blocks, where one cdist per block costs more."""
    p_addr, d_addr = pos["addr_key"].to_numpy()[i], dsp["addr_key"].to_numpy()[j]
    addr = process.cpdist(p_addr, d_addr, scorer=fuzz.ratio, score_cutoff=cfg.prefilter, workers=-1)
    p_label, d_label = pos["label"].to_numpy()[i], dsp["label"].to_numpy()[j]
    has = (p_label != "") & (d_label != "")
    names = np.zeros(len(i), dtype=bool)
    if has.any():
        names[has] = (
            process.cpdist(
                p_label[has],
                d_label[has],
                scorer=fuzz.token_sort_ratio,
                score_cutoff=cfg.name_prefilter,
                workers=-1,
            )
            > 0
        )
    return (addr > 0) | names


def _all_pairs(blocks: _Blocks, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (pos, dsp) pair of the chosen blocks, built at once (no loop over thousands of small blocks)."""
    b_of = np.repeat(chosen, blocks.p_count[chosen])
    p_at = np.repeat(blocks.p_start[chosen], blocks.p_count[chosen])
    p_at += np.arange(p_at.size) - np.repeat(
        np.cumsum(blocks.p_count[chosen]) - blocks.p_count[chosen], blocks.p_count[chosen]
    )
    reps = blocks.d_count[b_of]
    i = np.repeat(blocks.pos_rows[p_at], reps)
    offset = np.arange(i.size) - np.repeat(np.cumsum(reps) - reps, reps)
    j = blocks.dsp_rows[np.repeat(blocks.d_start[b_of], reps) + offset]
    return i, j


def _block_pairs(
    blocks: _Blocks,
    pos: pd.DataFrame,
    dsp: pd.DataFrame,
    cfg: MatchConfig,
    prune: bool,
    prune_small: bool = False,
) -> list[tuple[np.ndarray, np.ndarray]]:
    out: list[tuple[np.ndarray, np.ndarray]] = []
    cells = blocks.p_count * blocks.d_count
    big = cells > (min(cfg.small_block, cfg.dense_block) if prune else cfg.dense_block)
    for b in np.flatnonzero(big).tolist():
        pi, dj = blocks.pos(b), blocks.dsp(b)
        if cells[b] > cfg.dense_block:
            out.append(_dense_pairs(pi, dj, pos, dsp, cfg))
        else:
            out.append(_prune(pi, dj, pos, dsp, cfg))
    small = np.flatnonzero(~big & (cells > 0))
    if small.size:
        i, j = _all_pairs(blocks, small)
        if prune_small:
            keep = _similar(i, j, pos, dsp, cfg)
            i, j = i[keep], j[keep]
        out.append((i, j))
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
            chunks += _block_pairs(_blocks(p_nozip, d_keys), pos, dsp, cfg, prune)
            chunks += _block_pairs(_blocks(p_keys, d_nozip), pos, dsp, cfg, prune)
        else:
            # Rows sharing a state and a house number are mostly other streets: as many as the square of
            # the rows per state, so even its small blocks keep only similar addresses or names.
            small = family == "number"
            chunks += _block_pairs(_blocks(p_keys, d_keys), pos, dsp, cfg, prune, small)
    if not chunks:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    i = np.concatenate([c[0] for c in chunks]).astype(np.int64)
    j = np.concatenate([c[1] for c in chunks]).astype(np.int64)
    width = max(len(dsp), 1)
    code = np.unique(i * width + j)
    return code // width, code % width
