"""The browser benchmark's empty page and reference pages run, each drawing the one table it is there for."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from benchmarks.browser_pages import REFERENCE_PAGES, REFERENCE_ROWS, write_empty_app


def test_the_empty_page_is_a_title_alone(tmp_path: Path) -> None:
    at = AppTest.from_file(str(write_empty_app(tmp_path))).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Empty page"]
    assert not at.dataframe and not at.get("html")


@pytest.mark.parametrize("stem", [stem for stem, _ in REFERENCE_PAGES.values()])
def test_each_reference_page_is_the_empty_page_plus_one_full_table(tmp_path: Path, stem: str) -> None:
    write_empty_app(tmp_path)
    at = AppTest.from_file(str(tmp_path / "pages" / f"{stem}.py")).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Empty page"]
    if stem == "html":
        (html,) = at.get("html")
        assert html.proto.body.count("<tr") == REFERENCE_ROWS + 1  # the header and every row
        assert "console-table" in html.proto.body  # what the benchmark waits for
    else:
        (table,) = at.dataframe
        assert table.value.shape[0] == REFERENCE_ROWS
