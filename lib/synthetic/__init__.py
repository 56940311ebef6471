"""The one deterministic, labelled synthetic merchant generator (sandbox merchants, matching tests, bench)."""

from lib.synthetic.hard import HARD_CLASSES, hard_case
from lib.synthetic.merchants import (
    CATALOG,
    COLUMNS,
    DSPS,
    EXTRA_CASES,
    HARD_CASES,
    MATCH_CASES,
    TRUTH_COLUMNS,
    MerchantSpec,
    dsp_stores,
    pos_locations,
    synthetic_case,
)

__all__ = [
    "CATALOG",
    "COLUMNS",
    "DSPS",
    "EXTRA_CASES",
    "HARD_CASES",
    "HARD_CLASSES",
    "MATCH_CASES",
    "TRUTH_COLUMNS",
    "MerchantSpec",
    "dsp_stores",
    "hard_case",
    "pos_locations",
    "synthetic_case",
]
