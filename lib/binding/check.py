"""What confirming would bind, and what must block it: a DSP store picked for two POS locations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import pandas as pd

from lib.binding.table import NO_STORE
from lib.numbers import count, part, whole


@dataclass(frozen=True)
class PlannedPair:
    """One pair the person is about to bind, with what they saw when they confirmed it."""

    pos_location_id: str
    pos_name: str
    dsp_provider_id: str
    dsp_store_name: str
    score: float
    band: str
    flagged: bool
    flag: str = ""
    changed: bool = False
    replaces: str | None = None  # the store this POS location is bound to now, when re-pairing
    proposed: str | None = None  # the store the console proposed, when the person chose another one
    proposed_name: str | None = None
    wave: int = 0  # pairs of a later wave take a store that an earlier wave releases

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (session state, audit)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlannedPair:
        """Inverse of to_dict."""
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass(frozen=True)
class Duplicate:
    """A DSP store that two or more POS locations would hold."""

    dsp_provider_id: str
    store_label: str
    holders: tuple[tuple[str, str, bool], ...]  # (POS id, POS name, already bound to it)

    @property
    def message(self) -> str:
        """'Store … is picked for POS locations A and B: keep it on one of them.'"""
        names = [
            f"“{name}” ({pos}{', already bound' if is_bound else ''})" for pos, name, is_bound in self.holders
        ]
        listed = ", ".join(names[:-1]) + " and " + names[-1]
        return (
            f"DSP store {self.store_label} ({self.dsp_provider_id}) is picked for "
            f"{count(len(names), 'POS location')}: {listed}. A store can serve only one location: keep it on "
            "one of them and change the other."
        )


@dataclass(frozen=True)
class Check:
    """The outcome of checking the table before confirming."""

    pairs: list[PlannedPair] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        """True when confirming must not be offered."""
        return bool(self.duplicates or self.problems)

    @property
    def flagged(self) -> list[PlannedPair]:
        """The pairs that need a second look."""
        return [p for p in self.pairs if p.flagged]

    def second_look(self) -> str | None:
        """The sentence asking for a second look at the flagged pairs; None when none is flagged or when
        confirming is blocked anyway."""
        flagged = self.flagged
        if not flagged or self.blocked:
            return None
        verb = "needs" if len(flagged) == 1 else "need"
        return (
            f"{part(len(flagged), len(self.pairs), 'ticked pair')} {verb} a second look (below the auto "
            "band, changed by you, or replacing a binding): the confirmation lists them first."
        )

    def not_ready(self) -> str | None:
        """Why the pairs cannot be reviewed and bound yet (what the disabled button says), or None."""
        if self.blocked:
            return "Resolve the problems above first."
        if not self.pairs:
            return "Tick at least one pair to bind."
        return None


# A planned pair's row as check_table reads it: the pair is a function of these values (and the labels).
PairKey = tuple[Any, ...]


def check_table(
    table: pd.DataFrame,
    base: pd.DataFrame,
    labels: Mapping[str, str],
    memo: dict[PairKey, PlannedPair] | None = None,
) -> Check:
    """Pairs to bind (flagged first, riskiest first) and everything that blocks confirming them.

    `memo` keeps the pairs built for rows as they were (one per `labels`): the screen checks its whole table
    on every edit, and an edit changes a row or two of thousands.
    """
    ticked = table["bind"].to_numpy(dtype=bool) & (table["dsp_store"] != NO_STORE).to_numpy()
    bound = base["bound_dsp"].reindex(table.index).fillna("")
    proposals = base["proposed_dsp"].reindex(table.index).fillna(NO_STORE)
    claims: dict[str, list[tuple[str, str, bool]]] = {}
    pairs: list[PlannedPair] = []
    columns = zip(
        table.index.tolist(),
        ticked.tolist(),
        table["dsp_store"].tolist(),
        bound.tolist(),
        table["pos_name"].tolist(),
        table["flag"].tolist(),
        table["score"].tolist(),
        table["band"].tolist(),
        table["changed"].tolist(),
        proposals.tolist(),
        strict=True,
    )
    for pos_id, tick, store, held, name, flag, score, band, changed, proposal in columns:
        if tick:
            claims.setdefault(store, []).append((pos_id, name, store == held))
            if store != held:
                key = (pos_id, store, held, name, flag, score, band, changed, proposal)
                pair = None if memo is None else memo.get(key)
                if pair is None:
                    pair = _planned_pair(key, labels)
                    if memo is not None:
                        memo[key] = pair
                pairs.append(pair)
        elif held:  # a bound location that is not re-paired keeps its store
            claims.setdefault(held, []).append((pos_id, name, True))

    duplicates = [
        Duplicate(store, labels.get(store, store).partition(" — ")[0] or store, tuple(holders))
        for store, holders in claims.items()
        if len(holders) > 1 and len({h[0] for h in holders}) > 1  # most stores have one claim: no set
    ]
    pairs, problems = _order_waves(pairs, bound)
    pairs.sort(
        key=lambda p: (p.wave, not p.flagged, p.score if p.flagged else 0.0, p.pos_name, p.pos_location_id)
    )
    return Check(pairs=pairs, duplicates=duplicates, problems=problems)


def _planned_pair(key: PairKey, labels: Mapping[str, str]) -> PlannedPair:
    pos_id, store, held, name, flag, score, band, changed, proposal = key
    other = _other_proposal(proposal, store)
    return PlannedPair(
        pos_location_id=str(pos_id),
        pos_name=str(name),
        dsp_provider_id=str(store),
        dsp_store_name=labels.get(store, store).partition(" — ")[0],
        score=whole(score),
        band=str(band),
        flagged=bool(flag),
        flag=str(flag),
        changed=bool(changed),
        replaces=held or None,
        proposed=other,
        proposed_name=labels.get(other, other).partition(" — ")[0] if other else None,
    )


def _other_proposal(proposal: str, chosen: str) -> str | None:
    """The proposed store when the person chose a different one (the audit keeps both)."""
    return proposal if proposal not in (NO_STORE, "", chosen) else None


def _order_waves(pairs: list[PlannedPair], bound: pd.Series) -> tuple[list[PlannedPair], list[str]]:
    """Put a pair that takes a store another re-paired location releases after that re-pair.

    The API refuses a store still bound elsewhere, so the releasing pair must be bound first. A cycle
    (two locations swapping stores) cannot be done in any order and is reported instead.
    """
    holder = {
        str(store): str(pos) for pos, store in zip(bound.index.tolist(), bound.tolist(), strict=True) if store
    }
    moving = {p.pos_location_id: p for p in pairs}
    waves: dict[str, int] = {}
    problems: list[str] = []

    def wave(pos_id: str, seen: tuple[str, ...]) -> int | None:
        if pos_id in waves:
            return waves[pos_id]
        pair = moving[pos_id]
        owner = holder.get(pair.dsp_provider_id)
        if owner is None or owner == pos_id or owner not in moving:
            waves[pos_id] = 0
            return 0
        if owner in seen:
            return None
        before = wave(owner, (*seen, pos_id))
        if before is None:
            return None
        waves[pos_id] = before + 1
        return before + 1

    cycles: set[frozenset[str]] = set()
    for pos_id in moving:
        if wave(pos_id, ()) is None:
            ring = _ring(pos_id, moving, holder)
            if frozenset(ring) not in cycles:
                cycles.add(frozenset(ring))
                names = " and ".join(f"“{moving[p].pos_name}” ({p})" for p in ring)
                problems.append(
                    f"{names} would swap their DSP stores. The API cannot bind a store that is still bound "
                    "elsewhere, so a swap cannot be done in one go: bind one of them to another store (or "
                    "leave it out) first."
                )
    ordered = [
        replace(p, wave=waves[p.pos_location_id]) if waves.get(p.pos_location_id) else p for p in pairs
    ]
    return ordered, problems


def _ring(start: str, moving: Mapping[str, PlannedPair], holder: Mapping[str, str]) -> list[str]:
    ring = [start]
    current = holder.get(moving[start].dsp_provider_id)
    while current is not None and current in moving and current not in ring:
        ring.append(current)
        current = holder.get(moving[current].dsp_provider_id)
    return ring
