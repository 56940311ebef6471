"""`python -m lib.export` on bad paths, ids, STREAM_API_URL and a garbled API: sentences, not tracebacks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lib.export.__main__ import EXIT_FAILED, EXIT_USAGE
from lib.store import Records
from tests.export.conftest import World
from tests.export.test_export_cli import api_env, cli  # noqa: F401 - the fixture is used by name
from tests.hostile_api import CLIENT_ID, CLIENT_SECRET, HostileApi, hostile_api


@pytest.mark.parametrize("where", ["/dev/full", "file-not-folder"])
def test_an_unwritable_path_is_a_sentence(api_env: World, tmp_path: Path, where: str) -> None:  # noqa: F811
    if where == "file-not-folder":
        blocker = tmp_path / "a-file"
        blocker.write_text("x")
        where = str(blocker / "status.csv")  # its "folder" is a file: it cannot be created
    org = api_env.orgs[0].org_id
    code, _, stderr = cli("--org", org, "--format", "csv", "--out", where)
    assert code == EXIT_FAILED
    assert stderr.startswith(f"error: could not write {where} (")
    assert "Traceback" not in stderr and "unexpected" not in stderr


@pytest.mark.parametrize("org", ["..", "."])
def test_an_org_id_that_is_a_path_step_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], org: str
) -> None:
    code, _, _ = cli("--org", org, "--out", str(tmp_path / "x.csv"))
    assert code == EXIT_USAGE
    err = capsys.readouterr().err
    assert "is not . or .." in err and "unexpected" not in err


def test_a_url_without_scheme_is_a_sentence_and_its_password_is_masked(
    api_env: World,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STREAM_API_URL", "user:hunter2-secret@api.example.com")
    code, _, stderr = cli("--all", "--out", str(tmp_path / "x.csv"))
    assert code == EXIT_FAILED
    assert "STREAM_API_URL must start with http:// or https://" in stderr
    assert "hunter2-secret" not in stderr


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HostileApi]:
    url = f"sqlite:///{tmp_path / 'records.db'}"
    with Records(url) as records:
        records.add_org("org-1", "Cantina", "crm-1", "a@example.com", "seed@example.com")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("STREAM_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("STREAM_CLIENT_SECRET", CLIENT_SECRET)
    with hostile_api() as api:
        monkeypatch.setenv("STREAM_API_URL", api.base_url)
        yield api


@pytest.mark.parametrize("mode", ["shape", "deep"])
def test_an_org_whose_state_cannot_be_read_fails_with_a_sentence(
    hostile: HostileApi, tmp_path: Path, mode: str
) -> None:
    hostile.mode = mode
    out = tmp_path / "status.csv"
    for args in (("--org", "org-1"), ("--all",)):
        code, _, stderr = cli(*args, "--out", str(out))
        assert code == EXIT_FAILED, (args, stderr)
        assert "could not read" in stderr
        assert not out.exists(), "an org that could not be read must not be exported as 0 rows"


def test_a_lone_surrogate_in_a_name_is_exported(hostile: HostileApi, tmp_path: Path) -> None:
    hostile.mode = "surrogate"
    out = tmp_path / "status.csv"
    code, _, stderr = cli("--org", "org-1", "--out", str(out))
    assert code == 0, stderr
    assert "Caf\ufffd" in out.read_text(encoding="utf-8")
