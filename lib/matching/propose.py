"""The matching pipeline: validate, normalise, block, score, assign one-to-one, band and explain."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz.distance import OSA

from lib.matching.assign import assign_one_to_one
from lib.matching.block import candidate_pairs
from lib.matching.config import MatchConfig
from lib.matching.errors import MatchBudgetError, MatchInputError
from lib.matching.explain import AMBIGUOUS, near_numbers, no_proposal_reason, pair_reason
from lib.matching.normalize import (
    GENERIC_NAME_WORDS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    STORE_NUMBER_WORDS,
    AddressParts,
    brand_canon,
    brand_tokens,
    normalize_frame,
    strip_tokens,
)
from lib.matching.score import score_pairs

PAIR_COLUMNS: tuple[str, ...] = (
    "pos_provider_id",
    "dsp_provider_id",
    "score",
    "band",
    "reason",
    "name_score",
    "street_score",
    "number_match",
    "postal_score",
    "city_score",
    "unit_match",
    "phone_match",
)
ALTERNATIVE_COLUMNS: tuple[str, ...] = (
    "pos_provider_id",
    "rank",
    "dsp_provider_id",
    "score",
    "band",
    "reason",
    "taken_by",
)
BANDS: tuple[str, ...] = ("auto", "review", "none")


def validate_locations(df: pd.DataFrame, side: str) -> None:
    """Raise MatchInputError naming the problem when df is not a usable location table."""
    if not isinstance(df, pd.DataFrame):
        raise MatchInputError(f"{side}: expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise MatchInputError(f"{side}: missing required column(s): {', '.join(missing)}")
    ids = df["provider_id"]
    blank = ids.isna() | (ids.astype(str).str.strip() == "")
    if blank.any():
        raise MatchInputError(f"{side}: provider_id is blank in {int(blank.sum())} row(s)")
    dupes = ids.astype(str)[ids.astype(str).duplicated()]
    if not dupes.empty:
        raise MatchInputError(f"{side}: duplicate provider_id {dupes.iloc[0]!r}")


def _objects(values: Iterable[str]) -> pd.Series:
    return pd.Series(list(values), dtype=object)


def location_words(*frames: pd.DataFrame) -> frozenset[str]:
    """Words that name a place rather than a business: store labels ("- London", "(Crossing)"), cities
    and street names, over both tables. A name word outside these and the brand is another business's."""
    words: set[str] = set()
    for frame in frames:
        for col in ("label_words", "neighbourhood", "city", "street_name"):
            for v in frame[col].unique().tolist():
                words.update(str(v).split())
    return frozenset(words)


def _brand_typos(cores: list[str], brand: frozenset[str]) -> frozenset[str]:
    """Short words one edit from a brand word ('tco' for 'taco'): a typo, not another brand's word."""
    long = [b for b in brand if len(b) >= 4]
    return frozenset(
        t
        for t in {t for c in cores for t in c.split()} - brand
        if len(t) >= 3 and any(OSA.distance(t, b, score_cutoff=1) <= 1 for b in long)
    )


def add_keys(norm: pd.DataFrame, brand: frozenset[str], places: frozenset[str] = frozenset()) -> pd.DataFrame:
    """The normalised frame plus the derived keys blocking and scoring use (brand words split off).

    brand_hits: the merchant's distinctive (non-generic) brand words in the name; extra: words before any
    label separator that are neither brand nor place words (a virtual brand's "burrito co").
    """
    out = norm.copy()
    names = out["name"].tolist()
    canon = brand_canon(names, brand)
    words = frozenset(canon)
    distinctive = (brand - GENERIC_NAME_WORDS) or brand
    out["brand_part"] = _objects(" ".join(canon[t] for t in n.split() if t in canon) for n in names)
    out["brand_hits"] = _objects(
        " ".join(sorted({canon[t] for t in n.split() if canon.get(t) in distinctive})) for n in names
    )
    typos = _brand_typos(out["core"].tolist(), brand)
    # A store-number word is no other business's ("Country Store #12" names the POS side "country"): it
    # never makes "Country Store" a virtual brand.
    neutral = places | typos | STORE_NUMBER_WORDS
    out["extra"] = _objects(
        " ".join(t for t in c.split() if t not in words and t not in neutral and not t.isdigit())
        if brand
        else ""
        for c in out["core"].tolist()
    )
    out["label"] = _objects(
        f"{strip_tokens(n, words)} {h}".strip() for n, h in zip(names, out["neighbourhood"], strict=True)
    )
    out["street_key"] = _objects(s.replace(" ", "") for s in out["street_name"])
    out["addr_key"] = _objects(f"{n} {s}".strip() for n, s in zip(out["number"], out["street"], strict=True))
    return out


def merchant_brand_words(pos: pd.DataFrame, dsp: pd.DataFrame, cfg: MatchConfig) -> frozenset[str]:
    """Name words most locations share: the merchant's brand, no signal between its own stores.

    Counted over both sides together, and over the POS side alone (a DSP list padded with other
    businesses must not hide the merchant's own brand).
    """
    pos_names = [n for n in pos["name"].tolist() if n]
    all_names = pos_names + [n for n in dsp["name"].tolist() if n]
    return brand_tokens(all_names, min_share=cfg.brand_share) | brand_tokens(
        pos_names, min_share=cfg.brand_share
    )


@dataclass(frozen=True)
class Proposals:
    """The engine's output.

    pairs: one row per POS location, in input order, indexed by pos_provider_id (also a column):
        dsp_provider_id (None when no proposal), score 0-100, band auto|review|none, reason, and the
        components name_score, street_score, postal_score, city_score (0-100 or NaN when a side is blank),
        number_match, unit_match, phone_match (True/False/<NA>).
    alternatives: up to max_alternatives other candidates per POS location (rank 1 = best), with score,
        the band the pair would have on its own, reason, and taken_by (the POS location that store is
        proposed for, if any).
    """

    pairs: pd.DataFrame
    alternatives: pd.DataFrame
    brand_words: frozenset[str] = frozenset()
    config: MatchConfig = field(default_factory=MatchConfig)

    def explain(self, pos_row: Mapping[str, object], dsp_row: Mapping[str, object]) -> dict[str, object]:
        """explain_pair with this run's brand words and config (for the detail panel)."""
        return explain_pair(pos_row, dsp_row, self.config, self.brand_words)


class _Columns(dict[str, list[object]]):
    """Column name -> that column's values as a list, converted on first use: reasons read a handful of
    columns, and converting every column of every row would hold millions of Python objects."""

    def __init__(self, frame: pd.DataFrame, rows: np.ndarray | None) -> None:
        super().__init__()
        self._frame, self._rows = frame, rows
        self.names: tuple[str, ...] = tuple(str(c) for c in frame.columns)

    def __missing__(self, column: str) -> list[object]:
        values = self._frame[column].to_numpy()
        converted: list[object] = (values if self._rows is None else values[self._rows]).tolist()
        self[column] = converted
        return converted


class _Row(Mapping[str, object]):
    """One row of column lists, read lazily: reasons touch a handful of fields of a few rows."""

    __slots__ = ("_cols", "_k")

    def __init__(self, cols: _Columns, k: int) -> None:
        self._cols, self._k = cols, k

    def __getitem__(self, column: str) -> Any:
        return self._cols[column][self._k]

    def __iter__(self) -> Iterator[str]:
        return iter(self._cols.names)

    def __len__(self) -> int:
        return len(self._cols.names)


class _RowView:
    """rows[k]: row k of a frame as a read-only mapping, without building a dict per row."""

    def __init__(self, frame: pd.DataFrame, rows: np.ndarray | None = None) -> None:
        self._cols = _Columns(frame, rows)
        self._pos = None if rows is None else {int(e): k for k, e in enumerate(rows.tolist())}

    def __getitem__(self, k: int) -> _Row:
        return _Row(self._cols, k if self._pos is None else self._pos[k])


def band_of_score(score: float, cfg: MatchConfig) -> str:
    """The band a score falls in on its own (before the one-to-one and ambiguity checks)."""
    if score >= cfg.auto_threshold:
        return "auto"
    return "review" if score >= cfg.review_threshold else "none"


def _band(score: np.ndarray, cfg: MatchConfig) -> np.ndarray:
    return np.where(
        score >= cfg.auto_threshold, "auto", np.where(score >= cfg.review_threshold, "review", "none")
    )


def _tristate(values: np.ndarray) -> pd.Series:
    return pd.Series(pd.array([pd.NA if np.isnan(v) else bool(v) for v in values], dtype="boolean"))


def _runner_up(keys: np.ndarray, score: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Per key: the best and second-best score among its edges (-inf when absent)."""
    best = np.full(size, -np.inf)
    second = np.full(size, -np.inf)
    if keys.size == 0:
        return best, second
    order = np.lexsort((-score, keys))
    k, s = keys[order], score[order]
    first = np.r_[True, k[1:] != k[:-1]]
    best[k[first]] = s[first]
    nxt = np.r_[False, first[:-1]] & ~first  # the element right after each group's first
    second[k[nxt]] = s[nxt]
    return best, second


@dataclass
class _Run:
    """The arrays of one matching run that the output builders share."""

    cfg: MatchConfig
    scored: pd.DataFrame  # one row per candidate pair
    pos_ids: np.ndarray
    dsp_ids: np.ndarray
    pos_rec: _RowView
    dsp_rec: _RowView
    pick: np.ndarray  # per POS row: the row in `scored` of its proposal, -1 for none
    band_of: dict[int, str]  # proposal edge -> band
    amb_of: dict[int, bool]  # proposal edge -> a runner-up is nearly as good
    taken_by: np.ndarray  # per DSP row: the POS id it is proposed for, or None
    by_pos: dict[int, list[int]]  # per POS row: its best few candidate edges, best first
    records: _RowView  # the scored pairs that get a reason (by edge number)

    def reason(self, e: int) -> str:
        r = self.records[e]
        ambiguous = self.amb_of.get(e, False)
        text = pair_reason(r, self.pos_rec[r["i"]], self.dsp_rec[r["j"]], self.cfg, ambiguous=ambiguous)
        if ambiguous and self._rival_at_same_address(e):
            text = text.replace(AMBIGUOUS, "another listing of the brand at this address")
        return text

    def _rival_at_same_address(self, e: int) -> bool:
        """Another candidate of this POS location, nearly as good, sits at the proposed store's address."""
        r = self.records[e]
        here = self.dsp_rec[r["j"]]
        floor = float(r["rank_score"]) - self.cfg.ambiguity_margin  # type: ignore[arg-type]
        for other in self.by_pos.get(int(r["i"]), []):  # type: ignore[call-overload]
            o = self.records[other]
            there = self.dsp_rec[o["j"]]
            if (
                other != e
                and float(o["rank_score"]) >= floor  # type: ignore[arg-type]
                and there["number"] == here["number"]
                and there["street_key"] == here["street_key"]
            ):
                return True
        return False


def _assign(
    i: np.ndarray, j: np.ndarray, scored: pd.DataFrame, n_pos: int, n_dsp: int, cfg: MatchConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(chosen edges, their bands, ambiguous flags): one-to-one, then demote near ties out of auto."""
    score = scored["rank_score"].to_numpy()
    # Eligibility on the shown score (what the bands are cut on); the solver weighs the unclipped one.
    eligible = np.where(scored["score"].to_numpy() >= cfg.review_threshold, score, -np.inf)
    chosen = assign_one_to_one(i, j, eligible, n_pos, n_dsp, cfg.review_threshold, cfg.max_component)
    # A runner-up (for the same POS location or the same DSP store) nearly as good as the pick.
    _, pos_second = _runner_up(i, score, n_pos)
    _, dsp_second = _runner_up(j, score, n_dsp)
    runner = np.maximum(pos_second[i[chosen]], dsp_second[j[chosen]])
    ambiguous = runner >= score[chosen] - cfg.ambiguity_margin
    bands = _band(scored["score"].to_numpy()[chosen], cfg)
    bands = np.where(ambiguous & (bands == "auto"), "review", bands)
    return chosen, bands, ambiguous


def _top_candidates(i: np.ndarray, score: np.ndarray, keep: int) -> dict[int, list[int]]:
    """Per POS row, its `keep` best candidate edges, best first."""
    order = np.lexsort((-score, i))
    if order.size == 0:
        return {}
    starts = np.r_[0, np.flatnonzero(np.diff(i[order])) + 1]
    rank = np.arange(order.size) - np.repeat(starts, np.diff(np.r_[starts, order.size]))
    top = order[rank < keep]
    by_pos: dict[int, list[int]] = {}
    for e, p in zip(top.tolist(), i[top].tolist(), strict=True):
        by_pos.setdefault(p, []).append(e)
    return by_pos


def _no_proposal_row(run: _Run, p: int) -> dict[str, object]:
    cands = run.by_pos.get(p, [])
    best = run.records[cands[0]] if cands else None
    # A store on another street, or far down this one, is not worth naming: "no store here" says more.
    relevant = best is not None and (
        best["phone_match"] == 1
        or (not best["street_differs"] and not best["number_differs"])
        or (best["street_number_differs"] and best["number_match"] == 1)  # 800 17th Ln vs 800 15th Ln
        or (
            not best["street_differs"]
            and near_numbers(str(run.pos_rec[p]["number"]), str(run.dsp_rec[best["j"]]["number"]))
        )
    )
    why = no_proposal_reason(
        run.reason(cands[0]) if relevant else None,
        run.taken_by[best["j"]] if relevant and best is not None else None,
        relevant,
    )
    return {"dsp_provider_id": None, "score": 0.0, "band": "none", "reason": why}


def _pairs_frame(run: _Run) -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    for p in range(len(run.pos_ids)):
        e = int(run.pick[p])
        if e < 0:
            rows.append(_no_proposal_row(run, p))
            continue
        r = run.records[e]
        rows.append(
            {
                "dsp_provider_id": run.dsp_ids[r["j"]],
                "score": r["score"],
                "band": run.band_of[e],
                "reason": run.reason(e),
            }
        )
    pairs = pd.DataFrame(rows, columns=["dsp_provider_id", "score", "band", "reason"])
    pairs.insert(0, "pos_provider_id", run.pos_ids)
    has = run.pick >= 0
    safe = np.where(has, run.pick, 0)
    empty = len(run.scored) == 0
    for col in ("name_score", "street_score", "postal_score", "city_score"):
        vals = np.zeros(len(safe)) if empty else run.scored[col].to_numpy()[safe]
        pairs[col] = np.where(has, vals, np.nan).round(1)
    for col in ("number_match", "unit_match", "phone_match"):
        vals = np.zeros(len(safe)) if empty else run.scored[col].to_numpy()[safe]
        pairs[col] = _tristate(np.where(has, vals, np.nan))
    pairs["score"] = pairs["score"].astype(float)
    pairs["dsp_provider_id"] = pairs["dsp_provider_id"].astype(object)
    pairs.index = pd.Index(run.pos_ids, dtype=object)
    return pairs[list(PAIR_COLUMNS)]


def _alternatives_frame(run: _Run) -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    for p in range(len(run.pos_ids)):
        others = [e for e in run.by_pos.get(p, []) if e != run.pick[p]][: run.cfg.max_alternatives]
        for rank, e in enumerate(others, start=1):
            r = run.records[e]
            rows.append(
                {
                    "pos_provider_id": run.pos_ids[p],
                    "rank": rank,
                    "dsp_provider_id": run.dsp_ids[r["j"]],
                    "score": r["score"],
                    "band": band_of_score(float(r["score"]), run.cfg),  # type: ignore[arg-type]
                    "reason": run.reason(e),
                    "taken_by": run.taken_by[r["j"]],
                }
            )
    alternatives = pd.DataFrame(rows, columns=list(ALTERNATIVE_COLUMNS))
    alternatives["rank"] = alternatives["rank"].astype("int64")
    alternatives["score"] = alternatives["score"].astype(float)
    return alternatives


def propose_pairs(
    pos: pd.DataFrame, dsp: pd.DataFrame, config: MatchConfig | None = None, alternatives: bool = True
) -> Proposals:
    """Propose one DSP store per POS location (or none), one-to-one, with scores, bands and reasons.

    pos, dsp: location tables with columns provider_id, name, address_line_1, locality,
    administrative_district_level_1, postal_code, country; address_line_2, phone, latitude and longitude
    are used when present. Values may be blank; provider_id must be unique and non-blank per table.
    Candidates come from blocks (ZIP; city for rows without a ZIP; state + house number; phone) pruned
    with rapidfuzz cdist; each DSP store goes to at most one POS location by optimal assignment
    (linear_sum_assignment per connected component) over the candidate scores; no pair scoring below
    config.review_threshold is ever proposed. `auto` needs score >= auto_threshold, no red flag (house
    number, street, ZIP, unit, brand, distance...) and no runner-up within ambiguity_margin.
    Returns Proposals (see its docstring for the columns); alternatives=False leaves its alternatives
    table empty (the CLI writes only the pairs). Raises MatchInputError for an unusable table.
    """
    cfg = config or MatchConfig()
    validate_locations(pos, "POS")
    validate_locations(dsp, "DSP")
    pos_raw, dsp_raw = pos.reset_index(drop=True), dsp.reset_index(drop=True)
    parsed: dict[tuple[object, object], AddressParts] = {}
    pos_n0, dsp_n0 = normalize_frame(pos_raw, parsed), normalize_frame(dsp_raw, parsed)
    brand = merchant_brand_words(pos_n0, dsp_n0, cfg)
    places = location_words(pos_n0, dsp_n0)
    pos_n, dsp_n = add_keys(pos_n0, brand, places), add_keys(dsp_n0, brand, places)
    n_pos, n_dsp = len(pos_n), len(dsp_n)

    try:
        i, j = candidate_pairs(pos_n, dsp_n, cfg)
        if len(i) > cfg.max_pairs:
            raise MatchBudgetError(
                f"{n_pos:,} POS and {n_dsp:,} DSP rows give {len(i):,} candidate pairs, more than the "
                f"matcher scores in its budget ({cfg.max_pairs:,})"
            )
        scored = score_pairs(pos_n, dsp_n, i, j, cfg)
        chosen, bands, ambiguous = _assign(i, j, scored, n_pos, n_dsp, cfg)
    except MemoryError:
        raise MatchBudgetError(f"not enough memory to match {n_pos:,} POS and {n_dsp:,} DSP rows") from None

    pos_ids = pos_raw["provider_id"].to_numpy(dtype=object)
    dsp_ids = dsp_raw["provider_id"].to_numpy(dtype=object)
    pick = np.full(n_pos, -1, dtype=np.int64)
    pick[i[chosen]] = chosen
    taken_by = np.full(n_dsp, None, dtype=object)
    taken_by[j[chosen]] = pos_ids[i[chosen]]
    # The proposal plus max_alternatives others (the proposal need not be the best-scoring candidate).
    by_pos = _top_candidates(i, scored["rank_score"].to_numpy(), cfg.max_alternatives + 1)
    listed = [np.array(v, dtype=np.int64) for v in by_pos.values()]
    edges = np.unique(np.concatenate([chosen.astype(np.int64), *listed]))
    run = _Run(
        cfg=cfg,
        scored=scored,
        pos_ids=pos_ids,
        dsp_ids=dsp_ids,
        pos_rec=_RowView(pos_n),
        dsp_rec=_RowView(dsp_n),
        pick=pick,
        band_of=dict(zip(chosen.tolist(), bands.tolist(), strict=True)),
        amb_of=dict(zip(chosen.tolist(), ambiguous.tolist(), strict=True)),
        taken_by=taken_by,
        by_pos=by_pos,
        records=_RowView(scored, edges),
    )
    others = _alternatives_frame(run) if alternatives else pd.DataFrame(columns=list(ALTERNATIVE_COLUMNS))
    return Proposals(pairs=_pairs_frame(run), alternatives=others, brand_words=brand, config=cfg)


def explain_pair(
    pos_row: Mapping[str, object],
    dsp_row: Mapping[str, object],
    config: MatchConfig | None = None,
    brand_words: frozenset[str] | None = None,
) -> dict[str, object]:
    """Component scores, red flags, score, band and reason for one POS row against one DSP row.

    Rows are mappings (dicts or Series) with the location columns. Without the run's brand_words
    (Proposals.brand_words, or use Proposals.explain) whole names are compared. The band here ignores
    competition from other stores; propose_pairs may still demote an ambiguous pair to review.
    Also returns the normalised fields of both sides ("pos", "dsp") so a detail panel can highlight them.
    """
    cfg = config or MatchConfig()
    brand = brand_words or frozenset()
    cols = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
    p = pd.DataFrame([{c: pos_row.get(c) for c in cols}])
    d = pd.DataFrame([{c: dsp_row.get(c) for c in cols}])
    pn, dn = add_keys(normalize_frame(p), brand), add_keys(normalize_frame(d), brand)
    idx = np.zeros(1, dtype=np.int64)
    r = score_pairs(pn, dn, idx, idx, cfg).iloc[0].to_dict()
    pos_rec, dsp_rec = pn.iloc[0].to_dict(), dn.iloc[0].to_dict()
    shown = ("name", "number", "street", "unit", "zip5", "city", "state", "phone", "store_number")
    out: dict[str, object] = {k: v for k, v in r.items() if k not in ("i", "j")}
    for k, v in list(out.items()):
        if isinstance(v, np.generic):
            out[k] = v.item()
    out["band"] = band_of_score(r["score"], cfg)
    out["reason"] = pair_reason(r, pos_rec, dsp_rec, cfg)
    out["pos"] = {k: pos_rec[k] for k in shown}
    out["dsp"] = {k: dsp_rec[k] for k in shown}
    return out
