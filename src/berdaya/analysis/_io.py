"""Tables as files: CSV, XLSX (openpyxl) and Parquet, chosen by the file's extension.

One place for both subpackages: `read_table` gives an Ibis table (poverty: CSV and Parquet
are read by the backend itself), `read_frame` a pandas DataFrame (network: graphs are built
in memory), and `write_table` writes a pandas DataFrame or an Ibis table, or several of them
as the sheets of one Excel file.

Text from the field stays text: in an XLSX file every string is a string cell, never a
formula (pandas' Excel writer would turn a survey answer such as `=HYPERLINK(...)` into one),
and a whole number longer than Excel keeps (a 16-digit NIK or KK) is written as its digits.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import AnalysisError

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = [
    "FILE_TYPES",
    "XLSX_MAX_ROWS",
    "check_readable",
    "check_writable",
    "file_type",
    "read_frame",
    "read_table",
    "write_table",
]

FILE_TYPES = {".csv": "CSV", ".xlsx": "Excel", ".parquet": "Parquet", ".pq": "Parquet"}
XLSX_MAX_ROWS = 1_048_575  # an Excel sheet's 1,048,576 rows, less the header

# A cell starting with one of these is a formula when typed into a spreadsheet (OWASP's
# list for formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Excel keeps 15 significant digits of a number: 3201010101900001 would show and save as
# 3201010101900000. Longer whole numbers therefore go into a sheet as text.
EXCEL_DIGITS = 15

PathLike = str | os.PathLike[str]
Table = Any  # a pandas DataFrame or an Ibis table


def file_type(path: PathLike, action: str = "read") -> str:
    """The lower-case suffix of `path`, or an AnalysisError naming the types we know."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FILE_TYPES:
        shown = f"'{suffix}'" if suffix else "no extension"
        known = ", ".join(sorted(FILE_TYPES))
        raise AnalysisError(f"cannot {action} {path}: unknown file type ({shown}); use {known}")
    return suffix


def check_readable(path: PathLike) -> str:
    """The suffix of `path` if it is a known type, exists and is not empty."""
    path = Path(path)
    suffix = file_type(path, "read")
    if not path.is_file():
        raise AnalysisError(f"file not found: {path}")
    if path.stat().st_size == 0:
        raise AnalysisError(f"{path} is empty")
    return suffix


def check_writable(path: PathLike) -> Path:
    """Fail before computing if `path` has an unknown extension or no folder to go in."""
    path = Path(path)
    file_type(path, "write")
    if not path.parent.is_dir():
        raise AnalysisError(f"cannot write {path}: folder {path.parent} does not exist")
    return path


def _cannot_read(path: Path, error: Exception) -> AnalysisError:
    """A reader's own error, shown as one line."""
    text = str(error).strip()
    message = text.splitlines()[0] if text else type(error).__name__
    return AnalysisError(f"cannot read {path}: {message}")


def _read_xlsx(path: Path) -> pd.DataFrame:
    return pd.read_excel(path, engine="openpyxl")  # the first sheet


def read_frame(path: PathLike) -> pd.DataFrame:
    """A CSV, XLSX or Parquet file as a pandas DataFrame. CSV cells are read as text (ids
    keep their leading zeros); blank cells are missing."""
    path = Path(path)
    suffix = check_readable(path)
    try:
        if suffix == ".csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        if suffix == ".xlsx":
            return _read_xlsx(path)
        return pd.read_parquet(path)
    except pd.errors.EmptyDataError:
        raise AnalysisError(f"{path} is empty") from None
    except Exception as error:
        raise _cannot_read(path, error) from None


def read_table(path: PathLike, *, con: Any = None) -> ir.Table:
    """A file as an Ibis table on `con` (an Ibis backend; a new DuckDB by default).

    CSV and Parquet are read by the backend itself (DuckDB reads them in parallel without
    loading them into Python); XLSX is read with openpyxl.
    """
    import ibis

    path = Path(path)
    suffix = check_readable(path)
    con = con if con is not None else ibis.duckdb.connect()
    try:
        if suffix == ".csv":
            return con.read_csv(path)
        if suffix in (".parquet", ".pq"):
            return con.read_parquet(path)
        frame = _read_xlsx(path).convert_dtypes(dtype_backend="pyarrow")
    except Exception as error:
        raise _cannot_read(path, error) from None
    if frame.columns.empty:
        raise AnalysisError(f"{path} is empty")
    name = f"berdaya_xlsx_{abs(hash(str(path.resolve())))}"
    return con.create_table(name, frame, temp=True, overwrite=True)


def write_table(
    table: Table | Mapping[str, Table], path: PathLike, *, sheet: str = "result"
) -> Path:
    """Write `table` (a pandas DataFrame or an Ibis table) to `path` as CSV, XLSX or
    Parquet, by the extension; the folder is made if missing.

    For XLSX, `table` may be a mapping of sheet names to tables (one sheet each); a single
    table goes on the sheet `sheet`. Every text cell is written as text, never as a formula.
    """
    path = Path(path)
    suffix = file_type(path, "write")
    sheets = dict(table) if isinstance(table, Mapping) else {sheet: table}
    if suffix != ".xlsx" and len(sheets) != 1:
        raise AnalysisError(f"{path}: only an Excel file holds several tables")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".xlsx":
        _write_xlsx({name: _columns(one, path) for name, one in sheets.items()}, path)
        return path
    (only,) = sheets.values()
    # CSV is data for other programs, so it is written as it is: no quote or apostrophe is
    # added before "=", "+", "-" or "@" (that would change values such as "-2" for every
    # reader). A spreadsheet user gets the safe format: write .xlsx.
    if isinstance(only, pd.DataFrame):
        if suffix == ".csv":
            only.to_csv(path, index=False)
        else:
            only.to_parquet(path, index=False)
    elif suffix == ".csv":  # an Ibis table, written by its backend without pandas
        only.to_csv(path)
    else:
        only.to_parquet(path)
    return path


def _columns(table: Table, path: Path) -> tuple[list[str], list[list[Any]]]:
    """Column names and each column's values as Python objects (an Ibis table through
    Arrow: whole numbers stay int next to missing values, where pandas makes them float)."""
    if isinstance(table, pd.DataFrame):
        rows = len(table)
        names = [str(column) for column in table.columns]
        columns = [table.iloc[:, i].tolist() for i in range(table.shape[1])]
    else:
        arrow = table.limit(XLSX_MAX_ROWS + 1).to_pyarrow()  # no more than can be written
        rows = arrow.num_rows
        names = list(arrow.column_names)
        columns = [column.to_pylist() for column in arrow.columns]
    if rows > XLSX_MAX_ROWS:
        raise AnalysisError(
            f"cannot write {path}: more than {XLSX_MAX_ROWS:,} rows do not fit in one Excel "
            "sheet; use .parquet or .csv"
        )
    return names, columns


def _write_xlsx(sheets: dict[str, tuple[list[str], list[list[Any]]]], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, (names, columns) in sheets.items():
        sheet = book.create_sheet(title[:31])  # Excel's longest sheet name
        sheet.append([_text(sheet, name) for name in names])
        for row in zip(*columns, strict=True):
            sheet.append([_cell(sheet, value) for value in row])
    book.save(path)


_AS_IS = (bool, int, float, Decimal, dt.date, dt.time, dt.timedelta)  # dt.datetime is a date


def _cell(sheet: Any, value: Any) -> Any:
    """`value` as openpyxl writes it: a number, a date or a text cell; missing is empty;
    a whole number of more than 15 digits is text."""
    if isinstance(value, str):
        return _text(sheet, value)
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    elif isinstance(value, np.generic):  # from an object column
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else _text(sheet, str(value))  # "inf", "-inf"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**EXCEL_DIGITS:
        return _text(sheet, str(value))
    if isinstance(value, _AS_IS):
        return value
    return _text(sheet, str(value))  # anything else (a list, a UUID) as its text


def _text(sheet: Any, value: str) -> Any:
    """A string cell: `data_type = "s"` stores the text as text, where openpyxl would store
    "=..." as a formula. A text that would be a formula if typed also gets Excel's quote
    prefix, so that it stays text when someone edits the cell."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell
