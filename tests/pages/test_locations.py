"""The Locations page: fetch, search, select, ingest with a per-location result, re-sync."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib.store import LOCATIONS_INGESTED
from lib.stream.models import CreateIntegrationRequest, CreateOrgRequest, OrgUser
from tests.helpers import rendered
from tests.pages.conftest import ConsoleEnv

PAGE = "4_Locations.py"


@dataclass
class Pos:
    org_id: str
    onboarding_id: str


def connected_pos(env: ConsoleEnv, merchant: str = "cafe-lumiere") -> Pos:
    """An org whose Clover POS is active for a sandbox merchant, known to the console's records."""
    client = env.client()
    user = OrgUser(email="owner@example.com", first_name="Ada", last_name="Lumière")
    org = client.create_org(CreateOrgRequest(name="Café Lumière", provider_id=env.unique(), user=user))
    started = client.create_integration(
        CreateIntegrationRequest(
            org_id=org.org_id, source="clover", type="pos", return_url="http://127.0.0.1:1/x"
        )
    )
    assert started.id
    client.exchange_code(started.id, f"SANDBOX-{merchant}")
    env.records.add_org(org.org_id, "Café Lumière", None, None, "tester")
    env.records.add_onboarding(started.id, org.org_id, "pos", "clover", "active", None, "tester")
    env.choose(org.org_id)
    return Pos(org.org_id, started.id)


def editor_frame(at: AppTest) -> pd.DataFrame:
    """The selection table as the page last drew it."""
    [editor] = [d for d in at.dataframe if str(d.key or "").startswith("locations_editor:")]
    return editor.value


def texts(elements: object) -> str:
    return rendered(" ".join(str(e.value) for e in elements))  # type: ignore[attr-defined]


def test_fetch_search_select_and_ingest_a_selection(console_env: ConsoleEnv) -> None:
    pos = connected_pos(console_env)
    api = console_env.client()
    available = api.list_locations(pos.onboarding_id)
    assert len(available) == 8

    at = console_env.page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [m.value for m in at.metric] == ["8", "0", "0"]
    table = editor_frame(at)
    assert sorted(table["provider_id"]) == sorted(loc.provider_id for loc in available)
    assert not table["ingested"].any()

    # Search narrows the table; "Select all shown" picks exactly what is shown.
    target = available[0]
    at.text_input(key=f"locations_search:{pos.onboarding_id}").input(target.provider_id).run()
    assert list(editor_frame(at)["provider_id"]) == [target.provider_id]
    at.button(key="locations_select_shown").click().run()
    at.text_input(key=f"locations_search:{pos.onboarding_id}").input("").run()
    assert len(editor_frame(at)) == 8, "clearing the search shows everything again"
    second = available[1].provider_id
    at.session_state[f"locations_selected:{pos.onboarding_id}"].add(second)  # as if ticked in the table
    at.run()
    assert at.button(key="locations_ingest").label == "Ingest 2 selected locations"

    at.button(key="locations_ingest").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "All 2 locations ingested." in texts(at.success)
    result = at.dataframe[-1].value
    assert sorted(result["provider_id"]) == sorted([target.provider_id, second])
    assert set(result["result"]) == {"ingested"}
    assert [m.value for m in at.metric] == ["8", "2", "0"]
    assert set(editor_frame(at).loc[lambda f: f["ingested"], "provider_id"]) == {target.provider_id, second}

    at_api = {loc.provider_id for loc in api.org_locations(pos.org_id)}
    assert at_api == {target.provider_id, second}
    [entry] = console_env.records.list_audit(action=LOCATIONS_INGESTED)
    assert entry.outcome == "ok" and entry.detail == {"ingested": 2, "failed": 0, "failed_ids": []}


def test_select_all_not_yet_ingested_then_resync_with_one_click(console_env: ConsoleEnv) -> None:
    pos = connected_pos(console_env, "rosas-cantina")
    at = console_env.page(PAGE).run()
    at.button(key="locations_select_new").click().run()
    assert at.button(key="locations_ingest").label == "Ingest 3 selected locations"
    at.button(key="locations_ingest").click().run()
    assert "All 3 locations ingested." in texts(at.success)

    at.button(key="locations_resync").click().run()
    assert not at.exception
    assert "All 3 locations re-synced." in texts(at.success)
    assert [e.request["resync"] for e in console_env.records.list_audit(action=LOCATIONS_INGESTED)] == [
        True,
        False,
    ]
    assert len(console_env.client().org_locations(pos.org_id)) == 3, "a re-sync adds no duplicates"


def test_without_an_active_pos_the_page_says_what_to_do(console_env: ConsoleEnv) -> None:
    console_env.records.add_org("org-nopos", "No POS Yet", None, None, "tester")
    at = console_env.page(PAGE, org="org-nopos").run()
    assert not at.exception
    assert "no active POS integration" in texts(at.info)


def test_past_one_page_the_table_pages_and_sorts_over_every_location(
    console_env: ConsoleEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("lib.ui.tables.PAGE_ROWS", 3)  # 8 locations: 3 pages (5,000 meet the real 200)
    pos = connected_pos(console_env)
    listed = [loc.provider_id for loc in console_env.client().list_locations(pos.onboarding_id)]
    at = console_env.page(PAGE).run()
    oid = pos.onboarding_id
    assert list(editor_frame(at)["provider_id"]) == listed[:3]
    assert at.button(key="locations_select_shown").label == "Select all shown (8)"  # every page

    # Sorted by id, descending, over all 8: page 2 holds the 4th to 6th highest ids.
    at.selectbox(key=f"locations_rows:{oid}_sort").set_value("provider_id").run()
    at.toggle(key=f"locations_rows:{oid}_descending").set_value(True).run()
    at.selectbox(key=f"locations_rows:{oid}_page").set_value(1).run()
    on_page = list(editor_frame(at)["provider_id"])
    assert on_page == sorted(listed, reverse=True)[3:6]

    at.button(key="locations_select_shown").click().run()  # still every location, not the page
    assert at.button(key="locations_ingest").label == "Ingest 8 selected locations"
