"""Read-only tables drawn as HTML (lib/ui/html_table.py): what a person reads, sorting every row, paging."""

from __future__ import annotations

import math

import pandas as pd
from streamlit.testing.v1 import AppTest

from lib.ui.html_table import table_html
from tests.helpers import html_tables, screen_html_tables


def test_cells_are_escaped_blank_when_missing_and_headed_by_their_labels() -> None:
    frame = pd.DataFrame(
        {
            "name": ["<img src=x onerror=alert(1)>", "Rosa's & Co"],
            "zip": [None, "02139"],
            "score": [87, math.nan],
            "active": [True, False],
        }
    )
    body = table_html(frame, labels={"zip": "ZIP"})
    assert "<img" not in body and "&lt;img src=x onerror=alert(1)&gt;" in body
    [read] = html_tables([body])
    assert list(read.columns) == ["name", "ZIP", "score", "active"]
    assert read.to_dict("records") == [
        {"name": "<img src=x onerror=alert(1)>", "ZIP": "", "score": "87", "active": "✓"},
        {"name": "Rosa's & Co", "ZIP": "02139", "score": "", "active": ""},
    ]


def test_pills_bars_and_row_colours_are_drawn_on_the_cells_they_name() -> None:
    frame = pd.DataFrame({"attention": ["ok", "action needed", "something new"], "score": [100, 50, 0]})
    body = table_html(
        frame,
        pills={"attention": {"ok": "green", "action needed": "red"}},
        bars={"score": 100},
        row_colours=["", "rgba(255,43,43,.16)", ""],
    )
    assert body.count('class="pill"') == 2  # a word without a colour stays plain text
    assert 'style="width:4.00rem"' in body and 'style="width:2.00rem"' in body  # score 100 and 50 of 100
    assert body.count("<tr") == 4 and '<tr style="background:rgba(255,43,43,.16)">' in body


def _paged_app() -> None:
    import pandas as pd
    import streamlit as st

    from lib.ui.html_table import html_table_page

    frame = pd.DataFrame(
        {"id": [f"loc-{i:03d}" for i in range(250)], "seats": [(i * 37) % 250 for i in range(250)]}
    )
    html_table_page(frame, key="rows", labels={"seats": "Seats"})
    st.caption("end")


def _shown(at: AppTest) -> pd.DataFrame:
    [table] = screen_html_tables(at)
    return table


def test_sort_by_orders_every_row_and_the_pager_walks_them() -> None:
    at = AppTest.from_function(_paged_app).run()
    assert not at.exception
    page = at.selectbox(key="rows_page")
    assert page.options[0] == "1 of 3 · rows 1–100" and page.options[-1] == "3 of 3 · rows 201–250"
    assert _shown(at)["id"].tolist()[:2] == ["loc-000", "loc-001"]  # as listed first

    at.selectbox(key="rows_sort").set_value("seats").run()  # offered under its label
    assert at.selectbox(key="rows_sort").format_func("seats") == "Seats"
    assert _shown(at)["Seats"].tolist()[:3] == ["0", "1", "2"]  # the smallest of all 250, not of a page
    at.toggle(key="rows_descending").set_value(True).run()
    assert _shown(at)["Seats"].iloc[0] == "249"
    at.selectbox(key="rows_page").set_value(2).run()
    last = _shown(at)
    assert len(last) == 50 and last["Seats"].iloc[-1] == "0"  # the last page ends with the smallest
