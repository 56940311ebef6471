"""The bind table: proposals and existing bindings as one row per POS location, and the person's edits.

`build_base` runs once per matching result; `compose` applies the edits (tick, untick, another store,
"no store", re-pair) on every rerun and is cheap, so an edit never re-runs matching.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from lib.binding.frames import BoundStore, format_addresses
from lib.binding.propose import PairScorer
from lib.matching.propose import Proposals
from lib.numbers import whole

NO_STORE = "(no store)"
EDITABLE_COLUMNS: tuple[str, ...] = ("bind", "dsp_store", "re_pair")
# The editor's columns, left to right: the tick and its status (bound, proposed, picked by you), then both
# sides, so they are on screen without scrolling. The store picker's labels carry the store's address.
EDITOR_COLUMNS: tuple[str, ...] = (
    "bind",
    "status",
    "pos_name",
    "pos_address",
    "dsp_store",
    "score",
    "band",
    "reason",
    "flag",
    "re_pair",
)
BANDS: tuple[str, ...] = ("auto", "review", "none")
BOUND = "bound"  # the band filter's extra choice: rows already bound
# The filter's last choice: locations left without a store (and, beside them, the stores nobody has).
WITHOUT_STORE = "left without a store"

Edits = dict[str, dict[str, Any]]


def store_labels(dsp: pd.DataFrame) -> dict[str, str]:
    """DSP store id -> 'Name — address', ordered by name then address (the every-store part of a picker)."""
    labels = {
        str(pid): f"{name} — {address}".rstrip(" —")
        for pid, name, address in zip(
            dsp["provider_id"].tolist(), dsp["name"].tolist(), format_addresses(dsp), strict=True
        )
    }
    return dict(sorted(labels.items(), key=lambda kv: (kv[1].casefold(), kv[0])))


def build_base(
    pos: pd.DataFrame, proposals: Proposals, bound: Mapping[str, BoundStore], scorer: PairScorer
) -> pd.DataFrame:
    """One row per POS location (index pos_id): the proposal and the current binding, before any edit."""
    pairs = proposals.pairs.set_index("pos_provider_id", drop=False)
    ids = [str(p) for p in pos["provider_id"].tolist()]
    proposed = pairs.reindex(ids)
    proposed_dsp = [d if isinstance(d, str) and d else NO_STORE for d in proposed["dsp_provider_id"].tolist()]
    base = pd.DataFrame(
        {
            "pos_name": [str(n) for n in pos["name"].tolist()],
            "pos_address": format_addresses(pos),
            "proposed_dsp": proposed_dsp,
            "proposed_score": proposed["score"].fillna(0.0).astype(float).to_numpy(),
            "proposed_band": proposed["band"].fillna("none").astype(str).to_numpy(),
            "proposed_reason": proposed["reason"].fillna("").astype(str).to_numpy(),
        },
        index=pd.Index(ids, name="pos_id", dtype=object),
    )
    bound_dsp, bound_status, bound_score, bound_band, bound_reason = [], [], [], [], []
    for pos_id, prop_dsp, prop_score, prop_band, prop_reason in zip(
        ids,
        base["proposed_dsp"].tolist(),
        base["proposed_score"].tolist(),
        base["proposed_band"].tolist(),
        base["proposed_reason"].tolist(),
        strict=True,
    ):
        held = bound.get(pos_id)
        if held is None:
            bound_dsp.append("")
            bound_status.append("")
            bound_score.append(np.nan)
            bound_band.append("")
            bound_reason.append("")
            continue
        bound_dsp.append(held.dsp_provider_id)
        bound_status.append(held.status)
        if held.dsp_provider_id == prop_dsp:
            scored = (prop_score, prop_band, prop_reason)
        elif scorer.has_store(held.dsp_provider_id):
            s = scorer.score(pos_id, held.dsp_provider_id)
            scored = (s.score, s.band, s.reason)
        else:  # bound to a store the DSP no longer lists
            scored = (0.0, "none", "bound to a store this DSP no longer lists")
        bound_score.append(scored[0])
        bound_band.append(scored[1])
        bound_reason.append(scored[2])
    base["bound_dsp"] = bound_dsp
    base["bound_status"] = bound_status
    base["bound_score"] = np.asarray(bound_score, dtype=float)
    base["bound_band"] = bound_band
    base["bound_reason"] = bound_reason
    return base


def merge_editor_state(edits: Edits, state: Mapping[str, Any] | None, view_ids: list[str]) -> Edits:
    """Fold st.data_editor's {"edited_rows": {position: {column: value}}} into edits keyed by POS id.

    Positions refer to view_ids (the rows the editor was shown). Values are absolute, so folding the same
    state twice changes nothing. Returns a new dict; unknown columns and stale positions are ignored.
    """
    merged = {pos: dict(change) for pos, change in edits.items()}
    for position, change in ((state or {}).get("edited_rows") or {}).items():
        try:
            pos_id = view_ids[int(position)]
        except (ValueError, IndexError):
            continue
        row = merged.setdefault(pos_id, {})
        for column, value in (change or {}).items():
            if column in EDITABLE_COLUMNS:
                row[column] = value
    return merged


def only_edited_cells_differ(
    shown: pd.DataFrame, fresh: pd.DataFrame, edited_rows: Mapping[Any, Mapping[str, Any]] | None
) -> bool:
    """True when `fresh` shows the same rows as `shown` and differs only in cells the person edited.

    Both are editor tables (EDITOR_COLUMNS); edited_rows is st.data_editor's {position: {column: value}}.
    The editor already shows those cells as edited, so it can keep `shown`: the browser then reuses the
    table it has instead of receiving thousands of rows again after each tick.
    """
    if not shown.index.equals(fresh.index):
        return False
    edited: dict[str, set[int]] = {}
    for position, change in (edited_rows or {}).items():
        for column in change or {}:
            edited.setdefault(column, set()).add(int(position))
    for column in EDITOR_COLUMNS:  # column by column on plain arrays: frame-wide operators cost more here
        old, new = shown[column].to_numpy(dtype=object), fresh[column].to_numpy(dtype=object)
        differs = (old != new) & ~(pd.isna(old) & pd.isna(new))
        rows = set(np.flatnonzero(differs).tolist())
        if rows - edited.get(column, set()):
            return False
    return True


def _as_store(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return NO_STORE
    text = str(value).strip()
    return text or NO_STORE


def compose(
    base: pd.DataFrame,
    edits: Edits,
    scorer: PairScorer,
    labels: Mapping[str, str],
    failed: Mapping[str, str] | None = None,
    unedited: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The editor table: base plus edits, with the chosen store's address, score, band, reason and flags.

    Rules: a bound row keeps its store, unticked, unless the person asks to re-pair it (then the proposal
    is offered again); a store the person picks ticks the row unless they set the tick themselves;
    "no store" is never ticked. A ticked row is flagged when its band is below auto, when the person
    changed it, or when it replaces an existing binding. failed maps POS ids to the last bind error.
    `unedited`: unedited_table(base, labels) when the caller keeps it (built here otherwise); it is copied,
    and only the edited and failed rows are redone (rebuilding 5,000 rows was most of an edit's time).
    """
    failed = failed or {}
    table = (unedited if unedited is not None else unedited_table(base, labels)).copy()
    col = {c: table.columns.get_loc(c) for c in table.columns}
    rows = table.index.get_indexer([p for p in edits if p in table.index])
    for i in rows:
        pos_id = table.index[i]
        _apply_edit(table, i, col, base.iloc[i], edits[pos_id], scorer, pos_id)
    for pos_id, message in failed.items():
        if pos_id in table.index:
            i = table.index.get_loc(pos_id)
            table.iat[i, col["status"]] = f"failed: {message}" if message else "failed"
    edited = set(rows.tolist())
    failed_rows = table.index.get_indexer([p for p in failed if p in table.index]).tolist()
    for i in sorted(edited.union(failed_rows)):  # what changed: the store's address, rounded score, flags
        _finish_row(table, i, col, labels, edited=i in edited)
    return table


def unedited_table(base: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """The editor table before any edit (once per matching result; compose copies it)."""
    is_bound = base["bound_dsp"].to_numpy() != ""
    proposed = base["proposed_dsp"].to_numpy(dtype=object)
    table = pd.DataFrame(index=base.index.copy())
    table["bind"] = ~is_bound & (base["proposed_band"].to_numpy() == "auto") & (proposed != NO_STORE)
    table["status"] = np.where(
        is_bound,
        "bound · " + base["bound_status"].astype(str),
        np.where(proposed == NO_STORE, "no proposal", "proposed"),
    )
    table["pos_name"] = base["pos_name"]
    table["pos_address"] = base["pos_address"]
    table["dsp_store"] = np.where(is_bound, base["bound_dsp"].to_numpy(dtype=object), proposed)
    table["dsp_address"] = ""
    table["score"] = np.where(is_bound, base["bound_score"], base["proposed_score"]).astype(float)
    table["band"] = np.where(is_bound, base["bound_band"], base["proposed_band"])
    table["reason"] = np.where(is_bound, base["bound_reason"], base["proposed_reason"])
    table["flag"] = ""
    table["re_pair"] = False
    table["changed"] = False
    table = table.astype(
        {"status": object, "dsp_store": object, "band": object, "reason": object, "flag": object}
    )
    table["dsp_address"] = [labels.get(s, "").partition(" — ")[2] for s in table["dsp_store"].tolist()]
    table["score"] = [float(whole(v)) for v in table["score"].tolist()]  # one rounding rule everywhere
    table["flag"] = [
        flag_words(tick, band, changed, flag, status, score)
        for tick, band, changed, flag, status, score in zip(
            table["bind"].tolist(),
            table["band"].tolist(),
            table["changed"].tolist(),
            table["flag"].tolist(),
            table["status"].tolist(),
            table["score"].tolist(),
            strict=True,
        )
    ]
    return table


def _finish_row(
    table: pd.DataFrame, i: int, col: Mapping[str, int], labels: Mapping[str, str], edited: bool
) -> None:
    # An edited row's flag column holds _apply_edit's raw flag; an unedited one holds finished words.
    raw_flag = table.iat[i, col["flag"]] if edited else ""
    store = table.iat[i, col["dsp_store"]]
    table.iat[i, col["dsp_address"]] = labels.get(store, "").partition(" — ")[2]
    score = float(whole(table.iat[i, col["score"]]))
    table.iat[i, col["score"]] = score
    table.iat[i, col["flag"]] = flag_words(
        bool(table.iat[i, col["bind"]]),
        table.iat[i, col["band"]],
        bool(table.iat[i, col["changed"]]),
        raw_flag,
        table.iat[i, col["status"]],
        score,
    )


def flag_words(tick: bool, band: str, changed: bool, flag: str, status: str, score: float) -> str:
    """Why a ticked pair needs a second look, in words: "your pick; below the auto band (none, score 8)"."""
    if not tick:
        return ""
    parts: list[str] = []
    if status == "picked by you":
        parts.append("your pick")
    elif changed and not flag:
        parts.append("ticked by you")
    if band != "auto":
        parts.append(f"below the auto band ({band}, score {whole(score)})")
    if flag:
        parts.append(flag)
    return "; ".join(parts)


def _apply_edit(
    table: pd.DataFrame,
    i: int,
    col: Mapping[str, int],
    base_row: pd.Series,
    edit: Mapping[str, Any],
    scorer: PairScorer,
    pos_id: str,
) -> None:
    bound_dsp = str(base_row["bound_dsp"])
    proposed = str(base_row["proposed_dsp"])
    re_pair = bool(edit.get("re_pair")) and bool(bound_dsp)
    if bound_dsp:
        default_dsp, default_bind = bound_dsp, False
        if re_pair:
            default_dsp = proposed if proposed != NO_STORE else bound_dsp
            default_bind = base_row["proposed_band"] == "auto" and default_dsp != bound_dsp
    else:
        default_dsp = proposed
        default_bind = base_row["proposed_band"] == "auto" and proposed != NO_STORE
    dsp = _as_store(edit["dsp_store"]) if "dsp_store" in edit else default_dsp
    if dsp != NO_STORE and not scorer.has_store(dsp):
        dsp = default_dsp  # a value that is not a store of this DSP (stale edit): ignore it
    if "bind" in edit and edit["bind"] is not None:
        bind = bool(edit["bind"])
    elif dsp != default_dsp:
        bind = dsp not in (NO_STORE, bound_dsp)
    else:
        bind = bool(default_bind)
    if dsp == NO_STORE:
        bind = False
    if bound_dsp and dsp == bound_dsp and not re_pair:
        bind = False  # ticking a row that already has exactly this binding would bind nothing new

    if dsp == proposed and dsp != NO_STORE:
        score, band, reason = (
            base_row["proposed_score"],
            base_row["proposed_band"],
            base_row["proposed_reason"],
        )
    elif dsp == bound_dsp:
        score, band, reason = base_row["bound_score"], base_row["bound_band"], base_row["bound_reason"]
    elif dsp == NO_STORE:
        score, band, reason = 0.0, "none", "no store chosen"
    else:
        s = scorer.score(pos_id, dsp)
        score, band, reason = s.score, s.band, s.reason

    base_dsp = bound_dsp or proposed
    base_bind = (not bound_dsp) and base_row["proposed_band"] == "auto" and proposed != NO_STORE
    changed = dsp != base_dsp or bind != base_bind or re_pair

    if bound_dsp and bind and dsp != bound_dsp:
        status = f"re-pair (bound to {bound_dsp})"
        flag = f"replaces a binding (to {bound_dsp})"
    elif bound_dsp:
        status = f"bound · {base_row['bound_status']}" + (" · re-pair asked" if re_pair else "")
        flag = ""
    else:
        status = "no store" if dsp == NO_STORE else ("proposed" if dsp == proposed else "picked by you")
        flag = ""
    table.iat[i, col["bind"]] = bind
    table.iat[i, col["status"]] = status
    table.iat[i, col["dsp_store"]] = dsp
    table.iat[i, col["score"]] = float(score)
    table.iat[i, col["band"]] = str(band)
    table.iat[i, col["reason"]] = str(reason)
    table.iat[i, col["flag"]] = flag
    table.iat[i, col["re_pair"]] = re_pair
    table.iat[i, col["changed"]] = bool(changed)


def filter_view(
    table: pd.DataFrame, bands: list[str] | None = None, search: str = "", keep: Iterable[str] = ()
) -> pd.DataFrame:
    """Rows whose band (BOUND: bound rows; WITHOUT_STORE: unbound rows with no store) is in bands, and that
    contain every search word.

    Search looks at the POS id, name and address and the chosen store's id and address, case-insensitive.
    `keep`: rows shown whatever the filter says (the ones on screen before the person edited them: a row
    whose band an edit changed stays until the filter itself changes).
    """
    mask = np.ones(len(table), dtype=bool)
    if bands:
        is_bound = table["status"].str.startswith("bound").to_numpy()
        in_band = table["band"].isin([b for b in bands if b in BANDS]).to_numpy() & ~is_bound
        if BOUND in bands:
            in_band |= is_bound
        if WITHOUT_STORE in bands:
            in_band |= (table["dsp_store"] == NO_STORE).to_numpy() & ~is_bound
        mask &= in_band
    words = search.casefold().split()
    if words:
        haystack = (
            table.index.to_series().astype(str)
            + " "
            + table["pos_name"]
            + " "
            + table["pos_address"]
            + " "
            + table["dsp_store"].astype(str)
            + " "
            + table["dsp_address"]
        ).str.casefold()
        for word in words:
            mask &= haystack.str.contains(word, regex=False).to_numpy()
    kept = list(keep)
    if kept:
        mask |= table.index.isin(kept)
    return table[mask]


def summarize(table: pd.DataFrame, base: pd.DataFrame, n_stores: int) -> dict[str, int]:
    """Counts for the summary on top of the screen."""
    is_bound = (base["bound_dsp"] != "").to_numpy()
    unbound_bands = base.loc[~is_bound, "proposed_band"]
    no_store = (table["dsp_store"] == NO_STORE).to_numpy()
    return {
        "pos_locations": len(base),
        "dsp_stores": n_stores,
        "auto": int((unbound_bands == "auto").sum()),
        "review": int((unbound_bands == "review").sum()),
        "none": int((unbound_bands == "none").sum()),
        "bound": int(is_bound.sum()),
        "without_store": int((no_store & ~is_bound).sum()),
        "ticked": int(table["bind"].sum()),
    }


def holders(table: pd.DataFrame) -> dict[str, str]:
    """DSP store -> the POS location that has it now (picked, proposed and ticked, or bound)."""
    held: dict[str, str] = {}
    for pos_id, store, tick, status in zip(
        table.index.tolist(),
        table["dsp_store"].tolist(),
        table["bind"].tolist(),
        table["status"].tolist(),
        strict=True,
    ):
        if store and store != NO_STORE and (tick or str(status).startswith("bound")):
            held.setdefault(str(store), str(pos_id))
    return held


def free_stores(table: pd.DataFrame, dsp: pd.DataFrame) -> pd.DataFrame:
    """The DSP stores no location has (bound, or picked or proposed and ticked): provider_id, name, address,
    by name then address."""
    held = holders(table)
    ids = [str(p) for p in dsp["provider_id"].tolist()]
    free = dsp[[p not in held for p in ids]]
    frame = pd.DataFrame(
        {
            "provider_id": [str(p) for p in free["provider_id"].tolist()],
            "name": [str(n) for n in free["name"].tolist()],
            "address": format_addresses(free),
        }
    )
    order = frame["name"].str.casefold() + "\0" + frame["address"].str.casefold()
    return frame.iloc[order.argsort(kind="stable")].reset_index(drop=True)


def candidates(pos_id: str, table: pd.DataFrame, base: pd.DataFrame, scorer: PairScorer) -> list[Any]:
    """The stores worth offering one location, best first: its pick, its proposal, its bound store, the
    next-best (as the table holds them: blanks and NO_STORE included)."""
    return [
        table.at[pos_id, "dsp_store"],
        base.at[pos_id, "proposed_dsp"],
        base.at[pos_id, "bound_dsp"],
        *(dsp for dsp, _, _ in scorer.alternatives(pos_id)),
    ]


def page_candidates(
    pos_ids: Sequence[str] | pd.Index, table: pd.DataFrame, base: pd.DataFrame, scorer: PairScorer
) -> set[str]:
    """The union of candidates() over these locations, as strings, read column-wise (a 200-row page per
    edit: one .at lookup per cell was most of the grid's store list). A page's own index is looked up
    faster than a list of its ids (pandas need not work out their type again)."""
    ids = pos_ids if isinstance(pos_ids, pd.Index) else list(pos_ids)
    found: set[Any] = set(table.loc[ids, "dsp_store"].tolist())
    found.update(base.loc[ids, "proposed_dsp"].tolist(), base.loc[ids, "bound_dsp"].tolist())
    for pos_id in ids:
        found.update(dsp for dsp, _, _ in scorer.alternatives(pos_id))
    return {str(store) for store in found}


def top_choices(
    pos_id: str,
    table: pd.DataFrame,
    base: pd.DataFrame,
    scorer: PairScorer,
    labels: Mapping[str, str],
    held: Mapping[str, str] | None = None,
) -> list[str]:
    """Store choices for one POS location: its current pick, then its free candidates (proposal, bound store,
    next-best), then every other free store, then the stores other locations have, then NO_STORE.

    `held` is ``holders(table)`` when the caller has it already (it reads every row).
    """
    held = holders(table) if held is None else held
    taken = {store for store, holder in held.items() if holder != pos_id}
    current = table.at[pos_id, "dsp_store"]
    first: list[str] = [current] if current in labels else []  # the pick stays first even when taken
    for candidate in candidates(pos_id, table, base, scorer):
        if candidate and candidate in labels and candidate not in first and candidate not in taken:
            first.append(candidate)
    free = [s for s in labels if s not in first and s not in taken]
    others = [s for s in labels if s not in first and s in taken]
    return [*first, *free, *others, NO_STORE]
