"""The console's own records: orgs, onboardings, pending OAuth states and the audit log."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import URL, Row
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from lib.store import watch_tables as _watch_tables  # noqa: F401  (registers the watcher tables)
from lib.store.db import (
    audit_log,
    bind_leases,
    default_database_url,
    make_engine,
    oauth_states,
    onboardings,
    orgs,
)
from lib.store.migrate import upgrade
from lib.store.redact import redact_text, to_json_safe
from lib.store.types import (
    ONBOARDING_TYPES,
    ORG_SOURCES,
    OUTCOMES,
    AuditEntry,
    BindLease,
    OAuthStateResult,
    OnboardingRecord,
    OrgRecord,
    StateStatus,
    WrongOrgError,
)

Clock = Callable[[], datetime]


class Failure(Protocol):
    """What an audited failure offers: a sentence (StreamError, WrongOrgError); maybe a request_id."""

    @property
    def user_message(self) -> str:
        """What happened and what to do, as shown to the person."""
        ...


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _require(value: str | None, what: str) -> str:
    if value is None or not str(value).strip():
        raise ValueError(f"{what} is required")
    return str(value).strip()


def _choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise ValueError(f"{what} must be one of {', '.join(allowed)} (got {value!r})")
    return value


def _aware(value: datetime | date, *, end_of_day: bool) -> datetime:
    """A filter bound as aware UTC; a bare date means its whole day (UTC)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("since/until must be timezone-aware datetimes or dates")
        return value.astimezone(UTC)
    start = datetime.combine(value, time.min, tzinfo=UTC)
    return start + timedelta(days=1) if end_of_day else start


def _org(row: Row[Any]) -> OrgRecord:
    m = row._mapping
    return OrgRecord(
        org_id=m["org_id"],
        name=m["name"],
        provider_id=m["provider_id"],
        user_email=m["user_email"],
        created_by=m["created_by"],
        source=m["source"],
        created_at=m["created_at"],
    )


def _onboarding(row: Row[Any]) -> OnboardingRecord:
    m = row._mapping
    return OnboardingRecord(
        onboarding_id=m["onboarding_id"],
        org_id=m["org_id"],
        type=m["type"],
        source=m["source"],
        status=m["status"],
        entry_url=m["entry_url"],
        created_by=m["created_by"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
    )


def _audit(row: Row[Any]) -> AuditEntry:
    m = row._mapping
    return AuditEntry(
        id=m["id"],
        at=m["at"],
        actor=m["actor"],
        action=m["action"],
        org_id=m["org_id"],
        request=dict(m["request"] or {}),
        outcome=m["outcome"],
        detail=dict(m["detail"]) if m["detail"] is not None else None,
        error=m["error"],
        request_id=m["request_id"],
    )


class Records:
    """The console's records database; one Engine per instance, safe to share between threads."""

    def __init__(self, url: str | URL | None = None, *, clock: Clock | None = None) -> None:
        """Open (and on first use create) the records at `url`, default `default_database_url()`."""
        self.url = url if url is not None else default_database_url()
        self._now: Clock = clock or _utcnow
        self.engine = make_engine(self.url)
        self._read = sessionmaker(bind=self.engine, expire_on_commit=False)
        # Same pool; the option makes SQLite take its write lock at BEGIN (ignored by other databases).
        self._write_engine = self.engine.execution_options(sqlite_immediate=True)
        self._write = sessionmaker(bind=self._write_engine, expire_on_commit=False)
        self._create_tables()

    def _create_tables(self) -> None:
        # Two processes starting at once on a fresh database can race on CREATE TABLE; the loser retries
        # and then finds the tables there.
        for attempt in range(3):
            try:
                with self._write_engine.begin() as conn:
                    upgrade(conn)
                return
            except (OperationalError, ProgrammingError, IntegrityError):
                if attempt == 2:
                    raise

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    def __enter__(self) -> Records:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        with self._read() as session, session.begin():
            yield session

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        with self._write() as session, session.begin():
            yield session

    # ----- orgs -----

    def add_org(
        self,
        org_id: str,
        name: str | None,
        provider_id: str | None,
        user_email: str | None,
        created_by: str,
        source: str = "created",
    ) -> OrgRecord:
        """Record an org; a known org_id keeps its creator, source and date and only gains missing fields."""
        org_id = _require(org_id, "org_id")
        created_by = _require(created_by, "created_by")
        _choice(source, ORG_SOURCES, "source")
        fields = {"name": name or None, "provider_id": provider_id or None, "user_email": user_email or None}
        try:
            with self._writing() as s:
                s.execute(
                    orgs.insert().values(
                        org_id=org_id, created_by=created_by, source=source, created_at=self._now(), **fields
                    )
                )
        except IntegrityError:
            with self._writing() as s:
                current = s.execute(sa.select(orgs).where(orgs.c.org_id == org_id)).one()._mapping
                fill = {k: v for k, v in fields.items() if v is not None and current[k] is None}
                if fill:
                    s.execute(orgs.update().where(orgs.c.org_id == org_id).values(**fill))
        found = self.get_org(org_id)
        assert found is not None
        return found

    def get_org(self, org_id: str) -> OrgRecord | None:
        """The org with this id, or None."""
        with self._reading() as s:
            row = s.execute(sa.select(orgs).where(orgs.c.org_id == org_id)).first()
        return _org(row) if row else None

    def list_orgs(self) -> list[OrgRecord]:
        """All known orgs, oldest first."""
        with self._reading() as s:
            rows = s.execute(sa.select(orgs).order_by(orgs.c.created_at, orgs.c.org_id)).all()
        return [_org(r) for r in rows]

    def org_ids_created_by(self, email: str) -> set[str]:
        """Ids of the orgs this person created or added (case-insensitive email), for audit visibility."""
        with self._reading() as s:
            rows = s.execute(
                sa.select(orgs.c.org_id).where(sa.func.lower(orgs.c.created_by) == email.strip().lower())
            ).all()
        return {r[0] for r in rows}

    def require_org(self, org_id: str, owner_org_id: str | None, what: str) -> None:
        """WrongOrgError unless `what` (owned by owner_org_id) belongs to org_id, the org the page shows."""
        if owner_org_id == org_id:
            return
        owner = self._org_name(owner_org_id) if owner_org_id else "no organization the console knows"
        raise WrongOrgError(
            f"{what} belongs to {owner}, not to {self._org_name(org_id)}, the organization this page shows: "
            "nothing was changed. Check the current organization in the sidebar and try again."
        )

    def _org_name(self, org_id: str) -> str:
        org = self.get_org(org_id)
        return f"“{org.name}” ({org_id})" if org and org.name else f"organization {org_id}"

    # ----- onboardings -----

    def add_onboarding(
        self,
        onboarding_id: str,
        org_id: str,
        type: str,
        source: str,
        status: str,
        entry_url: str | None,
        created_by: str,
    ) -> OnboardingRecord:
        """Record an integration the console started; a known id only takes the newer status and entry_url."""
        onboarding_id = _require(onboarding_id, "onboarding_id")
        org_id = _require(org_id, "org_id")
        _choice(type, ONBOARDING_TYPES, "type")
        source = _require(source, "source")
        status = _require(status, "status")
        created_by = _require(created_by, "created_by")
        now = self._now()
        try:
            with self._writing() as s:
                s.execute(
                    onboardings.insert().values(
                        onboarding_id=onboarding_id,
                        org_id=org_id,
                        type=type,
                        source=source,
                        status=status,
                        entry_url=entry_url or None,
                        created_by=created_by,
                        created_at=now,
                        updated_at=now,
                    )
                )
        except IntegrityError:
            values: dict[str, Any] = {"status": status, "updated_at": now}
            if entry_url:
                values["entry_url"] = entry_url
            with self._writing() as s:
                s.execute(
                    onboardings.update().where(onboardings.c.onboarding_id == onboarding_id).values(**values)
                )
        found = self.get_onboarding(onboarding_id)
        assert found is not None
        return found

    def update_onboarding_status(self, onboarding_id: str, status: str) -> OnboardingRecord:
        """Set an onboarding's status; KeyError if the console has no such onboarding."""
        status = _require(status, "status")
        with self._writing() as s:
            result = s.execute(
                onboardings.update()
                .where(onboardings.c.onboarding_id == onboarding_id)
                .values(status=status, updated_at=self._now())
            )
            if result.rowcount == 0:  # type: ignore[attr-defined]
                raise KeyError(onboarding_id)
            row = s.execute(sa.select(onboardings).where(onboardings.c.onboarding_id == onboarding_id)).one()
        return _onboarding(row)

    def get_onboarding(self, onboarding_id: str) -> OnboardingRecord | None:
        """The onboarding with this id, or None."""
        with self._reading() as s:
            row = s.execute(
                sa.select(onboardings).where(onboardings.c.onboarding_id == onboarding_id)
            ).first()
        return _onboarding(row) if row else None

    def onboarding_in_org(self, onboarding_id: str, org_id: str) -> OnboardingRecord:
        """The onboarding as recorded now, checked to belong to org_id (the org the page shows).

        WrongOrgError, with a sentence, when it belongs to another org or the console has no record of it.
        """
        found = self.get_onboarding(onboarding_id)
        what = f"The {found.source} integration {onboarding_id}" if found else f"Integration {onboarding_id}"
        self.require_org(org_id, found.org_id if found else None, what)
        assert found is not None
        return found

    def list_onboardings(self, org_id: str | None = None, type: str | None = None) -> list[OnboardingRecord]:
        """Onboardings, optionally of one org and/or one type ("pos"/"dsp"), oldest first."""
        query = sa.select(onboardings)
        if org_id is not None:
            query = query.where(onboardings.c.org_id == org_id)
        if type is not None:
            query = query.where(onboardings.c.type == _choice(type, ONBOARDING_TYPES, "type"))
        with self._reading() as s:
            rows = s.execute(query.order_by(onboardings.c.created_at, onboardings.c.onboarding_id)).all()
        return [_onboarding(r) for r in rows]

    # ----- OAuth states -----

    def new_oauth_state(
        self, onboarding_id: str | None, org_id: str | None, created_by: str, ttl_seconds: float = 1800
    ) -> str:
        """A fresh one-time URL-safe `state`, valid for ttl_seconds; link it later with attach_state."""
        if ttl_seconds < 0:
            raise ValueError("ttl_seconds must not be negative")
        created_by = _require(created_by, "created_by")
        state = secrets.token_urlsafe(32)
        now = self._now()
        with self._writing() as s:
            s.execute(
                oauth_states.insert().values(
                    state=state,
                    onboarding_id=onboarding_id,
                    org_id=org_id,
                    created_by=created_by,
                    created_at=now,
                    expires_at=now + timedelta(seconds=ttl_seconds),
                    used_at=None,
                )
            )
        return state

    def peek_oauth_state(self, state: str) -> tuple[str | None, str | None]:
        """The org a state was issued for and who started its consent, without using the state up.

        (None, None) for an unknown state; the owner is None unless the state can still be used (an
        unknown, used or expired one is reported as such when it is consumed).
        """
        columns = (oauth_states.c.org_id, oauth_states.c.created_by, oauth_states.c.used_at)
        with self._reading() as s:
            row = s.execute(
                sa.select(*columns, oauth_states.c.expires_at).where(oauth_states.c.state == state)
            ).first()
        if row is None:
            return None, None
        org_id, created_by, used_at, expires_at = row
        live = used_at is None and expires_at > self._now()
        return org_id, created_by if live else None

    def attach_state(self, state: str, onboarding_id: str) -> None:
        """Link a state to the onboarding created after its return_url was built; KeyError if unknown."""
        onboarding_id = _require(onboarding_id, "onboarding_id")
        with self._writing() as s:
            result = s.execute(
                oauth_states.update().where(oauth_states.c.state == state).values(onboarding_id=onboarding_id)
            )
            if result.rowcount == 0:  # type: ignore[attr-defined]
                raise KeyError(state)

    def consume_oauth_state(self, state: str) -> OAuthStateResult:
        """Mark a state used and return its onboarding; exactly one caller ever gets ok for a given state."""
        now = self._now()
        with self._writing() as s:
            # The WHERE clause is the whole guard: of concurrent consumers only one UPDATE matches a row.
            won = s.execute(
                oauth_states.update()
                .where(
                    oauth_states.c.state == state,
                    oauth_states.c.used_at.is_(None),
                    oauth_states.c.expires_at > now,
                )
                .values(used_at=now)
            ).rowcount  # type: ignore[attr-defined]
            row = s.execute(sa.select(oauth_states).where(oauth_states.c.state == state)).first()
        if row is None:
            return OAuthStateResult(status=StateStatus.UNKNOWN, state=state)
        m = row._mapping
        base = {"state": state, "org_id": m["org_id"], "onboarding_id": m["onboarding_id"]}
        if won == 1:
            onboarding = self.get_onboarding(m["onboarding_id"]) if m["onboarding_id"] else None
            return OAuthStateResult(status=StateStatus.OK, onboarding=onboarding, **base)
        if m["used_at"] is not None:
            return OAuthStateResult(status=StateStatus.USED, **base)
        return OAuthStateResult(status=StateStatus.EXPIRED, **base)

    def purge_oauth_states(self, older_than: timedelta = timedelta(days=7)) -> int:
        """Delete states that expired more than `older_than` ago; returns how many."""
        with self._writing() as s:
            result = s.execute(
                oauth_states.delete().where(oauth_states.c.expires_at < self._now() - older_than)
            )
        return result.rowcount  # type: ignore[attr-defined]

    # ----- bind leases -----

    def take_bind_lease(self, org_id: str, holder: str, ttl_seconds: float = 300) -> BindLease:
        """Take (or renew) the lease on binding org_id; returns theirs when someone else holds it unexpired.

        The caller compares the returned holder with its own: the lease tells others who is binding, the
        re-read before each bind is what keeps their bindings safe.
        """
        org_id, holder = _require(org_id, "org_id"), _require(holder, "holder")
        now = self._now()
        expires = now + timedelta(seconds=ttl_seconds)
        for _ in range(2):  # a concurrent first insert on another connection: read theirs the second time
            try:
                with self._writing() as s:
                    row = s.execute(sa.select(bind_leases).where(bind_leases.c.org_id == org_id)).first()
                    if row is None:
                        s.execute(
                            bind_leases.insert().values(
                                org_id=org_id, holder=holder, since=now, expires_at=expires
                            )
                        )
                        return BindLease(org_id, holder, now, expires)
                    m = row._mapping
                    if m["holder"] != holder and m["expires_at"] > now:
                        return BindLease(org_id, m["holder"], m["since"], m["expires_at"])
                    since = m["since"] if m["holder"] == holder and m["expires_at"] > now else now
                    s.execute(
                        bind_leases.update()
                        .where(bind_leases.c.org_id == org_id)
                        .values(holder=holder, since=since, expires_at=expires)
                    )
                    return BindLease(org_id, holder, since, expires)
            except IntegrityError:
                continue
        current = self.bind_lease(org_id)
        assert current is not None
        return current

    def bind_lease(self, org_id: str) -> BindLease | None:
        """The unexpired lease on binding org_id, or None."""
        with self._reading() as s:
            row = s.execute(
                sa.select(bind_leases).where(
                    bind_leases.c.org_id == org_id, bind_leases.c.expires_at > self._now()
                )
            ).first()
        if row is None:
            return None
        m = row._mapping
        return BindLease(m["org_id"], m["holder"], m["since"], m["expires_at"])

    def release_bind_lease(self, org_id: str, holder: str) -> None:
        """End holder's lease on org_id (someone else's is left alone)."""
        with self._writing() as s:
            s.execute(
                bind_leases.delete().where(bind_leases.c.org_id == org_id, bind_leases.c.holder == holder)
            )

    # ----- audit log -----

    def audit(
        self,
        actor: str,
        action: str,
        org_id: str | None,
        request: Mapping[str, Any],
        outcome: str,
        detail: Mapping[str, Any] | None = None,
        error: str | None = None,
        request_id: str | None = None,
    ) -> int:
        """Append an audit entry (secret-named keys redacted) and return its id.

        request_id is the API's id of the call that failed (StreamError.request_id), when it sent one.
        """
        actor = _require(actor, "actor")
        action = _require(action, "action")
        _choice(outcome, OUTCOMES, "outcome")
        safe_request = to_json_safe(dict(request or {}))
        safe_detail = to_json_safe(dict(detail)) if detail is not None else None
        with self._writing() as s:
            result = s.execute(
                audit_log.insert().values(
                    at=self._now(),
                    actor=actor,
                    action=action,
                    org_id=org_id or None,
                    request=safe_request,
                    outcome=outcome,
                    detail=safe_detail,
                    error=redact_text(error) if error is not None else None,
                    request_id=request_id[:128] if request_id else None,
                )
            )
            new_id = result.inserted_primary_key[0]  # type: ignore[attr-defined]
        return int(new_id)

    def audit_failure(
        self, actor: str, action: str, org_id: str | None, request: Mapping[str, Any], failure: Failure
    ) -> int:
        """Append the entry of a change that failed or was refused: its sentence and the API's request id."""
        request_id = getattr(failure, "request_id", None)
        return self.audit(
            actor, action, org_id, request, "error", error=failure.user_message, request_id=request_id
        )

    def list_audit(
        self,
        org_id: str | None = None,
        actor: str | None = None,
        action: str | None = None,
        outcome: str | None = None,
        since: datetime | date | None = None,
        until: datetime | date | None = None,
        visible_to: tuple[str, set[str]] | None = None,
        limit: int | None = None,
    ) -> list[AuditEntry]:
        """Audit entries newest first; `until` excludes that instant (a date includes its whole day).

        visible_to=(email, org_ids) limits the result to that person's own entries and those of the given
        orgs (an account manager); None means everything (an admin). Emails compare case-insensitively.
        """
        query = sa.select(audit_log)
        if org_id is not None:
            query = query.where(audit_log.c.org_id == org_id)
        if actor is not None:
            query = query.where(sa.func.lower(audit_log.c.actor) == actor.strip().lower())
        if action is not None:
            query = query.where(audit_log.c.action == action)
        if outcome is not None:
            query = query.where(audit_log.c.outcome == _choice(outcome, OUTCOMES, "outcome"))
        if since is not None:
            query = query.where(audit_log.c.at >= _aware(since, end_of_day=False))
        if until is not None:
            query = query.where(audit_log.c.at < _aware(until, end_of_day=True))
        if visible_to is not None:
            email, org_ids = visible_to
            mine = sa.func.lower(audit_log.c.actor) == email.strip().lower()
            query = query.where(sa.or_(mine, audit_log.c.org_id.in_(sorted(org_ids))) if org_ids else mine)
        query = query.order_by(audit_log.c.at.desc(), audit_log.c.id.desc())
        if limit is not None:
            query = query.limit(limit)
        with self._reading() as s:
            rows = s.execute(query).all()
        return [_audit(r) for r in rows]
