"""SQLite, retrying "database is locked" in one place (see `berdaya.core.db`).

SQLite waits `busy_timeout` for a lock by itself; a statement that still finds the
database locked is tried again here, a few times with a bounded backoff — but only
outside a transaction (a BEGIN, or a single statement in autocommit), where trying
again cannot repeat half of something. Inside a transaction the error goes up, the
transaction rolls back, and the page says "busy, try again".
"""

from __future__ import annotations

import sqlite3
import time

from django.db.backends.sqlite3 import base

from berdaya.core.db import backoff, is_busy

ATTEMPTS = 4  # the first try and three more
BACKOFF_CAP = 1.0


class RetryingCursor(base.SQLiteCursorWrapper):
    def execute(self, query, params=None):
        return self._retrying(super().execute, query, params)

    def executemany(self, query, param_list):
        if self.connection.in_transaction:  # no retry: do not materialise a generator
            return super().executemany(query, param_list)
        return self._retrying(super().executemany, query, list(param_list))

    def _retrying(self, method, *args):
        for attempt in range(ATTEMPTS):
            in_transaction = self.connection.in_transaction
            try:
                return method(*args)
            except sqlite3.OperationalError as error:
                if in_transaction or attempt == ATTEMPTS - 1 or not is_busy(error):
                    raise
                time.sleep(backoff(attempt, cap=BACKOFF_CAP))
        return None  # not reached


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name=None):
        return self.connection.cursor(factory=RetryingCursor)
