"""Blocking: candidates grow with the locations (not their product) and keep every true pair."""

from __future__ import annotations

import random
import string

import pandas as pd
import pytest

from lib.matching import MatchBudgetError, propose_pairs
from lib.matching.block import candidate_pairs
from lib.matching.config import MatchConfig
from lib.matching.normalize import normalize_frame
from lib.matching.propose import add_keys, merchant_brand_words
from lib.synthetic import synthetic_case


def _candidates(pos: pd.DataFrame, dsp: pd.DataFrame, cfg: MatchConfig | None = None) -> set[tuple[str, str]]:
    cfg = cfg or MatchConfig()
    p0, d0 = normalize_frame(pos.reset_index(drop=True)), normalize_frame(dsp.reset_index(drop=True))
    brand = merchant_brand_words(p0, d0, cfg)
    i, j = candidate_pairs(add_keys(p0, brand), add_keys(d0, brand), cfg)
    p_ids, d_ids = pos["provider_id"].to_numpy(), dsp["provider_id"].to_numpy()
    return set(zip(p_ids[i].tolist(), d_ids[j].tolist(), strict=True))


def _true_pairs(truth: pd.DataFrame) -> set[tuple[str, str]]:
    t = truth[truth["pos_provider_id"].notna() & truth["dsp_provider_id"].notna()]
    return set(zip(t["pos_provider_id"], t["dsp_provider_id"], strict=True))


@pytest.mark.parametrize("dropped", [(), ("phone",)])
def test_candidates_grow_with_the_locations_not_their_product(dropped: tuple[str, ...]) -> None:
    per_location = []
    for n in (500, 2_000):
        pos, dsp, truth = synthetic_case(n, seed=0)
        pos, dsp = pos.drop(columns=list(dropped)), dsp.drop(columns=list(dropped))
        cands = _candidates(pos, dsp)
        assert _true_pairs(truth) <= cands, "blocking lost a true pair"
        per_location.append(len(cands) / n)
    assert max(per_location) < 10  # all pairs would be 500 and 2,000 per location
    assert per_location[1] < 2 * per_location[0]  # 4x the locations: about 4x the candidates, not 16x


def test_a_location_without_zip_meets_its_city_and_its_house_number_in_the_state() -> None:
    base = {
        "name": "Taco Tres",
        "address_line_1": "1520 Oak Ave",
        "locality": "Oakland",
        "administrative_district_level_1": "CA",
        "country": "US",
    }
    pos = pd.DataFrame([{**base, "provider_id": "p1", "postal_code": ""}])
    dsp = pd.DataFrame(
        [
            {**base, "provider_id": "d1", "postal_code": "94601"},  # same city, POS has no ZIP
            {**base, "provider_id": "d2", "postal_code": "94999", "locality": "Oaktown"},  # house number
            {
                **base,
                "provider_id": "d3",
                "postal_code": "94601",
                "address_line_1": "9 Elm St",
                "locality": "Berkeley",
            },  # other city, other number: not a candidate
        ]
    )
    assert _candidates(pos, dsp) == {("p1", "d1"), ("p1", "d2")}
    assert _candidates(dsp.iloc[:1], pos) == {("d1", "p1")}  # the fallback works from either side


def test_a_label_many_stores_of_a_zip_share_does_not_pair_them_all() -> None:
    # A busy ZIP: 150 stores all labelled by their neighbourhood, each on a street of its own, and one
    # store with a label of its own listed at another address (moved): the shared label names no one
    # store, the distinctive one still meets its listing.
    rng = random.Random(3)
    streets = [
        f"{rng.randint(100, 9999)} {''.join(rng.choices(string.ascii_lowercase, k=9))} St" for _ in range(150)
    ]
    rows = [
        {
            "provider_id": f"s{k}",
            "name": "Taco Tres (Downtown)",
            "address_line_1": streets[k],
            "locality": "Chicago",
            "administrative_district_level_1": "IL",
            "postal_code": "60601",
            "country": "US",
        }
        for k in range(150)
    ]
    moved = {**rows[0], "provider_id": "pier", "name": "Taco Tres (Navy Pier)"}
    pos = pd.DataFrame([*rows, moved])
    dsp = pd.DataFrame([*rows, {**moved, "address_line_1": "600 E Grand Ave"}])
    cands = _candidates(pos, dsp)
    assert {(f"s{k}", f"s{k}") for k in range(150)} | {("pier", "pier")} <= cands
    assert len(cands) < 3 * len(pos)  # the shared label alone would pair all 151 x 151


def _one_zip(frame: pd.DataFrame, postal: str) -> pd.DataFrame:
    """Every row in one city and one ZIP (or none): the block that used to grow quadratically."""
    return frame.assign(locality="Chicago", administrative_district_level_1="IL", postal_code=postal).drop(
        columns=["phone", "latitude", "longitude"]
    )


@pytest.mark.parametrize("postal", ["60601", ""])
def test_one_dense_block_is_sub_blocked_by_street_and_keeps_the_true_pairs(postal: str) -> None:
    pos, dsp, truth = synthetic_case(1_500, seed=2)
    pos, dsp = _one_zip(pos, postal), _one_zip(dsp, postal)
    cfg = MatchConfig(dense_block=10_000)  # 1,500 x 1,500 in one block: the dense path, as at 10k x 10k
    cands = _candidates(pos, dsp, cfg)
    assert len(cands) < 40 * len(pos)  # all pairs would be 1,500 per location
    true = _true_pairs(truth)
    assert len(true & cands) >= 0.98 * len(true)
    pairs = propose_pairs(pos, dsp, cfg).pairs
    auto = pairs[pairs["band"] == "auto"]
    got = set(zip(auto["pos_provider_id"], auto["dsp_provider_id"], strict=True))
    assert got <= true, "a wrong pair was pre-ticked in the dense block"
    assert len(got) >= 0.9 * len(true)


def test_an_input_over_the_budget_stops_with_one_sentence() -> None:
    pos, dsp, _ = synthetic_case(300, seed=2)
    pos, dsp = _one_zip(pos, "60601"), _one_zip(dsp, "60601")
    with pytest.raises(MatchBudgetError) as err:
        propose_pairs(pos, dsp, MatchConfig(dense_block=1_000, max_street_cells=100))
    message = str(err.value)
    assert "\n" not in message and "split the files" in message
    with pytest.raises(MatchBudgetError, match="candidate pairs"):
        propose_pairs(pos, dsp, MatchConfig(max_pairs=100))
    # A dense-block budget below the small-block size still applies to the small blocks.
    with pytest.raises(MatchBudgetError, match="different streets"):
        propose_pairs(pos.head(8), dsp.head(8), MatchConfig(dense_block=10, max_street_cells=4))


@pytest.mark.parametrize("dense", [False, True])
def test_many_stores_at_one_address_each_find_their_own_unit(dense: bool) -> None:
    # An airport: 30 stores of the brand at one street address, told apart only by terminal and gate.
    def row(pid: str, unit: str) -> dict[str, str]:
        return {
            "provider_id": pid,
            "name": "Sal's Brick Oven Pizza (SFO)",
            "address_line_1": "1 Airport Blvd",
            "address_line_2": unit,
            "locality": "San Francisco",
            "administrative_district_level_1": "CA",
            "postal_code": "94128",
            "country": "US",
        }

    gates = [(t, g) for t in "ABC" for g in range(1, 11)]
    pos = pd.DataFrame([row(f"p{t}{g}", f"Terminal {t}, Gate {t}{g}") for t, g in gates])
    dsp = pd.DataFrame([row(f"d{t}{g}", f"Gate {t}{g}, Term {t}") for t, g in reversed(gates)])
    cfg = MatchConfig(dense_block=100) if dense else MatchConfig()
    pairs = propose_pairs(pos, dsp, cfg).pairs
    assert (pairs["dsp_provider_id"] == "d" + pairs["pos_provider_id"].str[1:]).all()
    assert (pairs["band"] == "auto").all()
