"""One watcher pass: read every recorded org, record what changed, open and close alerts, deliver them."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from lib.export.tables import Progress, fetch_concurrently
from lib.numbers import count
from lib.store import Records
from lib.store.watch import WatchRecords
from lib.watch.deliver import Clock, Sleep, deliver_due
from lib.watch.history import apply_snapshot
from lib.watch.rules import evaluate
from lib.watch.settings import WatchSettings
from lib.watch.snapshot import OrgSnapshot, WatchClient, read_org

EXIT_OK = 0
EXIT_FAILED = 1  # the pass could not run (records or API unusable)
EXIT_PARTIAL = 3  # the pass ran, but some orgs could not be read or some alerts not delivered


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class PassResult:
    """What one pass did."""

    run_id: int
    orgs: int = 0
    changes: int = 0
    alerts_opened: int = 0
    alerts_closed: int = 0
    alerts_sent: int = 0
    alerts_failed: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def failed(self) -> int:
        """Orgs that could not be read."""
        return len(self.failures)

    @property
    def exit_code(self) -> int:
        """0 when every org was read and every due alert delivered, else 3 (partial)."""
        return EXIT_PARTIAL if self.failures or self.alerts_failed else EXIT_OK

    def summary_line(self) -> str:
        """One line per run, e.g. '212 orgs, 3 changes, 1 alert sent, 0 failed'."""
        line = (
            f"{count(self.orgs, 'org')}, {count(self.changes, 'change')}, "
            f"{count(self.alerts_sent, 'alert')} sent, {self.failed:,} failed"
        )
        return line + (f", {count(self.alerts_failed, 'alert')} not delivered" if self.alerts_failed else "")


def run_pass(
    records: Records,
    client: WatchClient,
    settings: WatchSettings,
    *,
    actor: str = "watcher",
    clock: Clock = _utcnow,
    sleep: Sleep = time.sleep,
    transport: httpx.BaseTransport | None = None,
    progress: Progress | None = None,
    on_org: Callable[[OrgSnapshot], None] | None = None,
) -> PassResult:
    """Run one pass over every org in the records; `clock` and `sleep` are injectable for tests."""
    watch = WatchRecords(records)
    orgs = records.list_orgs()
    names = {o.org_id: o.name for o in orgs}
    by_org: dict[str, list] = defaultdict(list)
    for onboarding in records.list_onboardings():
        by_org[onboarding.org_id].append(onboarding)
    result = PassResult(watch.start_run(actor, clock()), orgs=len(orgs))
    ids = [o.org_id for o in orgs]

    def read(org_id: str) -> OrgSnapshot:
        return read_org(client, org_id, by_org.get(org_id, []))

    for i, snap, error in fetch_concurrently(read, ids, settings.max_in_flight, progress):
        now = clock()
        if snap is None:
            watch.mark_unreadable(ids[i], now, error or "not read")
            result.failures.append((ids[i], error or "not read"))
            continue
        with watch.org_update(snap.org_id, now) as update:
            events = apply_snapshot(update, snap)
            update.add_events(result.run_id, events)
        result.changes += len(events)
        _sync_recorded_statuses(records, snap, by_org.get(snap.org_id, []))
        if on_org:
            on_org(snap)

    opened, closed = watch.reconcile_alerts(
        evaluate(watch, settings.rules, clock(), names), [h.name for h in settings.webhooks], clock()
    )
    result.alerts_opened, result.alerts_closed = len(opened), len(closed)
    result.alerts_sent, result.alerts_failed = deliver_due(watch, settings, clock, names, sleep, transport)
    watch.finish_run(
        result.run_id,
        clock(),
        orgs=result.orgs,
        changes=result.changes,
        alerts_sent=result.alerts_sent,
        alerts_failed=result.alerts_failed,
        failed=result.failed,
    )
    return result


def _sync_recorded_statuses(records: Records, snap: OrgSnapshot, onboardings: list) -> None:
    # The console's own onboarding records show the status last seen; keep them as current as the history.
    recorded = {o.onboarding_id: o.status for o in onboardings}
    for state in snap.integrations:
        if recorded.get(state.onboarding_id) not in (None, state.status):
            records.update_onboarding_status(state.onboarding_id, state.status)
