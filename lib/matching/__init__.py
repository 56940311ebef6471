"""POS-to-DSP store matching: propose one-to-one pairs with scores, bands and reasons (no UI, no HTTP).

from lib.matching import propose_pairs, explain_pair, MatchConfig
proposals = propose_pairs(pos_df, dsp_df)
proposals.pairs         # one row per POS location: dsp_provider_id, score, band, reason, components
proposals.alternatives  # up to 3 other candidates per POS location
"""

from lib.matching.config import MatchConfig, Weights
from lib.matching.errors import MatchBudgetError, MatchInputError
from lib.matching.propose import BANDS, Proposals, explain_pair, propose_pairs

__all__ = [
    "BANDS",
    "MatchBudgetError",
    "MatchConfig",
    "MatchInputError",
    "Proposals",
    "Weights",
    "explain_pair",
    "propose_pairs",
]
