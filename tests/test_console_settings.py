"""The one settings model (lib/settings.py): every documented setting takes effect, a bad value is one line.

Each setting has a test here (or, for CONSOLE_REQUIRE_LOGIN, in tests/pages/test_access.py) that shows the
setting changing what the console, its client or its sandbox does.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from lib.connect import open_client, resolve_target
from lib.sandbox.embed import EmbeddedSandbox, start_background
from lib.sandbox.settings import SandboxSettings
from lib.settings import REPO_ROOT, SettingsError, load_settings, setting_names
from lib.store import Records
from lib.stream.errors import APITimeoutError, ServerError, UnexpectedResponseError
from lib.stream.models import CreateIntegrationRequest, CreateOrgRequest, OrgUser

OWNER = OrgUser(email="owner@example.com", first_name="Olive", last_name="Owner")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No setting leaks in from the developer's shell or from another test."""
    for name in setting_names():
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def slow_sandbox(tmp_path: Path) -> Iterator[EmbeddedSandbox]:
    """A private sandbox (fault knobs changed freely) answering every API call after 800 ms."""
    running = start_background(tmp_path / "slow", latency_ms=800)
    yield running
    running.stop()


def _use_api(monkeypatch: pytest.MonkeyPatch, sandbox: EmbeddedSandbox) -> None:
    monkeypatch.setenv("STREAM_API_URL", sandbox.base_url + "/")
    monkeypatch.setenv("STREAM_CLIENT_ID", sandbox.client_id)
    monkeypatch.setenv("STREAM_CLIENT_SECRET", sandbox.client_secret)


def test_readme_configuration_table_lists_exactly_the_settings() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    table = readme.split("| setting | meaning |", 1)[1].split("\n\n", 1)[0]
    first_cells = [row.split("|")[1] for row in table.splitlines()[1:] if row.startswith("|")]
    documented = {name for cell in first_cells for name in re.findall(r"`([A-Z_]+)`", cell)}
    assert documented == set(setting_names())


def test_the_environment_wins_over_the_secrets_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        'STREAM_MAX_RETRIES = 3\nCONSOLE_PUBLIC_URL = "https://file.example"\n[roles]\nadmins = []\n'
    )
    assert load_settings(secrets_path=secrets).stream_max_retries == 3
    monkeypatch.setenv("STREAM_MAX_RETRIES", "5")
    settings = load_settings(secrets_path=secrets)
    assert (settings.stream_max_retries, settings.console_public_url) == (5, "https://file.example")
    assert load_settings(secrets={"stream_max_retries": 1}).stream_max_retries == 5  # st.secrets too


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("STREAM_READ_TIMEOUT", "abc", "STREAM_READ_TIMEOUT should be a valid number"),
        ("STREAM_CONNECT_TIMEOUT", "0", "STREAM_CONNECT_TIMEOUT should be greater than 0"),
        ("STREAM_MAX_RETRIES", "-1", "STREAM_MAX_RETRIES should be greater than or equal to 0"),
        ("STREAM_API_URL", "partner.example.com", "STREAM_API_URL must start with http:// or https://"),
        ("CONSOLE_REQUIRE_LOGIN", "maybe", "CONSOLE_REQUIRE_LOGIN should be a valid boolean"),
        ("SANDBOX_ERROR_RATE", "2", "SANDBOX_ERROR_RATE should be less than or equal to 1"),
        ("SANDBOX_TOKEN_TTL", "soon", "SANDBOX_TOKEN_TTL should be a valid number"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, says: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(says) and "\n" not in message
    assert message.endswith("fix it in the environment or .streamlit/secrets.toml.")


def test_a_bad_secret_is_named_but_never_echoed(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("STREAM_CLIENT_SECRET = 123456789\n")  # a number, not text
    with pytest.raises(SettingsError, match="STREAM_CLIENT_SECRET") as caught:
        load_settings(secrets_path=secrets)
    assert "123456789" not in str(caught.value)


def test_clis_say_a_bad_value_in_one_line(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "SANDBOX_TOKEN_TTL": "soon", "STREAM_READ_TIMEOUT": "soon"}
    for args in (
        ["-m", "lib.sandbox", "reset", "--data-dir", str(tmp_path)],
        ["-m", "lib.export", "--all", "--format", "csv", "--out", str(tmp_path / "x.csv")],
    ):
        run = subprocess.run(
            [sys.executable, *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert run.returncode != 0, run.stdout
        assert "Traceback" not in run.stderr
        assert "should be a valid number" in run.stderr and len(run.stderr.strip().splitlines()) == 1, (
            run.stderr
        )


# ----- STREAM_* -----


def test_stream_api_url_and_credentials_choose_the_api(
    sandbox: EmbeddedSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use_api(monkeypatch, sandbox)
    target = resolve_target()
    assert (target.base_url, target.is_sandbox, target.client_id) == (
        sandbox.base_url,
        False,
        sandbox.client_id,
    )
    with open_client(target) as client:
        assert client.check_connection().scopes  # the secret from STREAM_CLIENT_SECRET is accepted
    monkeypatch.setenv("STREAM_CLIENT_SECRET", "wrong")
    with open_client(resolve_target()) as client, pytest.raises(Exception, match=r"(?i)credential|client"):
        client.check_connection()
    monkeypatch.delenv("STREAM_CLIENT_ID")
    with pytest.raises(ValueError, match="STREAM_CLIENT_ID or STREAM_CLIENT_SECRET is missing"):
        resolve_target()


def test_stream_read_timeout_ends_a_slow_call(
    slow_sandbox: EmbeddedSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use_api(monkeypatch, slow_sandbox)
    monkeypatch.setenv("STREAM_MAX_RETRIES", "0")
    with open_client(resolve_target()) as client:
        assert client.check_connection()  # 800 ms is within the default 30 s
    monkeypatch.setenv("STREAM_READ_TIMEOUT", "0.2")
    with open_client(resolve_target()) as client, pytest.raises(APITimeoutError):
        client.check_connection()


def test_stream_connect_timeout_reaches_the_client(
    sandbox: EmbeddedSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use_api(monkeypatch, sandbox)
    monkeypatch.setenv("STREAM_CONNECT_TIMEOUT", "1.5")
    with open_client(resolve_target()) as client:
        assert client._http.timeout.connect == 1.5
        assert client._http.timeout.read == 30.0


def test_stream_max_retries_decides_whether_a_failed_read_is_repeated(
    slow_sandbox: EmbeddedSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use_api(monkeypatch, slow_sandbox)
    slow_sandbox.set_faults(latency_ms=0)
    with open_client(resolve_target()) as client:
        request = CreateOrgRequest(name="Settings test", provider_id="settings-retries", user=OWNER)
        org = client.create_org(request).org_id
        slow_sandbox.set_faults(fail_next=1, fail_path="/onboarding/org/")
        assert client.org_locations(org) == []  # retried once (default 2 retries), then answered
    monkeypatch.setenv("STREAM_MAX_RETRIES", "0")
    with open_client(resolve_target()) as client:
        slow_sandbox.set_faults(fail_next=1, fail_path="/onboarding/org/")
        with pytest.raises(ServerError):
            client.org_locations(org)


def test_stream_call_deadline_bounds_a_whole_call(
    slow_sandbox: EmbeddedSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use_api(monkeypatch, slow_sandbox)
    with open_client(resolve_target()) as client:
        assert client.check_connection()  # 800 ms: within the default deadline and read timeout
    monkeypatch.setenv("STREAM_CALL_DEADLINE", "0.3")  # the read timeout stays 30 s
    with open_client(resolve_target()) as client, pytest.raises(APITimeoutError) as caught:
        client.check_connection()
    assert "within 0.3 s" in caught.value.message


def test_stream_max_body_bytes_refuses_a_larger_answer(
    sandbox: EmbeddedSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use_api(monkeypatch, sandbox)
    with open_client(resolve_target()) as client:
        org = client.create_org(CreateOrgRequest(name="Body cap", provider_id="settings-body", user=OWNER))
        pos = client.create_integration(
            CreateIntegrationRequest(
                org_id=org.org_id, source="clover", type="pos", return_url="http://127.0.0.1:8501"
            )
        )
        assert pos.id is not None
        client.exchange_code(pos.id, "SANDBOX-bread-and-butter")
        assert len(client.list_locations(pos.id)) == 12  # several kB of locations
    monkeypatch.setenv("STREAM_MAX_BODY_BYTES", "1024")
    with open_client(resolve_target()) as client, pytest.raises(UnexpectedResponseError) as caught:
        client.list_locations(pos.id)
    assert "larger than" in caught.value.message


# ----- DATABASE_URL, CONSOLE_* -----


def test_database_url_and_console_data_dir_place_the_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONSOLE_DATA_DIR", str(tmp_path / "data"))
    settings = load_settings()
    assert settings.records_url == f"sqlite:///{tmp_path / 'data' / 'console.db'}"
    assert settings.sandbox_dir == tmp_path / "data" / "sandbox"
    with Records() as records:
        records.list_orgs()
    assert (tmp_path / "data" / "console.db").is_file()
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    with Records() as records:
        assert records.url == url
        records.list_orgs()
    assert (tmp_path / "elsewhere.db").is_file()


def test_console_public_url_sets_the_oauth_return_base(monkeypatch: pytest.MonkeyPatch) -> None:
    from lib.ui.console_url import console_base_url

    monkeypatch.setenv("CONSOLE_PUBLIC_URL", "https://console.example.com/")
    assert console_base_url("Integrations") == "https://console.example.com"


def test_console_require_login_reads_as_a_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().console_require_login is None  # unset: [access] require_login decides
    monkeypatch.setenv("CONSOLE_REQUIRE_LOGIN", "yes")
    assert load_settings(secrets={"access": {"require_login": False}}).console_require_login is True


# ----- SANDBOX_* -----


@pytest.mark.parametrize(
    ("name", "value", "read"),
    [
        ("SANDBOX_TOKEN_TTL", "77", lambda s: s.token_ttl == 77),
        ("SANDBOX_REFRESH_TTL", "88", lambda s: s.refresh_ttl == 88),
        ("SANDBOX_APPROVE_AFTER", "0.5", lambda s: s.approve_after_seconds == 0.5),
        (
            "SANDBOX_PUBLIC_URL",
            "https://sandbox.example",
            lambda s: s.public_url == "https://sandbox.example",
        ),
        ("SANDBOX_DATA_DIR", "/tmp/sandbox-x", lambda s: s.db_path == Path("/tmp/sandbox-x/sandbox.sqlite3")),
    ],
)
def test_sandbox_settings_shape_the_sandbox(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, read
) -> None:
    assert not read(SandboxSettings.from_env())
    monkeypatch.setenv(name, value)
    assert read(SandboxSettings.from_env())


def test_sandbox_fault_settings_reach_a_running_sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    values = {
        "SANDBOX_ERROR_RATE": "0.25",
        "SANDBOX_RATE_LIMIT_RATE": "0.5",
        "SANDBOX_RETRY_AFTER": "3",
        "SANDBOX_LATENCY_MS": "7",
        "SANDBOX_SEED": "42",
        "SANDBOX_TOKEN_TTL": "123",
        "SANDBOX_REJECT_RATE": "0.75",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    running = start_background(tmp_path / "sandbox")
    try:
        knobs = httpx.get(f"{running.base_url}/sandbox/faults", timeout=10).json()
        assert (knobs["error_rate"], knobs["rate_limit_rate"], knobs["retry_after"]) == (0.25, 0.5, 3)
        assert (knobs["latency_ms"], knobs["seed"], knobs["reject_rate"]) == (7, 42, 0.75)
        running.set_faults(error_rate=0, rate_limit_rate=0)
        token = httpx.post(
            f"{running.base_url}/oauth/token",
            json={
                "grant_type": "client_credentials",
                "client_id": running.client_id,
                "client_secret": running.client_secret,
            },
            timeout=10,
        ).json()
        assert token["expires_in"] == 123
    finally:
        running.stop()
