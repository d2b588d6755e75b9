"""Reading and writing tables as files: CSV, XLSX (openpyxl) and Parquet, chosen by extension."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from ..errors import AnalysisError

__all__ = ["read_table", "write_table"]

READABLE = {".csv": "CSV", ".xlsx": "Excel", ".parquet": "Parquet", ".pq": "Parquet"}


def _kind(path: Path, action: str) -> str:
    suffix = path.suffix.lower()
    if suffix not in READABLE:
        known = ", ".join(sorted(READABLE))
        shown = f"'{suffix}'" if suffix else "no extension"
        raise AnalysisError(f"cannot {action} {path}: unknown file type ({shown}); use {known}")
    return suffix


def read_table(path: str | Path, *, con: Any = None) -> ir.Table:
    """A file as an Ibis table on `con` (an Ibis backend; a new DuckDB by default).

    CSV and Parquet are read by the backend itself (DuckDB reads them in parallel without
    loading them into Python); XLSX is read with openpyxl.
    """
    path = Path(path)
    suffix = _kind(path, "read")
    if not path.is_file():
        raise AnalysisError(f"file not found: {path}")
    if path.stat().st_size == 0:
        raise AnalysisError(f"{path} is empty")
    con = con if con is not None else ibis.duckdb.connect()
    try:
        if suffix == ".csv":
            return con.read_csv(path)
        if suffix in (".parquet", ".pq"):
            return con.read_parquet(path)
        import pandas as pd

        frame = pd.read_excel(path, engine="openpyxl")
        frame = frame.convert_dtypes(dtype_backend="pyarrow")
    except AnalysisError:
        raise
    except Exception as error:  # the readers' own errors, shown as one line
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
        raise AnalysisError(f"cannot read {path}: {message}") from None
    if frame.columns.empty:
        raise AnalysisError(f"{path} is empty")
    name = f"berdaya_xlsx_{abs(hash(str(path.resolve())))}"
    return con.create_table(name, frame, temp=True, overwrite=True)


def write_table(table: ir.Table | Mapping[str, ir.Table], path: str | Path) -> Path:
    """Write `table` to `path` as CSV, XLSX or Parquet, by the extension.

    For XLSX, `table` may be a mapping of sheet names to tables (one sheet each).
    """
    path = Path(path)
    suffix = _kind(path, "write")
    sheets = dict(table) if isinstance(table, Mapping) else {"result": table}
    if suffix != ".xlsx" and len(sheets) != 1:
        raise AnalysisError(f"{path}: only an Excel file holds several tables")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".xlsx":
        import pandas as pd

        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            for name, sheet in sheets.items():
                frame = sheet.to_pandas()
                frame.to_excel(writer, sheet_name=name[:31], index=False)
        return path
    (only,) = sheets.values()
    if suffix == ".csv":
        only.to_csv(path)
    else:
        only.to_parquet(path)
    return path
