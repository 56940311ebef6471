"""Matching thresholds and weights (frozen, so a config can key a cache)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Weights:
    """Relative weight of each component in the 0-100 score; missing components are left out and the
    rest re-normalised, so a blank ZIP neither helps nor hurts."""

    name: float = 0.20
    street: float = 0.30
    number: float = 0.25
    postal: float = 0.15
    city: float = 0.10


@dataclass(frozen=True)
class MatchConfig:
    """Bands, weights and the guards that keep doubtful pairs out of the `auto` band."""

    auto_threshold: float = 90.0  # score >= this and no red flag: pre-ticked for binding
    review_threshold: float = 60.0  # score >= this: proposed, needs a look; below: no proposal
    weights: Weights = field(default_factory=Weights)
    phone_bonus: float = 8.0  # same phone number: strong evidence for the same store
    store_number_bonus: float = 5.0  # same "#123" in both names
    brand_min: float = 55.0  # brand words matching below this: a different brand (virtual brand?)
    name_min: float = 60.0  # distinctive name words (neighbourhood, store label) below this: review
    moved_name_min: float = 90.0  # same phone, same name (>= this), other address: proposed for review
    street_min: float = 70.0  # street score below this: a different street
    doubt_penalty: float = 5.0  # per red flag (ZIP, unit, street type, pins...): several doubts drop a pair
    ambiguity_margin: float = 4.0  # runner-up within this of the proposal: review, not auto
    far_km: float = 1.0  # both pins given and further apart than this: review, not auto
    prefilter: float = 75.0  # cdist cut-off on "number street" inside a block
    name_prefilter: float = 90.0  # cdist cut-off on distinctive name words inside a block
    name_only_max: int = 3  # a label matching more rows than this at other addresses is no store's own
    small_block: int = 64  # blocks with at most this many pairs skip the cdist prefilter
    brand_share: float = 0.5  # a name word in at least this share of all names is the merchant's brand
    max_alternatives: int = 3
    # Budget for blocks that collide (one ZIP for a whole downtown, or a file with no ZIPs).
    dense_block: int = 250_000  # a block with more (POS x DSP) pairs is sub-blocked by street and number
    max_candidates: int = 12  # per POS row and street (dense blocks), per row (chunked prefilter)
    street_prefilter: float = 80.0  # distinct street names at least this similar meet in a dense block
    similar_streets: int = 4  # at most this many similar DSP streets per POS street
    chunk_cells: int = 4_000_000  # the prefilter's score matrix is built this many cells at a time
    max_street_cells: int = 400_000_000  # distinct POS x DSP streets in one block beyond this: refuse
    max_pairs: int = 30_000_000  # candidate pairs beyond this (about 3 GB to score): refuse
    max_component: int = 4_000_000  # assignment components with more cells are matched greedily
