"""A copy of the prepared test database, put back after a transactional test flushed it.

Transactional and browser tests flush every table when they end, so the next one used to
rebuild the demo through the services (7-24 s each). Instead the prepared database is
copied once and put back:

* SQLite: the online backup API, into a private in-memory database and back, page by page;
* PostgreSQL: every Django table copied into a schema of its own, put back with one
  TRUNCATE and INSERT ... SELECT per table in one transaction (foreign keys are deferred
  until the commit), then the sequences moved past the copied ids.
"""

from __future__ import annotations

import sqlite3

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

_SCHEMA = "berdaya_test_snapshot"


class DatabaseSnapshot:
    def __init__(self) -> None:
        self._sqlite: sqlite3.Connection | None = None
        self._tables: list[str] = []

    def take(self) -> None:
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            copy = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(copy)
            self._sqlite = copy
        elif connection.vendor == "postgresql":
            tables = sorted(connection.introspection.django_table_names(only_existing=True))
            quote = connection.ops.quote_name
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {_SCHEMA} CASCADE")
                cursor.execute(f"CREATE SCHEMA {_SCHEMA}")
                for table in tables:
                    cursor.execute(f"CREATE TABLE {_SCHEMA}.{quote(table)} AS TABLE {quote(table)}")
            self._tables = tables

    def restore(self) -> bool:
        """Put the copy back; False when there is none or it cannot be restored here."""
        if connection.in_atomic_block:
            # Inside a test's transaction the copy would be rolled back with it.
            return False
        connection.ensure_connection()
        if connection.vendor == "sqlite" and self._sqlite is not None:
            self._sqlite.backup(connection.connection)
            return True
        if connection.vendor == "postgresql" and self._tables:
            quote = connection.ops.quote_name
            names = ", ".join(quote(table) for table in self._tables)
            models = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed]
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
                for table in self._tables:
                    # Names from Django's own introspection, quoted: nothing comes from input.
                    source = f"{_SCHEMA}.{quote(table)}"
                    cursor.execute(f"INSERT INTO {quote(table)} SELECT * FROM {source}")  # noqa: S608
                for statement in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)
            return True
        return False
