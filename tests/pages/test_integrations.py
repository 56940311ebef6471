"""The Integrations page against the sandbox: start, the OAuth return in a fresh session, manual codes."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import streamlit as st
from streamlit.testing.v1 import AppTest

from lib.store import CODE_EXCHANGED, INTEGRATION_STARTED, OnboardingRecord
from lib.stream.models import CreateOrgRequest, OrgUser
from tests.helpers import follow_consent, rendered
from tests.pages.conftest import ConsoleEnv

PAGE = "3_Integrations.py"


def new_org(env: ConsoleEnv, name: str = "Rosa's Cantina LLC") -> str:
    """An org at the sandbox, known to the console's records (as if created on the Organizations page)."""
    user = OrgUser(email="rosa@example.com", first_name="Rosa", last_name="Diaz")
    created = env.client().create_org(CreateOrgRequest(name=name, provider_id=env.unique(), user=user))
    env.records.add_org(created.org_id, name, None, user.email, "tester")
    return env.choose(created.org_id)


def start(env: ConsoleEnv, kind: str, source: str) -> tuple[AppTest, OnboardingRecord]:
    """Open Integrations and start kind/source for the current org; returns the page and the new record."""
    at = env.page(PAGE).run()
    at.radio(key="integrations_type").set_value(kind).run()
    at.selectbox(key=f"integrations_source_{kind}").set_value(source).run()
    before = {o.onboarding_id for o in env.records.list_onboardings()}
    at.button(key="start_integration").click().run()
    assert not at.exception, [e.value for e in at.exception]
    [record] = [o for o in env.records.list_onboardings() if o.onboarding_id not in before]
    return at, record


def fresh_session(env: ConsoleEnv, **query: str) -> AppTest:
    """The return_url opened in a new browser session on a freshly started server: empty state, no caches."""
    st.cache_resource.clear()
    st.cache_data.clear()
    return env.page(PAGE, **query).run()


def texts(elements: object) -> str:
    return rendered(" ".join(e.value if isinstance(e.value, str) else str(e.label) for e in elements))  # type: ignore[attr-defined]


def link_buttons(at: AppTest) -> dict[str, str]:
    return {e.proto.label: e.proto.url for e in at.get("link_button")}


def test_starting_toast_records_the_onboarding_and_offers_the_consent_page(console_env: ConsoleEnv) -> None:
    org_id = new_org(console_env)
    at, record = start(console_env, "pos", "toast")

    assert (record.org_id, record.type, record.source, record.status) == (
        org_id,
        "pos",
        "toast",
        "waiting_for_oauth",
    )
    assert record.entry_url
    assert link_buttons(at) == {"Open the Toast consent page": record.entry_url}
    assert "Toast integration started" in texts(at.success)
    [entry] = console_env.records.list_audit(action=INTEGRATION_STARTED)
    assert entry.outcome == "ok" and entry.detail and entry.detail["onboarding_id"] == record.onboarding_id
    assert "state=***" in entry.request["return_url"], "the one-time state is not kept in the audit log"


def test_the_oauth_return_is_handled_in_a_fresh_session_from_its_query_parameters(
    console_env: ConsoleEnv,
) -> None:
    org_id = new_org(console_env)
    _, record = start(console_env, "pos", "toast")
    console_env.records.add_org("org-other", "Another org, newer", None, None, "tester")
    back = follow_consent(record.entry_url or "")
    assert set(back) == {"org", "state", "code"} and back["org"] == org_id, "the return_url names the org"
    assert urlsplit(str(console_env.sandbox.base_url)).hostname == "127.0.0.1"

    at = fresh_session(console_env, **back)

    assert not at.exception, [e.value for e in at.exception]
    assert "Toast is connected: the integration is active." in texts(at.success)
    assert console_env.records.get_onboarding(record.onboarding_id).status == "active"  # type: ignore[union-attr]
    assert dict(at.query_params) == {"org": org_id}, "the one-time code leaves the address bar, the org stays"
    assert at.session_state["current_org_id"] == org_id, "the page switches to the org the consent was for"
    [entry] = console_env.records.list_audit(action=CODE_EXCHANGED)
    assert (entry.outcome, entry.request["via"]) == ("ok", "oauth")
    assert back["code"] not in str(entry.request) + str(entry.detail)

    # Reloading the page as it is now (?org= only) shows the org's integrations: nothing is handled again.
    reload = fresh_session(console_env, **dict(at.query_params))
    assert not reload.exception and not reload.error, [e.value for e in reload.error]
    assert "already been used" not in texts(reload.warning) + texts(reload.info)
    assert "Finishing the connection" not in " ".join(str(s.label) for s in reload.status)
    assert len(console_env.records.list_audit(action=CODE_EXCHANGED)) == 1
    assert dict(reload.query_params) == {"org": org_id}

    # The same return link again (a reload, or the link pasted elsewhere) is refused with a way forward.
    again = fresh_session(console_env, **back)
    assert not again.exception
    assert "already been used" in texts(again.error)
    assert "Toast is already connected (active): there is nothing to redo" in texts(again.error)
    assert again.button(key="callback_retry").label == "Start Toast again"
    assert console_env.records.get_onboarding(record.onboarding_id).status == "active"  # type: ignore[union-attr]


def test_denied_consent_says_so_and_starting_again_gives_a_new_consent_page(console_env: ConsoleEnv) -> None:
    new_org(console_env)
    _, record = start(console_env, "pos", "square")
    back = follow_consent(record.entry_url or "", approve=False)
    assert back["error"] == "access_denied"

    at = fresh_session(console_env, **back)
    assert not at.exception
    message = texts(at.error)
    assert "Square was not connected: consent was not given" in message and "denied access" in message
    assert console_env.records.get_onboarding(record.onboarding_id).status == "waiting_for_oauth"  # type: ignore[union-attr]

    at.button(key="callback_retry").click().run()
    assert not at.exception
    newer = [
        o for o in console_env.records.list_onboardings(type="pos") if o.onboarding_id != record.onboarding_id
    ]
    assert len(newer) == 1 and newer[0].source == "square" and newer[0].entry_url
    assert link_buttons(at) == {"Open the Square consent page": newer[0].entry_url}
    assert "Earlier attempts (1)" in [e.label for e in at.expander]


def test_a_wrong_code_an_unknown_state_and_an_expired_state_each_get_a_clear_message(
    console_env: ConsoleEnv,
) -> None:
    org_id = new_org(console_env)
    _, record = start(console_env, "pos", "toast")

    back = follow_consent(record.entry_url or "")
    wrong = fresh_session(console_env, state=back["state"], code="not-the-code")
    assert not wrong.exception
    assert "the code exchange failed" in texts(wrong.error) and "not valid" in texts(wrong.error)
    assert wrong.button(key="callback_retry").label == "Start Toast again"
    assert [e.outcome for e in console_env.records.list_audit(action=CODE_EXCHANGED)] == ["error"]

    unknown = fresh_session(console_env, state="made-up-state", code="whatever")
    assert not unknown.exception
    assert "not one the console started" in texts(unknown.error)

    expired = console_env.records.new_oauth_state(record.onboarding_id, org_id, "tester", ttl_seconds=0)
    late = fresh_session(console_env, state=expired, code="whatever")
    assert not late.exception
    assert "expired" in texts(late.error)
    assert late.button(key="callback_retry").label == "Start Toast again"


def test_a_manual_code_wrong_then_right(console_env: ConsoleEnv) -> None:
    new_org(console_env)
    at, record = start(console_env, "pos", "clover")
    assert record.status == "pending" and record.entry_url is None
    code_box = at.text_input(key=f"manual_code_{record.onboarding_id}")

    code_box.input("SANDBOX-no-such-merchant")
    at.button(key=f"manual_submit_{record.onboarding_id}").click().run()
    assert not at.exception
    [error] = at.error
    assert rendered(error.value) == (
        "The API did not accept this Clover integration code: Clover codes look like SANDBOX-<merchant code>,"
        " e.g. SANDBOX-rosas-cantina, so check yours and submit it again."
    ), "one sentence, no repeated field name, and what a code looks like (from the API's own message)"
    assert at.text_input(key=f"manual_code_{record.onboarding_id}").value == "SANDBOX-no-such-merchant"
    assert console_env.records.get_onboarding(record.onboarding_id).status == "pending"  # type: ignore[union-attr]

    at.text_input(key=f"manual_code_{record.onboarding_id}").input("SANDBOX-rosas-cantina")
    at.button(key=f"manual_submit_{record.onboarding_id}").click().run()
    assert not at.exception
    assert "Clover is connected: status active." in texts(at.success)
    assert console_env.records.get_onboarding(record.onboarding_id).status == "active"  # type: ignore[union-attr]
    assert [e.outcome for e in console_env.records.list_audit(action=CODE_EXCHANGED)] == ["ok", "error"]


def test_a_dsp_can_be_started_with_a_typed_source_and_the_api_refusal_is_a_sentence(
    console_env: ConsoleEnv,
) -> None:
    new_org(console_env)
    at = console_env.page(PAGE).run()
    at.radio(key="integrations_type").set_value("dsp").run()
    at.selectbox(key="integrations_source_dsp").set_value("other…").run()
    at.text_input(key="integrations_other_source").input("  Postmates ").run()
    at.button(key="start_integration").click().run()
    assert not at.exception
    message = texts(at.error)
    assert "The API rejected the integration: source: must be one of doordash" in message, message
    assert console_env.records.list_onboardings() == []
    assert at.text_input(key="integrations_other_source").value == "  Postmates "


def test_refresh_reads_the_status_from_the_api(console_env: ConsoleEnv) -> None:
    new_org(console_env)
    at, record = start(console_env, "dsp", "grubhub")
    console_env.client().exchange_code(record.onboarding_id, "SANDBOX-rosas-cantina")  # connected elsewhere
    at.button(key=f"refresh_{record.onboarding_id}").click().run()
    assert not at.exception
    assert "Grubhub is active (just read from the API)." in texts(at.info)
    # No POS yet, so the card's next step is the org's: connect the POS (on this page, POS preselected).
    assert "Next: connect a POS" in [rendered(e.proto.label) for e in at.get("page_link")]
    assert console_env.records.get_onboarding(record.onboarding_id).status == "active"  # type: ignore[union-attr]


def test_a_deprovisioned_integration_shows_so_after_refresh_and_can_be_started_again(
    console_env: ConsoleEnv,
) -> None:
    new_org(console_env)
    at, record = start(console_env, "pos", "clover")
    console_env.client().exchange_code(record.onboarding_id, "SANDBOX-rosas-cantina")
    base = console_env.sandbox.base_url
    httpx.post(
        f"{base}/sandbox/integrations/{record.onboarding_id}/deprovision", timeout=10
    ).raise_for_status()

    at.button(key=f"refresh_{record.onboarding_id}").click().run()
    assert not at.exception
    assert "Clover is deprovisioned (just read from the API)." in texts(at.info)
    assert "Clover has been disconnected." in texts(at.warning)
    at.button(key=f"restart_{record.onboarding_id}").click().run()
    assert not at.exception
    pending = [o for o in console_env.records.list_onboardings() if o.onboarding_id != record.onboarding_id]
    assert [(o.source, o.status) for o in pending] == [("clover", "pending")]
    assert at.text_input(key=f"manual_code_{pending[0].onboarding_id}").value == ""
