"""The watcher against the sandbox's states on demand: deprovisioned and reconnected integrations, rejected
and paused DSP stores, paused and inactive locations; the events and the alerts (sent at once) they make."""

from __future__ import annotations

from collections import Counter

from benchmarks.seed import POS_SOURCE, RETURN_URL, seed_org
from lib.store import Records
from lib.store.watch import WatchRecords
from lib.stream.client import StreamClient
from lib.stream.models import CreateIntegrationRequest
from lib.watch import WatchSettings, Webhook, run_pass
from lib.watch.history import (
    DSP_STATUS_CHANGED,
    INTEGRATION_DEPROVISIONED,
    INTEGRATION_RECONNECTED,
    LOCATION_INACTIVE,
    LOCATION_PAUSED,
    LOCATION_STATUS_CHANGED,
)
from lib.watch.rules import DSP_REJECTED_OR_PAUSED
from lib.watch.rules import INTEGRATION_DEPROVISIONED as DEPROVISIONED_RULE


def _settings(receivers) -> WatchSettings:
    return WatchSettings(webhooks=(Webhook("ops", receivers[1].url, "json"),))


def _kinds(records: Records, org_id: str, run_id: int) -> Counter:
    events = WatchRecords(records).events_frame(org_id)
    return Counter(events.loc[events["run_id"] == run_id, "kind"])


def test_pos_deprovisioned_then_reconnected(
    api: StreamClient, records: Records, clock, receivers, slow_sandbox
) -> None:
    org = seed_org(api, "rosas-cantina", records=records)
    settings = _settings(receivers)
    run_pass(records, api, settings, clock=clock)

    slow_sandbox.deprovision(org.pos_onboarding_id)
    clock.advance(minutes=15)
    lost = run_pass(records, api, settings, clock=clock)
    assert _kinds(records, org.org_id, lost.run_id) == Counter(
        {INTEGRATION_DEPROVISIONED: 1, LOCATION_INACTIVE: 1}
    )
    (body,) = receivers[1].accepted()  # no threshold: sent in the same pass
    assert (body["rule"], body["org_id"], body["subject"]) == (
        DEPROVISIONED_RULE,
        org.org_id,
        org.pos_onboarding_id,
    )
    assert "POS clover integration deprovisioned" in body["summary"]
    assert records.get_onboarding(org.pos_onboarding_id).status == "deprovisioned"  # records kept current

    again = api.create_integration(
        CreateIntegrationRequest(org_id=org.org_id, source=POS_SOURCE, type="pos", return_url=RETURN_URL)
    )
    again = api.exchange_code(again.id, "SANDBOX-rosas-cantina")
    api.ingest_locations(again.id, org.ingested)
    records.add_onboarding(again.id, org.org_id, "pos", POS_SOURCE, "active", None, "am@x")
    clock.advance(minutes=15)
    back = run_pass(records, api, settings, clock=clock)
    kinds = _kinds(records, org.org_id, back.run_id)
    assert kinds == Counter({INTEGRATION_RECONNECTED: 1, LOCATION_STATUS_CHANGED: 1})
    assert back.alerts_closed == 1 and WatchRecords(records).list_alerts() == []
    assert len(receivers[1].accepted()) == 1


def test_rejected_and_paused_stores_and_paused_and_inactive_locations(
    api: StreamClient, records: Records, clock, receivers, slow_sandbox
) -> None:
    org = seed_org(api, "cafe-lumiere", records=records)
    settings = _settings(receivers)
    run_pass(records, api, settings, clock=clock)
    (_, s1), (_, s2), (p3, _), (p4, _) = list(org.bound.items())[:4]
    slow_sandbox.set_store_status(org.org_id, s1, "REJECTED")
    slow_sandbox.set_store_status(org.org_id, s2, "PAUSED")
    slow_sandbox.set_location_state(org.org_id, p3, paused_until="2099-01-31T18:00:00Z")
    slow_sandbox.set_location_state(org.org_id, p4, status="inactive")

    clock.advance(minutes=15)
    result = run_pass(records, api, settings, clock=clock)
    assert _kinds(records, org.org_id, result.run_id) == Counter(
        {DSP_STATUS_CHANGED: 2, LOCATION_PAUSED: 1, LOCATION_INACTIVE: 1}
    )
    events = WatchRecords(records).events_frame(org.org_id)
    changed = events[events["kind"] == DSP_STATUS_CHANGED]
    assert set(zip(changed["old_status"], changed["new_status"], strict=True)) == {
        ("PENDING", "REJECTED"),
        ("PENDING", "PAUSED"),
    }
    got = {(b["rule"], b["subject"]) for b in receivers[1].accepted()}
    assert got == {(DSP_REJECTED_OR_PAUSED, "grubhub:REJECTED"), (DSP_REJECTED_OR_PAUSED, "grubhub:PAUSED")}
    assert result.changes == 4 and result.summary_line() == "1 org, 4 changes, 2 alerts sent, 0 failed"

    clock.advance(minutes=15)
    assert run_pass(records, api, settings, clock=clock).changes == 0  # the same states are no new change
    assert len(receivers[1].accepted()) == 2
