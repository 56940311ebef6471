"""Integrations and Locations as an account manager expects: messages that belong to their org and go away,
next steps that follow the state, a warning before a second integration, abandoning a waiting one."""

from __future__ import annotations

from urllib.parse import parse_qsl

from benchmarks.seed import seed_org
from lib.onboarding.callback import CallbackKind, CallbackOutcome
from lib.store import INTEGRATION_ABANDONED
from tests.helpers import follow_consent, rendered
from tests.pages.conftest import ConsoleEnv
from tests.pages.test_integrations import PAGE, fresh_session, new_org, start, texts


def page_links(at: object) -> dict[str, dict[str, str]]:
    """Each page link's label and its query parameters (e.g. {"org": ..., "kind": "dsp"})."""
    links = at.get("page_link")  # type: ignore[attr-defined]
    return {rendered(e.proto.label): dict(parse_qsl(e.proto.query_string)) for e in links}


def every_text(at: object) -> str:
    kinds = ("success", "info", "warning", "error")
    return " ".join(texts(getattr(at, kind)) for kind in kinds)


def test_a_message_belongs_to_its_org_and_goes_away_on_the_next_page(console_env: ConsoleEnv) -> None:
    first = new_org(console_env, "Taco Tres Inc")
    _, record = start(console_env, "pos", "toast")
    back = follow_consent(record.entry_url or "")
    at = fresh_session(console_env, **back)
    assert "Toast is connected" in texts(at.success)
    assert at.session_state["current_org_id"] == first

    # Another page, then back: the banner does not follow the person around.
    at.switch_page("pages/4_Locations.py").run()
    at.switch_page(f"pages/{PAGE}").run()
    assert not at.exception
    assert "Toast is connected" not in every_text(at)

    # A message kept for one org never shows on another org's page (the org changed in the sidebar first).
    outcome = CallbackOutcome(
        CallbackKind.CONNECTED, "Toast is connected: the integration is active.", None, first
    )
    other = new_org(console_env, "Burger Barn Co")
    at.run()  # the sidebar now lists the second org
    at.session_state["integrations_callback_outcome"] = outcome
    at.sidebar.selectbox(key="sidebar_org").set_value(other).run()
    assert not at.exception
    assert "Toast is connected" not in every_text(at)


def test_each_card_and_the_locations_page_point_to_what_comes_next(console_env: ConsoleEnv) -> None:
    seeded = seed_org(console_env.client(), "rosas-cantina", dsp=None, records=console_env.records)
    console_env.choose(seeded.org_id)
    at = console_env.page(PAGE).run()
    assert not at.exception
    links = page_links(at)
    assert "Next: fetch and ingest its locations" not in links, "the locations are already ingested"
    assert links.get("Next: connect a DSP") == {"org": seeded.org_id, "kind": "dsp"}, links

    locations = console_env.page("4_Locations.py").run()
    assert not locations.exception
    assert page_links(locations).get("Next: connect a DSP") == {"org": seeded.org_id, "kind": "dsp"}

    # With a DSP connected, both the DSP card and the Locations page point to binding its stores.
    at = console_env.page(PAGE, kind="dsp").run()
    assert at.radio(key="integrations_type").value == "dsp", "the link preselects DSP"
    at.selectbox(key="integrations_source_dsp").set_value("grubhub").run()
    at.button(key="start_integration").click().run()
    [dsp] = console_env.records.list_onboardings(seeded.org_id, type="dsp")
    at.text_input(key=f"manual_code_{dsp.onboarding_id}").input("SANDBOX-rosas-cantina")
    at.button(key=f"manual_submit_{dsp.onboarding_id}").click().run()
    assert not at.exception
    assert "Next: bind Grubhub stores" in page_links(at)
    assert "Next: bind Grubhub stores" in page_links(console_env.page("4_Locations.py").run())


def test_the_checklist_connect_a_dsp_link_preselects_dsp(console_env: ConsoleEnv) -> None:
    seeded = seed_org(console_env.client(), "rosas-cantina", dsp=None, records=console_env.records)
    console_env.choose(seeded.org_id)
    home = console_env.page().run()
    assert page_links(home).get("Connect a DSP") == {"org": seeded.org_id, "kind": "dsp"}
    at = console_env.page(PAGE, kind="dsp").run()
    assert not at.exception
    assert at.radio(key="integrations_type").value == "dsp"
    assert "kind" not in at.query_params, "the choice is applied once, then the person's own"


def test_a_second_pos_is_started_only_after_a_warning(console_env: ConsoleEnv) -> None:
    seeded = seed_org(console_env.client(), "rosas-cantina", dsp=None, records=console_env.records)
    console_env.choose(seeded.org_id)
    at = console_env.page(PAGE).run()
    at.selectbox(key="integrations_source_pos").set_value("toast").run()
    assert "already has a POS integration: Clover (active)" in texts(at.warning)
    assert at.button(key="start_integration").disabled
    at.checkbox(key="integrations_second_ok_pos_toast").check().run()
    assert not at.button(key="start_integration").disabled
    at.button(key="start_integration").click().run()
    assert not at.exception
    pos = console_env.records.list_onboardings(seeded.org_id, type="pos")
    assert sorted(o.source for o in pos) == ["clover", "toast"]

    # A different DSP is the normal case: no warning for the first DoorDash.
    at.radio(key="integrations_type").set_value("dsp").run()
    assert "already has" not in texts(at.warning)


def test_a_waiting_integration_can_be_abandoned_in_the_console_only(console_env: ConsoleEnv) -> None:
    new_org(console_env)
    at, record = start(console_env, "pos", "toast")
    button = at.button(key=f"abandon_{record.onboarding_id}")
    assert "no call that deletes an integration" in (button.help or "")
    button.click().run()
    assert not at.exception
    assert console_env.records.get_onboarding(record.onboarding_id).status == "abandoned"  # type: ignore[union-attr]
    assert "the API has no delete" in texts(at.info)
    assert not [c for c in at.get("link_button")], "its consent card is gone"
    assert "Earlier attempts (1)" in [e.label for e in at.expander]
    [entry] = console_env.records.list_audit(action=INTEGRATION_ABANDONED)
    assert entry.request["onboarding_id"] == record.onboarding_id and entry.detail == {
        "was": "waiting_for_oauth"
    }
    # The API still calls it waiting: a refresh does not bring it back, and a new Toast gets no warning.
    at.run()
    assert console_env.records.get_onboarding(record.onboarding_id).status == "abandoned"  # type: ignore[union-attr]
    at.selectbox(key="integrations_source_pos").set_value("toast").run()
    assert "already has" not in texts(at.warning)
