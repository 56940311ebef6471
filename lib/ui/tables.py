"""Tables people read: a search box, a sortable st.dataframe and a CSV download of what is shown."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import pandas as pd
import streamlit as st

from lib.export.writers import csv_bytes
from lib.numbers import count, number, part


def filter_frame(frame: pd.DataFrame, query: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Rows where every word of `query` appears (case-insensitive) in one of `columns` (default: all)."""
    words = query.lower().split()
    if not words or frame.empty:
        return frame
    cols = list(columns) if columns else list(frame.columns)
    text = frame[cols].astype(str).agg(" ".join, axis=1).str.lower()
    mask = pd.Series(True, index=frame.index)
    for word in words:
        mask &= text.str.contains(word, regex=False)
    return frame[mask]


# Rows an editable table is given at once. A data editor has no lazy loading: every row it is given is sent
# and decoded by the browser, and 5,000 of them took seconds. Sorting and paging all rows is the server's.
PAGE_ROWS = 200


def sorted_page(
    frame: pd.DataFrame,
    key: str,
    columns: Mapping[str, str],
    rows: int | None = None,
    *,
    header_sorts: bool = True,
) -> pd.DataFrame:
    """One page of `frame` (`rows` long, default PAGE_ROWS), after sorting every row by the column the person
    picks (`columns`: name -> label). For a grid (`header_sorts`: its column header sorts the page it shows)
    the controls appear only when there is more than one page; a table without one (HTML) always has them.
    """
    rows = rows or PAGE_ROWS
    if header_sorts and len(frame) <= rows:
        return frame
    by_col, order_col, page_col = st.columns([3, 2, 3], vertical_alignment="bottom")
    by = by_col.selectbox(
        "Sort all rows by" if header_sorts else "Sort by",
        [None, *columns],
        format_func=lambda c: "as listed" if c is None else columns[c],
        key=f"{key}_sort",
    )
    descending = order_col.toggle("Descending", key=f"{key}_descending", disabled=by is None)
    if by is not None:
        frame = frame.sort_values(by, ascending=not descending, kind="stable", na_position="last")
    pages = max(1, -(-len(frame) // rows))
    if st.session_state.get(f"{key}_page", 0) >= pages:  # fewer rows than when that page was picked
        st.session_state[f"{key}_page"] = 0
    page = page_col.selectbox(
        "Page",
        range(pages),
        format_func=lambda p: (
            f"{p + 1} of {pages} · rows {number(p * rows + 1)}–{number(min((p + 1) * rows, len(frame)))}"
        ),
        key=f"{key}_page",
        disabled=pages == 1,
    )
    if header_sorts:
        st.caption(
            f"{number(rows)} rows per page. A column header sorts this page; Sort all rows by sorts all "
            f"{number(len(frame))}."
        )
    return frame.iloc[page * rows : (page + 1) * rows]


def search_box(key: str, placeholder: str = "Search…") -> str:
    """A search field whose text survives reruns (kept under `key` in session state)."""
    return st.text_input("Search", key=key, placeholder=placeholder, label_visibility="collapsed")


def table_view(
    frame: pd.DataFrame,
    *,
    key: str,
    filename: str,
    search_columns: Sequence[str] | None = None,
    column_config: dict[str, Any] | None = None,
    placeholder: str = "Search…",
    height: int | Literal["auto", "stretch", "content"] = "auto",
) -> pd.DataFrame:
    """Search + sortable table + CSV export of the rows shown; returns the filtered frame."""
    left, right = st.columns([4, 1], vertical_alignment="center")
    with left:
        query = search_box(f"{key}_search", placeholder)
    shown = filter_frame(frame, query, search_columns)
    with right:
        st.download_button(
            "Download CSV",
            data=csv_bytes(shown, bom=True),
            file_name=filename,
            mime="text/csv",
            key=f"{key}_csv",
            icon=":material/download:",
            on_click="ignore",
            width="stretch",
        )
    st.dataframe(shown, hide_index=True, column_config=column_config, key=f"{key}_table", height=height)
    caption = part(len(shown), len(frame), "row") if query.strip() else count(len(frame), "row")
    st.caption(caption + " · click a column header to sort.")
    return shown
