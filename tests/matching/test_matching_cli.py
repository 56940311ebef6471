"""CLI contracts: `python -m lib.matching propose` and the bench JSON, each run as a subprocess."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.matching import cli_case

REPO = Path(__file__).resolve().parents[2]
HEADER = "pos_provider_id,dsp_provider_id,score,band,reason"


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lib.matching", *map(str, args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, fodors_dir: Path) -> tuple[Path, Path, int]:
    """A slice of Fodor's/Zagat, with an extra column and the phone column dropped on one side."""
    tmp = tmp_path_factory.mktemp("cli")
    read = {"dtype": str, "keep_default_na": False}
    pos = pd.read_csv(fodors_dir / "pos.csv", **read).iloc[:60].copy()
    pos["cuisine"] = "x"  # extra columns are ignored
    dsp = pd.read_csv(fodors_dir / "dsp.csv", **read).drop(columns=["phone"])  # phone is optional
    pos.to_csv(tmp / "pos.csv", index=False)
    dsp.to_csv(tmp / "dsp.csv", index=False)
    return tmp / "pos.csv", tmp / "dsp.csv", len(pos)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_propose_writes_the_exact_header_and_one_row_per_pos_location(small: tuple[Path, Path, int]) -> None:
    pos, dsp, n = small
    done = run_cli("propose", "--pos", pos, "--dsp", dsp)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == HEADER
    rows = _rows(done.stdout)
    assert len(rows) == n
    assert [r["pos_provider_id"] for r in rows] == list(pd.read_csv(pos, dtype=str)["provider_id"])
    assert {r["band"] for r in rows} <= {"auto", "review", "none"}
    assert any(r["band"] == "auto" for r in rows)
    for r in rows:
        assert 0.0 <= float(r["score"]) <= 100.0
        assert r["reason"]
        assert (r["dsp_provider_id"] == "") == (r["band"] == "none")
    # Arnie Morton's of Chicago (Fodor's 534) is Zagat 219.
    assert next(r for r in rows if r["pos_provider_id"] == "534")["dsp_provider_id"] == "219"


def test_propose_out_writes_the_same_csv_to_a_file(small: tuple[Path, Path, int], tmp_path: Path) -> None:
    pos, dsp, _ = small
    out = tmp_path / "proposals.csv"
    done = run_cli("propose", "--pos", pos, "--dsp", dsp, "--out", out)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert out.read_text() == run_cli("propose", "--pos", pos, "--dsp", dsp).stdout


def _fails_with_one_line(done: subprocess.CompletedProcess[str], *words: str) -> str:
    assert done.returncode != 0
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


def test_missing_required_column_fails_with_one_clear_line(
    small: tuple[Path, Path, int], tmp_path: Path
) -> None:
    pos, dsp, _ = small
    bad = tmp_path / "no_zip.csv"
    pd.read_csv(dsp, dtype=str).drop(columns=["postal_code"]).to_csv(bad, index=False)
    _fails_with_one_line(run_cli("propose", "--pos", pos, "--dsp", bad), "DSP", "postal_code")


def test_empty_file_fails_with_one_clear_line(small: tuple[Path, Path, int], tmp_path: Path) -> None:
    _, dsp, _ = small
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    _fails_with_one_line(run_cli("propose", "--pos", empty, "--dsp", dsp), "POS", "empty")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", ("POS", "not a CSV")),
        (b'{"locations": [{"provider_id": "1", "name": "x"}]}\n', ("POS", "not a location CSV")),
        (  # a row with more fields than the header
            b"provider_id,name,address_line_1,locality,administrative_district_level_1,postal_code,country\n"
            b"1,A,1 Main St,Reno,NV,89501,US\n2,B,2 Main St,Reno,NV,89501,US,x,y,z\n",
            ("POS", "not a valid CSV"),
        ),
    ],
)
def test_a_file_that_is_not_a_location_csv_fails_with_one_clear_line(
    small: tuple[Path, Path, int], tmp_path: Path, content: bytes, words: tuple[str, ...]
) -> None:
    _, dsp, _ = small
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    _fails_with_one_line(run_cli("propose", "--pos", bad, "--dsp", dsp), *words)


def test_missing_file_fails_with_one_clear_line(small: tuple[Path, Path, int], tmp_path: Path) -> None:
    pos, _, _ = small
    _fails_with_one_line(run_cli("propose", "--pos", pos, "--dsp", tmp_path / "nope.csv"), "not found")


def test_a_directory_instead_of_a_file_fails_with_one_clear_line(
    small: tuple[Path, Path, int], tmp_path: Path
) -> None:
    _, dsp, _ = small
    _fails_with_one_line(run_cli("propose", "--pos", tmp_path, "--dsp", dsp), "POS", "directory")


def test_header_only_input_gives_the_header_and_no_rows(
    small: tuple[Path, Path, int], tmp_path: Path
) -> None:
    # Zero POS locations is a valid (if dull) input: the contract's header, no rows, success.
    pos, dsp, _ = small
    header_only = tmp_path / "header_only.csv"
    header_only.write_text(pos.read_text().splitlines()[0] + "\n")
    done = run_cli("propose", "--pos", header_only, "--dsp", dsp)
    assert done.returncode == 0, done.stderr
    assert done.stdout == HEADER + "\n"


def test_bench_prints_json_with_accuracy_time_and_memory() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.matching",
            "--sizes",
            "60",
            "--no-baseline",
            "--no-cli",
            "--bind-size",
            "80",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,  # four fresh interpreters (profiles, bind screen): slow on a loaded 2-core box
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    case = result["synthetic"][0]
    assert case["n_pos"] == 60
    for band in ("auto", "auto_review"):
        assert set(case[band]) >= {"precision", "recall", "f1"}
    assert case["wall_s"] > 0 and case["peak_rss_mb"] > 0 and case["traced_peak_mb"] > 0
    assert result["bind_screen_80"]["n_pos"] == 80
    assert result["fodors_zagats"]["auto_review"]["f1"] >= 0.97
    # The harder profile is reported per class, with the wrong pairs counted.
    hard = result["hard"][0]["per_class"]
    assert {"route", "canada", "virtual_brand", "all"} <= set(hard)
    assert {"auto_precision", "auto_recall", "auto_wrong", "auto_review_recall"} <= set(hard["all"])


def test_lib_matching_bench_still_runs_the_benchmark() -> None:
    done = run_cli("bench", "--help")
    assert done.returncode == 0, done.stderr
    assert "--no-cli" in done.stdout and "--sizes" in done.stdout
    # Its options reach the benchmark (an unknown one is the benchmark's own one-line usage error).
    done = run_cli("bench", "--sizes", "60", "--no-such-option")
    assert done.returncode == 2 and "benchmarks.matching" in done.stderr
    assert "unrecognized arguments: --no-such-option" in done.stderr


def test_bench_times_the_whole_cli_on_a_dense_block() -> None:
    run = cli_case("dense_zip", 150, seed=0)
    assert (run["exit_code"], run["rows_written"], run["n_pos"]) == (0, 150, 150)
    assert run["wall_s"] > 0 and run["peak_rss_mb"] > 0
