"""Writers: each format reads back with pandas to the same rows; names carry org and fetch time."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from lib.export import (
    OrgFailure,
    Portfolio,
    check_format,
    export_filename,
    org_status_table,
    to_bytes,
    write_table,
)
from lib.stream.models import OrgLocation


def _table() -> pd.DataFrame:
    locations = [
        OrgLocation.model_validate(
            {
                "_id": "loc_1",
                "name": '=HYPERLINK("http://evil")',  # must stay text in Excel, not become a formula
                "status": "active",
                "address": {"postal_code": "02134"},  # leading zero kept
                "dsps": [{"source": "grubhub", "status": "APPROVED"}],
            }
        ),
        OrgLocation.model_validate({"_id": "loc_2", "name": "Plain", "status": "inactive"}),
    ]
    return org_status_table(locations)


def _read(data: bytes, fmt: str) -> pd.DataFrame:
    if fmt == "csv":
        return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, na_values=[""])
    if fmt == "xlsx":
        return pd.read_excel(io.BytesIO(data), dtype=str)
    return pd.read_parquet(io.BytesIO(data))


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_round_trip(fmt: str) -> None:
    table = _table()
    back = _read(to_bytes(table, fmt), fmt)
    assert list(back.columns) == list(table.columns)
    assert len(back) == 2
    # CSV neutralises it with a leading ' (OWASP); Excel stores it as text; Parquet is data, not a sheet.
    assert back.loc[0, "name"] == ("'" if fmt == "csv" else "") + '=HYPERLINK("http://evil")'
    assert back.loc[0, "postal_code"] == "02134"
    assert back.loc[0, "dsp_grubhub"] == "APPROVED"
    assert pd.isna(back.loc[1, "dsp_grubhub"])


def test_excel_keeps_formula_like_text_as_text_and_lists_failed_orgs() -> None:
    portfolio = Portfolio(_table(), [OrgFailure("org_x", "Ghost", "The API failed. Try again.")])
    data = to_bytes(portfolio.table, "xlsx", portfolio.failures_frame())
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Locations", "Failed orgs"]
    sheet = book["Locations"]
    column = [c.value for c in sheet[1]].index("name") + 1  # org_id and org_name come first
    name_cell = sheet.cell(row=2, column=column)
    assert name_cell.data_type == "s"
    failed = pd.read_excel(io.BytesIO(data), sheet_name="Failed orgs")
    assert failed.to_dict("records") == [
        {"org_id": "org_x", "org_name": "Ghost", "error": "The API failed. Try again."}
    ]


def test_filename_is_ascii_and_keeps_the_id_when_the_name_is_long() -> None:
    at = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
    name = export_filename("org-status org_123 Café Lumière " + "very long name " * 10, at, "csv")
    assert name.startswith("org-status-org-123-cafe-lumiere-very-long")
    assert name.endswith("_20250304-050607Z.csv")
    assert len(name) <= 60 + len("_20250304-050607Z.csv")


def test_filename_names_the_org_and_the_fetch_time() -> None:
    at = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
    assert (
        export_filename("org-status Joe's Pizza / NYC", at, "xlsx")
        == "org-status-joe-s-pizza-nyc_20250304-050607Z.xlsx"
    )


def test_unknown_format_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="csv, xlsx, parquet"):
        check_format("json")


def test_write_table_creates_folders(tmp_path: Path) -> None:
    path = write_table(_table(), tmp_path / "a" / "b.csv", "csv")
    assert path.read_text().startswith("org_id,org_name,location_id,name,")
