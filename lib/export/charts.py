"""Altair charts of status tables, shared by the screens and the notebook (no Streamlit here).

Statuses keep the same colours as the console's badges: approved green, pending orange, rejected red,
paused violet, not bound grey.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from lib.export.tables import NOT_BOUND

STATUS_COLOURS: dict[str, str] = {
    "APPROVED": "#21a366",
    "PENDING": "#ff9f1c",
    "PENDING_REVIEW": "#f4a261",
    "PAUSED": "#8e6fd8",
    "REJECTED": "#e5484d",
    NOT_BOUND: "#b8bcc4",
}
OTHER_COLOURS = ("#3d7dd8", "#2bb5c4", "#c45ab3", "#7a8b99")  # statuses the console does not know yet


def status_scale(statuses: list[str]) -> alt.Scale:
    """A colour scale giving each known status its badge colour, others a distinct spare colour."""
    known = list(STATUS_COLOURS)
    domain = sorted(statuses, key=lambda s: (known.index(s) if s in known else len(known), s))
    spare = iter(OTHER_COLOURS * (1 + len(domain) // len(OTHER_COLOURS)))
    return alt.Scale(domain=domain, range=[STATUS_COLOURS.get(s) or next(spare) for s in domain])


def dsp_status_chart(counts: pd.DataFrame, title: str | None = None) -> alt.Chart:
    """Horizontal stacked bars: locations per DSP by status, from ``dsp_status_counts``."""
    statuses = [str(s) for s in counts["status"].unique()] if not counts.empty else []
    chart = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            y=alt.Y("dsp:N", title="DSP"),
            x=alt.X("sum(locations):Q", title="Locations"),
            color=alt.Color("status:N", title="Status", scale=status_scale(statuses)),
            order=alt.Order("status:N"),
            tooltip=["dsp:N", "status:N", alt.Tooltip("locations:Q", format=",")],
        )
    )
    return chart.properties(title=title) if title else chart


def unbound_by_org_chart(overview: pd.DataFrame, top: int = 25) -> alt.Chart:
    """Horizontal bars: the orgs with the most locations bound to no DSP, from ``org_overview``."""
    data = overview[overview["unbound"] > 0].sort_values("unbound", ascending=False).head(top)
    data = data.assign(organization=data["org_name"].fillna(data["org_id"]))
    return (
        alt.Chart(data)
        .mark_bar(color=STATUS_COLOURS[NOT_BOUND])
        .encode(
            y=alt.Y("organization:N", title=None, sort="-x"),
            x=alt.X("unbound:Q", title="Locations bound to no DSP"),
            tooltip=["organization:N", "org_id:N", "unbound:Q", "locations:Q"],
        )
    )
