"""The public Fodor's/Zagat restaurant benchmark (Fodor's as POS, Zagat as DSP)."""

from __future__ import annotations

import pandas as pd

from lib.matching import Proposals, propose_pairs


def _scores(pairs: pd.DataFrame, truth: set[tuple[str, str]], bands: tuple[str, ...]) -> tuple[float, float]:
    got = pairs[pairs["band"].isin(bands)]
    proposed = set(zip(got["pos_provider_id"], got["dsp_provider_id"], strict=True))
    tp = len(proposed & truth)
    precision = tp / len(proposed)
    recall = tp / len(truth)
    return precision, recall


def test_fodors_zagats_auto_is_precise_and_auto_plus_review_finds_the_pairs(
    fodors: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, Proposals],
) -> None:
    pos, dsp, truth, proposals = fodors
    assert (len(pos), len(dsp), len(truth)) == (533, 331, 112)
    true_pairs = set(zip(truth["pos_provider_id"], truth["dsp_provider_id"], strict=True))

    p_auto, r_auto = _scores(proposals.pairs, true_pairs, ("auto",))
    assert p_auto >= 0.99, f"auto precision {p_auto:.3f}"
    assert r_auto >= 0.8, f"auto recall {r_auto:.3f}: auto should carry most of the pairs"

    p, r = _scores(proposals.pairs, true_pairs, ("auto", "review"))
    f1 = 2 * p * r / (p + r)
    assert f1 >= 0.97, f"auto+review P {p:.3f} R {r:.3f} F1 {f1:.3f}"


def test_fodors_zagats_moved_restaurants_are_review_not_auto(
    fodors: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, Proposals],
) -> None:
    # Spago: 1114 Horn Ave in Fodor's, 8795 Sunset Blvd in Zagat, same phone: a person must decide.
    pos, dsp, _, proposals = fodors
    spago = pos.loc[pos["name"] == "spago", "provider_id"].iloc[0]
    row = proposals.pairs.loc[spago]
    assert row["band"] == "review"
    assert dsp.set_index("provider_id").loc[row["dsp_provider_id"], "address_line_1"] == "8795 sunset blvd."
    assert "same phone" in row["reason"]


def test_fodors_zagats_auto_stays_exact_without_the_phone_column(
    fodors: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, Proposals],
) -> None:
    # Fodor's and Zagat share the phone on most true pairs; names and addresses alone must keep auto exact.
    pos, dsp, truth, _ = fodors
    pairs = propose_pairs(pos.drop(columns=["phone"]), dsp.drop(columns=["phone"])).pairs
    true_pairs = set(zip(truth["pos_provider_id"], truth["dsp_provider_id"], strict=True))
    p_auto, r_auto = _scores(pairs, true_pairs, ("auto",))
    assert p_auto == 1.0, f"auto precision {p_auto:.3f} without phones"
    assert r_auto >= 0.8, f"auto recall {r_auto:.3f} without phones"
    p, r = _scores(pairs, true_pairs, ("auto", "review"))
    assert p == 1.0 and r >= 0.9, f"auto+review P {p:.3f} R {r:.3f} without phones"
