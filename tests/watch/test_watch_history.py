"""The watcher's history: intervals open and close with real changes only, events name each change, and an
unreadable org is recorded as unreadable. Against a real sandbox over HTTP on 127.0.0.1."""

from __future__ import annotations

from benchmarks.seed import RETURN_URL, seed_org
from lib.store import Records
from lib.store.watch import WatchRecords
from lib.stream.client import StreamClient
from lib.stream.models import CreateIntegrationRequest
from lib.stream.partial import PartialList, UnreadableItem
from lib.watch import WatchSettings, run_pass
from lib.watch.history import INTEGRATION_ADDED, LOCATIONS_NEW_UNBOUND

QUIET = WatchSettings()  # default rules, no webhooks


def test_first_pass_is_a_baseline_and_an_unchanged_pass_adds_no_rows(
    api: StreamClient, records: Records, clock
) -> None:
    seeded = seed_org(api, "rosas-cantina", records=records)
    first = run_pass(records, api, QUIET, clock=clock)
    assert (first.orgs, first.changes, first.failed) == (1, 0, 0)
    assert first.summary_line() == "1 org, 0 changes, 0 alerts sent, 0 failed"
    watch = WatchRecords(records)
    counts = watch.row_counts()
    # 2 integrations; 3 locations x (pos, binding, grubhub) channels
    assert counts["integration_history"] == 2 and counts["location_history"] == 9
    statuses = watch.location_history_frame(seeded.org_id)
    assert set(statuses.loc[statuses["channel"] == "grubhub", "status"]) == {"PENDING"}

    clock.advance(hours=1)
    second = run_pass(records, api, QUIET, clock=clock)
    assert second.changes == 0 and second.exit_code == 0
    after = watch.row_counts()
    assert {k: after[k] for k in ("integration_history", "location_history", "watch_events")} == {
        k: counts[k] for k in ("integration_history", "location_history", "watch_events")
    }
    assert after["watch_runs"] == 2


def test_new_locations_after_a_resync_are_one_event_until_bound(
    api: StreamClient, records: Records, clock
) -> None:
    seeded = seed_org(api, "cafe-lumiere", ingest=3, records=records)
    run_pass(records, api, QUIET, clock=clock)
    listed = [loc.provider_id for loc in api.list_locations(seeded.pos_onboarding_id)]
    api.ingest_locations(seeded.pos_onboarding_id, listed[:5])  # re-sync with two more

    clock.advance(minutes=15)
    result = run_pass(records, api, QUIET, clock=clock)
    events = WatchRecords(records).events_frame(seeded.org_id)
    assert result.changes == 1
    assert list(events["kind"]) == [LOCATIONS_NEW_UNBOUND]
    assert events["summary"].iloc[0].startswith("new POS locations, not bound yet: 2 locations")

    clock.advance(minutes=15)
    assert run_pass(records, api, QUIET, clock=clock).changes == 0  # reported once, not every pass


def test_an_integration_started_later_is_a_change(api: StreamClient, records: Records, clock) -> None:
    seeded = seed_org(api, "rosas-cantina", dsp=None, records=records)
    run_pass(records, api, QUIET, clock=clock)
    started = api.create_integration(
        CreateIntegrationRequest(org_id=seeded.org_id, source="doordash", type="dsp", return_url=RETURN_URL)
    )
    records.add_onboarding(started.id, seeded.org_id, "dsp", "doordash", str(started.status), None, "am@x")
    clock.advance(minutes=5)
    assert run_pass(records, api, QUIET, clock=clock).changes == 1
    event = WatchRecords(records).events_frame(seeded.org_id).iloc[0]
    assert (event["kind"], event["new_status"]) == (INTEGRATION_ADDED, "waiting_for_oauth")


def test_an_unreadable_org_is_recorded_as_unreadable_not_as_a_change(
    api: StreamClient, records: Records, clock
) -> None:
    good = seed_org(api, "rosas-cantina", records=records)
    broken = seed_org(api, "rosas-cantina", records=records)
    run_pass(records, api, QUIET, clock=clock)
    watch = WatchRecords(records)
    before = watch.location_history_frame(broken.org_id)
    # An onboarding the API does not know: reading this org now fails (404).
    records.add_onboarding("no-such-onboarding", broken.org_id, "dsp", "doordash", "active", None, "am@x")
    clock.advance(minutes=15)
    result = run_pass(records, api, QUIET, clock=clock)

    assert result.changes == 0 and result.exit_code == 3
    assert [org for org, _ in result.failures] == [broken.org_id]
    assert result.summary_line() == "2 orgs, 0 changes, 0 alerts sent, 1 failed"
    reads = watch.org_read_frame().set_index("org_id")
    assert not reads.loc[broken.org_id, "readable"] and reads.loc[good.org_id, "readable"]
    assert str(reads.loc[broken.org_id, "last_error"]).endswith(".")  # the API error's sentence
    after = watch.location_history_frame(broken.org_id)
    assert after["valid_to"].isna().all() and len(after) == len(before)  # still open: nothing closed


class _OneUnreadable:
    """The real client, except that one location of the answer could not be read (as PartialList reports)."""

    def __init__(self, client: StreamClient, location_id: str | None) -> None:
        self.client, self.location_id = client, location_id

    def get_integration(self, onboarding_id: str):
        return self.client.get_integration(onboarding_id)

    def org_locations(self, org_id: str):
        listed = self.client.org_locations(org_id)
        kept = [loc for loc in listed if loc.id != self.location_id] if self.location_id else listed[1:]
        return PartialList(kept, [UnreadableItem(0, self.location_id, "name is missing")])


def test_a_location_that_could_not_be_read_keeps_its_history(
    api: StreamClient, records: Records, clock
) -> None:
    seed_org(api, "rosas-cantina", records=records)
    run_pass(records, api, QUIET, clock=clock)
    watch = WatchRecords(records)
    first_id = watch.location_history_frame()["location_id"].iloc[0]
    for reader in (_OneUnreadable(api, first_id), _OneUnreadable(api, None)):  # with and without its id
        clock.advance(minutes=15)
        assert run_pass(records, reader, QUIET, clock=clock).changes == 0
        assert watch.location_history_frame()["valid_to"].isna().all()
