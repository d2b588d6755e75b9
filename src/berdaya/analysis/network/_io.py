"""Tables in, tables out: edges and nodes from pandas, Ibis or a file; results to a file.

Graph algorithms run in memory (igraph, scipy.sparse), so every input becomes a pandas
DataFrame here: an Ibis table is executed (`to_pandas()`), a file is read by its extension.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import AnalysisError

FILE_TYPES = {".csv": "CSV", ".xlsx": "Excel", ".parquet": "Parquet", ".pq": "Parquet"}


def file_type(path: str | os.PathLike[str], action: str = "read") -> str:
    """The lower-case suffix of `path`, or an AnalysisError naming the types we know."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FILE_TYPES:
        shown = f"'{suffix}'" if suffix else "no extension"
        known = ", ".join(FILE_TYPES)
        raise AnalysisError(f"cannot {action} {path}: unknown file type ({shown}); use {known}")
    return suffix


def read_file(path: str | os.PathLike[str]) -> pd.DataFrame:
    """A CSV, XLSX or Parquet file as a DataFrame. CSV cells are read as text (ids keep
    their leading zeros); blank cells are missing."""
    path = Path(path)
    suffix = file_type(path)
    if not path.is_file():
        raise AnalysisError(f"file not found: {path}")
    if path.stat().st_size == 0:
        raise AnalysisError(f"{path} is empty")
    try:
        if suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        elif suffix == ".xlsx":
            frame = pd.read_excel(path, engine="openpyxl")
        else:
            frame = pd.read_parquet(path)
    except pd.errors.EmptyDataError:
        raise AnalysisError(f"{path} is empty") from None
    except Exception as error:  # the readers' own errors, shown as one line
        text = str(error).strip()
        message = text.splitlines()[0] if text else type(error).__name__
        raise AnalysisError(f"cannot read {path}: {message}") from None
    return frame


def as_frame(table: Any, what: str) -> pd.DataFrame:
    """`table` (a DataFrame, an Ibis table or a file path) as a DataFrame with trimmed,
    lower-case column names and at least one row."""
    if isinstance(table, pd.DataFrame):
        frame = table.copy()
    elif isinstance(table, (str, os.PathLike)):
        frame = read_file(table)
        what = f"{what} ({Path(table).name})"
    elif type(table).__module__.startswith("ibis.") and hasattr(table, "to_pandas"):
        frame = table.to_pandas()
    else:
        raise AnalysisError(
            f"{what}: expected a pandas DataFrame, an Ibis table or a file path, "
            f"got {type(table).__name__}"
        )
    frame.columns = [str(column).strip().lower() for column in frame.columns]
    if frame.columns.duplicated().any():
        twice = frame.columns[frame.columns.duplicated()][0]
        raise AnalysisError(f"{what}: column '{twice}' appears twice")
    if len(frame) == 0:
        raise AnalysisError(f"{what} has no rows")
    return frame.reset_index(drop=True)


def require_columns(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    for column in columns:
        if column not in frame.columns:
            found = ", ".join(map(str, frame.columns)) or "none"
            raise AnalysisError(f"{what}: missing column '{column}' (columns found: {found})")


def ids(values: pd.Series, what: str) -> np.ndarray:
    """Node ids as text, so that 7, 7.0 and "7" are the same person and "007" stays "007"."""
    missing = values.isna().to_numpy()
    if missing.any():
        row = int(np.flatnonzero(missing)[0]) + 1
        raise AnalysisError(f"{what}: {int(missing.sum())} rows have no value (first: row {row})")
    if pd.api.types.is_bool_dtype(values):
        raise AnalysisError(f"{what}: ids must be numbers or text, not true/false")
    if pd.api.types.is_integer_dtype(values):
        return values.astype("int64").astype(str).to_numpy(dtype=object)
    if pd.api.types.is_float_dtype(values):
        numbers = values.to_numpy(dtype=float)
        if np.all(np.isfinite(numbers)) and np.all(numbers == np.round(numbers)):
            return numbers.astype("int64").astype(str).astype(object)
        return values.astype(str).to_numpy(dtype=object)
    text = [_id_text(value) for value in values.tolist()]
    result = np.array(text, dtype=object)
    if (result == "").any():
        row = int(np.flatnonzero(result == "")[0]) + 1
        raise AnalysisError(f"{what}: blank id (first: row {row})")
    return result


def _id_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def check_writable(path: str | os.PathLike[str]) -> Path:
    """Fail before computing if `path` has an unknown extension or no folder to go in."""
    path = Path(path)
    file_type(path, "write")
    if not path.parent.is_dir():
        raise AnalysisError(f"cannot write {path}: folder {path.parent} does not exist")
    return path


XLSX_MAX_ROWS = 1_048_575  # one header row


def write_file(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write `frame` as CSV, XLSX or Parquet, by the extension of `path`."""
    path = check_writable(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".xlsx":
        if len(frame) > XLSX_MAX_ROWS:
            raise AnalysisError(
                f"cannot write {path}: {len(frame):,} rows do not fit in one Excel sheet; "
                "use .parquet or .csv"
            )
        _write_xlsx(frame, path)
    else:
        frame.to_parquet(path, index=False)
    return path


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    """One sheet, text kept as text: a name like "=HYPERLINK(...)" from a survey is not
    turned into a formula (pandas' own Excel writer would)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("network")
    sheet.append([str(column) for column in frame.columns])
    columns = [frame[column].tolist() for column in frame.columns]
    for row in zip(*columns, strict=True):
        cells: list[Any] = []
        for value in row:
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                cells.append(cell)
            elif value is None or (isinstance(value, float) and value != value):
                cells.append(None)  # NaN: an empty cell
            else:
                cells.append(value)
        sheet.append(cells)
    book.save(path)
