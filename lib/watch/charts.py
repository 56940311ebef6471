"""Altair charts of the watcher's tables for the History screen and the notebook (no Streamlit here)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from lib.export.charts import status_scale


def funnel_chart(table: pd.DataFrame) -> alt.Chart:
    """Horizontal bars: orgs per onboarding stage, in order, labelled with the share of created orgs."""
    data = table.assign(share=table["from_created"].fillna(1.0))
    order = list(table["stage"])
    bars = (
        alt.Chart(data)
        .mark_bar(color="#3d7dd8")
        .encode(
            y=alt.Y("stage:N", sort=order, title=None),
            x=alt.X("orgs:Q", title="Organizations"),
            tooltip=[
                "stage",
                "orgs",
                alt.Tooltip("from_previous:Q", format=".0%"),
                alt.Tooltip("share:Q", format=".0%"),
            ],
        )
    )
    labels = bars.mark_text(align="left", dx=4).encode(text=alt.Text("share:Q", format=".0%"))
    return (bars + labels).properties(height=alt.Step(28))


def time_to_live_chart(table: pd.DataFrame) -> alt.Chart:
    """Histogram of days from org creation to first APPROVED store."""
    return (
        alt.Chart(table)
        .mark_bar(color="#21a366")
        .encode(
            x=alt.X("days_to_live:Q", bin=alt.Bin(maxbins=30), title="Days to live"),
            y=alt.Y("count():Q", title="Merchants"),
        )
        .properties(height=220)
    )


def timeline_chart(timeline: pd.DataFrame) -> alt.Chart:
    """An org's statuses over time: a lane per integration and per location channel, coloured by status."""
    statuses = [str(s) for s in timeline["status"].unique()]
    return (
        alt.Chart(timeline)
        .mark_bar()
        .encode(
            y=alt.Y("lane:N", title=None),
            x=alt.X("start:T", title=None),
            x2="end:T",
            color=alt.Color("status:N", scale=status_scale(statuses)),
            tooltip=[
                "lane",
                "status",
                "locations",
                alt.Tooltip("start:T", format="%Y-%m-%d %H:%M"),
                alt.Tooltip("end:T", format="%Y-%m-%d %H:%M"),
            ],
        )
        .properties(height=alt.Step(26))
    )
