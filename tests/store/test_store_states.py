"""OAuth state lifecycle: created before the integration, linked after, consumed exactly once."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from lib.store import Records, StateStatus


def _onboarding(r: Records, ob: str = "ob-1") -> None:
    r.add_org("org-1", "Acme", None, None, "am@x")
    r.add_onboarding(ob, "org-1", "pos", "toast", "waiting_for_oauth", "https://consent", "am@x")


def test_valid_state_returns_onboarding_then_reports_used(records: Records) -> None:
    _onboarding(records)
    state = records.new_oauth_state(None, "org-1", "am@x")
    records.attach_state(state, "ob-1")
    first = records.consume_oauth_state(state)
    assert first.ok and first.status == "ok"
    assert first.onboarding is not None and first.onboarding.onboarding_id == "ob-1"
    assert first.org_id == "org-1" and first.onboarding_id == "ob-1"

    second = records.consume_oauth_state(state)
    assert not second.ok and second.status is StateStatus.USED and second.status == "used"
    assert second.onboarding is None and second.onboarding_id == "ob-1"
    assert "already been used" in second.message


def test_state_created_with_onboarding_directly(records: Records) -> None:
    _onboarding(records)
    state = records.new_oauth_state("ob-1", "org-1", "am@x")
    assert records.consume_oauth_state(state).onboarding.status == "waiting_for_oauth"


def test_state_is_random_and_url_safe(records: Records) -> None:
    states = {records.new_oauth_state(None, "org-1", "am@x") for _ in range(50)}
    assert len(states) == 50
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{40,}", s) for s in states)


def test_zero_ttl_state_is_expired(records: Records) -> None:
    _onboarding(records)
    state = records.new_oauth_state("ob-1", "org-1", "am@x", ttl_seconds=0)
    result = records.consume_oauth_state(state)
    assert result.status is StateStatus.EXPIRED and not result.ok
    assert result.onboarding is None and result.onboarding_id == "ob-1"
    assert "expired" in result.message
    # Still expired (not "used") when tried again: an expired consume does not mark it used.
    assert records.consume_oauth_state(state).status is StateStatus.EXPIRED


def test_state_expires_after_its_ttl(clocked: Records, clock) -> None:
    _onboarding(clocked)
    fresh = clocked.new_oauth_state("ob-1", "org-1", "am@x", ttl_seconds=1800)
    late = clocked.new_oauth_state("ob-1", "org-1", "am@x", ttl_seconds=1800)
    clock.advance(seconds=1799)
    assert clocked.consume_oauth_state(fresh).ok
    clock.advance(seconds=1)
    assert clocked.consume_oauth_state(late).status is StateStatus.EXPIRED


def test_unknown_state(records: Records) -> None:
    result = records.consume_oauth_state("never-issued")
    assert result.status is StateStatus.UNKNOWN and result.onboarding is None and result.org_id is None
    assert "not one the console started" in result.message
    assert records.consume_oauth_state("").status is StateStatus.UNKNOWN


def test_attach_unknown_state_raises(records: Records) -> None:
    with pytest.raises(KeyError):
        records.attach_state("never-issued", "ob-1")


def test_unattached_state_is_ok_without_onboarding(records: Records) -> None:
    state = records.new_oauth_state(None, "org-1", "am@x")
    result = records.consume_oauth_state(state)
    assert result.ok and result.onboarding is None and result.org_id == "org-1"


def test_negative_ttl_rejected(records: Records) -> None:
    with pytest.raises(ValueError):
        records.new_oauth_state(None, "org-1", "am@x", ttl_seconds=-1)


def test_purge_removes_long_expired_states_only(clocked: Records, clock) -> None:
    old = clocked.new_oauth_state(None, "org-1", "am@x", ttl_seconds=60)
    clock.advance(days=8)
    recent = clocked.new_oauth_state(None, "org-1", "am@x", ttl_seconds=60)
    assert clocked.purge_oauth_states() == 1
    assert clocked.consume_oauth_state(old).status is StateStatus.UNKNOWN
    assert clocked.consume_oauth_state(recent).ok


def _race(consumers: list[Records], state: str, n: int = 8) -> list[StateStatus]:
    barrier = threading.Barrier(n)

    def go(i: int) -> StateStatus:
        barrier.wait()
        return consumers[i % len(consumers)].consume_oauth_state(state).status

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(go, range(n)))


def test_concurrent_consume_has_exactly_one_winner(records: Records) -> None:
    _onboarding(records)
    for _ in range(5):
        state = records.new_oauth_state("ob-1", "org-1", "am@x")
        statuses = _race([records], state)
        assert statuses.count(StateStatus.OK) == 1
        assert statuses.count(StateStatus.USED) == 7


def test_concurrent_consume_across_two_engines_has_one_winner(db_url: str) -> None:
    with Records(db_url) as a, Records(db_url) as b:
        _onboarding(a)
        state = a.new_oauth_state("ob-1", "org-1", "am@x")
        statuses = _race([a, b], state)
    assert statuses.count(StateStatus.OK) == 1 and statuses.count(StateStatus.USED) == 7
