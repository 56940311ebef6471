"""The same records on a real PostgreSQL server (started privately on 127.0.0.1 for the test session)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date

import pytest

from lib.store import CODE_EXCHANGED, LOCATIONS_BOUND, ORG_CREATED, Records, StateStatus


@pytest.fixture
def pg(pg_url: str):
    r = Records(pg_url)
    yield r
    r.close()


def test_orgs_onboardings_round_trip(pg: Records) -> None:
    assert pg.engine.dialect.name == "postgresql"
    org = pg.add_org("org-1", "Acme", "prov-1", "joe@acme.test", "am@corp.test")
    assert pg.add_org("org-1", "Other", None, None, "bob@corp.test", source="added") == org
    assert org.created_at.tzinfo == UTC
    ob = pg.add_onboarding("ob-1", "org-1", "pos", "toast", "pending", "https://consent", "am@corp.test")
    assert pg.update_onboarding_status("ob-1", "active").status == "active"
    assert pg.list_onboardings(org_id="org-1", type="pos")[0].created_at == ob.created_at
    assert pg.list_orgs() == [org]


def test_state_lifecycle_and_race(pg: Records) -> None:
    pg.add_onboarding("ob-1", "org-1", "pos", "toast", "waiting_for_oauth", None, "am@x")
    state = pg.new_oauth_state(None, "org-1", "am@x")
    pg.attach_state(state, "ob-1")
    barrier = threading.Barrier(8)

    def go(_: int) -> StateStatus:
        barrier.wait()
        return pg.consume_oauth_state(state).status

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(go, range(8)))
    assert statuses.count(StateStatus.OK) == 1 and statuses.count(StateStatus.USED) == 7
    assert pg.consume_oauth_state("nope").status is StateStatus.UNKNOWN
    expired = pg.new_oauth_state("ob-1", "org-1", "am@x", ttl_seconds=0)
    assert pg.consume_oauth_state(expired).status is StateStatus.EXPIRED


def test_audit_json_filters_and_visibility(pg: Records) -> None:
    pairs = [{"location_id": "loc-1", "store_id": "dd-1", "score": 0.93}]
    pg.audit("Alice@corp.test", LOCATIONS_BOUND, "org-a", {"pairs": pairs, "client_secret": "zzz"}, "ok")
    pg.audit("bob@corp.test", CODE_EXCHANGED, "org-a", {"code": "c"}, "error", error="400 wrong code")
    pg.audit("bob@corp.test", ORG_CREATED, "org-b", {"name": "B"}, "ok")
    bound = pg.list_audit(action=LOCATIONS_BOUND)[0]
    assert bound.request == {"pairs": pairs, "client_secret": "***"}
    assert len(pg.list_audit(actor="alice@CORP.test")) == 1
    assert len(pg.list_audit(org_id="org-a", outcome="error")) == 1
    assert len(pg.list_audit(since=date.today(), until=date.today())) == 3
    seen = pg.list_audit(visible_to=("alice@corp.test", {"org-a"}))
    assert {e.action for e in seen} == {LOCATIONS_BOUND, CODE_EXCHANGED}


def test_two_instances_share_one_database(pg_url: str) -> None:
    with Records(pg_url) as a, Records(pg_url) as b:
        a.add_org("org-1", "A", None, None, "alice")
        assert b.get_org("org-1") is not None
