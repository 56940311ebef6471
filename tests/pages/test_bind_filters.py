"""The Bind screen's filters: an edited row stays on screen (and in the panel); "left without a store" lists
those locations and the stores nobody has; the picker says who has a store."""

from __future__ import annotations

from benchmarks.seed import true_pairs
from lib.binding import NO_STORE, WITHOUT_STORE, locations_frame, store_labels
from tests.pages import test_bind_page as bind
from tests.pages.conftest import ConsoleEnv

org = bind.org  # Taco Tres with DoorDash connected and nothing bound


def test_an_edited_row_stays_under_the_band_filter_until_the_filter_changes(
    console_env: ConsoleEnv, org: bind.Org
) -> None:
    at = bind._open(console_env)
    oid = org.dsp_onboarding_id
    at.button_group(key=f"bind_bands:{oid}").set_value(["auto"]).run()
    shown = bind._table(at)
    assert len(shown) == 37 and (shown["band"] == "auto").all()
    row, other = shown.index[0], shown.index[1]
    at.selectbox(key=f"bind_detail_row:{oid}").set_value(row).run()

    # Give the row another row's store: its band is no longer auto, yet it stays, and so does the panel.
    wrong_store = dict(true_pairs(bind.MERCHANT, bind.DSP))[other]
    bind._edit(at, {row: {"dsp_store": wrong_store}})
    shown = bind._table(at)
    assert row in shown.index and shown.at[row, "band"] != "auto"
    assert shown.at[row, "dsp_store"] == wrong_store
    assert at.selectbox(key=f"bind_detail_row:{oid}").value == row
    assert "37 of 40 POS locations shown" in " ".join(c.value for c in at.caption)

    # Changing the filter applies it afresh: the edited row goes with the other non-auto rows.
    at.button_group(key=f"bind_bands:{oid}").set_value(["auto", "review"]).run()
    at.button_group(key=f"bind_bands:{oid}").set_value(["auto"]).run()
    assert row not in bind._table(at).index


def test_the_store_picker_says_who_has_a_store_and_lists_free_ones_first(
    console_env: ConsoleEnv, org: bind.Org
) -> None:
    at = bind._open(console_env)
    oid = org.dsp_onboarding_id
    table = bind._table(at)
    row, other = table.index[0], table.index[1]
    at.selectbox(key=f"bind_detail_row:{oid}").set_value(row).run()
    [picker] = [s for s in at.selectbox if s.label == "Pair this location with"]
    options = list(picker.options)
    assert options[0].startswith(bind._table(at).at[row, "pos_name"].split(" - ")[0])  # its own pick first
    assert options[-1] == "— no store —"
    taken = [i for i, o in enumerate(options) if " · taken by " in o]
    free = [i for i, o in enumerate(options[:-1]) if " · taken by " not in o]
    assert taken and max(free) < min(taken), "every free store comes before the stores others have"
    [label] = [o for o in options if f"({other})" in o]  # the store the second row has
    assert f"taken by {table.at[other, 'pos_name']} ({other})" in label


def test_identical_names_score_100_and_the_score_reads_the_same_everywhere(
    console_env: ConsoleEnv, org: bind.Org
) -> None:
    at = bind._open(console_env)
    oid = org.dsp_onboarding_id
    table = bind._table(at)
    same = next(
        p for p in table.index if table.at[p, "status"] == "proposed" and "same name" in table.at[p, "reason"]
    )
    at.selectbox(key=f"bind_detail_row:{oid}").set_value(same).run()
    caption = next(c.value for c in at.caption if c.value.startswith("Score "))
    assert "Name 100" in caption, caption
    assert caption.startswith(f"Score **{int(bind._table(at).at[same, 'score'])}**"), "grid and panel agree"


def test_left_without_a_store_lists_those_locations_and_the_stores_nobody_has(
    console_env: ConsoleEnv, org: bind.Org
) -> None:
    at = bind._open(console_env)
    oid = org.dsp_onboarding_id
    full = bind._table(at)
    without = full[full["dsp_store"] == NO_STORE]
    held = set(full.loc[full["bind"], "dsp_store"])
    stores = store_labels(locations_frame(org.client.list_locations(oid)))
    free = sorted(set(stores) - held)
    assert bind.PICKED_ROW in without.index and free  # the three DoorDash does not list; stores left over

    at.button_group(key=f"bind_bands:{oid}").set_value([WITHOUT_STORE]).run()
    assert list(bind._table(at).index) == list(without.index)
    listed = bind._frame_with(at, "DSP store id", "DSP store", "address")
    assert sorted(listed["DSP store id"]) == free  # every store no location has, and only those
    assert not held & set(listed["DSP store id"])
    caption = " ".join(c.value for c in at.caption)
    assert f"{len(free)} of {len(stores)} DSP stores are free" in caption

    # Pair one of them with a location left without a store: it leaves the list (the row stays on screen
    # until the filter changes, as any edited row does).
    store = free[0]
    bind._edit(at, {bind.PICKED_ROW: {"dsp_store": store}})
    listed = bind._frame_with(at, "DSP store id", "DSP store", "address")
    assert store not in set(listed["DSP store id"]) and len(listed) == len(free) - 1
    assert bind._metrics(at)["Left without a store"] == str(len(without) - 1)

    # The search narrows the stores as it narrows the locations.
    name = stores[free[1]].partition(" — ")[0]
    at.text_input(key=f"bind_search:{oid}").input(name).run()
    listed = bind._frame_with(at, "DSP store id", "DSP store", "address")
    assert free[1] in set(listed["DSP store id"]) and (listed["DSP store"] == name).all()
    assert "match the search" in " ".join(c.value for c in at.caption)

    # Without the filter, the stores' table is gone.
    at.text_input(key=f"bind_search:{oid}").input("").run()
    at.button_group(key=f"bind_bands:{oid}").set_value([]).run()
    assert not [d for d in at.dataframe if "DSP store id" in d.value.columns]
