"""A copy of the prepared test database, put back after a transactional test flushed it.

Transactional and browser tests flush every table when they end, so the next one used to
rebuild the demo through the services (7-24 s each). On SQLite the prepared database is
copied once with SQLite's online backup into a private in-memory database and copied
back, page by page, in about a second. PostgreSQL keeps rebuilding: a copy there would have
to be restored around Django's serialized rollback, which re-inserts content types itself.
"""

from __future__ import annotations

import sqlite3

from django.db import connection


class DatabaseSnapshot:
    def __init__(self) -> None:
        self._copy: sqlite3.Connection | None = None

    @staticmethod
    def _supported() -> bool:
        return connection.vendor == "sqlite"

    def take(self) -> None:
        if not self._supported():
            return
        connection.ensure_connection()
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        self._copy = copy

    def restore(self) -> bool:
        """Put the copy back; False when there is none or it cannot be restored here."""
        if self._copy is None or not self._supported() or connection.in_atomic_block:
            # Inside a test's transaction the copy would be rolled back with it.
            return False
        connection.ensure_connection()
        self._copy.backup(connection.connection)
        return True
