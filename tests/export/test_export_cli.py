"""`python -m lib.export`: each format, one org or all, bad arguments, unknown org, no orgs, API down."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from lib.export.__main__ import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, run
from lib.sandbox.embed import EmbeddedSandbox
from lib.store import Records
from tests.export.conftest import World

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def api_env(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    """Point the CLI (in this process) at the test sandbox and the seeded records."""
    monkeypatch.setenv("STREAM_API_URL", world.sandbox.base_url)
    monkeypatch.setenv("STREAM_CLIENT_ID", world.sandbox.client_id)
    monkeypatch.setenv("STREAM_CLIENT_SECRET", world.sandbox.client_secret)
    monkeypatch.setenv("DATABASE_URL", world.database_url)
    return world


def cli(*args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        code = run(list(args), out=out, err=err)
    except SystemExit as exc:  # argparse errors
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def read(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path, dtype=str)
    if path.suffix == ".xlsx":
        return pd.read_excel(path, dtype=str)
    return pd.read_parquet(path)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_all_orgs_in_each_format(api_env: World, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"portfolio.{fmt}"
    code, stdout, stderr = cli("--all", "--format", fmt, "--out", str(out))
    assert code == EXIT_OK, stderr
    assert "Wrote 51 locations of 3 organizations" in stdout
    table = read(out)
    assert len(table) == 51
    assert table["org_id"].drop_duplicates().tolist() == [o.org_id for o in api_env.orgs]
    taco = api_env.orgs[0]
    answer = api_env.client.org_locations(taco.org_id)
    rows = table[table["org_id"] == taco.org_id]
    assert rows["location_id"].tolist() == [loc.id for loc in answer]
    assert rows["dsp_grubhub"].notna().sum() == 20


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_one_org_with_format_from_the_file_name(api_env: World, tmp_path: Path, fmt: str) -> None:
    cantina = api_env.orgs[1]
    out = tmp_path / "deep" / f"cantina.{fmt}"
    code, _, stderr = cli("--org", cantina.org_id, "--out", str(out))
    assert code == EXIT_OK, stderr
    table = read(out)
    # Each row says which org it is about (not only the file name): id and name from the console's records.
    assert set(table["org_id"]) == {cantina.org_id} and set(table["org_name"]) == {cantina.name}
    assert table["provider_id"].tolist() == cantina.ingested
    assert table["name"].tolist() == [loc.name for loc in api_env.client.org_locations(cantina.org_id)]


def test_unknown_org_says_so_and_writes_nothing(api_env: World, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    code, _, stderr = cli("--org", "org-that-does-not-exist", "--out", str(out))
    assert code == EXIT_FAILED
    assert "org-that-does-not-exist" in stderr
    assert "could not find" in stderr
    assert not out.exists()


def test_bad_format_is_a_usage_error(
    api_env: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = cli("--all", "--format", "json", "--out", str(tmp_path / "x.json"))
    assert code == EXIT_USAGE
    assert "invalid choice: 'json'" in capsys.readouterr().err


def test_format_needed_when_the_file_name_has_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = cli("--org", "x", "--out", str(tmp_path / "export"))
    assert code == EXIT_USAGE
    assert "give --format" in capsys.readouterr().err


def test_org_and_all_together_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = cli("--org", "x", "--all", "--out", str(tmp_path / "x.csv"))
    assert code == EXIT_USAGE
    assert "not allowed with argument" in capsys.readouterr().err


def test_no_recorded_orgs(api_env: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    Records(url).close()
    monkeypatch.setenv("DATABASE_URL", url)
    code, _, stderr = cli("--all", "--out", str(tmp_path / "x.csv"))
    assert code == EXIT_FAILED
    assert "hold no organizations yet" in stderr
    assert "--org ORG_ID" in stderr


def test_failed_org_is_listed_and_the_rest_written(
    api_env: World, no_faults: EmbeddedSandbox, tmp_path: Path
) -> None:
    cantina = api_env.orgs[1]
    no_faults.set_faults(fail_org_ids=[cantina.org_id])
    out = tmp_path / "p.xlsx"
    code, stdout, stderr = cli("--all", "--out", str(out))
    assert code == EXIT_PARTIAL
    assert "Wrote 48 locations of 2 organizations" in stdout
    assert f"{cantina.org_id} (Rosa's Cantina)" in stderr
    failed = pd.read_excel(out, sheet_name="Failed orgs")
    assert failed["org_id"].tolist() == [cantina.org_id]


def test_unreachable_api(api_env: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STREAM_API_URL", "http://127.0.0.1:9")  # discard port: nothing listens
    out = tmp_path / "x.csv"
    code, _, stderr = cli("--all", "--out", str(out))
    assert code == EXIT_FAILED
    assert "could not reach the API" in stderr
    assert not out.exists()


def test_real_process_uses_the_embedded_sandbox_by_default(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAM_")}
    env.update(CONSOLE_DATA_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'console.db'}")
    done = subprocess.run(
        [sys.executable, "-m", "lib.export", "--org", "no-such-org", "--out", str(tmp_path / "x.csv")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == EXIT_FAILED
    # The sandbox answered (a 404 for the org), so the CLI started it under CONSOLE_DATA_DIR.
    assert "could not find" in done.stderr
    assert (tmp_path / "sandbox").is_dir()
    assert "Traceback" not in done.stderr
