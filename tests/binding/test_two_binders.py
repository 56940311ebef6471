"""Two people binding the same org at once, as two library callers against the real sandbox.

Both load the org with nothing bound; A binds first. B's bind must not silently replace A's pairs: each of
B's pairs is re-checked against the bindings read just before sending.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from benchmarks.seed import DSP_SOURCE, SeededOrg, seed_org, true_pairs
from lib.binding import PlannedPair, bind_pairs, load_inputs
from lib.binding.execute import (
    NOT_SENT,
    UNKNOWN_OUTCOME,
    UNKNOWN_SETTLED_NOT_BOUND,
    PairOutcome,
    outcome_word,
    settle_unknown,
)
from lib.binding.safety import compare_with_current, current_bindings
from lib.sandbox.embed import EmbeddedSandbox
from lib.store import Records
from lib.stream.client import StreamClient
from lib.stream.models import BindPair, BindResponse


@pytest.fixture
def client(sandbox: EmbeddedSandbox) -> Iterator[StreamClient]:
    with StreamClient(sandbox.base_url, sandbox.client_id, sandbox.client_secret) as c:
        yield c


@pytest.fixture
def org(client: StreamClient) -> SeededOrg:
    return seed_org(client, "taco-tres", dsp=DSP_SOURCE, bind=0)


def planned(pairs: Sequence[tuple[str, str]], loaded: dict[str, str]) -> list[PlannedPair]:
    """Pairs as the bind screen plans them, `replaces` being what the table showed when it was loaded."""
    return [
        PlannedPair(p, f"POS {p}", d, f"Store {d}", 90.0, "auto", False, replaces=loaded.get(p) or None)
        for p, d in pairs
    ]


def test_the_second_binder_is_told_and_replaces_only_what_they_confirm_by_name(
    client: StreamClient, org: SeededOrg
) -> None:
    assert org.dsp_onboarding_id is not None
    truth = list(true_pairs("taco-tres", DSP_SOURCE))
    # Both load the screen now: nothing bound.
    loaded_a = {
        p: b.dsp_provider_id
        for p, b in load_inputs(client, org.org_id, org.dsp_onboarding_id, DSP_SOURCE).bound.items()
    }
    loaded_b = dict(loaded_a)
    assert loaded_a == {}
    pairs_a = planned(truth[:5], loaded_a)
    # B pairs the same five locations with five other free stores.
    pairs_b = planned([(p, truth[10 + i][1]) for i, (p, _) in enumerate(truth[:5])], loaded_b)

    check_a = compare_with_current(pairs_a, current_bindings(client, org.org_id, DSP_SOURCE))
    assert check_a.send == pairs_a
    assert not bind_pairs(client, org.dsp_onboarding_id, check_a.to_send({})).failed

    check_b = compare_with_current(pairs_b, current_bindings(client, org.org_id, DSP_SOURCE))
    assert check_b.send == [] and len(check_b.replacements) == 5
    assert all(
        "by someone else since you loaded the table" in c.replacement_message for c in check_b.replacements
    )
    assert check_b.to_send({}) == [], "nothing replaces A's bindings without B confirming it"

    # B confirms two of the replacements by name (location -> the store it was bound to when B looked).
    confirmed = {c.pair.pos_location_id: c.current_store for c in check_b.replacements[:2]}
    sent = check_b.to_send(confirmed)
    assert [p.pos_location_id for p in sent] == [p for p, _ in truth[:2]]
    assert not bind_pairs(client, org.dsp_onboarding_id, sent).failed
    now = current_bindings(client, org.org_id, DSP_SOURCE)
    assert {p: now[p] for p, _ in truth[:5]} == {
        **{p: truth[10 + i][1] for i, (p, _) in enumerate(truth[:2])},
        **dict(truth[2:5]),
    }, "the three replacements B did not confirm keep A's stores"


def test_a_store_someone_else_took_is_not_sent_and_an_identical_pair_is_not_resent(
    client: StreamClient, org: SeededOrg
) -> None:
    assert org.dsp_onboarding_id is not None
    truth = list(true_pairs("taco-tres", DSP_SOURCE))
    (a_pos, a_store), (b_pos, _) = truth[0], truth[1]
    loaded: dict[str, str] = {}
    bind_pairs(client, org.dsp_onboarding_id, planned([(a_pos, a_store)], loaded))  # A binds first
    mine = planned([(b_pos, a_store), (a_pos, a_store)], loaded)  # B: a_store for b, and A's exact pair
    check = compare_with_current(mine, current_bindings(client, org.org_id, DSP_SOURCE))
    assert [c.pair.pos_location_id for c in check.taken] == [b_pos]
    assert check.taken[0].holder == a_pos and a_pos in check.taken[0].taken_message
    assert [c.pair.pos_location_id for c in check.done] == [a_pos]
    assert check.to_send({}) == []
    told = {o.pos_location_id: o for o in check.outcomes()}
    assert not told[b_pos].ok and "someone else bound store" in (told[b_pos].message or "")
    assert told[a_pos].ok


class SaysNothing:
    """A client whose bind answers 200 without saying what happened (as null, {} or 204 would)."""

    def __init__(self, inner: StreamClient, really_bind: bool) -> None:
        self.inner, self.really_bind = inner, really_bind

    def bind_locations(self, onboarding_id: str, pairs: Sequence[BindPair]) -> BindResponse:
        if self.really_bind:
            self.inner.bind_locations(onboarding_id, pairs)
        return BindResponse()


@pytest.mark.parametrize("really_bind", [True, False])
def test_an_answer_that_says_nothing_is_unknown_until_read_back(
    client: StreamClient, org: SeededOrg, really_bind: bool
) -> None:
    assert org.dsp_onboarding_id is not None
    pairs = planned(true_pairs("taco-tres", DSP_SOURCE)[:3], {})
    run = bind_pairs(SaysNothing(client, really_bind), org.dsp_onboarding_id, pairs)
    assert len(run.unknown) == 3 and not run.succeeded, "a 2xx that names no pair is not a success"
    assert all(o.message == UNKNOWN_OUTCOME for o in run.unknown)
    assert settle_unknown(run, current_bindings(client, org.org_id, DSP_SOURCE)) == 3
    assert not run.unknown
    if really_bind:
        assert len(run.succeeded) == 3
    else:
        assert [o.message for o in run.failed] == [UNKNOWN_SETTLED_NOT_BOUND] * 3


def test_a_bind_stopped_between_batches_sends_nothing_more(client: StreamClient, org: SeededOrg) -> None:
    assert org.dsp_onboarding_id is not None
    pairs = planned(true_pairs("taco-tres", DSP_SOURCE)[:6], {})
    asked: list[int] = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 1  # the person pressed Stop while the first batch was on its way

    run = bind_pairs(client, org.dsp_onboarding_id, pairs, batch_size=2, should_stop=stop)
    assert len(run.succeeded) == 2 and run.requests == 1
    assert [o.message for o in run.failed] == [NOT_SENT] * 4
    assert set(current_bindings(client, org.org_id, DSP_SOURCE)) == {p.pos_location_id for p in pairs[:2]}


def test_the_lease_shows_who_binds_and_lapses(tmp_path: Path) -> None:
    now = [datetime(2026, 1, 1, 12, 0, tzinfo=UTC)]
    url = f"sqlite:///{tmp_path / 'records.db'}"
    with Records(url, clock=lambda: now[0]) as a, Records(url, clock=lambda: now[0]) as b:
        assert a.take_bind_lease("org-1", "ann@example.com", ttl_seconds=60).holder == "ann@example.com"
        theirs = b.take_bind_lease("org-1", "bob@example.com", ttl_seconds=60)
        assert (theirs.holder, theirs.since) == ("ann@example.com", now[0]), (
            "Bob sees Ann binding since 12:00"
        )
        now[0] += timedelta(seconds=30)
        assert a.take_bind_lease("org-1", "ann@example.com", ttl_seconds=60).since == datetime(
            2026, 1, 1, 12, 0, tzinfo=UTC
        )
        now[0] += timedelta(seconds=61)  # Ann's browser went away: the lease lapses
        assert b.bind_lease("org-1") is None
        assert b.take_bind_lease("org-1", "bob@example.com").holder == "bob@example.com"
        a.release_bind_lease("org-1", "ann@example.com")  # not Ann's any more: Bob keeps it
        assert a.bind_lease("org-1") is not None
        b.release_bind_lease("org-1", "bob@example.com")
        assert a.bind_lease("org-1") is None


def test_each_outcome_reads_as_one_word_the_page_and_its_table_share() -> None:
    def pair(ok: bool, message: str | None, unknown: bool = False) -> dict[str, object]:
        return PairOutcome("p1", "s1", ok, None, message, unknown).to_dict()

    assert outcome_word(pair(True, None)) == "bound"
    assert outcome_word(pair(False, UNKNOWN_OUTCOME, unknown=True)) == "unknown"
    assert outcome_word(pair(False, NOT_SENT)) == "not sent"
    assert outcome_word(pair(False, "The API refused the store.")) == "failed"
