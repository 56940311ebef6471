"""Sign-in, roles and the audit log screen in AppTest, with the records in a temporary database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from benchmarks.seed import seed_org
from lib.access import Action, Role, refusal
from lib.store import (
    CODE_EXCHANGED,
    INTEGRATION_STARTED,
    LOCATIONS_BOUND,
    LOCATIONS_INGESTED,
    ORG_CREATED,
    Records,
)
from tests.helpers import rendered
from tests.pages.conftest import ConsoleEnv, page_files

REPO = Path(__file__).resolve().parents[2]
AUDIT_PAGE = "pages/8_Audit_log.py"
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret-not-used-by-apptest",
    "client_id": "console",
    "client_secret": "not-a-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
ROLES = {
    "admins": ["boss@example.com"],
    "account_managers": ["am@example.com", "am2@example.com"],
    "analyst_domains": ["example.com"],
}
SIGNED_IN: dict[str, Any] = {"auth": AUTH, "roles": ROLES}


@dataclass
class Env:
    records: Records
    tmp: Path


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("console-data")


@pytest.fixture
def env(tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    """The console on its embedded sandbox, with fresh records seeded with three people's changes."""
    for key in ("STREAM_API_URL", "STREAM_CLIENT_ID", "STREAM_CLIENT_SECRET", "CONSOLE_REQUIRE_LOGIN"):
        monkeypatch.delenv(key, raising=False)
    url = f"sqlite:///{tmp_path / 'records.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("CONSOLE_DATA_DIR", str(data_dir))
    st.cache_resource.clear()
    st.cache_data.clear()
    records = Records(url, clock=Clock())
    records.add_org("org-am", "AM Pizza", "p1", "owner@pizza.example", created_by="am@example.com")
    records.add_org("org-am2", "Other Tacos", "p2", "owner@tacos.example", created_by="am2@example.com")
    records.audit("am@example.com", ORG_CREATED, "org-am", {"name": "AM Pizza"}, "ok")
    records.audit("am2@example.com", ORG_CREATED, "org-am2", {"name": "Other Tacos"}, "ok")
    records.audit("boss@example.com", INTEGRATION_STARTED, "org-am", {"source": "toast", "type": "pos"}, "ok")
    records.audit(
        "am2@example.com",
        LOCATIONS_INGESTED,
        "org-am2",
        {"provider_ids": ["a", "b"]},
        "error",
        error="HTTP 503",
    )
    records.audit(
        "am@example.com",
        LOCATIONS_BOUND,
        "org-am",
        {"onboarding_id": "dsp-1", "pairs": [{"location_id": "L1", "store_id": "S9", "score": 0.97}]},
        "ok",
        detail={"bound": 1},
    )
    yield Env(records, tmp_path)
    records.close()
    st.cache_resource.clear()


def run(page: str, user: dict[str, Any] | None = None, secrets: dict[str, Any] | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=30)
    if page != "app.py":
        at.switch_page(page)  # through app.py, as Streamlit serves it (the page menu links to app.py)
    if user is not None:
        at.user = user
    # Always non-empty, so the test never reads a developer's own .streamlit/secrets.toml.
    at.secrets = secrets if secrets is not None else {"access": {"require_login": False}}
    at.run()
    assert not at.exception, at.exception
    return at


def signed_in(email: str) -> dict[str, Any]:
    return {"is_logged_in": True, "email": email, "email_verified": True}


def texts(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("title", "markdown", "caption", "error", "warning", "info", "success")
        for e in getattr(at, kind)
    ]
    parts += [e.value for e in at.sidebar.caption] + [e.value for e in at.sidebar.markdown]
    return rendered("\n".join(str(p) for p in parts))


def audit_actors(at: AppTest) -> list[str]:
    if not at.dataframe:
        return []
    return sorted(at.dataframe[0].value["actor"].tolist())


# ----- the gate -----


def test_local_operator_on_the_sandbox_is_admin_and_sees_everything(env: Env) -> None:
    at = run(AUDIT_PAGE)
    assert "Acting as **local operator**" in texts(at)
    assert "Role: **admin** · single local operator, no sign-in configured" in texts(at)
    assert len(audit_actors(at)) == 5
    assert [t.label for t in at.tabs] == ["Entries", "Role settings"]
    assert not at.warning or "open to anyone" not in texts(at)  # sandbox: no open-console banner


def test_configured_api_without_sign_in_warns_on_every_page(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lib.connect import embedded_sandbox

    sandbox = embedded_sandbox()  # the same process-wide sandbox, now named as if it were a real API
    monkeypatch.setenv("STREAM_API_URL", sandbox.base_url)
    monkeypatch.setenv("STREAM_CLIENT_ID", sandbox.client_id)
    monkeypatch.setenv("STREAM_CLIENT_SECRET", sandbox.client_secret)
    st.cache_resource.clear()
    for page in page_files():
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=30)
        if page.name != "app.py":
            at.switch_page(f"pages/{page.name}")  # through app.py, as Streamlit serves it
        at.secrets = {"access": {"require_login": False}}
        at.run()
        assert not at.exception, at.exception
        assert any("open to anyone who can reach it" in w.value for w in at.warning), page.name
        assert sandbox.client_secret not in texts(at)


def test_require_login_without_auth_serves_no_page(env: Env) -> None:
    at = run(AUDIT_PAGE, secrets={"access": {"require_login": True}})
    assert at.title[0].value == "Sign-in required"
    assert not at.dataframe and not at.tabs


def test_require_login_from_the_environment(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSOLE_REQUIRE_LOGIN", "1")
    at = run(AUDIT_PAGE)
    assert at.title[0].value == "Sign-in required"


def test_with_auth_nobody_signed_in_sees_only_the_sign_in_page(env: Env) -> None:
    at = run(AUDIT_PAGE, user={"is_logged_in": False}, secrets=SIGNED_IN)
    assert at.title[0].value == "Sign in"
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.dataframe and not at.tabs and not at.selectbox


def test_unknown_person_sees_the_ask_an_admin_page_and_nothing_else(env: Env) -> None:
    at = run(AUDIT_PAGE, user=signed_in("stranger@elsewhere.example"), secrets=SIGNED_IN)
    assert at.title[0].value == "Ask an admin for access"
    assert "stranger@elsewhere.example has no role in this console yet." in texts(at)
    assert [b.label for b in at.button] == ["Sign out"]
    assert not at.dataframe and not at.tabs and not at.selectbox and not at.sidebar.selectbox


def test_unverified_email_in_a_listed_domain_is_refused(env: Env) -> None:
    at = run(
        AUDIT_PAGE,
        user={"is_logged_in": True, "email": "x@example.com", "email_verified": False},
        secrets=SIGNED_IN,
    )
    assert at.title[0].value == "Ask an admin for access"


def test_broken_roles_setting_fails_closed_with_a_sentence(env: Env) -> None:
    at = run(
        AUDIT_PAGE, user=signed_in("boss@example.com"), secrets={"auth": AUTH, "roles": {"admin": ["x"]}}
    )
    assert "unknown setting(s) admin" in rendered(at.error[0].value)
    assert not at.dataframe


def test_sign_out_ends_the_session(env: Env) -> None:
    at = run(AUDIT_PAGE, user=signed_in("am@example.com"), secrets=SIGNED_IN)
    assert "Acting as **am@example.com**" in texts(at)
    assert "Role: **account manager** · signed in" in texts(at)
    at.sidebar.button(key="sign_out").click().run()
    assert not at.dataframe  # nothing more is drawn in the run that signed out
    at.run()
    assert at.title[0].value == "Sign in"


# ----- audit visibility -----


def test_account_manager_sees_own_entries_and_their_orgs(env: Env) -> None:
    at = run(AUDIT_PAGE, user=signed_in("AM@example.com"), secrets=SIGNED_IN)
    assert audit_actors(at) == ["am@example.com", "am@example.com", "boss@example.com"]
    assert set(at.dataframe[0].value["org_id"]) == {"AM Pizza (org-am)"}  # its name, then its id
    assert [t.label for t in at.tabs] == ["Entries"]  # no role settings


def test_analyst_sees_only_their_own_entries(env: Env) -> None:
    at = run(AUDIT_PAGE, user=signed_in("reader@example.com"), secrets=SIGNED_IN)
    assert audit_actors(at) == []
    assert "Analysts change nothing" in texts(at)
    assert at.download_button[0].proto.disabled


def test_admin_sees_everyone_and_the_role_settings(env: Env) -> None:
    at = run(AUDIT_PAGE, user=signed_in("boss@example.com"), secrets=SIGNED_IN)
    assert len(audit_actors(at)) == 5
    assert [t.label for t in at.tabs] == ["Entries", "Role settings"]
    rules = at.tabs[1].dataframe[0].value
    assert ("admin", "email", "boss@example.com") in set(map(tuple, rules[["role", "by", "who"]].values))
    assert ("analyst", "domain", "@example.com") in set(map(tuple, rules[["role", "by", "who"]].values))
    at.text_input(key="audit_role_probe").input("am2@EXAMPLE.com").run()
    assert "**am2@EXAMPLE.com** → account manager" in texts(at)
    assert AUTH["client_secret"] not in texts(at) and AUTH["cookie_secret"] not in texts(at)


# ----- filters, detail and export -----


def test_filters_by_org_person_action_outcome_and_date(env: Env) -> None:
    at = run(AUDIT_PAGE)
    at.selectbox(key="audit_org").set_value("org-am2").run()
    assert audit_actors(at) == ["am2@example.com", "am2@example.com"]
    at.selectbox(key="audit_outcome").set_value("error").run()
    frame = at.dataframe[0].value
    assert frame["action"].tolist() == ["Locations ingested"] and "HTTP 503" in frame["summary"].iloc[0]
    at.selectbox(key="audit_org").set_value("All").run()
    at.selectbox(key="audit_outcome").set_value("All").run()
    at.selectbox(key="audit_person").set_value("boss@example.com").run()
    assert at.dataframe[0].value["action"].tolist() == ["Integration started"]
    at.selectbox(key="audit_person").set_value("All").run()
    at.selectbox(key="audit_action").set_value(ORG_CREATED).run()
    assert audit_actors(at) == ["am2@example.com", "am@example.com"]
    at.selectbox(key="audit_action").set_value("All").run()
    at.date_input(key="audit_since").set_value(datetime(2026, 3, 11).date()).run()
    assert not at.dataframe and "No entries match" in at.info[0].value
    at.date_input(key="audit_since").set_value(datetime(2026, 3, 10).date()).run()
    at.date_input(key="audit_until").set_value(datetime(2026, 3, 10).date()).run()
    assert len(audit_actors(at)) == 5


def test_bind_entry_detail_shows_pairs_and_scores(env: Env) -> None:
    at = run(AUDIT_PAGE)
    bind = next(e for e in env.records.list_audit(action=LOCATIONS_BOUND))
    at.selectbox(key="audit_entry").set_value(bind.id).run()
    [pairs] = [d.value for d in at.dataframe if "location_id" in d.value.columns]
    assert pairs.to_dict("records") == [{"location_id": "L1", "store_id": "S9", "score": 0.97}]


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every in-memory media store AppTest creates (one per run), so a test can read a download's bytes."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.testing.v1 import app_test

    stores: list[Any] = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            stores.append(self)

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Recording)
    return stores


def _download(at: AppTest, stores: list[Any]) -> bytes:
    url = at.download_button[0].proto.url
    return bytes(stores[-1].get_file(url.rsplit("/", 1)[-1]).content)


def test_export_csv_holds_exactly_the_rows_shown_in_full(env: Env, media: list[Any]) -> None:
    import io

    import pandas as pd

    at = run(AUDIT_PAGE, user=signed_in("am@example.com"), secrets=SIGNED_IN)
    at.selectbox(key="audit_action").set_value(LOCATIONS_BOUND).run()
    button = at.download_button[0]
    assert button.label == "Export CSV" and not button.proto.disabled
    exported = pd.read_csv(io.BytesIO(_download(at, media)))
    assert exported["actor"].tolist() == ["am@example.com"]
    assert exported["action"].tolist() == [LOCATIONS_BOUND]
    assert '"score": 0.97' in exported["request"].iloc[0]  # the pairs and scores travel with the export


# ----- roles on the real screens (the console on the shared sandbox: tests/pages/conftest.py) -----

ANALYST = "reader@example.com"
ACCOUNT_MANAGER = "am@example.com"
SMALL_MERCHANT = "cafe-lumiere"  # 8 locations


def as_person(at: AppTest, email: str) -> AppTest:
    at.user = signed_in(email)
    at.secrets = SIGNED_IN
    return at


def press_anyway(at: AppTest, key: str) -> AppTest:
    """Send what a hand-made rerun request can: the button's trigger, though the browser shows it disabled.

    AppTest refuses .click() on a disabled widget, so the flag is lifted on the test's copy first; the server
    still sees its own disabled widget (Streamlit drops the forged value) and the console's own check stands
    behind that.
    """
    button = at.button(key=key)
    button.proto.disabled = False
    return button.click().run()


def errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error)


def fill_org_form(at: AppTest, console_env: ConsoleEnv, name: str) -> None:
    values = {
        "name": name,
        "provider_id": console_env.unique("access"),
        "email": "owner@merchant.example",
        "first_name": "Ana",
        "last_name": "Lyst",
    }
    for field, value in values.items():
        at.text_input(key=f"org_form_{field}").input(value)


@pytest.mark.parametrize(("email", "may"), [(ANALYST, False), (ACCOUNT_MANAGER, True)])
def test_create_org_needs_an_account_manager_even_when_the_button_is_pressed_anyway(
    console_env: ConsoleEnv, email: str, may: bool
) -> None:
    at = as_person(console_env.page("2_Organizations.py"), email).run()
    button = at.button(key="create_org_submit")
    assert button.disabled is not may
    if not may:
        assert button.help == refusal(Role.ANALYST, Action.CREATE_ORG)
    fill_org_form(at, console_env, "Role Check Diner")
    press_anyway(at, "create_org_submit")
    assert not at.exception, at.exception
    orgs = console_env.records.list_orgs()
    audit = console_env.records.list_audit(action=ORG_CREATED)
    if may:
        assert [(o.name, o.created_by) for o in orgs] == [("Role Check Diner", ACCOUNT_MANAGER)]
        assert [(e.actor, e.outcome) for e in audit] == [(ACCOUNT_MANAGER, "ok")]
    else:
        assert orgs == [] and audit == []
        assert at.text_input(key="org_form_name").value == "Role Check Diner"  # what was typed stays


@pytest.mark.parametrize(("email", "may"), [(ANALYST, False), (ACCOUNT_MANAGER, True)])
def test_ingest_needs_an_account_manager_even_with_a_crafted_selection(
    console_env: ConsoleEnv, email: str, may: bool
) -> None:
    client = console_env.client()
    seeded = seed_org(client, SMALL_MERCHANT, ingest=0, dsp=None, records=console_env.records)
    console_env.choose(seeded.org_id)
    oid = seeded.pos_onboarding_id
    at = as_person(console_env.page("4_Locations.py"), email).run()
    assert not at.exception, at.exception
    assert at.button(key="locations_ingest").disabled  # nothing selected yet, for anyone
    wanted = [loc.provider_id for loc in client.list_locations(oid)][:2]
    at.session_state[f"locations_selected:{oid}"] = set(wanted)  # as if ticked in the table
    at.run()
    assert at.button(key="locations_ingest").disabled is not may
    press_anyway(at, "locations_ingest")
    assert not at.exception, at.exception
    ingested = {loc.provider_id for loc in client.org_locations(seeded.org_id)}
    audit = console_env.records.list_audit(action=LOCATIONS_INGESTED)
    if may:
        assert ingested == set(wanted)
        assert [e.actor for e in audit] == [ACCOUNT_MANAGER]
    else:
        assert ingested == set() and audit == []


@pytest.mark.parametrize(("email", "may"), [(ANALYST, False), (ACCOUNT_MANAGER, True)])
def test_bind_needs_an_account_manager_even_with_the_confirmation_open_in_session_state(
    console_env: ConsoleEnv, email: str, may: bool
) -> None:
    client = console_env.client()
    seeded = seed_org(client, SMALL_MERCHANT, dsp="grubhub", bind=0, records=console_env.records)
    console_env.choose(seeded.org_id)
    # An account manager opens the confirmation; then the same session goes on as `email` (for the
    # analyst: a session state carrying an open confirmation it could never have opened itself).
    at = as_person(console_env.page("5_Bind.py"), ACCOUNT_MANAGER).run()
    assert not at.exception, at.exception
    at.button(key="bind_review").click().run()
    assert at.session_state[f"bind_pending:{seeded.dsp_onboarding_id}"]
    at = as_person(at, email).run()
    assert at.button(key="bind_review").disabled is not may
    confirm = at.button(key="bind_confirm")
    assert confirm.disabled is not may
    assert confirm.label.startswith("Confirm: bind ") and not confirm.label.startswith("Confirm: bind 0 ")
    press_anyway(at, "bind_confirm")
    assert not at.exception, at.exception
    bound = [loc for loc in client.org_locations(seeded.org_id) if loc.dsps]
    audit = console_env.records.list_audit(action=LOCATIONS_BOUND)
    if may:
        assert bound and [e.actor for e in audit] == [ACCOUNT_MANAGER]
    else:
        assert bound == [] and audit == []


def test_analyst_cannot_start_an_integration(console_env: ConsoleEnv) -> None:
    seeded = seed_org(console_env.client(), SMALL_MERCHANT, ingest=0, dsp=None, records=console_env.records)
    console_env.choose(seeded.org_id)
    before = console_env.records.list_onboardings()
    at = as_person(console_env.page("3_Integrations.py"), ANALYST).run()
    start = at.button(key="start_integration")
    assert start.disabled and start.help == refusal(Role.ANALYST, Action.START_INTEGRATION)
    press_anyway(at, "start_integration")
    assert console_env.records.list_onboardings() == before
    assert console_env.records.list_audit(action=INTEGRATION_STARTED) == []


def test_analyst_opening_an_oauth_return_link_exchanges_nothing_and_leaves_it_usable(
    console_env: ConsoleEnv,
) -> None:
    seeded = seed_org(console_env.client(), SMALL_MERCHANT, ingest=0, dsp=None, records=console_env.records)
    state = console_env.records.new_oauth_state(seeded.pos_onboarding_id, seeded.org_id, ACCOUNT_MANAGER)
    at = as_person(console_env.page("3_Integrations.py", state=state, code="any-code"), ANALYST).run()
    assert not at.exception, at.exception
    assert "An analyst cannot complete an integration's sign-in" in errors(at)
    assert console_env.records.list_audit(action=CODE_EXCHANGED) == []
    assert console_env.records.consume_oauth_state(state).ok  # not used up by the refused attempt


@pytest.mark.parametrize("page", [p.name for p in page_files()])
def test_unknown_person_gets_the_refusal_page_everywhere(console_env: ConsoleEnv, page: str) -> None:
    at = as_person(console_env.page(page), "stranger@elsewhere.example").run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Ask an admin for access"]
    assert [b.key for b in at.button] == ["sign_out_no_role"]
    assert not at.dataframe and not at.selectbox and not at.text_input and not at.metric


@pytest.mark.parametrize("page", [p.name for p in page_files()])
def test_analyst_reads_every_screen(console_env: ConsoleEnv, page: str) -> None:
    at = as_person(console_env.page(page), ANALYST).run()
    assert not at.exception, at.exception
    assert "Ask an admin for access" not in [t.value for t in at.title]
    assert "cannot open" not in errors(at)


# ----- the action-level check itself (what stands behind a page's disabled buttons) -----


def _guarded_script() -> None:
    import streamlit as st

    from lib.access import Action
    from lib.ui.access import action_button, allowed, enforce

    st.session_state.setdefault("calls", [])
    # A flag a page might act on, set by hand; the check sits right where the API call would be.
    if st.session_state.get("bind_now") and allowed(Action.BIND):
        st.session_state["calls"].append("bind")
    if action_button("Ingest", Action.INGEST, key="ingest"):
        st.session_state["calls"].append("ingest")
    enforce(Action.CREATE_ORG)
    st.session_state["calls"].append("past enforce")


@pytest.mark.parametrize(("email", "may"), [(ANALYST, False), (ACCOUNT_MANAGER, True)])
def test_allowed_and_enforce_refuse_a_crafted_session_state(email: str, may: bool) -> None:
    at = AppTest.from_function(_guarded_script)
    at.user = signed_in(email)
    at.secrets = SIGNED_IN
    at.session_state["bind_now"] = True
    at.run()
    assert not at.exception, at.exception
    ingest = at.button(key="ingest")
    if may:
        assert at.session_state["calls"] == ["bind", "past enforce"]
        assert not ingest.disabled and not at.error
    else:
        assert at.session_state["calls"] == []
        assert [e.value for e in at.error] == [
            refusal(Role.ANALYST, Action.BIND),
            refusal(Role.ANALYST, Action.CREATE_ORG),
        ]
        assert ingest.disabled and ingest.help == refusal(Role.ANALYST, Action.INGEST)


def test_the_role_is_read_afresh_on_every_run_not_kept_in_the_session() -> None:
    at = AppTest.from_function(_guarded_script)
    at.user = signed_in(ACCOUNT_MANAGER)
    at.secrets = SIGNED_IN
    at.run()
    assert at.session_state["calls"] == ["past enforce"]
    # An admin takes the person off the account managers: the very next run refuses.
    at.secrets = {"auth": AUTH, "roles": {"analyst_domains": ["example.com"]}}
    at.session_state["bind_now"] = True
    at.run()
    assert at.session_state["calls"] == ["past enforce"]
    assert refusal(Role.ANALYST, Action.BIND) in errors(at)
