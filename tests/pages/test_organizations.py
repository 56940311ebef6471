"""The Organizations page against the sandbox over HTTP: create (valid, invalid, conflict), add, choose."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from lib.store import ORG_ADDED, ORG_CREATED
from lib.stream.models import CreateOrgRequest, OrgUser
from tests.helpers import rendered
from tests.pages.conftest import ConsoleEnv

PAGE = "2_Organizations.py"


def fill(at: AppTest, **values: str) -> None:
    for name, value in values.items():
        at.text_input(key=f"org_form_{name}").input(value)


def form_values(at: AppTest) -> dict[str, str]:
    return {
        n: at.text_input(key=f"org_form_{n}").value
        for n in ("name", "provider_id", "email", "first_name", "last_name")
    }


def texts(elements: object) -> list[str]:
    return [rendered(e.value) for e in elements]  # type: ignore[attr-defined]


def test_creating_an_org_records_it_audits_it_and_makes_it_current(console_env: ConsoleEnv) -> None:
    provider_id = console_env.unique("crm")
    at = console_env.page(PAGE).run()
    fill(
        at,
        name="Rosa's Cantina LLC",
        provider_id=provider_id,
        email="rosa@example.com",
        first_name="Rosa",
        last_name="Diaz",
    )
    at.button(key="create_org_submit").click().run()

    assert not at.exception
    orgs = console_env.records.list_orgs()
    assert [(o.name, o.provider_id, o.user_email) for o in orgs] == [
        ("Rosa's Cantina LLC", provider_id, "rosa@example.com")
    ]
    org_id = orgs[0].org_id
    assert any(f"Created Rosa's Cantina LLC ({org_id})" in s for s in texts(at.success))
    assert at.session_state["current_org_id"] == org_id
    assert form_values(at) == dict.fromkeys(form_values(at), ""), "a successful create empties the form"
    [entry] = console_env.records.list_audit(action=ORG_CREATED)
    assert (entry.outcome, entry.org_id, entry.actor) == ("ok", org_id, "local operator")
    assert entry.request["provider_id"] == provider_id
    # The known-orgs table lists it.
    frame = at.dataframe[0].value
    assert list(frame["org_id"]) == [org_id]


def test_an_invalid_email_is_refused_before_anything_is_sent_and_the_typing_stays(
    console_env: ConsoleEnv,
) -> None:
    at = console_env.page(PAGE).run()
    typed = {
        "name": "Bad Email Bistro",
        "provider_id": "crm-bad",
        "email": "rosa.example.com",
        "first_name": "Rosa",
        "last_name": "",
    }
    fill(at, **typed)
    at.button(key="create_org_submit").click().run()

    assert not at.exception
    errors = texts(at.error)
    assert any("is not an email address" in e for e in errors), errors
    assert any("Last name is required" in e for e in errors), errors
    assert form_values(at) == typed
    assert console_env.records.list_orgs() == []
    assert console_env.records.list_audit() == [], "nothing was sent, so nothing is audited"


def test_a_provider_id_conflict_shows_the_api_sentence_next_to_the_form_and_keeps_the_typing(
    console_env: ConsoleEnv,
) -> None:
    provider_id = console_env.unique("dup")
    user = OrgUser(email="a@example.com", first_name="A", last_name="B")
    console_env.client().create_org(CreateOrgRequest(name="First", provider_id=provider_id, user=user))

    at = console_env.page(PAGE).run()
    typed = {
        "name": "Second",
        "provider_id": provider_id,
        "email": "b@example.com",
        "first_name": "B",
        "last_name": "C",
    }
    fill(at, **typed)
    at.button(key="create_org_submit").click().run()

    assert not at.exception
    errors = " ".join(texts(at.error))
    assert "conflict" in errors and provider_id in errors, errors
    assert "The API says: your internal id (provider_id) is already used by another organization." in errors
    assert "add that organization by its id below" in errors, "a conflict says what to do instead"
    assert "Reload the current state" not in errors
    assert form_values(at) == typed
    assert console_env.records.list_orgs() == []
    [entry] = console_env.records.list_audit(action=ORG_CREATED)
    assert entry.outcome == "error" and "conflict" in (entry.error or "")


def test_adding_an_existing_org_by_id_and_an_unknown_id(console_env: ConsoleEnv) -> None:
    user = OrgUser(email="a@example.com", first_name="A", last_name="B")
    created = console_env.client().create_org(
        CreateOrgRequest(name="Elsewhere", provider_id=console_env.unique(), user=user)
    )

    at = console_env.page(PAGE).run()
    at.text_input(key="add_org_id").input("no-such-org")
    at.button(key="add_org_submit").click().run()
    assert not at.exception
    assert any("could not find" in e for e in texts(at.error)), texts(at.error)
    assert at.text_input(key="add_org_id").value == "no-such-org"
    assert console_env.records.list_orgs() == []

    at.text_input(key="add_org_id").input(created.org_id)
    at.button(key="add_org_submit").click().run()
    assert not at.exception
    assert [o.org_id for o in console_env.records.list_orgs()] == [created.org_id]
    assert at.session_state["current_org_id"] == created.org_id
    assert [e.outcome for e in console_env.records.list_audit(action=ORG_ADDED)] == ["ok", "error"]
    # The API gives no name for an org added by id: the sidebar says how it came, never "None".
    assert at.sidebar.selectbox(key="sidebar_org").options == [f"(added by id) · {created.org_id}"]


def test_choosing_the_current_org(console_env: ConsoleEnv) -> None:
    console_env.records.add_org("org-a", "Alpha Grill", "pa", None, "tester")
    console_env.records.add_org("org-b", "Beta Bakery", "pb", None, "tester")
    at = console_env.page(PAGE).run()
    at.selectbox(key="organizations_pick").select("org-a")
    at.button(key="make_current").click().run()
    assert not at.exception
    assert at.session_state["current_org_id"] == "org-a"
    assert at.sidebar.selectbox[0].value == "org-a"
