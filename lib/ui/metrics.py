"""A grid of st.metric tiles, four to a row: the summary strip of the status screens."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from lib.numbers import number


def metric_grid(tiles: Sequence[tuple[str, int | str]], per_row: int = 4) -> None:
    """Show (label, value) tiles in rows of `per_row`; whole numbers get thousands separators."""
    for start in range(0, len(tiles), per_row):
        for column, (label, value) in zip(st.columns(per_row), tiles[start : start + per_row], strict=False):
            column.metric(label, number(value) if isinstance(value, int) else value)
