"""The bind benchmark runs end to end on a small merchant and proves an edit does not re-run matching."""

from __future__ import annotations

import json

import pytest

from benchmarks import binding as bench


def test_bench_prints_json_and_edits_do_not_rerun_matching(capsys: pytest.CaptureFixture[str]) -> None:
    bench.main(["--merchant", "taco-tres", "--dsp", "grubhub", "--repeats", "1"])
    report = json.loads(capsys.readouterr().out)
    assert report["pipeline_s"]["rows"] == 40 and report["apptest"]["pos_locations"] == 40
    assert report["apptest"]["matching_runs"] == {
        "during_first_run": 1,
        "during_edits": 0,
        "after_first_edit": 0,
    }
    assert report["edit_reruns_matching"] is False
    for key in ("first_run_s", "first_run_from_data_arrival_s", "edit_rerun_s"):
        assert report["apptest"][key] > 0
