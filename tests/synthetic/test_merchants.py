"""The synthetic merchant generator: deterministic, realistic, and labelled with every hard case."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys

import pandas as pd
import pytest
from rapidfuzz.distance import OSA

from lib.synthetic import (
    CATALOG,
    COLUMNS,
    DSPS,
    EXTRA_CASES,
    HARD_CASES,
    MATCH_CASES,
    MerchantSpec,
    dsp_stores,
    pos_locations,
    synthetic_case,
)
from lib.synthetic.__main__ import main as cli_main
from lib.synthetic.geo import DIRECTIONALS, SUFFIXES, ordinal_digits, ordinal_words
from lib.synthetic.names import strip_accents


@pytest.fixture(scope="module")
def mid() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return synthetic_case(300, seed=11)


def _joined(case: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], label: str) -> pd.DataFrame:
    """Truth rows of one case with the POS row (suffix _pos) and the DSP row (suffix _dsp) beside them."""
    pos, dsp, truth = case
    rows = truth[truth["case"] == label]
    key = "related_pos_provider_id" if label in EXTRA_CASES else "pos_provider_id"
    out = rows.merge(pos.add_suffix("_pos"), left_on=key, right_on="provider_id_pos")
    return out.merge(dsp.add_suffix("_dsp"), left_on="dsp_provider_id", right_on="provider_id_dsp")


# ------------------------------------------------------------------ determinism


def test_same_inputs_give_identical_frames() -> None:
    a = synthetic_case(150, seed=4, dsp="ubereats")
    b = synthetic_case(150, seed=4, dsp="ubereats")
    for x, y in zip(a, b, strict=True):
        pd.testing.assert_frame_equal(x, y)


def _digest_in_subprocess(hashseed: str) -> str:
    code = (
        "import hashlib;from lib.synthetic import synthetic_case;"
        "p,d,t=synthetic_case(120, seed=9, dsp='grubhub');"
        "print(hashlib.sha256((p.to_csv()+d.to_csv()+t.to_csv()).encode()).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return done.stdout.strip()


def test_identical_across_processes_with_different_hash_seeds() -> None:
    assert _digest_in_subprocess("1") == _digest_in_subprocess("2")
    p, d, t = synthetic_case(120, seed=9, dsp="grubhub")
    here = hashlib.sha256((p.to_csv() + d.to_csv() + t.to_csv()).encode()).hexdigest()
    assert here == _digest_in_subprocess("3")


def test_different_seeds_differ() -> None:
    a_pos, a_dsp, _ = synthetic_case(100, seed=1, brand="Taco Tres")
    b_pos, b_dsp, _ = synthetic_case(100, seed=2, brand="Taco Tres")
    assert not a_pos.equals(b_pos)
    assert set(a_pos["address_line_1"]) != set(b_pos["address_line_1"])
    assert not a_dsp.equals(b_dsp)


def test_each_marketplace_is_messy_in_its_own_way_over_the_same_pos() -> None:
    spec = CATALOG["pho-saigon"]
    frames = {dsp: dsp_stores(spec, dsp) for dsp in DSPS}
    truths = [frames[d][1].set_index("pos_provider_id")["case"].dropna() for d in DSPS]
    assert not truths[0].equals(truths[1]) and not truths[1].equals(truths[2])
    for dsp, (stores, _) in frames.items():
        assert stores["provider_id"].str.fullmatch(rf"{dsp}-pho-saigon-S\d{{5,}}").all()


def test_returned_frames_are_copies_not_the_cache() -> None:
    spec = CATALOG["taco-tres"]
    pos = pos_locations(spec)
    pos.loc[0, "name"] = "mutated"
    _, truth = dsp_stores(spec, "doordash")
    truth["case"] = "mutated"
    assert pos_locations(spec).loc[0, "name"] != "mutated"
    assert "mutated" not in set(dsp_stores(spec, "doordash")[1]["case"])


# ------------------------------------------------------------------ catalog and POS realism


def test_catalog_spans_3_to_5000_locations_with_distinct_brands() -> None:
    sizes = sorted(s.n_locations for s in CATALOG.values())
    assert sizes[0] == 3 and sizes[-1] == 5000
    assert len(CATALOG) >= 6 and any(200 <= n <= 300 for n in sizes) and any(1500 <= n <= 2500 for n in sizes)
    assert len({s.brand for s in CATALOG.values()}) == len(CATALOG)
    for code, spec in CATALOG.items():
        assert spec.code == code and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code)


@pytest.mark.parametrize("code", ["rosas-cantina", "taco-tres", "burger-barn"])
def test_pos_locations_have_stable_unique_ids_and_us_addresses(code: str) -> None:
    spec = CATALOG[code]
    pos = pos_locations(spec)
    assert list(pos.columns) == list(COLUMNS)
    assert len(pos) == spec.n_locations
    assert pos["provider_id"].is_unique
    assert pos["provider_id"].iloc[0] == f"{code}-L0001"
    assert pos["postal_code"].str.fullmatch(r"\d{5}").all()
    assert pos["administrative_district_level_1"].str.fullmatch(r"[A-Z]{2}").all()
    assert (pos["country"] == "US").all()
    assert pos["address_line_1"].str.fullmatch(r"\d+ [A-Za-z0-9. -]+").all()
    assert pos["latitude"].between(18, 72).all() and pos["longitude"].between(-170, -65).all()
    assert pos["phone"].str.fullmatch(r"\(\d{3}\) \d{3}-\d{4}").all()
    # No two POS locations of a merchant share an address.
    assert not pos.duplicated(["address_line_1", "locality", "administrative_district_level_1"]).any()


def test_big_chain_clusters_in_cities_so_names_collide() -> None:
    pos = pos_locations(CATALOG["burger-barn"])
    per_city = pos.groupby(["locality", "administrative_district_level_1"]).size()
    assert per_city.max() >= 100  # many stores in one city
    assert pos["locality"].nunique() >= 40 and pos["administrative_district_level_1"].nunique() >= 25
    assert pos.duplicated(["name", "locality"]).sum() > 100  # the address, not the name, tells them apart
    line1 = pos["address_line_1"]
    assert line1.str.contains(r" (?:N|S|E|W|NE|NW|SE|SW) ").any()
    assert line1.str.contains(r" \d+(?:st|nd|rd|th) ").any()
    for suffix in ("St", "Ave", "Blvd", "Rd", "Dr", "Way", "Pkwy"):
        assert line1.str.endswith(f" {suffix}").any(), suffix
    units = pos["address_line_2"][pos["address_line_2"] != ""]
    assert 0.15 < len(units) / len(pos) < 0.35
    for designator in ("Suite ", "Ste ", "#", "Unit ", "Space "):
        assert units.str.startswith(designator).any(), designator


def test_store_names_follow_chain_conventions() -> None:
    names = pd.concat([pos_locations(s)["name"] for s in CATALOG.values()])
    assert names.str.fullmatch(r".+ - .+").any()
    assert names.str.fullmatch(r".+ #\d+").any()
    assert names.str.fullmatch(r".+ \(.+\)").any()


# ------------------------------------------------------------------ truth and hard cases


def test_every_hard_case_is_present_in_a_mid_size_case(mid) -> None:
    present = set(mid[2]["case"])
    assert set(HARD_CASES) <= present, set(HARD_CASES) - present
    for dsp in DSPS:
        assert set(HARD_CASES) <= set(dsp_stores(CATALOG["pho-saigon"], dsp)[1]["case"]), dsp


def test_truth_is_one_to_one_and_references_existing_ids(mid) -> None:
    pos, dsp, truth = mid
    assert list(dsp.columns) == list(COLUMNS)
    assert dsp["provider_id"].is_unique
    # Every DSP store appears exactly once in the truth, every POS location exactly once as a pair or absent.
    listed = truth["dsp_provider_id"].dropna()
    assert listed.is_unique and set(listed) == set(dsp["provider_id"])
    pos_rows = truth[truth["pos_provider_id"].notna()]
    assert pos_rows["pos_provider_id"].is_unique and set(pos_rows["pos_provider_id"]) == set(
        pos["provider_id"]
    )
    assert set(pos_rows["case"]) <= {*MATCH_CASES, "absent_on_dsp"}
    assert pos_rows.loc[pos_rows["case"] == "absent_on_dsp", "dsp_provider_id"].isna().all()
    assert pos_rows.loc[pos_rows["case"] != "absent_on_dsp", "dsp_provider_id"].notna().all()
    extras = truth[truth["pos_provider_id"].isna()]
    assert set(extras["case"]) == set(EXTRA_CASES)
    assert extras["related_pos_provider_id"].isin(pos["provider_id"]).all()
    # Ids do not line up: the DSP's order and numbering say nothing about the POS.
    assert not dsp["provider_id"].str.contains("L0").any()


def test_exact_rows_are_plain_copies_and_other_pairs_really_drift(mid) -> None:
    fields = [c for c in COLUMNS if c != "provider_id"]
    for label in MATCH_CASES:
        j = _joined(mid, label)
        assert len(j) > 0, label
        same = pd.Series(True, index=j.index)
        for c in fields:
            same &= j[f"{c}_pos"] == j[f"{c}_dsp"]
        assert same.all() if label == "exact" else not same.any(), label
    # Drift never touches what identifies the place: the house number and the state.
    for label in MATCH_CASES:
        j = _joined(mid, label)
        number = j["address_line_1_dsp"].str.extract(r"^(\d+) ")[0]
        assert (number == j["address_line_1_pos"].str.extract(r"^(\d+) ")[0]).all(), label
        pos_state, dsp_state = "administrative_district_level_1_pos", "administrative_district_level_1_dsp"
        assert (j[pos_state] == j[dsp_state]).all(), label


def test_zip_cases(mid) -> None:
    z4 = _joined(mid, "zip4")
    assert z4["postal_code_dsp"].str.fullmatch(r"\d{5}-\d{4}").all()
    assert (z4["postal_code_dsp"].str[:5] == z4["postal_code_pos"]).all()
    assert (_joined(mid, "missing_zip")["postal_code_dsp"] == "").all()


def test_name_variants_keep_the_brand_but_change_the_name(mid) -> None:
    j = _joined(mid, "name_variant")
    brand = j["name_pos"].str.extract(r"^(.+?)(?: - | \(| #|$)")[0].map(strip_accents).str.lower()
    dsp_name = j["name_dsp"].map(strip_accents).str.lower().str.replace(" and ", " & ")
    assert all(b.split()[0] in n for b, n in zip(brand, dsp_name, strict=True))
    assert (j["name_pos"] != j["name_dsp"]).all()


def _canonical_street(line1: str) -> tuple[str, ...]:
    """Tokens of an address line with every known spelling of a suffix, directional or ordinal folded."""
    fold = {
        form.lower().rstrip("."): key for key, forms in {**SUFFIXES, **DIRECTIONALS}.items() for form in forms
    }
    fold |= {ordinal_words(n).lower(): ordinal_digits(n).lower() for n in range(1, 61)}
    return tuple(fold.get(t.lower().rstrip("."), t.lower()) for t in line1.split())


def test_abbreviation_drift_spells_the_same_street_differently(mid) -> None:
    j = _joined(mid, "address_abbrev")
    line_changed = j["address_line_1_pos"] != j["address_line_1_dsp"]
    assert (line_changed | (j["locality_pos"] != j["locality_dsp"])).all()
    assert line_changed.mean() > 0.8
    for pos_line, dsp_line in zip(j["address_line_1_pos"], j["address_line_1_dsp"], strict=True):
        assert _canonical_street(pos_line) == _canonical_street(dsp_line), (pos_line, dsp_line)
    assert j["detail"].str.contains("suffix").any() and j["detail"].str.contains("directional|ordinal").any()


def test_unit_cases(mid) -> None:
    reformatted = _joined(mid, "unit_reformat")
    assert (reformatted["address_line_2_pos"] != "").all()
    unit_id = reformatted["address_line_2_pos"].str.extract(r"(\w+)$")[0]
    dsp_text = reformatted["address_line_1_dsp"] + " " + reformatted["address_line_2_dsp"]
    assert all(dsp.rstrip().endswith(u) for dsp, u in zip(dsp_text, unit_id, strict=True))
    dropped = _joined(mid, "unit_dropped")
    assert (dropped["address_line_2_pos"] != "").all() and (dropped["address_line_2_dsp"] == "").all()
    assert (dropped["address_line_1_pos"] == dropped["address_line_1_dsp"]).all()


def test_typos_are_one_character_slips(mid) -> None:
    j = _joined(mid, "typo")
    for _, r in j.iterrows():
        d = OSA.distance(r["name_pos"], r["name_dsp"]) + OSA.distance(
            r["address_line_1_pos"], r["address_line_1_dsp"]
        )
        assert d == 1, (r["name_pos"], r["name_dsp"], r["address_line_1_pos"], r["address_line_1_dsp"])


def test_virtual_brands_share_the_kitchen_address_but_not_the_name(mid) -> None:
    j = _joined(mid, "virtual_brand")
    assert len(j) >= 5
    for c in (
        "address_line_1",
        "address_line_2",
        "locality",
        "administrative_district_level_1",
        "postal_code",
    ):
        assert (j[f"{c}_pos"] == j[f"{c}_dsp"]).all(), c
    brand = j["name_pos"].str.split(" - | \\(| #").str[0]
    assert all(b.lower() not in n.lower() for b, n in zip(brand, j["name_dsp"], strict=True))


def test_closed_stores_sit_a_few_doors_down_the_same_street(mid) -> None:
    pos = mid[0]
    j = _joined(mid, "closed_nearby")
    assert len(j) >= 5
    pos_num = j["address_line_1_pos"].str.extract(r"^(\d+) (.*)$")
    dsp_num = j["address_line_1_dsp"].str.extract(r"^(\d+) (.*)$")
    street_pos = pos_num[1].str.replace(r",? (?:Suite|Ste\.?|Unit|Space|Spc|Bldg|#).*$", "", regex=True)
    assert (street_pos == dsp_num[1]).all()
    assert (pos_num[0] != dsp_num[0]).all()
    gap = (pos_num[0].astype(int) - dsp_num[0].astype(int)).abs()
    swapped = [sorted(a) == sorted(b) for a, b in zip(pos_num[0], dsp_num[0], strict=True)]
    assert ((gap <= 50) | pd.Series(swapped, index=gap.index)).all()
    assert (j["locality_pos"] == j["locality_dsp"]).all() and (
        j["postal_code_pos"] == j["postal_code_dsp"]
    ).all()
    assert (
        j["name_dsp"].str.split(" - | \\(| #").str[0] == j["name_pos"].str.split(" - | \\(| #").str[0]
    ).all()
    # ...and is no POS location's address.
    pos_addr = set(zip(pos["address_line_1"], pos["locality"], strict=True))
    assert not any(a in pos_addr for a in zip(j["address_line_1_dsp"], j["locality_dsp"], strict=True))


def test_rates_are_configurable() -> None:
    _, dsp, truth = synthetic_case(400, seed=3, absent_rate=0, closed_rate=0, virtual_rate=0, combined_rate=0)
    assert not set(truth["case"]) & {"absent_on_dsp", "closed_nearby", "virtual_brand", "combined"}
    assert len(dsp) == 400
    _, dsp, truth = synthetic_case(400, seed=3, absent_rate=0.3, closed_rate=0.1, virtual_rate=0.2)
    counts = truth["case"].value_counts()
    assert 90 <= counts["absent_on_dsp"] <= 150
    assert counts["closed_nearby"] == 40 and counts["virtual_brand"] == 80
    _, _, truth = synthetic_case(200, seed=3, case_weights={"name_variant": 0, "typo": 0})
    assert not set(truth["case"]) & {"name_variant", "typo"}


def test_default_rates_are_modest() -> None:
    pos, _, truth = synthetic_case(2000, seed=5)
    share = truth["case"].value_counts() / len(pos)
    assert 0.05 <= share["absent_on_dsp"] <= 0.10
    assert 0.05 <= share["closed_nearby"] + share["virtual_brand"] <= 0.10
    assert 0.35 <= share["exact"] <= 0.6


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown dsp"):
        dsp_stores(CATALOG["taco-tres"], "seamless")
    with pytest.raises(ValueError, match="absent_rate"):
        synthetic_case(10, absent_rate=1.5)
    with pytest.raises(ValueError, match="unknown case"):
        synthetic_case(10, case_weights={"teleported": 1.0})


def test_ten_thousand_locations() -> None:
    pos, dsp, truth = synthetic_case(10_000, seed=0)
    assert len(pos) == 10_000 and pos["provider_id"].is_unique and dsp["provider_id"].is_unique
    assert pos["provider_id"].iloc[-1].endswith("-L10000")
    assert truth["dsp_provider_id"].dropna().is_unique
    assert 9_000 < len(dsp) < 11_000


def test_tiny_and_empty_merchants() -> None:
    pos, dsp, truth = synthetic_case(0, seed=1)
    assert pos.empty and dsp.empty and truth.empty and list(pos.columns) == list(COLUMNS)
    spec = MerchantSpec("solo", "Solo Diner", 1, 1)
    assert len(pos_locations(spec)) == 1


def test_cli_show(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["show", "taco-tres", "--rows", "3"]) == 0
    out = capsys.readouterr().out
    assert "taco-tres-L0001" in out and "Taco Tres" in out
    assert cli_main(["show", "taco-tres", "--dsp", "grubhub"]) == 0
    out = capsys.readouterr().out
    assert "grubhub-taco-tres-S" in out and "exact" in out
    assert cli_main(["show", "no-such-merchant"]) == 2
    assert "taco-tres" in capsys.readouterr().err
