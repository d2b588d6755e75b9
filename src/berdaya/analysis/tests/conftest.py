"""Fixtures for berdaya.analysis: the Ibis backends the library runs on.

* ``duckdb_backend`` — an in-memory DuckDB (the embedded default).
* ``pyspark_backend`` — Spark in local mode (``local[2]``), started once per test run; its
  warehouse and Derby metastore live in a temporary folder, not the working directory.
* ``postgres_backend`` — the PostgreSQL server of CI's PostgreSQL phase (``DATABASE_URL``,
  e.g. ``postgres://root@127.0.0.1:5432/test``). Tables are temporary, with unique names,
  and dropped at the end; Django's own test database is never touched.
* ``ibis_backend`` — parametrised over ``ANALYSIS_BACKENDS``: DuckDB and PySpark always, and
  PostgreSQL when ``DATABASE_URL`` points at PostgreSQL. A test that takes it runs once per
  backend; results must be identical on all of them.

Each of these is a `Backend`: ``.name``, ``.con`` (the Ibis connection) and
``.load(data)`` which puts a pandas DataFrame, a pyarrow Table or an Ibis memtable into the
backend as a new table and returns it as an Ibis table bound to that backend.
"""

from __future__ import annotations

import itertools
import logging
import os
import uuid
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
import pytest

POSTGRES_URL = os.environ.get("DATABASE_URL", "")
ANALYSIS_BACKENDS = ["duckdb", "pyspark"] + (
    ["postgres"] if POSTGRES_URL.startswith(("postgres://", "postgresql://")) else []
)


@dataclass
class Backend:
    """An Ibis backend for tests, and the scratch tables made in it."""

    name: str
    con: Any
    created: list[str] = field(default_factory=list)
    _numbers: Any = field(default_factory=itertools.count)

    def load(self, data: Any, *, schema: Any = None) -> ir.Table:
        """`data` (DataFrame, pyarrow Table, dict of columns or memtable) as a table here."""
        table = data if isinstance(data, ir.Table) else ibis.memtable(data, schema=schema)
        name = f"berdaya_test_{uuid.uuid4().hex[:8]}_{next(self._numbers)}"
        if self.name == "pyspark":
            loaded = self.con.create_view(name, table)  # a temporary view, in memory
        else:
            loaded = self.con.create_table(name, table, temp=True)
        self.created.append(name)
        return loaded

    def drop_all(self) -> None:
        for name in self.created:
            if self.name == "pyspark":
                self.con.drop_view(name, force=True)
            else:
                self.con.drop_table(name, force=True)
        self.created.clear()


def pytest_collection_modifyitems(items):
    # PySpark 4.0 calls pandas 3's deprecated `astype(copy=...)`: harmless noise here.
    for item in items:
        if "pyspark" in item.nodeid or "ibis_backend" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning"))


@pytest.fixture(scope="session")
def duckdb_backend():
    backend = Backend("duckdb", ibis.duckdb.connect())
    yield backend
    backend.drop_all()
    backend.con.disconnect()


@pytest.fixture(scope="session")
def spark_session(tmp_path_factory):
    """A local Spark session for the whole run (about 10 s to start).

    Tuned for tiny test tables, where compiling is the cost, not computing: no generated
    code (Janino compiles each big expression for seconds), no adaptive re-planning, and
    the JVM's quick C1 compiler only. Production clusters keep Spark's defaults.
    """
    from pyspark.sql import SparkSession

    logging.getLogger("py4j").setLevel(logging.WARNING)  # no chatter at interpreter exit
    home = tmp_path_factory.mktemp("spark")
    java_options = f"-Dderby.system.home={home / 'derby'} -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
    session = (
        SparkSession.builder.master("local[2]")
        .appName("berdaya-analysis-tests")
        .config("spark.sql.warehouse.dir", str(home / "warehouse"))
        .config("spark.driver.extraJavaOptions", java_options)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
        .config("spark.sql.adaptive.enabled", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def pyspark_backend(spark_session):
    backend = Backend("pyspark", ibis.pyspark.connect(spark_session))
    yield backend
    backend.drop_all()


@pytest.fixture(scope="session")
def postgres_backend():
    if not POSTGRES_URL.startswith(("postgres://", "postgresql://")):
        pytest.fail("postgres_backend needs DATABASE_URL=postgres://... (CI's PostgreSQL phase)")
    con = ibis.connect(POSTGRES_URL.replace("postgresql://", "postgres://", 1))
    backend = Backend("postgres", con)
    yield backend
    backend.drop_all()
    con.disconnect()


@pytest.fixture(scope="session", params=ANALYSIS_BACKENDS)
def ibis_backend(request) -> Backend:
    """Each backend in turn (see the module docstring)."""
    return request.getfixturevalue(f"{request.param}_backend")
