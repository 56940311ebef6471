"""python -m lib.watch: one summary line per pass, exit codes, the --every loop, and its settings."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from benchmarks.seed import seed_org
from lib.store import Records
from lib.watch import Rules, parse_every, watch_settings
from lib.watch.__main__ import run

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, slow_sandbox, tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'console.db'}"
    for key, value in {
        "STREAM_API_URL": slow_sandbox.base_url,
        "STREAM_CLIENT_ID": slow_sandbox.client_id,
        "STREAM_CLIENT_SECRET": slow_sandbox.client_secret,
        "DATABASE_URL": url,
        "CONSOLE_DATA_DIR": str(tmp_path),
    }.items():
        monkeypatch.setenv(key, value)
    return url


class Lines(io.StringIO):
    """Output that tells a waiting test each time a line is written."""

    def __init__(self) -> None:
        super().__init__()
        self.written = threading.Semaphore(0)

    def write(self, text: str) -> int:
        n = super().write(text)
        if text.endswith("\n"):
            self.written.release()
        return n


def test_one_pass_prints_one_summary_line(env: str, api) -> None:
    with Records(env) as records:
        seed_org(api, "rosas-cantina", records=records)
        seed_org(api, "rosas-cantina", records=records)
    out, err = io.StringIO(), io.StringIO()
    assert run(["run"], out, err) == 0
    (line,) = out.getvalue().splitlines()
    assert line.endswith(" 2 orgs, 0 changes, 0 alerts sent, 0 failed") and err.getvalue() == ""


def test_an_unreadable_org_exits_3_and_is_named(env: str, api) -> None:
    with Records(env) as records:
        seed_org(api, "rosas-cantina", records=records)
        records.add_org("org-that-does-not-exist", "Ghost", None, None, "am@x")
    out, err = io.StringIO(), io.StringIO()
    assert run(["run"], out, err) == 3
    assert out.getvalue().rstrip().endswith("2 orgs, 0 changes, 0 alerts sent, 1 failed")
    assert "unreadable: org-that-does-not-exist:" in err.getvalue()


def test_every_loops_until_stopped(env: str, api) -> None:
    with Records(env) as records:
        seed_org(api, "rosas-cantina", records=records)
    out, stop = Lines(), threading.Event()
    codes: list[int] = []
    worker = threading.Thread(
        target=lambda: codes.append(run(["run", "--every", "0.2s"], out, io.StringIO(), stop))
    )
    worker.start()
    assert out.written.acquire(timeout=60) and out.written.acquire(timeout=60)  # two passes
    stop.set()
    worker.join(timeout=60)
    assert codes == [0] and len(out.getvalue().splitlines()) >= 2


def test_bad_arguments_and_settings_read_as_one_sentence(env: str, tmp_path: Path) -> None:
    bad = subprocess.run(
        [sys.executable, "-m", "lib.watch", "run", "--every", "soon"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "--every takes a duration such as 90s, 15m, 1h or 1d" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_records_or_api_that_cannot_be_used_read_as_one_line(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://bob:hunter2@127.0.0.1:1/records")  # nothing listens
    err = io.StringIO()
    assert run(["run"], io.StringIO(), err) == 1
    assert err.getvalue() == (
        "error: the console's records at postgresql://***@127.0.0.1:1/records could not be opened "
        "(OperationalError). Check DATABASE_URL.\n"
    )
    monkeypatch.setenv("DATABASE_URL", env)
    monkeypatch.setenv("STREAM_CLIENT_ID", "")
    err = io.StringIO()
    assert run(["run"], io.StringIO(), err) == 1
    assert err.getvalue().startswith("error: the watcher could not start: STREAM_API_URL is set but")
    assert len(err.getvalue().splitlines()) == 1


def test_settings_from_secrets_toml_sections() -> None:
    settings = watch_settings(
        {
            "watch": {
                "rules": {
                    "waiting_for_oauth_hours": 12,
                    "dsp_pending_days": 0,
                    "integration_deprovisioned": False,
                },
                "webhooks": [{"name": "ops", "url": "https://hooks.example.test/T/X", "format": "json"}],
            },
        },
        "https://console.corp.test/",
    )
    assert settings.rules == Rules(
        integration_deprovisioned=False, waiting_for_oauth_hours=12, dsp_pending_days=0
    )
    assert settings.public_url == "https://console.corp.test" and settings.webhooks[0].format == "json"
    assert "hooks.example.test" not in repr(settings)  # the webhook URL is a credential
    assert watch_settings({}).rules == Rules()
    for bad, message in [
        ({"rules": {"unbound_day": 1}}, "unknown settings: unbound_day"),
        ({"rules": {"unbound_days": "soon"}}, "unbound_days must be a number"),
        ({"webhooks": [{"url": "ftp://x"}]}, "needs a url starting with http"),
        ({"webhooks": [{"url": "https://x", "format": "xml"}]}, "format must be slack or json"),
    ]:
        with pytest.raises(ValueError, match=message):
            watch_settings({"watch": bad})
    assert parse_every("15m") == timedelta(minutes=15) and parse_every("900") == timedelta(seconds=900)


def test_export_cli_writes_the_history_tables(env: str, api, tmp_path: Path) -> None:
    import pandas as pd

    from lib.export.__main__ import run as export

    with Records(env) as records:
        org = seed_org(api, "rosas-cantina", records=records)
    assert run(["run"], io.StringIO(), io.StringIO()) == 0
    out = io.StringIO()
    assert export(["--table", "funnel", "--out", str(tmp_path / "funnel.xlsx")], out, io.StringIO()) == 0
    funnel = pd.read_excel(tmp_path / "funnel.xlsx")
    assert list(funnel["stage"]) == [
        "Org created",
        "POS active",
        "Locations ingested",
        "DSP active",
        "Bound",
        "APPROVED",
    ]
    assert list(funnel["orgs"]) == [1, 1, 1, 1, 1, 0] and "Wrote 6 rows of funnel" in out.getvalue()
    for name, fmt in (("location_history", "parquet"), ("events", "csv"), ("integration_history", "xlsx")):
        path = tmp_path / f"{name}.{fmt}"
        assert export(["--table", name, "--out", str(path)], io.StringIO(), io.StringIO()) == 0
    assert len(pd.read_parquet(tmp_path / "location_history.parquet")) == 9  # 3 locations x 3 channels
    assert len(pd.read_excel(tmp_path / "integration_history.xlsx")) == 2
    path = tmp_path / "timeline.parquet"
    assert export(["--table", "timeline", "--out", str(path)], io.StringIO(), io.StringIO()) == 0
    timeline = pd.read_parquet(path)  # History's timeline of every org: 2 integration lanes, 3 location lanes
    assert set(timeline["org_id"]) == {org.org_id} and len(timeline) == 5
    assert sorted(timeline["lane"].str.split(" ").str[0]) == [
        "DSP",
        "POS",
        "locations",
        "locations",
        "locations",
    ]
    assert timeline["locations"].dropna().tolist() == [3, 3, 3]
