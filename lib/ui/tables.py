"""Tables people read: a search box, a sortable st.dataframe and a CSV download of what is shown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import pandas as pd
import streamlit as st

from lib.export.writers import csv_bytes
from lib.numbers import count, part


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
