"""The bind table: bands and pre-ticks from matching, the person's edits, filters, summary and choices."""

from __future__ import annotations

from lib.binding import (
    BOUND,
    NO_STORE,
    BoundStore,
    candidates,
    check_table,
    compose,
    filter_view,
    holders,
    merge_editor_state,
    only_edited_cells_differ,
    page_candidates,
    summarize,
    top_choices,
    unedited_table,
)
from lib.numbers import whole
from tests.binding.matched import Matched

NO_PROPOSAL = ("taco-tres-L0007", "taco-tres-L0024")  # absent on DoorDash, nothing worth a look
PICKED_ROW = NO_PROPOSAL[0]  # a store here can only be the person's own pick


def _auto_ids(m: Matched) -> list[str]:
    pairs = m.proposals.pairs
    return [str(p) for p in pairs.loc[pairs["band"] == "auto", "pos_provider_id"]]


def _free_store(m: Matched) -> str:
    """A DSP store that matching proposed for no location."""
    return sorted(set(m.labels) - set(m.proposals.pairs["dsp_provider_id"].dropna()))[0]


def test_rows_carry_matching_bands_and_only_auto_rows_start_ticked(taco: Matched) -> None:
    base = taco.base()
    table = compose(base, {}, taco.scorer, taco.labels)
    assert list(table.index) == list(taco.pos["provider_id"])  # one row per POS location, indexed by its id
    bands = taco.proposals.pairs.set_index("pos_provider_id")["band"]
    assert table["band"].to_dict() == bands.to_dict()
    assert not table.loc[table["band"] != "auto", "bind"].any()  # review and none rows are never ticked
    assert set(table.index[table["bind"]]) == set(_auto_ids(taco))
    assert len(_auto_ids(taco)) == 37
    for pos_id in _auto_ids(taco):  # every pre-ticked pair is the true store
        assert table.at[pos_id, "dsp_store"] == taco.truth[pos_id]
    for pos_id in NO_PROPOSAL:
        assert table.at[pos_id, "dsp_store"] == NO_STORE
        assert table.at[pos_id, "status"] == "no proposal"
    assert (table["flag"] == "").all()  # nothing flagged before the person touches anything


def test_unticking_an_auto_row_leaves_it_out(taco: Matched) -> None:
    base = taco.base()
    first = _auto_ids(taco)[0]
    table = compose(base, {first: {"bind": False}}, taco.scorer, taco.labels)
    assert not table.at[first, "bind"]
    assert table.at[first, "changed"]
    check = check_table(table, base, taco.labels)
    assert first not in {p.pos_location_id for p in check.pairs}
    assert len(check.pairs) == 36 and not check.blocked


def test_picking_a_store_matching_did_not_propose_flags_it_and_lists_it_first(taco: Matched) -> None:
    base = taco.base()
    store = _free_store(taco)
    table = compose(base, {PICKED_ROW: {"dsp_store": store}}, taco.scorer, taco.labels)
    assert table.at[PICKED_ROW, "bind"]  # picking a store ticks the row
    assert table.at[PICKED_ROW, "dsp_address"] == taco.labels[store].split(" — ")[1]
    # Why it is flagged, in words: the person's own pick, below the auto band, with the score shown.
    assert table.at[PICKED_ROW, "flag"] == (
        f"your pick; below the auto band (none, score {whole(table.at[PICKED_ROW, 'score'])})"
    )
    check = check_table(table, base, taco.labels)
    assert check.pairs[0].pos_location_id == PICKED_ROW
    assert check.pairs[0].flagged and check.pairs[0].band == "none"
    assert [p.pos_location_id for p in check.flagged] == [PICKED_ROW]


def test_repairing_to_a_store_another_row_holds_blocks_naming_both_rows(taco: Matched) -> None:
    base = taco.base()
    alts = taco.proposals.alternatives
    row = alts[alts["taken_by"].notna() & alts["pos_provider_id"].isin(_auto_ids(taco))].iloc[0]
    mover, store, holder = str(row["pos_provider_id"]), str(row["dsp_provider_id"]), str(row["taken_by"])

    table = compose(base, {mover: {"dsp_store": store}}, taco.scorer, taco.labels)
    assert table.at[mover, "bind"]  # picking a store ticks the row
    assert table.at[mover, "status"] == "picked by you"
    assert table.at[mover, "score"] == whole(row["score"])  # one rounding rule: whole, halves up
    assert table.at[mover, "flag"].startswith("your pick")
    check = check_table(table, base, taco.labels)
    assert check.blocked and len(check.duplicates) == 1
    message = check.duplicates[0].message
    for pos_id in (mover, holder):
        assert pos_id in message and table.at[pos_id, "pos_name"] in message
    assert store in message

    # Giving the holder "no store" resolves it: the mover's pair goes first, as a flagged change.
    table = compose(
        base, {mover: {"dsp_store": store}, holder: {"dsp_store": NO_STORE}}, taco.scorer, taco.labels
    )
    assert not table.at[holder, "bind"] and table.at[holder, "status"] == "no store"
    check = check_table(table, base, taco.labels)
    assert not check.blocked
    assert check.pairs[0].pos_location_id == mover and check.pairs[0].dsp_provider_id == store
    assert holder not in {p.pos_location_id for p in check.pairs}
    # The audit keeps what was proposed beside what was chosen; an unchanged pair has nothing to add.
    chosen = check.pairs[0]
    assert chosen.proposed == base.at[mover, "proposed_dsp"] and chosen.proposed != store
    assert chosen.proposed_name == taco.labels[chosen.proposed].partition(" — ")[0]
    assert all(p.proposed is None for p in check.pairs[1:])


def test_bound_locations_show_as_bound_and_are_not_proposed_again(taco: Matched) -> None:
    a, b = _auto_ids(taco)[:2]
    bound = {a: BoundStore(taco.truth[a], "Taco Tres", "APPROVED")}
    base = taco.base(bound)
    table = compose(base, {}, taco.scorer, taco.labels)
    assert table.at[a, "status"] == "bound · APPROVED"
    assert not table.at[a, "bind"] and table.at[a, "dsp_store"] == taco.truth[a]
    check = check_table(table, base, taco.labels)
    assert a not in {p.pos_location_id for p in check.pairs}
    counts = summarize(table, base, len(taco.dsp))
    assert counts["bound"] == 1 and counts["auto"] == 36 and counts["pos_locations"] == 40
    # Ticking a bound row with the store it already has binds nothing new.
    table = compose(base, {a: {"bind": True}}, taco.scorer, taco.labels)
    assert not table.at[a, "bind"]
    assert b in {p.pos_location_id for p in check_table(table, base, taco.labels).pairs}


def test_repair_of_a_wrongly_bound_location_releases_its_store_first(taco: Matched) -> None:
    a, b = _auto_ids(taco)[:2]
    wrong = {a: BoundStore(taco.truth[b], None, "PENDING")}  # a holds b's store
    base = taco.base(wrong)
    table = compose(base, {}, taco.scorer, taco.labels)
    check = check_table(table, base, taco.labels)
    assert check.blocked  # b's proposal is a store a still holds
    assert "already bound" in check.duplicates[0].message and a in check.duplicates[0].message

    table = compose(base, {a: {"re_pair": True}}, taco.scorer, taco.labels)
    assert table.at[a, "dsp_store"] == taco.truth[a]  # proposed again
    assert table.at[a, "bind"] and table.at[a, "status"].startswith("re-pair")
    assert table.at[a, "flag"] == f"replaces a binding (to {taco.truth[b]})"
    check = check_table(table, base, taco.labels)
    assert not check.blocked
    waves = {p.pos_location_id: p.wave for p in check.pairs}
    assert waves[a] == 0 and waves[b] == 1  # b takes the store a releases, so it goes after a
    assert next(p for p in check.pairs if p.pos_location_id == a).replaces == taco.truth[b]


def test_a_swap_cannot_be_bound_in_one_go(taco: Matched) -> None:
    a, b = _auto_ids(taco)[:2]
    swapped = {a: BoundStore(taco.truth[b], None, "APPROVED"), b: BoundStore(taco.truth[a], None, "APPROVED")}
    base = taco.base(swapped)
    edits = {a: {"re_pair": True}, b: {"re_pair": True}}
    check = check_table(compose(base, edits, taco.scorer, taco.labels), base, taco.labels)
    assert check.blocked and not check.duplicates
    assert len(check.problems) == 1 and a in check.problems[0] and b in check.problems[0]


def test_no_store_is_never_ticked(taco: Matched) -> None:
    base = taco.base()
    first = _auto_ids(taco)[0]
    table = compose(base, {first: {"dsp_store": NO_STORE, "bind": True}}, taco.scorer, taco.labels)
    assert not table.at[first, "bind"] and table.at[first, "score"] == 0.0
    assert table.at[first, "dsp_address"] == ""


def test_editor_positions_map_to_the_rows_the_editor_showed(taco: Matched) -> None:
    base = taco.base()
    table = compose(base, {}, taco.scorer, taco.labels)
    view = filter_view(table, ["review", "none"])
    assert set(view.index) == set(table.index[table["band"] != "auto"]) >= set(NO_PROPOSAL)
    ids = list(view.index)
    state = {
        "edited_rows": {"0": {"bind": True, "pos_name": "ignored"}, 7: {"bind": True}},
        "added_rows": [],
        "deleted_rows": [],
    }
    edits = merge_editor_state({}, state, ids)
    assert edits == {ids[0]: {"bind": True}}  # read-only columns and stale positions are ignored
    assert merge_editor_state(edits, state, ids) == edits  # folding the same state again changes nothing


def test_filters_by_band_bound_and_search(taco: Matched) -> None:
    first = _auto_ids(taco)[0]
    base = taco.base({first: BoundStore(taco.truth[first], None, "APPROVED")})
    table = compose(base, {}, taco.scorer, taco.labels)
    assert list(filter_view(table, [BOUND]).index) == [first]
    assert first not in filter_view(table, ["auto"]).index
    assert len(filter_view(table, ["auto"])) == 36
    name = table.at[PICKED_ROW, "pos_name"]
    city = table.at[PICKED_ROW, "pos_address"].split(", ")[-2]
    found = filter_view(table, search=f"{name.upper()} {city.lower()}")
    assert PICKED_ROW in found.index and len(found) < len(table)
    assert list(filter_view(table, search=PICKED_ROW).index) == [PICKED_ROW]
    assert filter_view(table, search="no-such-place").empty


def test_store_choices_put_the_candidates_first_then_every_store_then_no_store(taco: Matched) -> None:
    base = taco.base()
    table = compose(base, {}, taco.scorer, taco.labels)
    first = _auto_ids(taco)[0]
    choices = top_choices(first, table, base, taco.scorer, taco.labels)
    held = holders(table)
    taken = {store for store, pos in held.items() if pos != first}
    alternatives = [dsp for dsp, _, _ in taco.scorer.alternatives(first)]
    free_alternatives = [a for a in alternatives if a not in taken]
    assert choices[0] == taco.truth[first]
    assert choices[1 : 1 + len(free_alternatives)] == free_alternatives  # free candidates first
    assert choices[-1] == NO_STORE
    assert sorted(choices[:-1]) == sorted(taco.labels) and len(set(choices)) == len(choices)
    positions = [i for i, store in enumerate(choices[:-1]) if store in taken]
    assert positions and positions == list(range(len(choices) - 1 - len(taken), len(choices) - 1))


def test_a_locations_candidates_are_its_pick_proposal_bound_store_then_the_next_best(taco: Matched) -> None:
    base = taco.base()
    table = compose(base, {}, taco.scorer, taco.labels)
    first = _auto_ids(taco)[0]
    found = candidates(first, table, base, taco.scorer)
    assert found[:3] == [
        table.at[first, "dsp_store"],
        base.at[first, "proposed_dsp"],
        base.at[first, "bound_dsp"],
    ]
    assert found[3:] == [dsp for dsp, _, _ in taco.scorer.alternatives(first)]


def test_a_pages_candidates_are_every_candidate_of_its_rows_including_a_picked_store(taco: Matched) -> None:
    base = taco.base()
    some = list(base.index[:6])
    plain = compose(base, {}, taco.scorer, taco.labels)
    offered = {str(c) for p in some for c in candidates(p, plain, base, taco.scorer)}
    other = next(s for s in taco.labels if s not in offered)
    table = compose(base, {some[0]: {"dsp_store": other}}, taco.scorer, taco.labels)
    found = page_candidates(some, table, base, taco.scorer)
    assert found == {str(c) for p in some for c in candidates(p, table, base, taco.scorer)}
    assert other in found  # the store the person picked is offered on the page


def test_only_the_cells_the_person_edited_may_differ_for_the_grid_to_stay(taco: Matched) -> None:
    base = taco.base()
    shown = compose(base, {}, taco.scorer, taco.labels)
    first, second, third = _auto_ids(taco)[:3]
    untick = compose(base, {first: {"bind": False}}, taco.scorer, taco.labels)
    at = list(shown.index).index
    assert only_edited_cells_differ(shown, untick, {at(first): {"bind": False}})
    assert not only_edited_cells_differ(shown, untick, {})  # a change the grid does not show yet
    assert not only_edited_cells_differ(shown, untick, {at(second): {"bind": False}})  # another row
    store = {"dsp_store": shown.at[third, "dsp_store"]}
    picked = compose(base, {second: store}, taco.scorer, taco.labels)
    # Picking a store also changes the row's score, status and check: the grid must be sent again.
    assert not only_edited_cells_differ(shown, picked, {at(second): store})
    assert not only_edited_cells_differ(shown, filter_view(shown, ["review"]), {})  # other rows


def test_one_rounding_rule_halves_go_up() -> None:
    assert [whole(v) for v in (8.5, 9.5, 8.49, 99.5, 0.0)] == [9, 10, 8, 100, 0]


def test_one_persons_edits_never_reach_the_next_table_built_on_the_same_matching(taco: Matched) -> None:
    base = taco.base()  # one matching result, shared by every session that opens the bind screen
    shared = unedited_table(base, taco.labels)  # as the bind screen's shared model keeps it
    first = _auto_ids(taco)[0]
    untouched = compose(base, {}, taco.scorer, taco.labels, unedited=shared)
    edits = {first: {"bind": False}, PICKED_ROW: {"dsp_store": _free_store(taco)}}
    edited = compose(base, edits, taco.scorer, taco.labels, unedited=shared)
    assert not edited.at[first, "bind"] and edited.at[PICKED_ROW, "status"] == "picked by you"
    again = compose(base, {}, taco.scorer, taco.labels, unedited=shared)
    assert again.equals(untouched)
    assert again.at[first, "bind"] and again.at[PICKED_ROW, "dsp_store"] == NO_STORE
    assert edited.equals(compose(base, edits, taco.scorer, taco.labels))  # the same as built afresh


def test_a_failed_pair_keeps_its_edit_and_says_why_once(taco: Matched) -> None:
    base = taco.base()
    first = _auto_ids(taco)[0]
    picked = {PICKED_ROW: {"dsp_store": _free_store(taco)}}  # a pick of the person's, below the auto band
    failed = {PICKED_ROW: "timed out", first: ""}
    table = compose(base, picked, taco.scorer, taco.labels, failed=failed)
    assert table.at[PICKED_ROW, "status"] == "failed: timed out" and table.at[PICKED_ROW, "bind"]
    assert table.at[PICKED_ROW, "flag"].count("below the auto band") == 1
    assert table.at[first, "status"] == "failed" and table.at[first, "flag"] == ""


def test_checks_reusing_remembered_pairs_match_checks_from_scratch_across_edits(taco: Matched) -> None:
    base = taco.base()
    memo: dict = {}  # shared by every check of one matching result, as the screen's model shares it
    first, second = _auto_ids(taco)[:2]
    store = _free_store(taco)
    in_turn: list[dict] = [{}, {PICKED_ROW: {"dsp_store": store}}, {first: {"bind": False}}, {second: {}}]
    for edits in in_turn:
        table = compose(base, edits, taco.scorer, taco.labels)
        assert check_table(table, base, taco.labels, memo) == check_table(table, base, taco.labels)
    unedited = check_table(compose(base, {}, taco.scorer, taco.labels), base, taco.labels)
    assert len(memo) == len(unedited.pairs) + 1  # only the picked row's new pair was built again


def test_the_check_says_why_the_pairs_cannot_be_reviewed_and_which_need_a_second_look(taco: Matched) -> None:
    base = taco.base()
    check = check_table(compose(base, {}, taco.scorer, taco.labels), base, taco.labels)
    assert check.not_ready() is None and check.second_look() is None  # only auto pairs: nothing flagged

    table = compose(base, {PICKED_ROW: {"dsp_store": _free_store(taco)}}, taco.scorer, taco.labels)
    check = check_table(table, base, taco.labels)
    assert check.second_look() == (
        f"1 of {len(check.pairs)} ticked pairs needs a second look (below the auto band, changed by you, or "
        "replacing a binding): the confirmation lists them first."
    )

    nothing = {pos: {"bind": False} for pos in base.index}
    check = check_table(compose(base, nothing, taco.scorer, taco.labels), base, taco.labels)
    assert check.not_ready() == "Tick at least one pair to bind."

    alts = taco.proposals.alternatives
    row = alts[alts["taken_by"].notna() & alts["pos_provider_id"].isin(_auto_ids(taco))].iloc[0]
    clash = {str(row["pos_provider_id"]): {"dsp_store": str(row["dsp_provider_id"])}}
    check = check_table(compose(base, clash, taco.scorer, taco.labels), base, taco.labels)
    assert check.blocked and check.not_ready() == "Resolve the problems above first."
    assert check.second_look() is None  # the problem is said first; the flagged sentence waits
