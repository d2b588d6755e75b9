"""berdaya.analysis: poverty, coverage and network measures over tables.

No Django here. Measures take Ibis tables (DuckDB embedded, PostgreSQL in place,
PySpark for registries that outgrow one machine) and return tables with
documented columns. Like scikit-learn: parameters at construction, a method
computes, public names are listed in `__all__`, internals live in `_modules`.
"""

from . import network, poverty
from .network import *  # noqa: F403
from .poverty import *  # noqa: F403

__all__ = [*poverty.__all__, *network.__all__]
