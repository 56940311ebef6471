"""Altair charts of status tables, shared by the screens and the notebook (no Streamlit here).

Statuses keep the same colours as the console's badges: approved green, pending orange, rejected red,
paused violet, not bound grey.
"""

from __future__ import annotations

import html

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
# Counts are whole: ticks at integers only (no 0.2, 0.4 for a handful of locations), 5,000 with a comma.
COUNT_AXIS = alt.Axis(tickMinStep=1, format=",d")
OTHER_COLOURS = ("#3d7dd8", "#2bb5c4", "#c45ab3", "#7a8b99")  # statuses the console does not know yet


def status_colours(statuses: list[str]) -> dict[str, str]:
    """Each status's colour in display order: known statuses their badge colour, others a spare colour."""
    known = list(STATUS_COLOURS)
    domain = sorted(statuses, key=lambda s: (known.index(s) if s in known else len(known), s))
    spare = iter(OTHER_COLOURS * (1 + len(domain) // len(OTHER_COLOURS)))
    return {s: STATUS_COLOURS.get(s) or next(spare) for s in domain}


def status_scale(statuses: list[str]) -> alt.Scale:
    """A colour scale giving each known status its badge colour, others a distinct spare colour."""
    colours = status_colours(statuses)
    return alt.Scale(domain=list(colours), range=list(colours.values()))


def _bar_row(label: str, segments: str, total: int, label_width: str = "8rem") -> str:
    """One labelled horizontal bar of coloured segments (each a div with its width), its total after it."""
    return (
        '<div style="display:flex;align-items:center;gap:.75rem;margin:.25rem 0">'
        f'<div style="width:{label_width};text-align:right;overflow:hidden;text-overflow:ellipsis;'
        f'white-space:nowrap">{html.escape(label)}</div>'
        '<div style="flex:1;display:flex;height:1.5rem;border-radius:.25rem;overflow:hidden">'
        f"{segments}</div>"
        f'<div style="width:6rem">{total:,}</div></div>'
    )


def dsp_status_bars_html(counts: pd.DataFrame) -> str:
    """The same stacked bars as ``dsp_status_chart`` (from ``dsp_status_counts``) as plain HTML.

    A screen draws this without loading a charting library into the browser: on the Org status screen the
    chart's library cost more than the chart is worth. Hover a segment for its count.
    """
    statuses = [str(s) for s in counts["status"].unique()] if not counts.empty else []
    colours = status_colours(statuses)
    rows = []
    for dsp, group in counts.groupby("dsp", sort=True):
        by_status = dict(zip(group["status"].astype(str), group["locations"].astype(int), strict=True))
        total = sum(by_status.values()) or 1
        segments = "".join(
            f'<div title="{html.escape(f"{dsp} · {status}: {by_status[status]:,}")}" style="width:'
            f'{100 * by_status[status] / total:.3f}%;background:{colour}"></div>'
            for status, colour in colours.items()
            if by_status.get(status)
        )
        rows.append(_bar_row(str(dsp), segments, total))
    totals = counts.groupby("status")["locations"].sum() if not counts.empty else pd.Series(dtype=int)
    legend = "".join(
        f'<span style="margin-right:1rem;white-space:nowrap"><span style="display:inline-block;width:.8rem;'
        f'height:.8rem;border-radius:.15rem;background:{colour};margin-right:.3rem"></span>'
        f"{html.escape(status)} {int(totals.get(status, 0)):,}</span>"
        for status, colour in colours.items()
    )
    return f'<div>{"".join(rows)}<div style="margin-top:.4rem;font-size:.9rem">{legend}</div></div>'


def dsp_status_chart(counts: pd.DataFrame, title: str | None = None) -> alt.Chart:
    """Horizontal stacked bars: locations per DSP by status, from ``dsp_status_counts``."""
    statuses = [str(s) for s in counts["status"].unique()] if not counts.empty else []
    chart = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            y=alt.Y("dsp:N", title="DSP"),
            x=alt.X("sum(locations):Q", title="Locations", axis=COUNT_AXIS),
            color=alt.Color("status:N", title="Status", scale=status_scale(statuses)),
            order=alt.Order("status:N"),
            tooltip=["dsp:N", "status:N", alt.Tooltip("locations:Q", format=",")],
        )
    )
    return chart.properties(title=title) if title else chart


def unbound_bars_html(overview: pd.DataFrame, top: int = 25) -> str:
    """The `top` orgs with the most locations bound to no DSP (from ``org_overview``), as plain HTML bars.

    Like ``dsp_status_bars_html``, drawn without a charting library. Hover a bar for its count.
    """
    data = overview[overview["unbound"] > 0].sort_values("unbound", ascending=False, kind="stable").head(top)
    most = int(data["unbound"].max()) if not data.empty else 1
    rows = []
    for org in data.itertuples():
        name = str(org.org_name) if isinstance(org.org_name, str) and org.org_name else str(org.org_id)
        unbound = int(org.unbound)
        tip = html.escape(
            f"{name} ({org.org_id}): {unbound:,} of {int(org.locations):,} locations bound to no DSP"
        )
        width = f"width:{100 * unbound / most:.3f}%;background:{STATUS_COLOURS[NOT_BOUND]}"
        bar = f'<div title="{tip}" style="{width}"></div>'
        rows.append(_bar_row(name, bar, unbound, label_width="14rem"))
    return f"<div>{''.join(rows)}</div>"
