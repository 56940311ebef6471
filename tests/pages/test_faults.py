"""Pages with the sandbox fault knobs on (503, 429, a failing org view): a clear sentence, nothing lost."""

from __future__ import annotations

from lib.sandbox.embed import EmbeddedSandbox
from lib.store import INTEGRATION_STARTED, LOCATIONS_INGESTED, ORG_CREATED
from tests.helpers import rendered
from tests.pages.conftest import ConsoleEnv
from tests.pages.test_integrations import new_org
from tests.pages.test_locations import connected_pos


def texts(elements: object) -> str:
    return rendered(" ".join(str(e.value) for e in elements))  # type: ignore[attr-defined]


def test_a_503_while_creating_an_org_is_a_sentence_and_the_form_keeps_its_values(
    console_env: ConsoleEnv, faults: EmbeddedSandbox
) -> None:
    at = console_env.page("2_Organizations.py").run()
    typed = {
        "name": "Flaky Fries",
        "provider_id": console_env.unique("flaky"),
        "email": "fries@example.com",
        "first_name": "Fay",
        "last_name": "Lee",
    }
    for name, value in typed.items():
        at.text_input(key=f"org_form_{name}").input(value)
    # The create fails, and so does the console's check of what it did (see test_lost_creates_pages).
    faults.set_faults(fail_next=2, fail_path="/onboarding/org")
    at.button(key="create_org_submit").click().run()

    assert not at.exception
    message = texts(at.error)
    assert "The API's answer was lost (HTTP 503) and asking again failed too (HTTP 503)" in message, message
    assert "check whether" not in message, "no advice the console gives no way to follow"
    assert "cannot make a second organization" in message
    assert {n: at.text_input(key=f"org_form_{n}").value for n in typed} == typed
    assert console_env.records.list_orgs() == []
    assert [e.outcome for e in console_env.records.list_audit(action=ORG_CREATED)] == ["error", "error"]

    at.button(key="create_org_submit").click().run()  # the fault has passed: the same values go through
    assert [o.provider_id for o in console_env.records.list_orgs()] == [typed["provider_id"]]


def test_a_429_while_starting_an_integration_says_to_wait(
    console_env: ConsoleEnv, faults: EmbeddedSandbox
) -> None:
    new_org(console_env)
    at = console_env.page("3_Integrations.py").run()  # the console holds a token from here on
    faults.set_faults(rate_limit_rate=1.0, retry_after=600)
    at.button(key="start_integration").click().run()

    assert not at.exception
    message = texts(at.error)
    assert "The API is limiting how fast the console may call it (while starting the integration)." in message
    assert "Wait 600 seconds and try again." in message
    assert console_env.records.list_onboardings() == []
    [entry] = console_env.records.list_audit(action=INTEGRATION_STARTED)
    assert entry.outcome == "error"


def test_5xx_during_ingest_marks_each_location_failed_and_a_second_try_succeeds(
    console_env: ConsoleEnv, faults: EmbeddedSandbox
) -> None:
    pos = connected_pos(console_env, "rosas-cantina")
    at = console_env.page("4_Locations.py").run()
    at.button(key="locations_select_new").click().run()
    faults.set_faults(fail_next=3, fail_path="/onboarding/locations/ingest")  # the first try and both retries
    at.button(key="locations_ingest").click().run()

    assert not at.exception
    message = texts(at.error)
    assert "0 ingested, 3 failed. The API failed while importing the selected locations (HTTP 503" in message
    assert set(at.dataframe[-1].value["result"]) == {"failed"}
    assert at.button(key="locations_ingest").label == "Ingest 3 selected locations", (
        "the failed stay selected"
    )

    at.button(key="locations_ingest").click().run()
    assert "All 3 locations ingested." in texts(at.success)
    assert len(console_env.client().org_locations(pos.org_id)) == 3
    assert [e.outcome for e in console_env.records.list_audit(action=LOCATIONS_INGESTED)] == ["ok", "error"]


def test_the_home_checklist_says_when_the_org_view_fails(
    console_env: ConsoleEnv, faults: EmbeddedSandbox
) -> None:
    pos = connected_pos(console_env, "rosas-cantina")
    faults.set_faults(fail_org_ids=[pos.org_id])
    at = console_env.page("app.py").run()
    assert not at.exception
    assert "The API failed while loading the organization's locations (HTTP 500" in texts(at.warning)
    assert "The API did not return the org's locations; refresh to try again." in texts(at.markdown)
