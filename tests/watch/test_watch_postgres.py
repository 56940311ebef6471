"""The watcher on PostgreSQL: the same history, alerts and tables as on SQLite (per-org locks, union)."""

from __future__ import annotations

from benchmarks.seed import seed_org
from lib.store import Records
from lib.store.watch import WatchRecords
from lib.stream.client import StreamClient
from lib.watch import WatchSettings, Webhook, run_pass
from lib.watch.analytics import funnel, needs_attention, org_stages, org_timeline
from lib.watch.rules import UNBOUND_LOCATIONS


def test_passes_alerts_and_tables_on_postgresql(api: StreamClient, pg_url: str, clock, receivers) -> None:
    with Records(pg_url, clock=clock) as records:
        assert records.engine.dialect.name == "postgresql"
        org = seed_org(api, "rosas-cantina", bind=0, records=records)
        settings = WatchSettings(webhooks=(Webhook("ops", receivers[1].url, "json"),))
        first = run_pass(records, api, settings, clock=clock)
        clock.advance(days=2)
        second = run_pass(records, api, settings, clock=clock)
        assert (first.changes, second.changes, second.alerts_sent) == (0, 0, 1)
        assert [(b["rule"], b["org_id"]) for b in receivers[1].accepted()] == [
            (UNBOUND_LOCATIONS, org.org_id)
        ]
        watch = WatchRecords(records)
        assert watch.row_counts()["location_history"] == 6  # 3 locations x (pos, binding): nothing bound
        orgs = records.list_orgs()
        assert list(funnel(org_stages(watch, orgs))["orgs"]) == [1, 1, 1, 1, 0, 0]
        assert len(needs_attention(watch, orgs)) == 1
        assert not org_timeline(watch, org.org_id, clock()).empty
