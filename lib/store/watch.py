"""The watcher's records: status intervals, events, runs, alerts and their deliveries (no API, no rules)."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session

from lib.store.audit import ALERT_ACKNOWLEDGED
from lib.store.records import Records
from lib.store.redact import redact_text
from lib.store.watch_tables import (
    alert_deliveries,
    alerts,
    integration_history,
    location_history,
    org_reads,
    watch_events,
    watch_runs,
)

PENDING, SENDING, SENT, FAILED, EXPIRED = "pending", "sending", "sent", "failed", "expired"
# A delivery left "sending" by a process that died is taken up again after this long.
STALE_SENDING = timedelta(minutes=10)
_ALERTS_LOCK = 0x5EC0_A1E


@dataclass(frozen=True)
class OpenInterval:
    """A status that is still current: its row id, what it is about and since when."""

    id: int
    key: tuple[str, ...]
    status: str
    valid_from: datetime | None = None  # not read for locations: the diff needs no dates, and 15,000 cost
    name: str | None = None


@dataclass(frozen=True)
class NewInterval:
    """A status to open: for an integration key=(onboarding_id,) and type/source; for a location
    key=(location_id, channel) and name."""

    key: tuple[str, ...]
    status: str
    type: str = ""
    source: str = ""
    name: str | None = None


@dataclass(frozen=True)
class Event:
    """One change the watcher saw (a status change, new or removed locations)."""

    org_id: str
    kind: str
    subject: str
    summary: str
    channel: str | None = None
    old_status: str | None = None
    new_status: str | None = None


@dataclass(frozen=True)
class AlertSpec:
    """A condition a rule found true now: opened as an alert unless one is already open for it."""

    rule: str
    org_id: str
    subject: str
    since: datetime
    summary: str
    page: str


@dataclass(frozen=True)
class Alert:
    """An alert episode as stored."""

    id: int
    rule: str
    org_id: str
    subject: str
    since: datetime
    opened_at: datetime
    closed_at: datetime | None
    summary: str
    page: str
    acknowledged_at: datetime | None
    acknowledged_by: str | None


@dataclass(frozen=True)
class Delivery:
    """One alert to send to one webhook target."""

    id: int
    target: str
    attempts: int
    alert: Alert


def _alert(m: Any) -> Alert:
    return Alert(**{f: m[f] for f in Alert.__dataclass_fields__})


def _lock(session: Session, key: int) -> None:
    # SQLite serializes writers with BEGIN IMMEDIATE already; PostgreSQL needs an explicit lock so two passes
    # (cron and a person's "Check now") never diff the same org at once.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


class OrgUpdate:
    """One org's history inside one write transaction: read what is open, close and open rows, add events."""

    def __init__(self, session: Session, org_id: str, now: datetime) -> None:
        """Used through WatchRecords.org_update."""
        self.session, self.org_id, self.now = session, org_id, now

    def first_read(self) -> bool:
        """True when the watcher never read this org successfully before (its first pass is no change)."""
        row = self.session.execute(
            sa.select(org_reads.c.readable, org_reads.c.since).where(org_reads.c.org_id == self.org_id)
        ).first()
        if row is None:
            return True
        has_history = (
            self.session.execute(
                sa.select(integration_history.c.id)
                .where(integration_history.c.org_id == self.org_id)
                .limit(1)
            ).first()
            or self.session.execute(
                sa.select(location_history.c.id).where(location_history.c.org_id == self.org_id).limit(1)
            ).first()
        )
        return has_history is None and not row.readable

    def open_integrations(self) -> dict[tuple[str, ...], OpenInterval]:
        """The org's integration statuses that are still open, by (onboarding_id,)."""
        t = integration_history.c
        rows = self.session.execute(
            sa.select(t.id, t.onboarding_id, t.status, t.valid_from).where(
                t.org_id == self.org_id, t.valid_to.is_(None)
            )
        ).all()
        return {
            (r.onboarding_id,): OpenInterval(r.id, (r.onboarding_id,), r.status, r.valid_from) for r in rows
        }

    def open_locations(self) -> dict[tuple[str, ...], OpenInterval]:
        """The org's location statuses that are still open, by (location_id, channel)."""
        t = location_history.c
        rows = self.session.execute(
            sa.select(t.id, t.location_id, t.channel, t.status, t.name).where(
                t.org_id == self.org_id, t.valid_to.is_(None)
            )
        ).all()
        return {
            (r.location_id, r.channel): OpenInterval(r.id, (r.location_id, r.channel), r.status, name=r.name)
            for r in rows
        }

    def close(self, table: sa.Table, ids: Iterable[int]) -> None:
        """Close these open rows of integration_history or location_history at `now`."""
        ids = list(ids)
        for start in range(0, len(ids), 500):  # bounded IN lists
            self.session.execute(
                table.update().where(table.c.id.in_(ids[start : start + 500])).values(valid_to=self.now)
            )

    def open_integrations_rows(self, rows: Sequence[NewInterval]) -> None:
        """Open integration statuses at `now`."""
        if rows:
            self.session.execute(
                integration_history.insert(),
                [
                    {
                        "org_id": self.org_id,
                        "onboarding_id": r.key[0],
                        "type": r.type,
                        "source": r.source,
                        "status": r.status,
                        "valid_from": self.now,
                        "valid_to": None,
                    }
                    for r in rows
                ],
            )

    def open_location_rows(self, rows: Sequence[NewInterval]) -> None:
        """Open location statuses at `now`."""
        if rows:
            self.session.execute(
                location_history.insert(),
                [
                    {
                        "org_id": self.org_id,
                        "location_id": r.key[0],
                        "channel": r.key[1],
                        "name": r.name,
                        "status": r.status,
                        "valid_from": self.now,
                        "valid_to": None,
                    }
                    for r in rows
                ],
            )

    def add_events(self, run_id: int, events: Sequence[Event]) -> None:
        """Append the org's events of this pass (same transaction as its intervals)."""
        if events:
            self.session.execute(
                watch_events.insert(), [{"run_id": run_id, "at": self.now, **e.__dict__} for e in events]
            )


class WatchRecords:
    """The watcher's tables in the console's records database (shares the Records engine)."""

    def __init__(self, records: Records) -> None:
        """Wrap an open Records (its engine, clock and audit log)."""
        self.records = records

    @contextmanager
    def _session(self, write: bool) -> Iterator[Session]:
        with self.records._writing() if write else self.records._reading() as s:
            yield s

    # ----- runs -----

    def start_run(self, actor: str, now: datetime) -> int:
        """Record that a pass started; returns its id."""
        with self._session(True) as s:
            return int(
                s.execute(watch_runs.insert().values(started_at=now, actor=actor)).inserted_primary_key[0]  # type: ignore[attr-defined]
            )

    def finish_run(self, run_id: int, now: datetime, **counts: int) -> None:
        """Record a pass's end and its counts (orgs, changes, alerts_sent, alerts_failed, failed)."""
        with self._session(True) as s:
            s.execute(watch_runs.update().where(watch_runs.c.id == run_id).values(finished_at=now, **counts))

    def last_run(self) -> dict[str, Any] | None:
        """The newest finished pass as a dict, or None."""
        with self._session(False) as s:
            row = s.execute(
                sa.select(watch_runs)
                .where(watch_runs.c.finished_at.is_not(None))
                .order_by(watch_runs.c.id.desc())
                .limit(1)
            ).first()
        return dict(row._mapping) if row else None

    # ----- per org -----

    @contextmanager
    def org_update(self, org_id: str, now: datetime) -> Iterator[OrgUpdate]:
        """One transaction for one org's diff; marks the org readable when it commits."""
        with self._session(True) as s:
            _lock(s, zlib.crc32(org_id.encode()))
            update = OrgUpdate(s, org_id, now)
            yield update
            self._mark_read(s, org_id, now, None)

    def mark_unreadable(self, org_id: str, now: datetime, error: str) -> None:
        """Record that the org could not be read; its open statuses stay as they were."""
        with self._session(True) as s:
            self._mark_read(s, org_id, now, redact_text(error))

    def _mark_read(self, s: Session, org_id: str, now: datetime, error: str | None) -> None:
        readable = error is None
        row = s.execute(sa.select(org_reads.c.readable).where(org_reads.c.org_id == org_id)).first()
        values = {"readable": readable, "last_read_at": now, "last_error": error}
        if row is None:
            s.execute(org_reads.insert().values(org_id=org_id, since=now, **values))
        else:
            if row.readable != readable:
                values["since"] = now
            s.execute(org_reads.update().where(org_reads.c.org_id == org_id).values(**values))

    # ----- what rules read -----

    def open_integration_frame(self) -> pd.DataFrame:
        """Every open integration status: org_id, onboarding_id, type, source, status, valid_from."""
        t = integration_history.c
        query = sa.select(t.org_id, t.onboarding_id, t.type, t.source, t.status, t.valid_from).where(
            t.valid_to.is_(None)
        )
        return self._frame(query)

    def open_location_frame(
        self, channels_not: Sequence[str] = (), statuses: Sequence[str] = ()
    ) -> pd.DataFrame:
        """Open location statuses (org_id, location_id, channel, name, status, valid_from), filtered."""
        t = location_history.c
        query = sa.select(t.org_id, t.location_id, t.channel, t.name, t.status, t.valid_from).where(
            t.valid_to.is_(None)
        )
        if channels_not:
            query = query.where(t.channel.not_in(list(channels_not)))
        if statuses:
            query = query.where(t.status.in_(list(statuses)))
        return self._frame(query)

    def _frame(self, query: sa.Select[Any]) -> pd.DataFrame:
        with self._session(False) as s:
            result = s.execute(query)
            return pd.DataFrame(result.all(), columns=list(result.keys()))

    def org_read_frame(self) -> pd.DataFrame:
        """Each org's last read: org_id, readable, since, last_read_at, last_error."""
        return self._frame(sa.select(org_reads))

    def integration_history_frame(self, org_id: str | None = None) -> pd.DataFrame:
        """Integration status intervals (all, or one org's), oldest first."""
        query = sa.select(integration_history).order_by(
            integration_history.c.valid_from, integration_history.c.id
        )
        if org_id is not None:
            query = query.where(integration_history.c.org_id == org_id)
        return self._frame(query)

    def location_history_frame(self, org_id: str | None = None) -> pd.DataFrame:
        """Location status intervals (all, or one org's), oldest first."""
        query = sa.select(location_history).order_by(location_history.c.valid_from, location_history.c.id)
        if org_id is not None:
            query = query.where(location_history.c.org_id == org_id)
        return self._frame(query)

    def location_spans_frame(self, org_id: str) -> pd.DataFrame:
        """One org's location intervals grouped: channel, status, valid_from, valid_to, locations (a count).

        Locations that changed together share a span, so a 5,000-location org reads as a few rows.
        """
        t = location_history.c
        query = (
            sa.select(t.channel, t.status, t.valid_from, t.valid_to, sa.func.count().label("locations"))
            .where(t.org_id == org_id)
            .group_by(t.channel, t.status, t.valid_from, t.valid_to)
            .order_by(t.channel, t.valid_from)
        )
        return self._frame(query)

    def first_seen_frame(self) -> pd.DataFrame:
        """Per org, kind and status: when the watcher first saw it (the funnel), as one small table.

        Columns org_id, what, status, first; `what` is "pos"/"dsp" for integrations, "location" for the POS
        channel and "dsp_store" for any DSP channel of a location.
        """
        i = integration_history.c
        loc = location_history.c
        kind = sa.case((loc.channel == "pos", "location"), else_="dsp_store")
        integ = sa.select(
            i.org_id, i.type.label("what"), i.status, sa.func.min(i.valid_from).label("first")
        ).group_by(i.org_id, i.type, i.status)
        locs = (
            sa.select(loc.org_id, kind.label("what"), loc.status, sa.func.min(loc.valid_from).label("first"))
            .where(loc.channel != "binding")
            .group_by(loc.org_id, kind, loc.status)
        )
        frame = self._frame(sa.union_all(integ, locs))  # type: ignore[arg-type]
        if len(frame):
            # A union loses the column type: bring SQLite's text timestamps back to aware datetimes.
            frame["first"] = pd.to_datetime(frame["first"], utc=True, format="mixed")
        return frame

    def events_frame(self, org_id: str | None = None, limit: int | None = None) -> pd.DataFrame:
        """Events newest first (all, or one org's)."""
        query = sa.select(watch_events).order_by(watch_events.c.at.desc(), watch_events.c.id.desc())
        if org_id is not None:
            query = query.where(watch_events.c.org_id == org_id)
        if limit is not None:
            query = query.limit(limit)
        return self._frame(query)

    def row_counts(self) -> dict[str, int]:
        """Rows per watcher table (the benchmark's growth measure)."""
        tables = (integration_history, location_history, watch_events, alerts, alert_deliveries, watch_runs)
        with self._session(False) as s:
            return {
                t.name: int(s.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()) for t in tables
            }

    # ----- alerts -----

    def reconcile_alerts(
        self, wanted: Sequence[AlertSpec], targets: Sequence[str], now: datetime
    ) -> tuple[list[Alert], list[Alert]]:
        """Open an alert for each wanted condition not already open, close open ones no longer wanted.

        Returns (opened, closed). Each opened alert gets one pending delivery per webhook target.
        """
        keyed = {(w.rule, w.org_id, w.subject): w for w in wanted}
        opened: list[Alert] = []
        closed: list[Alert] = []
        with self._session(True) as s:
            _lock(s, _ALERTS_LOCK)
            current = {
                (a.rule, a.org_id, a.subject): a
                for a in (
                    _alert(r._mapping)
                    for r in s.execute(sa.select(alerts).where(alerts.c.closed_at.is_(None)))
                )
            }
            for key, alert in current.items():
                if key not in keyed:
                    s.execute(alerts.update().where(alerts.c.id == alert.id).values(closed_at=now))
                    closed.append(alert)
                elif keyed[key].summary != alert.summary:
                    # Same episode, newer wording (e.g. a count that grew): shown, not sent again.
                    s.execute(
                        alerts.update().where(alerts.c.id == alert.id).values(summary=keyed[key].summary)
                    )
            for key, spec in keyed.items():
                if key in current:
                    continue
                new_id = s.execute(
                    alerts.insert().values(
                        rule=spec.rule,
                        org_id=spec.org_id,
                        subject=spec.subject,
                        since=spec.since,
                        opened_at=now,
                        summary=spec.summary,
                        page=spec.page,
                    )
                ).inserted_primary_key[0]  # type: ignore[attr-defined]
                if targets:
                    s.execute(
                        alert_deliveries.insert(),
                        [
                            {"alert_id": new_id, "target": t, "status": PENDING, "attempts": 0}
                            for t in targets
                        ],
                    )
                opened.append(
                    Alert(
                        new_id,
                        spec.rule,
                        spec.org_id,
                        spec.subject,
                        spec.since,
                        now,
                        None,
                        spec.summary,
                        spec.page,
                        None,
                        None,
                    )
                )
        return opened, closed

    def claim_deliveries(self, now: datetime, max_attempts: int) -> list[Delivery]:
        """Take the deliveries due now (pending, failed, or stuck sending), marking them sending.

        A delivery whose alert closed before it could be sent is expired instead: it would be stale news.
        """
        d = alert_deliveries.c
        due = sa.or_(
            d.status.in_([PENDING, FAILED]),
            sa.and_(d.status == SENDING, d.last_attempt_at < now - STALE_SENDING),
        )
        with self._session(True) as s:
            _lock(s, _ALERTS_LOCK)
            rows = s.execute(
                sa.select(alert_deliveries, *[c.label(f"a_{c.name}") for c in alerts.c])
                .join(alerts, alerts.c.id == d.alert_id)
                .where(due, d.attempts < max_attempts)
                .order_by(d.id)
            ).all()
            claimed: list[Delivery] = []
            for row in rows:
                m = row._mapping
                alert = _alert({f: m[f"a_{f}"] for f in Alert.__dataclass_fields__})
                status = EXPIRED if alert.closed_at is not None else SENDING
                s.execute(
                    alert_deliveries.update()
                    .where(d.id == m["id"])
                    .values(status=status, last_attempt_at=now)
                )
                if status == SENDING:
                    claimed.append(Delivery(m["id"], m["target"], m["attempts"], alert))
        return claimed

    def record_delivery(self, delivery_id: int, attempts: int, now: datetime, error: str | None) -> None:
        """Record the outcome of sending one delivery (error None means delivered)."""
        values: dict[str, Any] = {"attempts": attempts, "last_attempt_at": now}
        if error is None:
            values.update(status=SENT, delivered_at=now, last_error=None)
        else:
            values.update(status=FAILED, last_error=redact_text(error))
        with self._session(True) as s:
            s.execute(alert_deliveries.update().where(alert_deliveries.c.id == delivery_id).values(**values))

    def list_alerts(self, open_only: bool = True, org_ids: Iterable[str] | None = None) -> list[Alert]:
        """Alerts newest first; open ones only by default; optionally of some orgs only."""
        query = sa.select(alerts).order_by(alerts.c.since.desc(), alerts.c.id.desc())
        if open_only:
            query = query.where(alerts.c.closed_at.is_(None))
        if org_ids is not None:
            query = query.where(alerts.c.org_id.in_(sorted(set(org_ids))))
        with self._session(False) as s:
            return [_alert(r._mapping) for r in s.execute(query)]

    def deliveries_frame(self) -> pd.DataFrame:
        """Every delivery with its alert's rule and org: the delivery status record."""
        d = alert_deliveries.c
        query = (
            sa.select(
                d.alert_id,
                alerts.c.rule,
                alerts.c.org_id,
                d.target,
                d.status,
                d.attempts,
                d.last_attempt_at,
                d.delivered_at,
                d.last_error,
            )
            .join(alerts, alerts.c.id == d.alert_id)
            .order_by(d.id)
        )
        return self._frame(query)

    def acknowledge(self, alert_id: int, who: str, now: datetime) -> Alert:
        """Mark an alert acknowledged by `who` and write it to the audit log; KeyError if unknown."""
        with self._session(True) as s:
            done = s.execute(
                alerts.update()
                .where(alerts.c.id == alert_id, alerts.c.acknowledged_at.is_(None))
                .values(acknowledged_at=now, acknowledged_by=who)
            ).rowcount  # type: ignore[attr-defined]
            row = s.execute(sa.select(alerts).where(alerts.c.id == alert_id)).first()
        if row is None:
            raise KeyError(alert_id)
        alert = _alert(row._mapping)
        if done:
            self.records.audit(
                who,
                ALERT_ACKNOWLEDGED,
                alert.org_id,
                {"alert_id": alert.id, "rule": alert.rule, "subject": alert.subject},
                "ok",
                detail={"summary": alert.summary},
            )
        return alert
