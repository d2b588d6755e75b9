"""Multidimensional poverty (Alkire-Foster), income poverty (FGT), inequality, coverage.

Every measure takes an Ibis table (or a pandas DataFrame, run on DuckDB), has its parameters
set at construction, computes with `.compute(table, by=...)`, and returns lazy Ibis tables
with documented columns (docs/analysis.md). The same code runs on DuckDB, PostgreSQL and
PySpark.
"""

from .._io import read_table, write_table
from ._coverage import Coverage, CoverageResult, IncomeDecile, Scheme, income_decile
from ._income import FGT, FGTResult, Gini, GiniResult, PovertyLines
from ._mpi import MISSING_RULES, AlkireFoster, MPIResult
from ._spec import GLOBAL_MPI, Condition, Dimension, Indicator, MPISpec

__all__ = [
    "FGT",
    "GLOBAL_MPI",
    "MISSING_RULES",
    "AlkireFoster",
    "Condition",
    "Coverage",
    "CoverageResult",
    "Dimension",
    "FGTResult",
    "Gini",
    "GiniResult",
    "IncomeDecile",
    "Indicator",
    "MPIResult",
    "MPISpec",
    "PovertyLines",
    "Scheme",
    "income_decile",
    "read_table",
    "write_table",
]
