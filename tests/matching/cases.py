"""A matched synthetic merchant, shared by the matching tests' fixtures and tests."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib.matching import Proposals


@dataclass(frozen=True)
class Case:
    """A matched synthetic merchant: inputs, truth and the engine's proposals."""

    pos: pd.DataFrame
    dsp: pd.DataFrame
    truth: pd.DataFrame
    proposals: Proposals

    @property
    def pairs(self) -> pd.DataFrame:
        return self.proposals.pairs

    def truth_of(self, case: str) -> pd.DataFrame:
        rows = self.truth[self.truth["case"] == case]
        assert not rows.empty, f"the synthetic merchant has no {case!r} location; pick another seed"
        return rows
