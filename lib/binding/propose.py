"""The matching run behind the bind screen (counted, so a test can prove an edit does not repeat it)."""

from __future__ import annotations

import copy
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from lib.matching.config import MatchConfig
from lib.matching.propose import Proposals, propose_pairs

_lock = threading.Lock()
_runs = 0


def run_matching(pos: pd.DataFrame, dsp: pd.DataFrame, config: MatchConfig | None = None) -> Proposals:
    """propose_pairs over the screen's tables; every call is counted in matching_runs()."""
    global _runs
    with _lock:
        _runs += 1
    return propose_pairs(pos, dsp, config)


def matching_runs() -> int:
    """How many times run_matching has run in this process."""
    with _lock:
        return _runs


@dataclass(frozen=True)
class PairScore:
    """Score, band and reason of one POS location against one DSP store."""

    score: float
    band: str
    reason: str


class PairScorer:
    """Scores any (POS, DSP) pair: from the run's proposals and alternatives, else by explaining it."""

    def __init__(self, proposals: Proposals, pos: pd.DataFrame, dsp: pd.DataFrame) -> None:
        self.proposals = proposals
        # Rows are looked up one at a time (the detail panel, a re-paired row): index now, convert on demand.
        self._pos = pos.set_index(pos["provider_id"].astype(str), drop=False)
        self._dsp = dsp.set_index(dsp["provider_id"].astype(str), drop=False)
        self._known: dict[tuple[str, str], PairScore] = {}
        # The detail panel explains the same pair on every rerun of the bind table (each edit is one): ~20 ms.
        self._explained: dict[tuple[str, str], dict[str, Any]] = {}
        pairs = proposals.pairs
        for pos_id, dsp_id, score, band, reason in zip(
            pairs["pos_provider_id"].tolist(),
            pairs["dsp_provider_id"].tolist(),
            pairs["score"].tolist(),
            pairs["band"].tolist(),
            pairs["reason"].tolist(),
            strict=True,
        ):
            if isinstance(dsp_id, str) and dsp_id:  # no proposal: None/NaN
                self._known[(str(pos_id), dsp_id)] = PairScore(float(score), str(band), str(reason))
        self._alternatives: dict[str, list[tuple[str, PairScore, str | None]]] = {}
        alts = proposals.alternatives.sort_values(["pos_provider_id", "rank"], kind="stable")
        for pos_id, dsp_id, score, band, reason, taken in zip(
            alts["pos_provider_id"].astype(str).tolist(),
            alts["dsp_provider_id"].astype(str).tolist(),
            alts["score"].tolist(),
            alts["band"].tolist(),
            alts["reason"].tolist(),
            alts["taken_by"].tolist(),
            strict=True,
        ):
            scored = PairScore(float(score), str(band), str(reason))
            self._known.setdefault((pos_id, dsp_id), scored)
            self._alternatives.setdefault(pos_id, []).append(
                (dsp_id, scored, str(taken) if isinstance(taken, str) and taken else None)
            )

    def score(self, pos_id: str, dsp_id: str) -> PairScore:
        """The pair's score (explain_pair for a pair the run did not consider; remembered)."""
        key = (pos_id, dsp_id)
        found = self._known.get(key)
        if found is None:
            explained = self.explain(pos_id, dsp_id)
            found = PairScore(float(explained["score"]), str(explained["band"]), str(explained["reason"]))
            self._known[key] = found
        return found

    def explain(self, pos_id: str, dsp_id: str) -> dict[str, Any]:
        """explain_pair for the pair with this run's brand words (components, normalised fields); remembered,
        each caller gets its own copy."""
        key = (pos_id, dsp_id)
        explained = self._explained.get(key)
        if explained is None:
            explained = self.proposals.explain(self.pos_row(pos_id), self.dsp_row(dsp_id))
            self._explained[key] = explained
        return copy.deepcopy(explained)

    def alternatives(self, pos_id: str) -> list[tuple[str, PairScore, str | None]]:
        """(store id, score, POS location it is proposed for) of the run's next-best stores, best first."""
        return list(self._alternatives.get(pos_id, []))

    def pos_row(self, pos_id: str) -> Mapping[str, Any]:
        """The POS location's input row."""
        return self._pos.loc[pos_id].to_dict()

    def dsp_row(self, dsp_id: str) -> Mapping[str, Any]:
        """The DSP store's input row."""
        return self._dsp.loc[dsp_id].to_dict()

    def has_store(self, dsp_id: str) -> bool:
        """True when the DSP lists this store."""
        return dsp_id in self._dsp.index
