"""Needs attention (home and Portfolio), acknowledge, and Check now in AppTest against the sandbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from streamlit.testing.v1 import AppTest

from benchmarks.seed import seed_org
from lib.store import ALERT_ACKNOWLEDGED
from lib.store.watch import WatchRecords
from lib.watch import WatchSettings, run_pass
from tests.helpers import rendered
from tests.pages.conftest import ConsoleEnv

PORTFOLIO = "7_Portfolio.py"


def _unbound_for_two_days(console_env: ConsoleEnv) -> str:
    """An org whose ingested locations have been unbound for two days, as two watcher passes saw it."""
    client = console_env.client()
    org = seed_org(client, "rosas-cantina", name="Rosa's Cantina", bind=0, records=console_env.records)
    now = datetime.now(UTC)
    run_pass(console_env.records, client, WatchSettings(), clock=lambda: now - timedelta(days=2))
    run_pass(console_env.records, client, WatchSettings(), clock=lambda: now)
    return org.org_id


def _open(console_env: ConsoleEnv, page: str = "app.py", role: str = "admin") -> AppTest:
    at = console_env.page(page)
    at.secrets = {"access": {"require_login": False, "local_role": role}}
    at.run()
    assert not at.exception, at.exception
    return at


def _texts(at: AppTest) -> str:
    return rendered(
        "\n".join(
            str(e.value) for kind in ("markdown", "caption", "success", "warning") for e in getattr(at, kind)
        )
    )


def test_home_lists_the_open_alert_with_a_link_that_fixes_it(console_env: ConsoleEnv) -> None:
    org_id = _unbound_for_two_days(console_env)
    at = _open(console_env)
    text = _texts(at)
    assert "**Ingested locations not bound** · Rosa's Cantina" in text
    assert "3 ingested locations not bound to any DSP for more than 2 days" in text
    links = [(p.proto.page, p.proto.query_string) for p in at.get("page_link")]
    assert any(page.endswith("Bind") and query == f"org={org_id}" for page, query in links), links
    assert "Last check" in text and "1 orgs, 0 changes, 0 unreadable" in text


def test_acknowledging_is_audited_with_who_and_leaves_the_queue(console_env: ConsoleEnv) -> None:
    org_id = _unbound_for_two_days(console_env)
    (alert,) = WatchRecords(console_env.records).list_alerts()
    at = _open(console_env, PORTFOLIO)
    at.button(key=f"portfolio_attention_ack_{alert.id}").click().run()
    assert not at.exception, at.exception
    assert any("Acknowledged: Ingested locations not bound" in rendered(s.value) for s in at.success)
    assert any("Nothing needs attention" in s.value for s in at.success)
    entry = console_env.records.list_audit(action=ALERT_ACKNOWLEDGED)[0]
    assert (
        entry.org_id == org_id
        and entry.actor == WatchRecords(console_env.records).list_alerts()[0].acknowledged_by
    )
    at.toggle(key="portfolio_attention_acked").set_value(True).run()
    assert "acknowledged by" in _texts(at)


def test_check_now_runs_one_pass_and_analysts_cannot(console_env: ConsoleEnv) -> None:
    seed_org(console_env.client(), "rosas-cantina", records=console_env.records)
    at = _open(console_env, PORTFOLIO)
    at.button(key="portfolio_attention_check").click().run()
    assert not at.exception, at.exception
    assert any(
        rendered(s.value).startswith("Checked: 1 org, 0 changes, 0 alerts sent, 0 failed") for s in at.success
    )
    last = WatchRecords(console_env.records).last_run()
    assert last is not None and last["orgs"] == 1

    analyst = _open(console_env, "app.py", role="analyst")
    button = analyst.button(key="home_attention_check")
    assert button.disabled and "analyst" in (button.help or "")


def test_history_shows_the_funnel_time_to_live_and_a_timeline(console_env: ConsoleEnv) -> None:
    client = console_env.client()
    live = seed_org(client, "rosas-cantina", name="Rosa's Cantina", records=console_env.records)
    seed_org(client, "rosas-cantina", name="No DSP", dsp=None, records=console_env.records)
    now = datetime.now(UTC)
    run_pass(console_env.records, client, WatchSettings(), clock=lambda: now - timedelta(days=1))
    for store in live.bound.values():
        console_env.sandbox.set_store_status(live.org_id, store, "APPROVED")
    run_pass(console_env.records, client, WatchSettings(), clock=lambda: now)

    at = console_env.page("9_History.py")
    at.session_state["current_org_id"] = live.org_id
    at.secrets = {"access": {"require_login": False}}
    at.run()
    assert not at.exception, at.exception
    funnel, _ttl, events = (frame.value for frame in at.dataframe)  # in page order
    assert list(funnel["orgs"]) == [2, 2, 2, 1, 1, 1]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Live merchants"] == "1"  # created and approved seen the same day here: under 1 day
    assert (
        list(events["new_status"]) == ["APPROVED"]
        and "grubhub: PENDING → APPROVED" in events["summary"].iloc[0]
    )
    assert len(at.get("vega_lite_chart")) == 3  # funnel, time to live, timeline


def test_account_managers_check_and_acknowledge_and_analysts_only_read(console_env: ConsoleEnv) -> None:
    _unbound_for_two_days(console_env)
    (alert,) = WatchRecords(console_env.records).list_alerts()
    analyst = _open(console_env, "app.py", role="analyst")
    assert "Ingested locations not bound" in _texts(analyst)  # analysts see the queue
    for key in ("home_attention_check", f"home_attention_ack_{alert.id}"):
        assert analyst.button(key=key).disabled, key

    manager = _open(console_env, "app.py", role="account_manager")
    for key in ("home_attention_check", f"home_attention_ack_{alert.id}"):
        assert not manager.button(key=key).disabled, key
    manager.button(key="home_attention_check").click().run()
    assert not manager.exception, manager.exception
    assert any(rendered(s.value).startswith("Checked: 1 org,") for s in manager.success)
    manager.button(key=f"home_attention_ack_{alert.id}").click().run()
    assert any("Acknowledged: Ingested locations not bound" in rendered(s.value) for s in manager.success)
    assert WatchRecords(console_env.records).list_alerts()[0].acknowledged_by
    assert len(console_env.records.list_audit(action=ALERT_ACKNOWLEDGED)) == 1
