"""Write status tables as CSV, Excel or Parquet, to bytes (downloads) or to a file (CLI)."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pandas as pd

from lib.export.tables import slug

FORMATS: tuple[str, ...] = ("csv", "xlsx", "parquet")
FORMAT_NAMES: dict[str, str] = {"csv": "CSV", "xlsx": "Excel", "parquet": "Parquet"}  # as people say them
MIME_TYPES: dict[str, str] = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
# Text a spreadsheet would run as a formula (OWASP "CSV injection"): = + - @ and a leading tab or CR.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
TABLE_SHEET = "Locations"
FAILURES_SHEET = "Failed orgs"


def check_format(fmt: str) -> str:
    """The format in lower case; ValueError naming the accepted ones otherwise."""
    value = fmt.strip().lower().lstrip(".")
    if value not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.")
    return value


def export_filename(label: str, fetched_at: datetime, fmt: str) -> str:
    """E.g. ``org-status_acme-pizza_20250101-120000Z.csv``: what and when it was fetched (UTC)."""
    return f"{slug(label)}_{fetched_at:%Y%m%d-%H%M%SZ}.{check_format(fmt)}"


def _naive_utc(table: pd.DataFrame) -> pd.DataFrame:
    """Excel has no time zones: timestamps become naive UTC (openpyxl refuses aware ones)."""
    aware = [c for c in table.columns if isinstance(table[c].dtype, pd.DatetimeTZDtype)]
    if not aware:
        return table
    return table.assign(**{c: table[c].dt.tz_convert("UTC").dt.tz_localize(None) for c in aware})


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells that a spreadsheet would run as a formula start with a ' (OWASP's advice)."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(_neutralise)
    return safe


def _neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame, *, bom: bool = False) -> bytes:
    """The frame as UTF-8 CSV with formula-like text neutralised; bom=True for spreadsheet apps' accents."""
    # CRLF rows (RFC 4180): the csv module quotes only cells holding a line terminator's characters, and a
    # lone carriage return left unquoted would split the row.
    text = neutralise_formulas(frame).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig" if bom else "utf-8")


def _xlsx(table: pd.DataFrame, failures: pd.DataFrame | None) -> bytes:
    table = _naive_utc(table)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=TABLE_SHEET, index=False)
        if failures is not None and not failures.empty:
            failures.to_excel(writer, sheet_name=FAILURES_SHEET, index=False)
        for sheet in writer.sheets.values():
            # openpyxl turns any text starting with "=" into a formula; merchant data must stay text.
            for row in sheet.iter_rows(min_row=2):
                for cell in row:
                    if cell.data_type == "f":
                        cell.data_type = "s"
            sheet.freeze_panes = "A2"
    return buffer.getvalue()


def to_bytes(table: pd.DataFrame, fmt: str, failures: pd.DataFrame | None = None) -> bytes:
    """The table in one format. Excel also gets a "Failed orgs" sheet when ``failures`` has rows."""
    fmt = check_format(fmt)
    if fmt == "csv":
        return csv_bytes(table)
    if fmt == "xlsx":
        return _xlsx(table, failures)
    buffer = io.BytesIO()
    table.to_parquet(buffer, index=False, engine="pyarrow")
    return buffer.getvalue()


def write_table(
    table: pd.DataFrame, path: str | Path, fmt: str, failures: pd.DataFrame | None = None
) -> Path:
    """Write the table to ``path`` (parent folders created) and return the path."""
    target = Path(path)
    data = to_bytes(table, fmt, failures)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target
