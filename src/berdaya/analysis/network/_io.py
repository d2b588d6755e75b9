"""Tables in, tables out: edges and nodes from pandas, Ibis or a file; results to a file.

Graph algorithms run in memory (igraph, scipy.sparse), so every input becomes a pandas
DataFrame here: an Ibis table is executed (`to_pandas()`), a file is read by its extension.
Files are read and written by `berdaya.analysis._io`, shared with the poverty measures.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._io import check_writable, read_frame, write_table
from ..errors import AnalysisError

__all__ = ["as_frame", "check_writable", "ids", "require_columns", "write_file"]


def as_frame(table: Any, what: str) -> pd.DataFrame:
    """`table` (a DataFrame, an Ibis table or a file path) as a DataFrame with trimmed,
    lower-case column names and at least one row."""
    if isinstance(table, pd.DataFrame):
        frame = table.copy()
    elif isinstance(table, (str, os.PathLike)):
        frame = read_frame(table)
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


def write_file(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write `frame` as CSV, XLSX (one sheet, "network"; text kept as text) or Parquet, by
    the extension of `path`."""
    return write_table(frame, check_writable(path), sheet="network")
