"""Read-only tables drawn as plain HTML, sorted and paged by the server.

Streamlit's grid (st.dataframe) loads and runs about a megabyte of code in the browser before it draws a row:
in a new browser, a page with one grid was ready 0.65 s after the same page without it, whether the grid held
200 rows or 5,000, while a 100-row HTML table cost 0.15 s (synthetic pages, benchmarks/browser_pages.py's
method). So a screen whose tables are only read draws them as HTML and leaves the grid to the screens that
edit. The person keeps what the grid gave: sorting every row (by the server, not only the page shown),
search and exports (the page's own, over every row), and a header that stays in view while the table scrolls.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from lib.numbers import number
from lib.ui.tables import sorted_page

HTML_PAGE_ROWS = 100  # rows drawn at once: a page of HTML is cheap, a person reads this many before paging
# The header stays in view on the light theme's secondary background (the console's theme is light:
# .streamlit/config.toml).
_CSS = """<style>
.console-table{max-height:36rem;overflow:auto;border:1px solid rgba(128,128,128,.25);border-radius:.5rem}
.console-table table{border-collapse:collapse;width:100%;font-size:.875rem;margin:0}
.console-table th{position:sticky;top:0;background:#f0f2f6;
  text-align:left;font-weight:600;white-space:nowrap;padding:.35rem .6rem;border:none;
  border-bottom:1px solid rgba(128,128,128,.35)}
.console-table td{padding:.3rem .6rem;white-space:nowrap;border:none;
  border-bottom:1px solid rgba(128,128,128,.15)}
.console-table.wrap td{white-space:normal;min-width:3rem}
.console-table.wrap td:first-child{min-width:7rem}
.console-table td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.console-table .pill{border-radius:1rem;padding:.05rem .55rem;font-size:.8rem}
.console-table .bar{display:inline-block;height:.5rem;border-radius:.25rem;background:#ff4b4b;
  margin-right:.4rem}
</style>"""
# Pill colours of the badge names the console uses (lib/ui/badges.py), light enough to read dark text on.
PILL_COLOURS: dict[str, str] = {
    "green": "rgba(33,195,84,.2)",
    "blue": "rgba(28,131,225,.2)",
    "violet": "rgba(128,61,245,.2)",
    "red": "rgba(255,43,43,.2)",
    "gray": "rgba(128,128,128,.2)",
    "orange": "rgba(255,164,33,.25)",
}


def _cell(value: object, pill: Mapping[str, str] | None, bar: float | None) -> str:
    """One escaped cell: blank for a missing value, a coloured pill where `pill` names the value's colour, a
    bar (scaled to `bar`, the column's top value) before a number."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return "<td></td>"
    if isinstance(value, bool):
        return f"<td>{'✓' if value else ''}</td>"
    if isinstance(value, int | float):
        shown = number(value) if isinstance(value, int) else f"{value:,g}"
        if bar:
            width = max(0.0, min(1.0, value / bar)) * 4
            return f'<td class="num"><span class="bar" style="width:{width:.2f}rem"></span>{shown}</td>'
        return f'<td class="num">{shown}</td>'
    text = html.escape(str(value))
    if pill and str(value) in pill:
        colour = PILL_COLOURS.get(pill[str(value)], PILL_COLOURS["gray"])
        return f'<td><span class="pill" style="background:{colour}">{text}</span></td>'
    return f"<td>{text}</td>"


def table_html(
    frame: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    pills: Mapping[str, Mapping[str, str]] | None = None,
    bars: Mapping[str, float] | None = None,
    row_colours: Sequence[str] | None = None,
    wrap: bool = False,
) -> str:
    """`frame` as an HTML table: headings from `labels` (column -> label), every value escaped; the values
    of a column in `pills` (column -> value -> badge colour name) drawn as coloured pills, the numbers of a
    column in `bars` (column -> top value) with a bar, and each row on its colour of `row_colours`, if any.
    Cells keep to one line (the table scrolls sideways) unless `wrap`: a narrow panel wraps long text."""
    labels, pills, bars = labels or {}, pills or {}, bars or {}
    columns = list(frame.columns)
    head = "".join(f"<th>{html.escape(labels.get(c, str(c)))}</th>" for c in columns)
    colours = list(row_colours) if row_colours is not None else [""] * len(frame)
    body = "".join(
        (f'<tr style="background:{colour}">' if colour else "<tr>")
        + "".join(_cell(v, pills.get(c), bars.get(c)) for c, v in zip(columns, row, strict=True))
        + "</tr>"
        for row, colour in zip(frame.itertuples(index=False, name=None), colours, strict=True)
    )
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f'{_CSS}<div class="console-table{" wrap" if wrap else ""}">{table}</div>'


def html_table_page(
    frame: pd.DataFrame,
    *,
    key: str,
    labels: Mapping[str, str] | None = None,
    pills: Mapping[str, Mapping[str, str]] | None = None,
    rows: int = HTML_PAGE_ROWS,
) -> pd.DataFrame:
    """Sort controls over every row, a pager, and the page picked as an HTML table; returns that page.

    Any shown column sorts (the choice kept under `key`).
    """
    labels = labels or {}
    columns = {c: labels.get(c, str(c)) for c in frame.columns}
    shown = sorted_page(frame, key, columns, rows, header_sorts=False)
    st.html(table_html(shown, labels, pills))
    return shown
