"""A sandbox merchant's tables as the bind screen builds them, matched, with the generator's truth."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib.binding import PairScorer, build_base, locations_frame, run_matching, store_labels
from lib.matching.propose import Proposals
from lib.sandbox import merchants
from lib.stream.models import ProviderLocation
from lib.synthetic import CATALOG, dsp_stores


@dataclass
class Matched:
    """A merchant's tables as the bind screen builds them from the API, plus the generator's truth."""

    pos: pd.DataFrame
    dsp: pd.DataFrame
    truth: dict[str, str]  # POS id -> the DSP store that truly is it
    proposals: Proposals
    scorer: PairScorer
    labels: dict[str, str]

    def base(self, bound: dict | None = None) -> pd.DataFrame:
        """The table before edits, with the given existing bindings."""
        return build_base(self.pos, self.proposals, bound or {}, self.scorer)


def matched(code: str, dsp: str) -> Matched:
    """Match a catalog merchant's POS locations against its stores on one DSP, from API-shaped rows."""
    pos = locations_frame(ProviderLocation(**row) for row in merchants.pos_rows(code))
    stores = locations_frame(ProviderLocation(**row) for row in merchants.dsp_rows(code, dsp))
    _, truth = dsp_stores(CATALOG[code], dsp)
    true_pairs = truth.dropna(subset=["pos_provider_id", "dsp_provider_id"])
    proposals = run_matching(pos, stores)
    return Matched(
        pos=pos,
        dsp=stores,
        truth=dict(zip(true_pairs["pos_provider_id"], true_pairs["dsp_provider_id"], strict=True)),
        proposals=proposals,
        scorer=PairScorer(proposals, pos, stores),
        labels=store_labels(stores),
    )
