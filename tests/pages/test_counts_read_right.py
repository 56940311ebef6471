"""Counts read the way a person writes them: "1 organization", "5,000 locations", whole-number chart ticks,
and DSP columns headed as the console names the DSP."""

from __future__ import annotations

import pandas as pd

from benchmarks.seed import seed_org
from lib.export import dsp_status_counts, org_status_table
from lib.export.charts import dsp_status_chart, unbound_by_org_chart
from lib.numbers import count, number
from tests.pages.conftest import ConsoleEnv


def test_count_and_number() -> None:
    assert (count(1, "organization"), count(2, "organization")) == ("1 organization", "2 organizations")
    assert count(5000, "location") == "5,000 locations"
    assert number(4656) == "4,656"


def test_chart_axes_count_in_whole_numbers() -> None:
    counts = dsp_status_counts(pd.DataFrame({"dsp_grubhub": ["APPROVED", None, "PENDING"]}))
    for chart, field in (
        (dsp_status_chart(counts), "x"),
        (
            unbound_by_org_chart(
                pd.DataFrame({"org_id": ["o"], "org_name": ["O"], "unbound": [3], "locations": [3]})
            ),
            "x",
        ),
    ):
        axis = chart.to_dict()["encoding"][field]["axis"]
        assert axis["tickMinStep"] == 1 and axis["format"] == ",d", axis


def test_portfolio_says_1_organization_and_heads_dsp_columns_by_name(console_env: ConsoleEnv) -> None:
    seed_org(console_env.client(), "rosas-cantina", dsp="grubhub", records=console_env.records)
    at = console_env.page("7_Portfolio.py").run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "1 organization ·" in captions and "1 organizations" not in captions
    [grid] = [d for d in at.dataframe if "dsp_grubhub" in d.value.columns]
    config = grid.proto.columns  # the column config Streamlit sends: the headings on screen
    assert '"Grubhub"' in config and '"Doordash"' not in config
    assert "org_id" in grid.value.columns and set(grid.value["org_name"]) == {"Rosa's Cantina (seed)"}
    assert org_status_table([], dsps=["grubhub"]).columns[:2].tolist() == ["org_id", "org_name"]
