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

from lib.store import INTEGRATION_STARTED, LOCATIONS_BOUND, LOCATIONS_INGESTED, ORG_CREATED, Records

REPO = Path(__file__).resolve().parents[2]
AUDIT_PAGE = str(REPO / "pages" / "8_Audit_log.py")
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
    at = AppTest.from_file(page, default_timeout=30)
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
    return "\n".join(str(p) for p in parts)


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
    at = run(AUDIT_PAGE)
    assert any("open to anyone who can reach it" in w.value for w in at.warning)
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
    assert "unknown setting(s) admin" in at.error[0].value
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
    assert set(at.dataframe[0].value["org_id"]) == {"org-am"}
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
    pairs = at.dataframe[1].value
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
