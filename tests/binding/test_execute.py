"""Binding against the real sandbox: batches, per-pair outcomes, a 5xx batch and its retry, audit entries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.seed import DSP_SOURCE, SeededOrg, seed_org, true_pairs
from lib.binding import (
    PlannedPair,
    audit_payload,
    bind_and_audit,
    bind_pairs,
    bound_stores,
    load_inputs,
    plan_batches,
)
from lib.sandbox.embed import EmbeddedSandbox
from lib.store import LOCATIONS_BOUND, Records, WrongOrgError
from lib.stream.client import StreamClient
from lib.stream.retry import RetryPolicy

BIND_PATH = "/onboarding/locations/bind"


@pytest.fixture
def client(sandbox: EmbeddedSandbox) -> Iterator[StreamClient]:
    """A client of the shared sandbox that retries like the console's but without waiting between tries."""
    policy = RetryPolicy(max_retries=2, sleep=lambda _: None)
    with StreamClient(sandbox.base_url, sandbox.client_id, sandbox.client_secret, retry_policy=policy) as c:
        yield c
    sandbox.set_faults(fail_next=0, fail_path=None)


@pytest.fixture
def records(tmp_path: Path) -> Iterator[Records]:
    """The console's records, which know whose onboarding is whose (bind checks the org against them)."""
    with Records(f"sqlite:///{tmp_path / 'records.db'}") as r:
        yield r


@pytest.fixture
def org(client: StreamClient, records: Records) -> SeededOrg:
    """Taco Tres: every POS location ingested, Grubhub connected, nothing bound yet; recorded."""
    return seed_org(client, "taco-tres", dsp=DSP_SOURCE, bind=0, records=records)


def _planned(pairs: list[tuple[str, str]], wave: int = 0) -> list[PlannedPair]:
    return [PlannedPair(p, f"POS {p}", d, f"Store {d}", 100.0, "auto", False, wave=wave) for p, d in pairs]


def _bound(client: StreamClient, org_id: str) -> dict[str, str]:
    return {p: b.dsp_provider_id for p, b in bound_stores(client.org_locations(org_id), DSP_SOURCE).items()}


def test_load_inputs_reads_ingested_locations_stores_and_bindings(
    client: StreamClient, org: SeededOrg, records: Records
) -> None:
    pos_id, store_id = true_pairs("taco-tres", DSP_SOURCE)[0]
    assert org.dsp_onboarding_id is not None
    bind_pairs(
        client,
        org.dsp_onboarding_id,
        org_id=org.org_id,
        records=records,
        pairs=_planned([(pos_id, store_id)]),
    )
    inputs = load_inputs(client, org.org_id, org.dsp_onboarding_id, DSP_SOURCE)
    assert list(inputs.pos["provider_id"]) == org.ingested  # POS ids, the ones bind expects
    assert len(inputs.dsp) == len(client.list_locations(org.dsp_onboarding_id))
    assert inputs.pos["address_line_1"].notna().all() and inputs.dsp["locality"].notna().all()
    assert set(inputs.bound) == {pos_id}
    assert inputs.bound[pos_id].dsp_provider_id == store_id
    assert inputs.bound[pos_id].status in ("PENDING", "APPROVED")
    assert load_inputs(client, org.org_id, org.dsp_onboarding_id, "doordash").bound == {}


def test_a_failed_batch_fails_only_its_pairs_and_a_retry_binds_only_those(
    client: StreamClient, org: SeededOrg, records: Records, sandbox: EmbeddedSandbox
) -> None:
    assert org.dsp_onboarding_id is not None
    pairs = _planned(list(true_pairs("taco-tres", DSP_SOURCE)[:6]))
    # The client tries a bind three times (two retries): three 503s fail the first batch for good.
    sandbox.set_faults(fail_next=3, fail_path=BIND_PATH)
    progress: list[tuple[int, int]] = []
    run = bind_pairs(
        client,
        org.dsp_onboarding_id,
        org_id=org.org_id,
        records=records,
        pairs=pairs,
        batch_size=2,
        on_progress=lambda d, t: progress.append((d, t)),
    )
    assert progress == [(0, 6), (2, 6), (4, 6), (6, 6)]
    assert [o.pos_location_id for o in run.failed] == [p.pos_location_id for p in pairs[:2]]
    assert all("503" in (o.message or "") for o in run.failed)
    assert [o.status for o in run.succeeded] == ["PENDING"] * 4
    bound = _bound(client, org.org_id)
    assert bound == {p.pos_location_id: p.dsp_provider_id for p in pairs[2:]}

    failed = {o.pos_location_id for o in run.failed}
    retry = bind_pairs(
        client,
        org.dsp_onboarding_id,
        org_id=org.org_id,
        records=records,
        pairs=[p for p in pairs if p.pos_location_id in failed],
    )
    assert retry.requests == 1 and len(retry.succeeded) == 2 and not retry.failed
    assert _bound(client, org.org_id) == {p.pos_location_id: p.dsp_provider_id for p in pairs}


def test_a_refused_pair_is_isolated_and_the_rest_of_its_batch_is_bound(
    client: StreamClient, org: SeededOrg, records: Records
) -> None:
    assert org.dsp_onboarding_id is not None
    (a, store_a), (b, _), (c, store_c) = true_pairs("taco-tres", DSP_SOURCE)[:3]
    bind_pairs(
        client, org.dsp_onboarding_id, org_id=org.org_id, records=records, pairs=_planned([(a, store_a)])
    )
    # b asks for the store a already holds: the API refuses the whole request with a 409.
    run = bind_pairs(
        client,
        org.dsp_onboarding_id,
        org_id=org.org_id,
        records=records,
        pairs=_planned([(b, store_a), (c, store_c)]),
        batch_size=10,
    )
    assert [o.pos_location_id for o in run.failed] == [b]
    assert a in (run.failed[0].message or "") and "conflict" in (run.failed[0].message or "").lower()
    assert [o.pos_location_id for o in run.succeeded] == [c]
    assert _bound(client, org.org_id) == {a: store_a, c: store_c}


def test_an_unknown_store_is_isolated_and_the_rest_of_its_batch_is_bound(
    client: StreamClient, org: SeededOrg, records: Records
) -> None:
    assert org.dsp_onboarding_id is not None
    (a, store_a), (b, _), (c, store_c) = true_pairs("taco-tres", DSP_SOURCE)[:3]
    # The API answers an unknown store 404 naming the pair's field: only that pair fails.
    run = bind_pairs(
        client,
        org.dsp_onboarding_id,
        org_id=org.org_id,
        records=records,
        pairs=_planned([(a, store_a), (b, "no-such-store"), (c, store_c)]),
        batch_size=10,
    )
    assert [o.pos_location_id for o in run.failed] == [b]
    assert "no-such-store" in (run.failed[0].message or "")
    assert (run.failed[0].request_id or "").startswith("req_")  # the API's id of the refusing request
    payload = audit_payload(org.dsp_onboarding_id, DSP_SOURCE, _planned([(b, "no-such-store")]), run, "me")
    assert payload.request_id == run.failed[0].request_id
    assert payload.detail["failed"][0]["request_id"] == run.failed[0].request_id
    assert sorted(o.pos_location_id for o in run.succeeded) == sorted([a, c])
    assert _bound(client, org.org_id) == {a: store_a, c: store_c}


def test_waves_go_in_separate_batches_so_a_released_store_can_be_taken(
    client: StreamClient, org: SeededOrg, records: Records
) -> None:
    assert org.dsp_onboarding_id is not None
    (a, store_a), (b, store_b) = true_pairs("taco-tres", DSP_SOURCE)[:2]
    bind_pairs(
        client, org.dsp_onboarding_id, org_id=org.org_id, records=records, pairs=_planned([(a, store_b)])
    )  # a wrongly holds b's store
    fix = [*_planned([(b, store_b)], wave=1), *_planned([(a, store_a)], wave=0)]
    assert [[p.pos_location_id for p in batch] for batch in plan_batches(fix, 100)] == [[a], [b]]
    run = bind_pairs(client, org.dsp_onboarding_id, org_id=org.org_id, records=records, pairs=fix)
    assert not run.failed and run.requests == 2
    assert _bound(client, org.org_id) == {a: store_a, b: store_b}


def test_audit_entry_records_pairs_scores_and_who_confirmed(
    client: StreamClient, org: SeededOrg, records: Records, sandbox: EmbeddedSandbox
) -> None:
    assert org.dsp_onboarding_id is not None
    pairs = _planned(list(true_pairs("taco-tres", DSP_SOURCE)[:3]))
    pairs[0] = PlannedPair(**{**pairs[0].to_dict(), "score": 71.5, "band": "review", "flagged": True})
    sandbox.set_faults(fail_next=3, fail_path=BIND_PATH)
    # The use case a notebook or CLI calls too: bind, then one audit entry.
    run = bind_and_audit(
        client,
        records,
        "am@example.com",
        org.org_id,
        org.dsp_onboarding_id,
        DSP_SOURCE,
        pairs,
        batch_size=1,
    )
    (entry,) = records.list_audit(org_id=org.org_id, action=LOCATIONS_BOUND)
    assert len(run.failed) == 1
    assert entry.actor == "am@example.com" and entry.outcome == "error"
    assert entry.request["confirmed_by"] == "am@example.com"
    assert [
        (p["pos_location_id"], p["dsp_provider_id"], p["score"], p["band"]) for p in entry.request["pairs"]
    ] == [(p.pos_location_id, p.dsp_provider_id, p.score, p.band) for p in pairs]
    assert entry.detail is not None
    assert [f["pos_location_id"] for f in entry.detail["failed"]] == [pairs[0].pos_location_id]
    assert len(entry.detail["bound"]) == 2
    assert entry.error is not None and entry.error.startswith("1 of 3 pairs were not bound")


def test_binding_another_orgs_dsp_is_refused_and_nothing_is_sent(
    client: StreamClient, org: SeededOrg, records: Records
) -> None:
    assert org.dsp_onboarding_id is not None
    other = seed_org(client, "rosas-cantina", name="Burger Barn", dsp=None, records=records)
    pairs = _planned(list(true_pairs("taco-tres", DSP_SOURCE)[:2]))
    with pytest.raises(WrongOrgError, match="not to “Burger Barn”"):
        bind_pairs(client, org.dsp_onboarding_id, org_id=other.org_id, records=records, pairs=pairs)
    with pytest.raises(WrongOrgError, match="belongs to"):
        bind_and_audit(
            client, records, "am@example.com", other.org_id, org.dsp_onboarding_id, DSP_SOURCE, pairs
        )
    assert _bound(client, org.org_id) == {}, "nothing reached the API"
    (entry,) = records.list_audit(action=LOCATIONS_BOUND)
    assert (entry.org_id, entry.outcome) == (other.org_id, "error") and "belongs to" in (entry.error or "")
