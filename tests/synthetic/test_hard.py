"""The harder labelled profile: every class of issue 13 present, labelled, with decoys and absent stores."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.synthetic.hard import HARD_CLASSES, hard_case


@pytest.fixture(scope="module")
def hard() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return hard_case(1_000, seed=3)


def test_same_inputs_give_identical_frames() -> None:
    for x, y in zip(hard_case(200, seed=5), hard_case(200, seed=5), strict=True):
        pd.testing.assert_frame_equal(x, y)


def test_every_class_has_true_pairs_and_the_risky_ones_have_decoys(hard) -> None:
    pos, dsp, truth = hard
    located = truth[truth["pos_provider_id"].notna()]
    assert set(located["case"]) == set(HARD_CLASSES)
    for cls in HARD_CLASSES:
        assert located[(located["case"] == cls) & located["dsp_provider_id"].notna()].shape[0] >= 10, cls
    decoys = truth[truth["pos_provider_id"].isna()]
    for cls in ("virtual_brand", "generic_word", "unit_mall", "numbered_street", "route", "corner", "plain"):
        assert (decoys["case"] == cls).sum() >= 5, cls
    # Every decoy is a DSP row, next to a real POS location.
    assert set(decoys["dsp_provider_id"]) <= set(dsp["provider_id"])
    assert set(decoys["related_pos_provider_id"].dropna()) <= set(pos["provider_id"])


def test_ten_to_fifteen_percent_of_pos_locations_are_absent_from_the_dsp(hard) -> None:
    _, _, truth = hard
    located = truth[truth["pos_provider_id"].notna()]
    assert 0.10 <= located["dsp_provider_id"].isna().mean() <= 0.15


def test_ids_are_unique_and_truth_covers_every_row(hard) -> None:
    pos, dsp, truth = hard
    assert pos["provider_id"].is_unique and dsp["provider_id"].is_unique
    assert set(truth["pos_provider_id"].dropna()) == set(pos["provider_id"])
    assert set(truth["dsp_provider_id"].dropna()) == set(dsp["provider_id"])


def _pairs(hard, cls: str) -> pd.DataFrame:
    pos, dsp, truth = hard
    rows = truth[(truth["case"] == cls) & truth["pos_provider_id"].notna() & truth["dsp_provider_id"].notna()]
    out = rows.merge(pos.add_suffix("_pos"), left_on="pos_provider_id", right_on="provider_id_pos")
    return out.merge(dsp.add_suffix("_dsp"), left_on="dsp_provider_id", right_on="provider_id_dsp")


def test_the_classes_carry_the_spellings_the_issue_names(hard) -> None:
    canada = _pairs(hard, "canada")
    assert canada["address_line_1_pos"].str.match(r"^\d+-\d+ ").any()  # "26-9380 Front St"
    assert canada["administrative_district_level_1_dsp"].isin(["British Columbia", "B.C.", ""]).any()
    assert canada["country_dsp"].isin(["Canada", "CAN"]).any()
    assert canada["postal_code_dsp"].str.match(r"^[A-Z]\d[A-Z]\d[A-Z]\d$").any()  # no space
    route = _pairs(hard, "route")
    assert route["address_line_1_pos"].str.contains("US Route|State Route|Hwy").any()
    last = _pairs(hard, "number_last")
    assert last["address_line_1_dsp"].str.match(r"^\D.*, \d+$").any()  # "7th Street, 139"
    airport = _pairs(hard, "airport")
    assert airport["address_line_2_pos"].str.contains("Terminal .*, Gate").all()
    mall = hard[1][hard[1]["address_line_1"].str.contains("FC-")]
    assert not mall.empty  # "Space FC-22" next to "Ste 1557"
    loose = _pairs(hard, "loose_label")
    assert loose["name_dsp"].str.contains(r"\(\d+ ").any()  # "Café Olé (9697 3rd)"


def test_loose_profile_is_one_chain_with_store_numbers_and_loose_dsp_labels() -> None:
    pos, dsp, truth = hard_case(300, seed=1, profile="loose")
    assert pos["name"].str.match(r"^Café Olé #\d{3,}$").all()
    assert dsp["name"].str.upper().str.contains("CAFÉ OLÉ|CAFE OLE").all()
    assert set(truth["case"]) == {"loose_label"}


def test_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown profile"):
        hard_case(10, profile="nope")
