"""Alerts: which rules fire when (with an injected clock), delivery to local webhooks once per episode with
retries, what a body holds (never a secret), closing, and acknowledging (audited)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from benchmarks.seed import RETURN_URL, seed_org, true_pairs
from lib.store import ALERT_ACKNOWLEDGED, Records
from lib.store.watch import WatchRecords
from lib.stream.client import StreamClient
from lib.stream.models import BindPair, CreateIntegrationRequest
from lib.watch import WatchSettings, Webhook, run_pass
from lib.watch.rules import DSP_PENDING, UNBOUND_LOCATIONS, WAITING_FOR_OAUTH
from lib.watch.run import PassResult


def _settings(receivers, **kw) -> WatchSettings:
    hooks = (Webhook("ops-slack", receivers[0].url, "slack"), Webhook("ops-json", receivers[1].url, "json"))
    return WatchSettings(webhooks=hooks, public_url="http://console.test", **kw)


def _no_sleep(waits: list[float]):
    return waits.append


def _portfolio(api: StreamClient, records: Records):
    """Org A: nothing bound. Org B: every location bound (PENDING). Org C: a DSP waiting for OAuth."""
    a = seed_org(api, "rosas-cantina", bind=0, records=records)
    b = seed_org(api, "rosas-cantina", records=records)
    c = seed_org(api, "rosas-cantina", dsp=None, records=records)
    started = api.create_integration(
        CreateIntegrationRequest(org_id=c.org_id, source="doordash", type="dsp", return_url=RETURN_URL)
    )
    records.add_onboarding(started.id, c.org_id, "dsp", "doordash", str(started.status), None, "am@x")
    assert len(b.bound) == len(b.ingested) == 3  # rosas-cantina: every location has its store
    return a, b, c, started.id


def test_rules_fire_when_due_and_each_alert_arrives_once(
    api: StreamClient, records: Records, clock, receivers
) -> None:
    a, b, c, waiting_id = _portfolio(api, records)
    settings = _settings(receivers)
    waits: list[float] = []
    first = run_pass(records, api, settings, clock=clock, sleep=_no_sleep(waits))
    assert (first.alerts_opened, first.alerts_sent) == (0, 0)

    clock.advance(hours=25)  # past "waiting for OAuth 24 h" and "unbound 1 day"
    second = run_pass(records, api, settings, clock=clock, sleep=_no_sleep(waits))
    got = {(body["rule"], body["org_id"]) for body in receivers[1].accepted()}
    assert got == {
        (WAITING_FOR_OAUTH, c.org_id),
        (UNBOUND_LOCATIONS, a.org_id),
        (UNBOUND_LOCATIONS, c.org_id),
    }
    assert second.alerts_sent == 6 and second.summary_line().endswith("6 alerts sent, 0 failed")

    clock.advance(days=2)  # now 3 days + 1 h since the bindings: PENDING too long
    run_pass(records, api, settings, clock=clock, sleep=_no_sleep(waits))
    clock.advance(hours=1)
    assert run_pass(records, api, settings, clock=clock, sleep=_no_sleep(waits)).alerts_sent == 0

    bodies = receivers[1].accepted()
    assert Counter((x["rule"], x["org_id"]) for x in bodies) == Counter(
        {
            (WAITING_FOR_OAUTH, c.org_id): 1,
            (UNBOUND_LOCATIONS, a.org_id): 1,
            (UNBOUND_LOCATIONS, c.org_id): 1,
            (DSP_PENDING, b.org_id): 1,
        }
    )
    waiting = next(x for x in bodies if x["rule"] == WAITING_FOR_OAUTH)
    assert (
        waiting["subject"] == waiting_id
        and waiting["link"] == f"http://console.test/Integrations?org={c.org_id}"
    )
    pending = next(x for x in bodies if x["rule"] == DSP_PENDING)
    assert "3 grubhub stores PENDING" in pending["summary"] and pending["link"].endswith(f"?org={b.org_id}")
    slack = receivers[0].accepted()
    assert len(slack) == 4 and all(set(body) == {"text"} for body in slack)
    assert any("Waiting for OAuth too long" in body["text"] for body in slack)
    assert waits == []  # nothing failed, so no back-off


def test_a_receiver_that_fails_then_recovers_gets_each_alert_once(
    api: StreamClient, records: Records, clock, receivers
) -> None:
    a = seed_org(api, "rosas-cantina", bind=0, records=records)
    b = seed_org(api, "cafe-lumiere", bind=0, records=records)
    settings = _settings(receivers)
    run_pass(records, api, settings, clock=clock)
    receivers[1].fail_first = 6  # both alerts fail all 3 tries of this pass
    clock.advance(days=2)
    waits: list[float] = []
    failing = run_pass(records, api, settings, clock=clock, sleep=_no_sleep(waits))
    assert failing.alerts_failed == 2 and failing.exit_code == 3
    assert failing.summary_line() == "2 orgs, 0 changes, 2 alerts sent, 0 failed, 2 alerts not delivered"
    assert waits == [1, 2, 1, 2]  # back-off between tries
    deliveries = WatchRecords(records).deliveries_frame()
    assert set(deliveries.loc[deliveries["target"] == "ops-json", "status"]) == {"failed"}
    assert set(deliveries.loc[deliveries["target"] == "ops-slack", "status"]) == {"sent"}

    clock.advance(minutes=15)
    recovered = run_pass(records, api, settings, clock=clock, sleep=_no_sleep(waits))
    assert (recovered.alerts_sent, recovered.alerts_failed, recovered.exit_code) == (2, 0, 0)
    clock.advance(minutes=15)
    run_pass(records, api, settings, clock=clock, sleep=_no_sleep(waits))
    accepted = Counter(body["org_id"] for body in receivers[1].accepted())
    assert accepted == Counter({a.org_id: 1, b.org_id: 1})
    assert len(receivers[1].requests) == 8  # 6 failed tries + 2 that were taken, nothing after
    deliveries = WatchRecords(records).deliveries_frame()
    json_rows = deliveries[deliveries["target"] == "ops-json"]
    assert set(json_rows["status"]) == {"sent"} and set(json_rows["attempts"]) == {4}


def test_bodies_and_records_never_hold_a_secret(
    api: StreamClient, records: Records, clock, receivers, slow_sandbox
) -> None:
    seed_org(api, "rosas-cantina", bind=0, records=records)
    closed_port = Webhook("dead", "http://127.0.0.1:9/hook/T0KEN-in-the-url", "json")
    settings = WatchSettings(webhooks=(*_settings(receivers).webhooks, closed_port))
    run_pass(records, api, settings, clock=clock)
    clock.advance(days=2)
    run_pass(records, api, settings, clock=clock, sleep=lambda _: None)
    sent = " ".join(str(body) for r in receivers for _, body in r.requests)
    assert sent and slow_sandbox.client_secret not in sent and "earer" not in sent
    deliveries = WatchRecords(records).deliveries_frame()
    dead = deliveries[deliveries["target"] == "dead"].iloc[0]
    assert dead["status"] == "failed" and "could not be reached" in dead["last_error"]
    assert "T0KEN" not in deliveries.to_csv()


def test_a_hostile_org_name_pings_no_one_on_slack(
    api: StreamClient, records: Records, clock, receivers
) -> None:
    name = "<!channel> Tacos & <https://evil.test|Co>"  # Slack would ping everyone and show a disguised link
    seed_org(api, "rosas-cantina", name=name, bind=0, records=records)
    settings = _settings(receivers)
    run_pass(records, api, settings, clock=clock)
    clock.advance(days=2)
    run_pass(records, api, settings, clock=clock)
    (slack,) = receivers[0].accepted()
    assert "&lt;!channel&gt; Tacos &amp; &lt;https://evil.test|Co&gt;" in slack["text"]
    assert "<" not in slack["text"] and slack["text"].endswith("/Bind?org=" + records.list_orgs()[0].org_id)
    (generic,) = receivers[1].accepted()
    assert generic["org_name"] == name and name in generic["text"]  # a JSON body carries the name as it is


def test_an_alert_closes_when_fixed_and_acknowledging_is_audited(
    api: StreamClient, records: Records, clock, receivers
) -> None:
    a = seed_org(api, "rosas-cantina", bind=0, records=records)
    settings = _settings(receivers)
    run_pass(records, api, settings, clock=clock)
    clock.advance(days=2)
    run_pass(records, api, settings, clock=clock)
    watch = WatchRecords(records)
    (alert,) = watch.list_alerts()
    acked = watch.acknowledge(alert.id, "lead@corp.test", clock())
    assert acked.acknowledged_by == "lead@corp.test"
    entry = records.list_audit(action=ALERT_ACKNOWLEDGED)[0]
    assert (entry.actor, entry.org_id, entry.request["rule"]) == (
        "lead@corp.test",
        a.org_id,
        UNBOUND_LOCATIONS,
    )

    assert a.dsp_onboarding_id is not None
    stores = {s.provider_id: s.name for s in api.list_locations(a.dsp_onboarding_id)}
    pairs = [
        BindPair(pos_location_id=p, dsp_provider_id=d, dsp_store_name=stores[d])
        for p, d in true_pairs("rosas-cantina", "grubhub")
    ]
    api.bind_locations(a.dsp_onboarding_id, pairs)
    clock.advance(minutes=15)
    fixed = run_pass(records, api, settings, clock=clock)
    assert fixed.alerts_closed == 1 and fixed.alerts_sent == 0 and watch.list_alerts() == []
    assert len(receivers[1].accepted()) == 1  # the episode was sent once; closing it sends nothing


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_two_passes_at_once_send_each_alert_once(
    database: str, api: StreamClient, records: Records, clock, receivers, request: pytest.FixtureRequest
) -> None:
    # A timer's pass and a person's Check now at the same moment, each with its own connection (process).
    url = records.url if database == "sqlite" else request.getfixturevalue("pg_url")
    with Records(url, clock=clock) as shared:
        orgs = [seed_org(api, "rosas-cantina", bind=0, records=shared) for _ in range(3)]
        settings = _settings(receivers)
        run_pass(shared, api, settings, clock=clock)
    clock.advance(days=2)
    start = threading.Barrier(2)
    results: list[PassResult] = []

    def one_pass() -> None:
        with Records(url, clock=clock) as own:
            start.wait(timeout=30)
            results.append(run_pass(own, api, settings, clock=clock))

    workers = [threading.Thread(target=one_pass) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert len(results) == 2 and sum(r.alerts_opened for r in results) == 3
    assert Counter(body["org_id"] for body in receivers[1].accepted()) == Counter(o.org_id for o in orgs)
    assert len(receivers[0].accepted()) == 3 and len(receivers[1].requests) == 3  # nothing sent twice
    with Records(url, clock=clock) as shared:
        assert len(WatchRecords(shared).list_alerts()) == 3
