"""A create whose answer is lost, as a person sees it: the page finds out what happened and says so before
offering anything; pressing the button again cannot make a second org or a second connected integration."""

from __future__ import annotations

from lib.sandbox.embed import EmbeddedSandbox
from lib.store import INTEGRATION_STARTED, ORG_CREATED
from tests.pages.conftest import ConsoleEnv
from tests.pages.test_integrations import new_org, texts
from tests.pages.test_organizations import fill, form_values


def test_a_lost_create_org_answer_shows_the_org_the_api_made_and_makes_it_current(
    console_env: ConsoleEnv, faults: EmbeddedSandbox
) -> None:
    provider_id = console_env.unique("crm")
    at = console_env.page("2_Organizations.py").run()
    fill(at, name="Lost Answer Tacos", provider_id=provider_id, email="t@example.com", first_name="T")
    fill(at, last_name="T")
    faults.set_faults(fail_next=1, fail_path="/onboarding/org", fail_after_processing=True)
    at.button(key="create_org_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]

    [org] = console_env.records.list_orgs()
    said = texts(at.success)
    assert "The API's answer was lost (HTTP 503), but Lost Answer Tacos was created: the API names " in said
    assert f"organization {org.org_id} for provider_id {provider_id}" in said
    assert "It is now the current organization." in said
    assert not at.error and at.session_state["current_org_id"] == org.org_id
    assert form_values(at) == dict.fromkeys(form_values(at), "")
    assert [e.outcome for e in console_env.records.list_audit(action=ORG_CREATED)] == ["ok", "error"]


def test_a_lost_start_says_the_lost_one_cannot_connect_and_starting_again_works(
    console_env: ConsoleEnv, faults: EmbeddedSandbox
) -> None:
    new_org(console_env)
    at = console_env.page("3_Integrations.py").run()
    at.radio(key="integrations_type").set_value("pos").run()
    at.selectbox(key="integrations_source_pos").set_value("toast").run()
    faults.set_faults(fail_next=1, fail_path="/onboarding/integrations", fail_after_processing=True)
    at.button(key="start_integration").click().run()
    assert not at.exception, [e.value for e in at.exception]

    said = texts(at.error)
    assert "The API's answer to starting Toast was lost (HTTP 503)" in said
    assert "can never connect" in said and "Start Toast again" in said
    assert "check whether the integration was started" not in said  # advice nobody could follow
    assert console_env.records.list_onboardings() == []
    at.run()  # the next action: the sentence was said once, next to the button
    assert "was lost" not in texts(at.error)

    at.button(key="start_integration").click().run()  # as the sentence said
    [record] = console_env.records.list_onboardings()
    assert record.entry_url and "Toast integration started" in texts(at.success) and not at.error
    assert [e.outcome for e in console_env.records.list_audit(action=INTEGRATION_STARTED)] == ["ok", "error"]
