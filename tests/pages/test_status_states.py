"""Org status and Portfolio with the states real merchants get into (set on the sandbox): badges, next steps,
counts and the Attention filter; unreadable locations are counted, not fatal."""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from benchmarks.seed import SeededOrg, seed_org
from lib.sandbox.embed import EmbeddedSandbox
from tests.helpers import rendered, screen_html_tables
from tests.pages.conftest import ConsoleEnv

ORG_STATUS = "6_Org_status.py"
PORTFOLIO = "7_Portfolio.py"


@pytest.fixture
def troubled(console_env: ConsoleEnv, faults: EmbeddedSandbox) -> SeededOrg:
    """Café Lumière, 8 locations bound to Grubhub: one store rejected, one paused at Grubhub with a status the
    console does not know, one location inactive at the POS."""
    org = seed_org(console_env.client(), "cafe-lumiere", name="Troubled Café", records=console_env.records)
    (_, store_a), (_, store_b), (pos_c, _), *_ = org.bound.items()
    faults.set_store_status(org.org_id, store_a, "REJECTED")
    faults.set_store_status(org.org_id, store_b, "ON_HOLD_BY_OPS")
    faults.set_location_state(org.org_id, pos_c, status="inactive")
    return org


def _open(console_env: ConsoleEnv, page: str, org_id: str | None = None) -> AppTest:
    at = console_env.page(page)
    if org_id:
        at.session_state["current_org_id"] = org_id
    at.run()
    assert not at.exception, at.exception
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _table(at: AppTest) -> Any:
    """Portfolio's locations table as read on screen (HTML: headings and cell texts)."""
    return screen_html_tables(at)[-1]


def _status_table(at: AppTest) -> Any:
    """Org status's locations table as read on screen (HTML: headings and cell texts)."""
    return screen_html_tables(at)[-1]


def _attention(at: AppTest, page_key: str) -> Any:
    return at.multiselect(key=page_key)


def test_org_status_counts_badges_and_filters_non_happy_states(
    console_env: ConsoleEnv, troubled: SeededOrg
) -> None:
    at = _open(console_env, ORG_STATUS, troubled.org_id)
    shown = _metrics(at)
    assert shown["Locations needing action"] == "2"  # the rejected store, the inactive location
    assert shown["Locations with an unknown status"] == "1"
    table = _status_table(at)
    by_id = dict(zip(table["provider_id"], table["next step"], strict=True))
    pos_a, _, pos_c = list(troubled.bound)[:3]
    assert by_id[pos_a] == "store rejected by Grubhub: open the DSP's merchant portal"
    assert by_id[pos_c].startswith("location inactive")
    assert "unknown status 'ON_HOLD_BY_OPS' from Grubhub" in " ".join(str(v) for v in table["next step"])

    _attention(at, "status_attention").set_value(["action needed"]).run()
    assert set(_status_table(at)["provider_id"]) == {pos_a, pos_c}
    assert list(_status_table(at)["attention"]) == ["action needed"] * 2  # drawn as a coloured pill


def test_a_deprovisioned_integration_says_reconnect(
    console_env: ConsoleEnv, faults: EmbeddedSandbox, troubled: SeededOrg
) -> None:
    faults.deprovision(troubled.pos_onboarding_id)
    console_env.records.update_onboarding_status(troubled.pos_onboarding_id, "deprovisioned")
    at = _open(console_env, ORG_STATUS, troubled.org_id)
    assert _metrics(at)["Locations needing action"] == "8"  # every location is inactive now
    captions = [rendered(c.value) for c in at.caption]
    assert "Next step: reconnect: start a new POS integration" in captions
    assert any(m.value == ":red-badge[deprovisioned]" for m in at.markdown)


def test_portfolio_counts_and_filters_them_too(console_env: ConsoleEnv, troubled: SeededOrg) -> None:
    calm = seed_org(console_env.client(), "rosas-cantina", name="Calm Cantina", records=console_env.records)
    at = _open(console_env, PORTFOLIO)
    assert _metrics(at)["Locations needing action"] == "2"
    assert _metrics(at)["Locations with an unknown status"] == "1"
    _attention(at, "portfolio_attention").set_value(["unknown"]).run()
    table = _table(at)
    assert table["org_id"].tolist() == [troubled.org_id]
    assert calm.org_id not in set(_table(at)["org_id"])


def test_unreadable_locations_are_counted_not_fatal(
    console_env: ConsoleEnv, faults: EmbeddedSandbox, troubled: SeededOrg
) -> None:
    faults.set_faults(unreadable_items=2)
    at = _open(console_env, ORG_STATUS, troubled.org_id)
    warning = " ".join(w.value for w in at.warning)
    assert "2 of 8 locations could not be read" in warning
    assert "name is null" in warning
    assert _metrics(at)["Locations"] == "6"


def test_bind_shows_the_bound_stores_that_need_action_with_the_next_step(
    console_env: ConsoleEnv, troubled: SeededOrg
) -> None:
    at = _open(console_env, "5_Bind.py", troubled.org_id)
    badges = [rendered(m.value) for m in at.markdown if "-badge[" in m.value]
    assert ":red-badge[1 bound store: REJECTED]" in badges
    assert ":gray-badge[1 bound store: ON_HOLD_BY_OPS]" in badges
    captions = [rendered(c.value) for c in at.caption]
    assert "Next step: store rejected by Grubhub: open the DSP's merchant portal" in captions


def test_locations_and_bind_say_how_many_locations_could_not_be_read(
    console_env: ConsoleEnv, faults: EmbeddedSandbox, troubled: SeededOrg
) -> None:
    faults.set_faults(unreadable_items=2)
    at = _open(console_env, "4_Locations.py", troubled.org_id)
    assert "2 of 8 locations could not be read" in " ".join(w.value for w in at.warning)
    assert next(m.value for m in at.metric) == "6"  # the readable ones, ready to ingest
    at = _open(console_env, "5_Bind.py", troubled.org_id)
    assert "2 of 8 locations could not be read" in " ".join(w.value for w in at.warning)


def test_home_and_integrations_name_the_next_step(
    console_env: ConsoleEnv, faults: EmbeddedSandbox, troubled: SeededOrg
) -> None:
    home = _open(console_env, "app.py", troubled.org_id)
    text = rendered(" ".join(m.value for m in home.markdown))
    assert (
        "2 need you: store rejected by Grubhub: open the DSP's merchant portal." in text
    )  # + the unknown one

    faults.deprovision(troubled.pos_onboarding_id)
    console_env.records.update_onboarding_status(troubled.pos_onboarding_id, "deprovisioned")
    at = _open(console_env, "3_Integrations.py", troubled.org_id)
    warnings = rendered(" ".join(w.value for w in at.warning))
    assert "Next step: reconnect: start a new POS integration." in warnings
    assert any(m.value == ":red-badge[deprovisioned]" for m in at.markdown)
