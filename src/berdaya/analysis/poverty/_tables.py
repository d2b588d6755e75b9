"""Small helpers shared by the measures: accepting tables, checking columns, exact ratios."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ibis
import ibis.expr.types as ir

from ..errors import AnalysisError


def as_table(data: Any) -> ir.Table:
    """An Ibis table from an Ibis table, a pandas DataFrame or a pyarrow Table.

    Frames become in-memory tables run by Ibis's default backend (DuckDB).
    """
    if isinstance(data, ir.Table):
        return data
    module = type(data).__module__.split(".")[0]
    if module in {"pandas", "pyarrow", "polars"}:
        return ibis.memtable(data)
    raise AnalysisError(f"expected an Ibis table or a data frame, not {type(data).__name__}")


def as_columns(by: str | Iterable[str] | None) -> tuple[str, ...]:
    """`by` as a tuple of column names: None -> (), "village" -> ("village",)."""
    if by is None:
        return ()
    if isinstance(by, str):
        return (by,)
    columns = tuple(by)
    for column in columns:
        if not isinstance(column, str):
            raise AnalysisError(f"group columns are names, not {column!r}")
    return columns


def require_columns(table: ir.Table, columns: Iterable[str], what: str = "") -> None:
    """Raise AnalysisError naming every column that `table` lacks."""
    missing = [c for c in dict.fromkeys(columns) if c not in table.columns]
    if missing:
        names = ", ".join(repr(c) for c in missing)
        have = ", ".join(table.columns)
        plural = "s" if len(missing) > 1 else ""
        where = f" ({what})" if what else ""
        raise AnalysisError(
            f"the table has no column{plural} {names}{where}; its columns are: {have}"
        )


def refuse_clashes(table: ir.Table, produced: Iterable[str]) -> None:
    """Raise if the input already has a column a measure would add."""
    # DuckDB and Spark match column names regardless of case: "H" and "h" are one column.
    have = {c.lower() for c in table.columns}
    clash = [c for c in produced if c.lower() in have]
    if clash:
        raise AnalysisError(
            "the table already has columns named "
            + ", ".join(repr(c) for c in clash)
            + "; rename or drop them first"
        )


def ratio(numerator: ir.Value, denominator: ir.Value) -> ir.FloatingValue:
    """numerator / denominator as float64, null when the denominator is 0.

    Both sides are cast to float64 first, so when they are integers below 2**53 the result is
    the correctly rounded value of the exact fraction on every backend (one IEEE division).
    """
    return numerator.cast("float64") / denominator.cast("float64").nullif(0.0)


def weight_of(table: ir.Table, weight_column: str | None) -> ir.NumericValue:
    """The unit weight: the weight column, or 1 for every unit."""
    if weight_column is None:
        return ibis.literal(1, type="int64")
    column = table[weight_column]
    kind = column.type()
    if kind.is_integer():
        return column.cast("int64")
    if kind.is_numeric():
        return column.cast("float64")
    raise AnalysisError(f"the weight column {weight_column!r} must hold numbers, not {kind}")


def count_if(condition: ir.BooleanValue, weight: ir.NumericValue) -> ir.NumericScalar:
    """Sum of `weight` where `condition` is true (a null condition counts as false)."""
    zero = ibis.literal(0, type=weight.type())
    return ibis.ifelse(condition, weight, zero).sum()
